//! A full-size `Mlp<784, 128, 10>` trained on the heap (`boxed_*` constructors) inside a
//! thread with a small 2 MiB stack: no stack overflow, and the loss goes down.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use ctensor::{
    Adam, Batch, Label, Loss, Matrix, Mlp, Momentum, Optimizer, Targets, TrainConfig, Workspace,
    uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

const D: usize = 784;
const H: usize = 128;
const K: usize = 10;
const B: usize = 32;

/// Trains a boxed `Mlp<784, 128, 10>` for `steps` steps with `opt` on one synthetic batch
/// (class `c` lights up pixels `c * 78 ..`), in a thread with a 2 MiB stack; returns the
/// losses.
fn train_in_small_stack<O>(make_opt: fn() -> Box<O>, steps: usize) -> Vec<f32>
where
    O: Optimizer<D, H, K, f32> + 'static,
{
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let mut rng = StdRng::seed_from_u64(784);
            let mut net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
            let mut ws = Workspace::<B, D, H, K>::boxed_zeros();
            let mut opt = make_opt();
            let mut x = Box::new(Matrix::<B, D>::zeros());
            let labels: [Label<K>; B] = core::array::from_fn(|i| Label::new(i % K).unwrap());
            x.fill_with(|r, c| {
                let on = c / 78 == labels[r].get();
                let noise = 0.1 * uniform01(&mut rng) as f32;
                if on { 1.0 + noise } else { noise }
            });
            let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
            let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
            let mut losses = Vec::new();
            for _ in 0..steps {
                let stats = net
                    .train_step(&batch, &cfg, &mut ws, &mut *opt, &mut rng)
                    .unwrap();
                losses.push(stats.loss);
            }
            // Inference on the trained model works from the small stack too.
            let mut logits = Box::new(Matrix::<B, K>::zeros());
            let mut hidden = Box::new(Matrix::<B, H>::zeros());
            net.forward_into(&x, &mut hidden, &mut logits);
            assert!(logits.is_finite());
            assert!(net.classify(&x[0]).is_ok());
            losses
        })
        .expect("spawn")
        .join()
        .expect("training thread panicked (stack overflow aborts the process instead)")
}

fn assert_decreasing(name: &str, losses: &[f32]) {
    assert!(losses.iter().all(|l| l.is_finite()), "{name}: {losses:?}");
    // 10 balanced classes at Glorot init: about ln 10.
    assert!(
        (losses[0] - 10.0_f32.ln()).abs() < 1.0,
        "{name}: {losses:?}"
    );
    for w in losses.windows(2) {
        assert!(w[1] < w[0], "{name}: loss did not decrease: {losses:?}");
    }
}

#[test]
fn adam_trains_a_784_128_10_model_on_the_heap() {
    let losses = train_in_small_stack(|| Adam::<D, H, K>::boxed(1e-3).unwrap(), 3);
    assert_decreasing("adam", &losses);
}

#[test]
fn momentum_trains_a_784_128_10_model_on_the_heap() {
    let losses = train_in_small_stack(|| Momentum::<D, H, K>::boxed(0.05, 0.9).unwrap(), 3);
    assert_decreasing("momentum", &losses);
}

#[test]
fn boxed_constructors_match_stack_ones_in_small_shapes() {
    // The heap builders produce what the plain constructors do.
    let a = Adam::<4, 3, 2, f64>::boxed(0.01).unwrap();
    let m = Momentum::<4, 3, 2, f64>::boxed(0.01, 0.5).unwrap();
    assert_eq!(a.steps(), 0);
    let mut n1 = Mlp::<4, 3, 2, f64>::glorot(&mut StdRng::seed_from_u64(1));
    let mut n2 = n1.clone();
    let mut g = ctensor::Gradients::<4, 3, 2, f64>::zeros();
    g.w1[(1, 2)] = 0.5;
    g.b2[1] = -2.0;
    let (mut a_box, mut a_stack) = (a, Adam::<4, 3, 2, f64>::new(0.01).unwrap());
    a_box.update(&mut n1, &g).unwrap();
    a_stack.update(&mut n2, &g).unwrap();
    assert_eq!(n1, n2);
    let (mut m_box, mut m_stack) = (m, Momentum::<4, 3, 2, f64>::new(0.01, 0.5).unwrap());
    m_box.update(&mut n1, &g).unwrap();
    m_stack.update(&mut n2, &g).unwrap();
    m_box.update(&mut n1, &g).unwrap();
    m_stack.update(&mut n2, &g).unwrap();
    assert_eq!(n1, n2);
}
