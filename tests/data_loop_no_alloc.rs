//! The epoch loop, the shuffle and split, the metrics, target scaling and schedules use no
//! heap: a counting global allocator sees no allocation in a whole training run over a
//! [`Loader`] once the data and buffers exist (as on a microcontroller without a heap).
// Counting needs `std`'s thread-locals and `System` allocator.
#![cfg(feature = "std")]

use ctensor::data::{Loader, TargetScaler, shuffle, train_test_split};
use ctensor::{Adam, Label, Loss, LrSchedule, Matrix, Mlp, TrainConfig, Workspace, metrics};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

#[test]
fn the_counter_counts() {
    assert!(allocations(|| drop(std::hint::black_box(vec![1_u8; 10]))) > 0);
}

#[test]
fn a_training_run_over_a_loader_does_not_allocate() {
    const N: usize = 50;
    let features: [[f32; 2]; N] = core::array::from_fn(|i| [(i % 5) as f32, (i % 7) as f32]);
    let labels: [Label<2>; N] = core::array::from_fn(|i| Label::new_const(usize::from(i % 5 > 1)));
    let mut targets: [f32; N] = core::array::from_fn(|i| i as f32);
    let mut rng = StdRng::seed_from_u64(0);
    let mut net = Mlp::<2, 8, 2>::glorot(&mut rng);
    let mut ws = Workspace::<8, 2, 8, 2>::zeros();
    let mut adam = Adam::new(0.01).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (mut order, mut x, mut y) = ([0; N], Matrix::<8, 2>::zeros(), [Label::new_const(0); 8]);
    let mut predicted = [Label::new_const(0); N];
    let mut split = [0; N];
    let mut accuracy = 0.0;
    let n = allocations(|| {
        let schedule = LrSchedule::cosine(0.01, 1e-4, 20).unwrap().with_warmup(2);
        let mut loader = Loader::classes(&features, &labels, &mut order, &mut x, &mut y).unwrap();
        for epoch in 0..20 {
            adam.set_learning_rate(schedule.rate(epoch)).unwrap();
            let mut batches = loader.epoch(&mut rng);
            while let Some(batch) = batches.next_batch().unwrap() {
                net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)
                    .unwrap();
            }
        }
        for (p, x) in predicted.iter_mut().zip(&features) {
            *p = net.classify(x).unwrap();
        }
        accuracy = metrics::accuracy(&predicted, &labels).unwrap();
        let _ = metrics::confusion_matrix(&predicted, &labels).unwrap();
        let _ = train_test_split(&mut split, 0.2, &mut rng).unwrap();
        shuffle(&mut split, &mut rng);
        let scaler = TargetScaler::fit(&targets).unwrap();
        scaler.apply(&mut targets).unwrap();
        let _ = scaler.invert(targets[0]).unwrap();
        let _ = metrics::r_squared(&targets, &targets).unwrap();
    });
    assert_eq!(n, 0, "the loop allocated {n} times");
    assert!(accuracy > 0.9, "and it learned: accuracy {accuracy}");
}
