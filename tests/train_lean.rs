//! `Mlp::train_step_lean` against `Mlp::train_step` with `Sgd` (the existing step): the same
//! losses and weights (to rounding: the existing step sums its batched products in blocks
//! whose shape depends on the target; bit for bit where those blocks sum in order), the same
//! random draws, the same errors, and an `Err` changes nothing. Shapes with every remainder:
//! primes, 1, partial batches.

use ctensor::{
    Batch, Dropout, Error, L2, Label, LabelSmoothing, LeanWorkspace, Loss, Matrix, Mlp, Scalar,
    Sgd, Targets, TrainConfig, Workspace,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Largest difference, relative to the largest magnitude of the tensor, between two nets.
fn max_rel_diff<const D: usize, const H: usize, const K: usize, T: Scalar>(
    a: &Mlp<D, H, K, T>,
    b: &Mlp<D, H, K, T>,
) -> f64 {
    let mut worst = 0.0f64;
    for (x, y) in a.tensors().into_iter().zip(b.tensors()) {
        let scale = y.iter().fold(1e-3f64, |m, v| m.max(v.as_f64().abs()));
        for (x, y) in x.iter().zip(y) {
            worst = worst.max((x.as_f64() - y.as_f64()).abs() / scale);
        }
    }
    worst
}

fn bits<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Vec<u64> {
    net.tensors()
        .iter()
        .flat_map(|t| t.iter().map(|&x| x.as_f64().to_bits()))
        .collect()
}

/// Runs `steps` steps of both on the same batch from the same start and generator state;
/// returns the two nets and the largest relative difference of the losses.
#[allow(clippy::type_complexity)]
fn run<const B: usize, const D: usize, const H: usize, const K: usize, T: Scalar>(
    seed: u64,
    len: usize,
    cfg: TrainConfig,
    steps: usize,
) -> (Mlp<D, H, K, T>, Mlp<D, H, K, T>, f64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Mlp::<D, H, K, T>::glorot(&mut rng);
    let x = Matrix::<B, D, T>::from_fn(|_, _| T::from_f64(rng.random_range(-2.0..2.0)));
    let labels: [Label<K>; B] =
        core::array::from_fn(|_| Label::new(rng.random_range(0..K)).expect("a label below K"));
    let values = Matrix::<B, K, T>::from_fn(|_, _| T::from_f64(rng.random_range(0.0..1.0)));
    let targets = match cfg.loss {
        Loss::SoftmaxCrossEntropy => Targets::Classes(&labels),
        _ => Targets::Values(&values),
    };
    let batch = Batch::partial(&x, targets, len).expect("a valid batch");
    let sgd = Sgd::new(0.3).expect("a valid rate");
    let (mut full, mut lean) = (start.clone(), start);
    let mut ws = Box::new(Workspace::<B, D, H, K, T>::zeros());
    let mut lws = Box::new(LeanWorkspace::<B, H, K, T>::zeros());
    let (mut rng_a, mut rng_b) = (
        StdRng::seed_from_u64(seed + 1),
        StdRng::seed_from_u64(seed + 1),
    );
    let mut worst_loss = 0.0f64;
    for _ in 0..steps {
        let a = full
            .train_step(&batch, &cfg, &mut ws, &mut sgd.clone(), &mut rng_a)
            .expect("a finite step");
        let b = lean
            .train_step_lean(&batch, &cfg, &mut lws, &sgd, &mut rng_b)
            .expect("a finite step");
        worst_loss = worst_loss.max((a.loss.as_f64() - b.loss.as_f64()).abs() / a.loss.as_f64());
        assert_eq!(b.penalty, T::ZERO);
    }
    // The same number of draws: the generators are in the same state.
    assert_eq!(rng_a.random::<u64>(), rng_b.random::<u64>());
    (full, lean, worst_loss)
}

fn configs() -> [TrainConfig; 5] {
    let drop = Dropout::new(0.25).expect("a valid rate");
    let smooth = LabelSmoothing::new(0.1).expect("a valid alpha");
    [
        TrainConfig::new(Loss::SoftmaxCrossEntropy),
        TrainConfig::new(Loss::SoftmaxCrossEntropy).with_dropout(drop),
        TrainConfig::new(Loss::SoftmaxCrossEntropy).with_label_smoothing(smooth),
        TrainConfig::new(Loss::SigmoidCrossEntropy).with_dropout(drop),
        TrainConfig::new(Loss::MeanSquaredError),
    ]
}

/// Every remainder of rows, columns and outputs, full and partial batches, `f32` and `f64`.
#[test]
fn lean_step_equals_the_existing_step() {
    for (i, cfg) in configs().into_iter().enumerate() {
        let seed = 10 + i as u64;
        for len in [1, 4, 7] {
            let (a, b, l) = run::<7, 13, 11, 5, f32>(seed, len, cfg, 5);
            let w = max_rel_diff(&a, &b);
            assert!(
                w < 1e-5 && l < 1e-5,
                "f32 13-11-5, len {len}, {cfg:?}: {w:e} {l:e}"
            );
            let (a, b, l) = run::<7, 13, 11, 5, f64>(seed, len, cfg, 5);
            let w = max_rel_diff(&a, &b);
            assert!(
                w < 1e-13 && l < 1e-13,
                "f64 13-11-5, len {len}, {cfg:?}: {w:e} {l:e}"
            );
        }
        let (a, b, l) = run::<1, 1, 1, 1, f32>(seed, 1, cfg, 3);
        assert!(max_rel_diff(&a, &b) < 1e-6 && l < 1e-6, "1-1-1, {cfg:?}");
        let (a, b, l) = run::<8, 64, 32, 10, f32>(seed, 8, cfg, 4);
        let w = max_rel_diff(&a, &b);
        assert!(w < 1e-5 && l < 1e-5, "64-32-10, {cfg:?}: {w:e} {l:e}");
        let (a, b, l) = run::<17, 3, 2, 2, f64>(seed, 16, cfg, 4);
        assert!(max_rel_diff(&a, &b) < 1e-13 && l < 1e-13, "3-2-2, {cfg:?}");
    }
}

/// Without `std` (the portable kernels, one partial sum per element) and where every block of
/// the existing step's products sums in order (`B = 6`, `D % 6` and `H % 6` in {0, 4, 5} on
/// x86-64, 6-row blocks), the two steps give the same bits.
#[cfg(all(not(feature = "std"), target_arch = "x86_64"))]
#[test]
fn lean_step_is_bit_identical_where_the_existing_step_sums_in_order() {
    for (i, cfg) in configs().into_iter().enumerate() {
        let (a, b, _) = run::<6, 12, 10, 3, f32>(20 + i as u64, 6, cfg, 5);
        assert_eq!(bits(&a), bits(&b), "f32, {cfg:?}");
        let (a, b, _) = run::<6, 10, 4, 7, f64>(30 + i as u64, 6, cfg, 5);
        assert_eq!(bits(&a), bits(&b), "f64, {cfg:?}");
    }
}

/// The errors of the existing step, in its order, and an `Err` changes nothing.
#[test]
fn lean_step_errors_and_changes_nothing() {
    let mut rng = StdRng::seed_from_u64(3);
    let start = Mlp::<3, 4, 2>::glorot(&mut rng);
    let x = Matrix::<2, 3>::from_array([[1.0, -1.0, 0.5], [0.0, 2.0, -2.0]]);
    let labels = [Label::new(0).expect("0 < 2"), Label::new(1).expect("1 < 2")];
    let batch = Batch::new(&x, Targets::Classes(&labels)).expect("a valid batch");
    let sgd = Sgd::new(0.1).expect("a valid rate");
    let mut ws = LeanWorkspace::zeros();
    let cases: [(TrainConfig, Mlp<3, 4, 2>, Error); 3] = [
        (
            TrainConfig::new(Loss::SoftmaxCrossEntropy).with_l2(L2::new(1e-3).expect("valid")),
            start.clone(),
            Error::InvalidHyperParameter {
                name: "L2 coefficient",
                value: 1e-3,
                expected: "0 in the lean step (Mlp::train_step has L2)",
            },
        ),
        (
            TrainConfig::new(Loss::SoftmaxCrossEntropy),
            Mlp {
                b2: ctensor::Vector::from_array([f32::INFINITY, 0.0]),
                ..start.clone()
            },
            Error::NonFiniteLoss,
        ),
        (
            TrainConfig::new(Loss::SoftmaxCrossEntropy),
            Mlp {
                b1: ctensor::Vector::from_array([f32::MAX; 4]),
                ..start.clone()
            },
            Error::NonFiniteLoss, // the hidden layer overflows
        ),
    ];
    for (cfg, net, want) in cases {
        let mut lean = net.clone();
        let got = lean.train_step_lean(&batch, &cfg, &mut ws, &sgd, &mut rng);
        assert_eq!(got, Err(want), "{cfg:?}");
        assert_eq!(bits(&lean), bits(&net));
        if cfg.l2.lambda() == 0.0 {
            let mut full = net.clone();
            let mut fws = Workspace::zeros();
            let existing = full.train_step(&batch, &cfg, &mut fws, &mut sgd.clone(), &mut rng);
            assert_eq!(existing, got, "the existing step's error");
        }
    }
}

/// Inputs so large that `X^T dZ1` overflows: the bound fails, the checking pass finds the
/// non-finite gradient (as the existing step does), and nothing changes. Then inputs large
/// enough to fail the bound but with finite gradients: the checking pass, then the same
/// update as the existing step.
#[test]
fn lean_step_without_the_bound_checks_every_gradient() {
    let mut rng = StdRng::seed_from_u64(4);
    let start = Mlp::<3, 4, 2>::glorot(&mut rng);
    let sgd = Sgd::new(1e-30).expect("a valid rate");
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    for scale in [3e38f32, 1e35, 1e30] {
        let x = Matrix::<2, 3>::from_array([[scale, -scale, 0.5], [0.0, scale, -1.0]]);
        let g = Matrix::<2, 2>::from_array([[0.0, 1.0], [1.0, 0.0]]);
        let batch = Batch::new(&x, Targets::Values(&g)).expect("finite inputs");
        let (mut full, mut lean) = (start.clone(), start.clone());
        let a = full.train_step(
            &batch,
            &cfg,
            &mut Workspace::zeros(),
            &mut sgd.clone(),
            &mut rng,
        );
        let b = lean.train_step_lean(&batch, &cfg, &mut LeanWorkspace::zeros(), &sgd, &mut rng);
        match (a, b.clone()) {
            (Ok(a), Ok(b)) => assert!((a.loss - b.loss).abs() <= 1e-5 * a.loss, "{scale:e}"),
            (a, b) => assert_eq!(a, b, "scale {scale:e}"),
        }
        assert!(max_rel_diff(&full, &lean) < 1e-6, "scale {scale:e}");
        if b.is_err() {
            assert_eq!(bits(&lean), bits(&start));
        }
    }
}
