//! The epoch loop, the shuffle and split, the metrics, target scaling and schedules use no
//! heap: a counting global allocator sees no allocation in a whole training run over a
//! [`Loader`] once the data and buffers exist (as on a microcontroller without a heap).
// Counting needs `std`'s thread-locals and `System` allocator.
#![cfg(feature = "std")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ctensor::data::{Loader, TargetScaler, shuffle, train_test_split};
use ctensor::{Adam, Label, Loss, LrSchedule, Matrix, Mlp, TrainConfig, Workspace, metrics};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Counts the allocations made by the current thread (tests run in parallel threads).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread-local may already be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded contract.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

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
