//! Training steps and inference never touch the heap: a counting global allocator sees zero
//! allocations once the model, the workspace and the optimizer exist.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use ctensor::{
    Adam, Batch, Dropout, L2, Label, Loss, Matrix, Mlp, Momentum, Optimizer, Sgd, Targets,
    TrainConfig, Workspace,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

const D: usize = 784;
const H: usize = 128;
const K: usize = 10;

/// Steps of a 784-128-10 network at batch size `B` with optimizer `opt` and config `cfg`:
/// none may allocate (the first step included: nothing is set up lazily).
fn steps_do_not_allocate<const B: usize, O: Optimizer<D, H, K, f32> + ?Sized>(
    opt: &mut O,
    cfg: &TrainConfig,
) {
    let mut rng = StdRng::seed_from_u64(B as u64);
    let mut net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
    let mut ws = Workspace::<B, D, H, K>::boxed_zeros();
    let mut x: Box<Matrix<B, D>> = bytemuck::zeroed_box();
    for (i, v) in x.as_flattened_mut().iter_mut().enumerate() {
        *v = ((i * 37) % 101) as f32 / 101.0;
    }
    let labels: Box<[Label<K>; B]> = Box::new(core::array::from_fn(|i| Label::new(i % K).unwrap()));
    let n = allocations(|| {
        for _ in 0..3 {
            let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
            net.train_step(&batch, cfg, &mut ws, opt, &mut rng).unwrap();
        }
    });
    assert_eq!(n, 0, "B = {B}: training steps allocated {n} times");
}

#[test]
fn the_counter_counts() {
    assert!(allocations(|| drop(std::hint::black_box(vec![1_u8; 10]))) > 0);
}

#[test]
fn training_steps_do_not_allocate() {
    let plain = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let regularized = plain
        .with_l2(L2::new(1e-4).unwrap())
        .with_dropout(Dropout::new(0.2).unwrap());
    let mut sgd = Sgd::new(0.01).unwrap();
    steps_do_not_allocate::<1, _>(&mut sgd, &plain);
    steps_do_not_allocate::<32, _>(&mut sgd, &plain);
    steps_do_not_allocate::<128, _>(&mut sgd, &plain);
    steps_do_not_allocate::<32, _>(&mut sgd, &regularized);
    let mut momentum = Momentum::<D, H, K>::boxed(0.01, 0.9).unwrap();
    steps_do_not_allocate::<32, _>(&mut *momentum, &regularized);
    let mut adam = Adam::<D, H, K>::boxed(1e-3).unwrap();
    steps_do_not_allocate::<1, _>(&mut *adam, &plain);
    steps_do_not_allocate::<64, _>(&mut *adam, &plain);
}

#[test]
fn inference_does_not_allocate() {
    let mut rng = StdRng::seed_from_u64(1);
    let net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
    let x: Box<[f32; D]> = Box::new(core::array::from_fn(|i| (i % 7) as f32 / 7.0));
    let mut batch: Box<Matrix<16, D>> = bytemuck::zeroed_box();
    let mut hidden: Box<Matrix<16, H>> = bytemuck::zeroed_box();
    let mut logits: Box<Matrix<16, K>> = bytemuck::zeroed_box();
    batch[3] = *x;
    let mut out = [0.0; K];
    let n = allocations(|| {
        out = net.logits(&x);
        let _ = net.classify(&x).unwrap();
        let _ = net.probabilities(&x);
        net.forward_into(&batch, &mut hidden, &mut logits);
    });
    assert_eq!(n, 0, "inference allocated {n} times");
    // The batched forward pass agrees with the one-sample one (up to rounding).
    for (a, b) in logits[3].iter().zip(&out) {
        assert!((a - b).abs() <= 1e-5 * (1.0 + b.abs()), "{a} vs {b}");
    }
}

/// Networks of any depth (issue 8): training steps with every optimizer, and inference, of
/// a `Seq` do not allocate either.
#[test]
fn deep_network_steps_and_inference_do_not_allocate() {
    use ctensor::{AdamOf, Dense, DropoutLayer, MomentumOf, Relu, Seq, SeqWorkspace};
    type Layers = (
        Dense<64, 64>,
        Relu<64>,
        DropoutLayer<64>,
        Dense<64, 32>,
        Relu<32>,
        Dense<32, 10>,
    );
    let mut rng = StdRng::seed_from_u64(8);
    let mut net = Seq::<Layers>::boxed_glorot(&mut rng);
    let mut ws = SeqWorkspace::<Layers, 32>::boxed_zeros();
    let mut adam = AdamOf::<Layers>::boxed(1e-3).unwrap();
    let mut momentum = MomentumOf::<Layers>::boxed(0.01, 0.9).unwrap();
    let mut sgd = Sgd::new(0.01).unwrap();
    let mut x: Box<Matrix<32, 64>> = bytemuck::zeroed_box();
    x.fill_with(|r, c| ((r * 64 + c) % 13) as f32 / 13.0);
    let labels: [Label<10>; 32] = core::array::from_fn(|i| Label::new(i % 10).unwrap());
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_l2(L2::new(1e-4).unwrap())
        .with_dropout(Dropout::new(0.2).unwrap());
    let mut scratch = Seq::<Layers>::boxed_scratch::<32>();
    let mut out: Box<Matrix<32, 10>> = bytemuck::zeroed_box();
    let n = allocations(|| {
        for len in [32, 7] {
            let batch = Batch::partial(&x, Targets::Classes(&labels), len).unwrap();
            net.train_step(&batch, &cfg, &mut ws, &mut *adam, &mut rng)
                .unwrap();
            net.train_step(&batch, &cfg, &mut ws, &mut *momentum, &mut rng)
                .unwrap();
            net.train_step(&batch, &cfg, &mut ws, &mut sgd, &mut rng)
                .unwrap();
        }
        net.forward_into(&x, &mut out, &mut scratch);
        let _ = net.classify(&x[0]).unwrap();
    });
    assert_eq!(
        n, 0,
        "deep training steps and inference allocated {n} times"
    );
}
