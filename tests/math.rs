//! The math of DESIGN.md section 1, checked on exact values: losses at extreme logits,
//! Glorot statistics, dropout, one optimizer step worked out by hand, label smoothing, and
//! the matrix products against naive loops.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use ctensor::kernels;
use ctensor::{
    Adam, Batch, Dropout, Gradients, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, Momentum,
    Optimizer, Scalar, Sgd, Targets, TrainConfig, Vector, Workspace, glorot_bound, glorot_uniform,
    log_softmax, logsumexp, nll, sigmoid, sigmoid_bce, sigmoid_bce_one, softmax,
    softmax_cross_entropy, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

// ---------------------------------------------------------------------------------------
// Losses and activations at extreme logits.

fn softmax_ce_extremes<T: Scalar>() {
    let z = [T::from_f64(1000.0), T::from_f64(-1000.0)];
    let right = softmax_cross_entropy(&z, &[T::ONE, T::ZERO]);
    assert_eq!(right.loss, T::ZERO);
    assert_eq!(right.grad, [T::ZERO, T::ZERO]);
    let wrong = softmax_cross_entropy(&z, &[T::ZERO, T::ONE]);
    assert_eq!(wrong.loss, T::from_f64(2000.0));
    assert_eq!(wrong.grad, [T::ONE, -T::ONE]);
    // NLL is the same with class labels.
    assert_eq!(nll(&z, Label::new(0).unwrap()), right);
    assert_eq!(nll(&z, Label::new(1).unwrap()), wrong);
    // Through `Loss`, too.
    assert_eq!(
        Loss::SoftmaxCrossEntropy.evaluate(&z, &[T::ZERO, T::ONE]),
        wrong
    );
    // Half and half: 1000 (one logit is 2000 below the log-sum-exp... averaged).
    let half = T::from_f64(0.5);
    let mixed = softmax_cross_entropy(&z, &[half, half]);
    assert_eq!(mixed.loss, T::from_f64(1000.0));
    assert_eq!(mixed.grad, [half, -half]);
}

#[test]
fn softmax_cross_entropy_is_exact_at_extreme_logits() {
    softmax_ce_extremes::<f32>();
    softmax_ce_extremes::<f64>();
}

/// In f32, log-softmax and softmax cross-entropy at large logits are accurate relative to
/// their result (computed from the shifted logits), not to the logits: at `[1000; 3]` the
/// loss was 1.0986328 instead of ln 3 = 1.0986123 when computed as `z - logsumexp(z)`.
#[test]
fn f32_softmax_precision_is_relative_to_the_result_at_large_logits() {
    let cases: [[f32; 3]; 5] = [
        [1000.0, 1000.0, 1000.0],
        [1000.0, 999.0, 998.0],
        [-1000.0, -1000.5, -999.25],
        [3.0e5, 3.0e5, 3.0e5 - 1.0],
        [0.1, 0.2, 0.3],
    ];
    for z in cases {
        let z64 = z.map(f64::from);
        let exact_lp = ctensor::log_softmax(&z64);
        let lp = ctensor::log_softmax(&z);
        for (a, e) in lp.iter().zip(exact_lp) {
            let err = (f64::from(*a) - e).abs();
            assert!(
                err <= 2.0 * f64::from(f32::EPSILON) * e.abs().max(1.0),
                "{z:?}: {a} vs {e}"
            );
        }
        for t in 0..3 {
            let g: [f32; 3] = core::array::from_fn(|i| if i == t { 1.0 } else { 0.0 });
            let lg = softmax_cross_entropy(&z, &g);
            let exact = softmax_cross_entropy(&z64, &g.map(f64::from));
            let rel = (f64::from(lg.loss) - exact.loss).abs() / exact.loss;
            assert!(
                rel < 4e-7,
                "{z:?} class {t}: loss {} vs {}",
                lg.loss,
                exact.loss
            );
            for (d, e) in lg.grad.iter().zip(exact.grad) {
                assert!(
                    (f64::from(*d) - e).abs() < 2e-7,
                    "{z:?} class {t}: grad {d} vs {e}"
                );
            }
        }
    }
    let lg = softmax_cross_entropy(&[1000.0_f32; 3], &[1.0, 0.0, 0.0]);
    assert_eq!(lg.loss, 3.0_f32.ln());
}

fn activations_extremes<T: Scalar>() {
    let t = T::from_f64;
    // +-1000
    let z = [t(1000.0), t(-1000.0)];
    assert_eq!(logsumexp(&z), t(1000.0));
    assert_eq!(log_softmax(&z), [T::ZERO, t(-2000.0)]);
    assert_eq!(softmax(&z), [T::ONE, T::ZERO]);
    let z = [t(-1000.0), t(-1000.0) - t(5.0)];
    let lse = logsumexp(&z);
    assert!(lse.is_finite());
    let expect = -1000.0 + (1.0 + (-5.0_f64).exp()).ln();
    assert!((lse.as_f64() - expect).abs() <= 1000.0 * T::epsilon().as_f64());
    // All equal, large: exactly uniform.
    for big in [1000.0, -1000.0, 1e30] {
        let z = [t(big); 4];
        let p = softmax(&z);
        assert_eq!(p, [t(0.25); 4], "softmax of all {big}");
        let lse = logsumexp(&z);
        let want = t(big) + t(4.0_f64.ln());
        assert_eq!(lse, want, "logsumexp of all {big}");
        for lp in log_softmax(&z) {
            assert!(lp.is_finite());
            if big.abs() <= 1000.0 {
                assert!((lp.as_f64() + 4.0_f64.ln()).abs() < 1e-3, "{lp}");
            }
        }
        let g = [t(0.25); 4];
        let lg = softmax_cross_entropy(&z, &g);
        assert!(lg.loss.is_finite());
        assert!(lg.grad.iter().all(|d| d.is_finite()));
    }
    // Sigmoid saturates without NaN.
    assert_eq!(sigmoid(t(1000.0)), T::ONE);
    assert_eq!(sigmoid(t(-1000.0)), T::ZERO);
    assert_eq!(sigmoid(T::ZERO), t(0.5));
}

#[test]
fn activations_are_stable_at_extremes() {
    activations_extremes::<f32>();
    activations_extremes::<f64>();
}

fn bce_extremes<T: Scalar>() {
    let t = T::from_f64;
    let tiny = (-100.0_f64).exp(); // 3.72e-44
    // L(100, 0) = 100, gradient 1.
    assert_eq!(sigmoid_bce_one(t(100.0), T::ZERO), (t(100.0), T::ONE));
    // L(-100, 1) = 100, gradient -1.
    assert_eq!(sigmoid_bce_one(t(-100.0), T::ONE), (t(100.0), -T::ONE));
    // L(100, 1) = ln(1 + e^-100) ~ 3.7e-44: finite, tiny, non-negative; gradient ~ -e^-100.
    let (l, d) = sigmoid_bce_one(t(100.0), T::ONE);
    assert!(l.is_finite() && l >= T::ZERO);
    assert!((l.as_f64() - tiny).abs() <= 0.05 * tiny, "L(100, 1) = {l}");
    assert!(
        (d.as_f64() + tiny).abs() <= 1.01 * tiny,
        "dL/dz(100, 1) = {d}"
    );
    // L(-100, 0) = ln(1 + e^-100) too; gradient sigma(-100) ~ e^-100.
    let (l, d) = sigmoid_bce_one(t(-100.0), T::ZERO);
    assert!((l.as_f64() - tiny).abs() <= 0.05 * tiny, "L(-100, 0) = {l}");
    assert!(
        (d.as_f64() - tiny).abs() <= 0.05 * tiny,
        "dL/dz(-100, 0) = {d}"
    );
    // z = 0, g = 1/2: ln 2, gradient 0.
    let (l, d) = sigmoid_bce_one(T::ZERO, t(0.5));
    assert!((l.as_f64() - 2.0_f64.ln()).abs() <= 2.0 * T::epsilon().as_f64());
    assert_eq!(d, T::ZERO);
    // The mean over outputs.
    let lg = sigmoid_bce(&[t(100.0), t(-100.0)], &[T::ZERO, T::ONE]);
    assert_eq!(lg.loss, t(100.0));
    assert_eq!(lg.grad, [t(0.5), t(-0.5)]);
    // Matches the naive formula where the naive formula is safe.
    for (z, g) in [(2.5, 0.3), (-4.0, 0.9), (0.1, 1.0)] {
        let o = 1.0 / (1.0 + (-z).exp());
        let naive = -(g * o.ln() + (1.0 - g) * (1.0 - o).ln());
        let (l, d) = sigmoid_bce_one(t(z), t(g));
        assert!(
            (l.as_f64() - naive).abs() <= 1e-5 * naive.max(1.0),
            "{z} {g}"
        );
        assert!((d.as_f64() - (o - g)).abs() <= 1e-6);
    }
}

#[test]
fn sigmoid_bce_is_exact_at_plus_minus_100() {
    bce_extremes::<f32>();
    bce_extremes::<f64>();
}

#[test]
fn mse_definition() {
    let lg = ctensor::mse(&[1.0_f64, -2.0, 0.5], &[0.0, 1.0, 0.5]);
    assert_eq!(lg.loss, (1.0 + 9.0 + 0.0) / 3.0);
    assert_eq!(lg.grad, [2.0 / 3.0, -2.0, 0.0]);
    let one = ctensor::mse(&[3.0_f32], &[1.0]);
    assert_eq!((one.loss, one.grad), (4.0, [4.0]));
}

// ---------------------------------------------------------------------------------------
// Glorot initialization.

fn moments(xs: &[f32]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let var = xs
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var)
}

#[test]
fn glorot_bounds_variance_mean_and_zero_biases() {
    let mut rng = StdRng::seed_from_u64(2024);
    let net = Mlp::<784, 128, 10>::boxed_glorot(&mut rng);
    let b1 = glorot_bound(784, 128);
    let b2 = glorot_bound(128, 10);
    assert_eq!(b1, (6.0_f64 / 912.0).sqrt());
    assert_eq!(b2, (6.0_f64 / 138.0).sqrt());
    assert!(net.w1.as_flattened().iter().all(|w| w.abs() <= b1 as f32));
    assert!(net.w2.as_flattened().iter().all(|w| w.abs() <= b2 as f32));
    assert!(net.b1.iter().all(|&b| b == 0.0));
    assert!(net.b2.iter().all(|&b| b == 0.0));

    let (mean, var) = moments(net.w1.as_flattened());
    let want = 2.0 / 912.0;
    assert!(
        (var / want - 1.0).abs() < 0.03,
        "W1 variance {var} vs {want}"
    );
    // Standard error of the mean: sqrt(want / 100352) ~ 1.5e-4.
    assert!(mean.abs() < 7.5e-4, "W1 mean {mean}");
    // The extremes are close to the bound: the range is really used.
    let max = net
        .w1
        .as_flattened()
        .iter()
        .fold(0.0_f32, |m, w| m.max(w.abs()));
    assert!(f64::from(max) > 0.99 * b1);

    let (mean, var) = moments(net.w2.as_flattened());
    let want = 2.0 / 138.0;
    assert!(
        (var / want - 1.0).abs() < 0.15,
        "W2 variance {var} vs {want}"
    );
    assert!(mean.abs() < 0.02, "W2 mean {mean}");
}

#[test]
fn glorot_in_f64_and_for_a_single_matrix() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut w = Matrix::<300, 200, f64>::zeros();
    glorot_uniform(&mut w, &mut rng);
    let bound = glorot_bound(300, 200);
    assert!(w.as_flattened().iter().all(|x| x.abs() <= bound));
    let n = w.as_flattened().len() as f64;
    let mean = w.sum() / n;
    let var = w
        .as_flattened()
        .iter()
        .map(|x| (x - mean).powi(2))
        .sum::<f64>()
        / n;
    assert!((var / (2.0 / 500.0) - 1.0).abs() < 0.03);
    assert!(mean.abs() < 1e-3);
}

#[test]
fn same_seed_gives_bit_identical_weights() {
    let a = Mlp::<784, 128, 10>::boxed_glorot(&mut StdRng::seed_from_u64(7));
    let b = Mlp::<784, 128, 10>::boxed_glorot(&mut StdRng::seed_from_u64(7));
    let c = Mlp::<784, 128, 10>::boxed_glorot(&mut StdRng::seed_from_u64(8));
    let bits = |n: &Mlp<784, 128, 10>| -> Vec<u32> {
        n.tensors()
            .iter()
            .flat_map(|t| t.iter().map(|x| x.to_bits()))
            .collect()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
    // The stack and heap constructors agree.
    let small = Mlp::<6, 5, 3, f64>::glorot(&mut StdRng::seed_from_u64(3));
    let boxed = Mlp::<6, 5, 3, f64>::boxed_glorot(&mut StdRng::seed_from_u64(3));
    assert_eq!(small, *boxed);
    // Re-initialization in place is the same as a fresh build, and zeroes the biases.
    let mut re = Mlp::<6, 5, 3, f64>::zeros();
    re.b1 = Vector::splat(9.0);
    re.init_glorot(&mut StdRng::seed_from_u64(3));
    assert_eq!(re, small);
}

// ---------------------------------------------------------------------------------------
// Dropout.

#[test]
fn dropout_mask_values_rate_and_mean() {
    let mut rng = StdRng::seed_from_u64(11);
    for p in [0.1, 0.3, 0.5, 0.9] {
        let d = Dropout::new(p).unwrap();
        assert_eq!(d.rate(), p);
        let scale32 = (1.0 / (1.0 - p)) as f32;
        let mut mask = vec![0.0_f32; 200_000];
        d.sample_mask(&mut mask, &mut rng);
        let kept = mask.iter().filter(|&&m| m != 0.0).count();
        assert!(
            mask.iter().all(|&m| m == 0.0 || m == scale32),
            "p = {p}: values other than 0 and 1/(1-p)"
        );
        let frac = kept as f64 / mask.len() as f64;
        assert!(
            (frac - (1.0 - p)).abs() < 0.01,
            "p = {p}: kept fraction {frac}"
        );
        let mean = mask.iter().map(|&m| f64::from(m)).sum::<f64>() / mask.len() as f64;
        // sd of the mean: sqrt(p / (1 - p) / n) <= 0.0068 at p = 0.9.
        assert!((mean - 1.0).abs() < 0.04, "p = {p}: E[mask] = {mean}");

        let mut m64 = vec![0.0_f64; 1000];
        d.sample_mask(&mut m64, &mut rng);
        let scale64 = 1.0 / (1.0 - p);
        assert!(m64.iter().all(|&m| m == 0.0 || m == scale64));
    }
}

#[test]
fn dropout_mask_draws_one_u64_per_element() {
    // Two masks of 5 and 7 from one RNG equal one mask of 12.
    let d = Dropout::new(0.5).unwrap();
    let mut whole = [0.0_f64; 12];
    d.sample_mask(&mut whole, &mut StdRng::seed_from_u64(1));
    let mut rng = StdRng::seed_from_u64(1);
    let (mut a, mut b) = ([0.0_f64; 5], [0.0_f64; 7]);
    d.sample_mask(&mut a, &mut rng);
    d.sample_mask(&mut b, &mut rng);
    assert_eq!(&whole[..5], &a);
    assert_eq!(&whole[5..], &b);
    // And the decision is `uniform01 < 1 - p` of that draw.
    let mut rng = StdRng::seed_from_u64(1);
    for m in whole {
        let keep = uniform01(&mut rng) < 0.5;
        assert_eq!(m, if keep { 2.0 } else { 0.0 });
    }
}

#[test]
fn dropout_apply_train_scales_kept_values() {
    let mut rng = StdRng::seed_from_u64(4);
    let d = Dropout::new(0.25).unwrap();
    let orig: Vec<f64> = (0..64).map(|i| f64::from(i) - 20.5).collect();
    let mut x = orig.clone();
    let mut mask = vec![0.0; 64];
    d.apply_train(&mut x, &mut mask, &mut rng);
    let (mut kept, mut dropped) = (0, 0);
    for i in 0..64 {
        if mask[i] == 0.0 {
            assert_eq!(x[i], 0.0);
            dropped += 1;
        } else {
            assert_eq!(mask[i], 1.0 / 0.75);
            assert_eq!(x[i], orig[i] * (1.0 / 0.75));
            kept += 1;
        }
    }
    assert!(kept > 0 && dropped > 0);

    // p = 0 is the identity.
    let zero = Dropout::new(0.0).unwrap();
    assert!(zero.is_none() && Dropout::NONE.is_none() && zero == Dropout::NONE);
    let mut y = orig.clone();
    zero.apply_train(&mut y, &mut mask, &mut rng);
    assert_eq!(y, orig);
    assert!(mask.iter().all(|&m| m == 1.0));
}

#[test]
fn inference_ignores_dropout() {
    let mut rng = StdRng::seed_from_u64(21);
    let net = Mlp::<6, 16, 3, f64>::glorot(&mut rng);
    let x = Matrix::<5, 6, f64>::from_fn(|r, c| ((r * 7 + c * 3) % 11) as f64 / 5.0 - 1.0);
    let y = [0, 1, 2, 0, 1].map(|c| Label::<3>::new(c).unwrap());
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();

    let out = net.forward(&x);
    let mut ws = Workspace::<5, 6, 16, 3, f64>::zeros();
    net.forward_train(&batch, Dropout::NONE, &mut ws, &mut rng);
    assert_eq!(
        ws.logits, out,
        "training forward without dropout == inference"
    );
    // One sample at a time may round differently from a batch (the kernels block rows), so
    // compare to a few ulps there.
    let near = |a: &[f64; 3], b: &[f64; 3]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-13 * (1.0 + y.abs()))
    };
    for r in 0..5 {
        assert!(near(&net.logits(&x[r]), &out[r]), "row {r}");
        assert!(
            near(&net.probabilities(&x[r]), &softmax(&out[r])),
            "row {r}"
        );
        let l = net.logits(&x[r]);
        assert_eq!(net.classify(&x[r]), Label::argmax(&l));
    }
    let (mut hidden, mut logits) = (Matrix::<5, 16, f64>::zeros(), Matrix::splat(7.0));
    net.forward_into(&x, &mut hidden, &mut logits);
    assert_eq!(logits, out);

    // Training with dropout changes the training forward but never inference.
    net.forward_train(&batch, Dropout::new(0.5).unwrap(), &mut ws, &mut rng);
    assert_ne!(ws.logits, out, "dropout must change the training forward");
    assert_eq!(net.forward(&x), out);
    let before = net.clone();
    let mut trained = net.clone();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy).with_dropout(Dropout::new(0.5).unwrap());
    trained
        .train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1).unwrap(), &mut rng)
        .unwrap();
    assert_ne!(trained, before);
    assert_eq!(trained.forward(&x), trained.forward(&x));
}

// ---------------------------------------------------------------------------------------
// One optimizer step, worked out by hand.

#[test]
fn sgd_step_with_l2_on_weights_by_hand() {
    // Mlp<1, 1, 1>, MSE: w1 = 0.5, b1 = 0.1, w2 = -0.3, b2 = 0.2; x = 2, target 1.
    let mut net = Mlp::<1, 1, 1, f64>::from_parts(
        Matrix::from_array([[0.5]]),
        Vector::from_array([0.1]),
        Matrix::from_array([[-0.3]]),
        Vector::from_array([0.2]),
    );
    let x = Matrix::<1, 1, f64>::from_array([[2.0]]);
    let g = Matrix::<1, 1, f64>::from_array([[1.0]]);
    let (lr, lambda) = (0.1, 0.05);

    let z1: f64 = 0.5 * 2.0 + 0.1; // 1.1 > 0: active
    let a1 = z1;
    let z2 = -0.3 * a1 + 0.2; // -0.13
    let loss = (z2 - 1.0) * (z2 - 1.0); // 1.2769
    let penalty = lambda * (0.5 * 0.5 + (-0.3) * (-0.3)); // weights only
    let dz2 = 2.0 * (z2 - 1.0);
    let gw2 = a1 * dz2 + 2.0 * lambda * (-0.3);
    let gb2 = dz2;
    let dz1 = dz2 * -0.3; // relu'(1.1) = 1
    let gw1 = 2.0 * dz1 + 2.0 * lambda * 0.5;
    let gb1 = dz1;
    let want = [
        0.5 - lr * gw1,
        0.1 - lr * gb1,
        -0.3 - lr * gw2,
        0.2 - lr * gb2,
    ];

    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError).with_l2(L2::new(lambda).unwrap());
    let mut ws = Workspace::zeros();
    let stats = net
        .train_step(
            &batch,
            &cfg,
            &mut ws,
            &mut Sgd::new(lr).unwrap(),
            &mut StdRng::seed_from_u64(0),
        )
        .unwrap();
    assert!((stats.loss - loss).abs() < 1e-12);
    assert!((stats.penalty - penalty).abs() < 1e-12);
    assert!((stats.objective() - (loss + penalty)).abs() < 1e-12);
    let got = [net.w1[(0, 0)], net.b1[0], net.w2[(0, 0)], net.b2[0]];
    for (name, (g, w)) in ["w1", "b1", "w2", "b2"].iter().zip(got.iter().zip(want)) {
        assert!((g - w).abs() < 1e-12, "{name}: {g} vs {w}");
    }
}

#[test]
fn sgd_step_with_l2_on_weights_and_biases_by_hand() {
    // Mlp<1, 1, 1>, sigmoid BCE: w1 = -0.7, b1 = 0.9, w2 = 1.5, b2 = -0.4; x = 0.5, g = 0.
    let mut net = Mlp::<1, 1, 1, f64>::from_parts(
        Matrix::from_array([[-0.7]]),
        Vector::from_array([0.9]),
        Matrix::from_array([[1.5]]),
        Vector::from_array([-0.4]),
    );
    let x = Matrix::<1, 1, f64>::from_array([[0.5]]);
    let target = Matrix::<1, 1, f64>::from_array([[0.0]]);
    let (lr, lambda) = (0.2, 0.1);

    let z1: f64 = -0.7 * 0.5 + 0.9; // 0.55 > 0
    let z2 = 1.5 * z1 - 0.4; // 0.425
    let o = 1.0 / (1.0 + (-z2).exp());
    let loss = -(1.0 - o).ln(); // g = 0
    let penalty = lambda * (0.49 + 0.81 + 2.25 + 0.16);
    let dz2 = o - 0.0;
    let gw2 = z1 * dz2 + 2.0 * lambda * 1.5;
    let gb2 = dz2 + 2.0 * lambda * -0.4;
    let dz1 = dz2 * 1.5;
    let gw1 = 0.5 * dz1 + 2.0 * lambda * -0.7;
    let gb1 = dz1 + 2.0 * lambda * 0.9;
    let want = [
        -0.7 - lr * gw1,
        0.9 - lr * gb1,
        1.5 - lr * gw2,
        -0.4 - lr * gb2,
    ];

    let batch = Batch::new(&x, Targets::Values(&target)).unwrap();
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy)
        .with_l2(L2::new(lambda).unwrap().with_biases(true));
    let mut ws = Workspace::zeros();
    let stats = net
        .train_step(
            &batch,
            &cfg,
            &mut ws,
            &mut Sgd::new(lr).unwrap(),
            &mut StdRng::seed_from_u64(0),
        )
        .unwrap();
    assert!((stats.loss - loss).abs() < 1e-12);
    assert!((stats.penalty - penalty).abs() < 1e-12);
    let got = [net.w1[(0, 0)], net.b1[0], net.w2[(0, 0)], net.b2[0]];
    for (name, (g, w)) in ["w1", "b1", "w2", "b2"].iter().zip(got.iter().zip(want)) {
        assert!((g - w).abs() < 1e-12, "{name}: {g} vs {w}");
    }
}

#[test]
fn sgd_step_is_theta_minus_lr_grad_over_a_batch() {
    // Batch of 2 with an inactive ReLU in one row; softmax over 2 classes; mean over rows.
    let mut net = Mlp::<1, 1, 2, f64>::from_parts(
        Matrix::from_array([[1.0]]),
        Vector::from_array([0.0]),
        Matrix::from_array([[2.0, -1.0]]),
        Vector::from_array([0.5, 0.0]),
    );
    let x = Matrix::<2, 1, f64>::from_array([[1.5], [-1.0]]); // z1 = 1.5, -1 (inactive)
    let y = [Label::<2>::new(1).unwrap(), Label::new(0).unwrap()];
    // Row 0: logits [3.5, -1.5]; row 1: logits [0.5, 0].
    let p0 = 1.0 / (1.0 + (-1.5_f64 - 3.5).exp());
    let p1 = 1.0 / (1.0 + (0.0_f64 - 0.5).exp());
    let d0 = [p0 / 2.0, (1.0 - p0 - 1.0) / 2.0]; // (o - onehot(1)) / 2
    let d1 = [(p1 - 1.0) / 2.0, (1.0 - p1) / 2.0]; // (o - onehot(0)) / 2
    let gb2 = [d0[0] + d1[0], d0[1] + d1[1]];
    let gw2 = [1.5 * d0[0], 1.5 * d0[1]]; // row 1 has A1 = 0
    let dz1 = d0[0] * 2.0 - d0[1]; // W2 = [2, -1]
    let gw1 = 1.5 * dz1;
    let gb1 = dz1;
    let loss = (-(1.0 - p0).ln() - p1.ln()) / 2.0;
    let lr = 0.5;
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::zeros();
    let stats = net
        .train_step(
            &batch,
            &cfg,
            &mut ws,
            &mut Sgd::new(lr).unwrap(),
            &mut StdRng::seed_from_u64(0),
        )
        .unwrap();
    assert!((stats.loss - loss).abs() < 1e-12);
    assert_eq!(stats.penalty, 0.0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(net.w1[(0, 0)], 1.0 - lr * gw1));
    assert!(close(net.b1[0], 0.0 - lr * gb1));
    assert!(close(net.w2[(0, 0)], 2.0 - lr * gw2[0]));
    assert!(close(net.w2[(0, 1)], -1.0 - lr * gw2[1]));
    assert!(close(net.b2[0], 0.5 - lr * gb2[0]));
    assert!(close(net.b2[1], 0.0 - lr * gb2[1]));
}

#[test]
fn l2_from_weight_decay_matches_pytorch_sgd() {
    assert_eq!(L2::from_weight_decay(0.01).unwrap().lambda(), 0.005);
    assert_eq!(L2::from_weight_decay(0.0).unwrap().lambda(), 0.0);
    assert!(!L2::from_weight_decay(0.01).unwrap().includes_biases());
    assert!(L2::from_weight_decay(-0.01).is_err());
    // PyTorch: grad += wd * theta. Here: grad += 2 lambda theta with lambda = wd / 2.
    let wd = 0.3;
    let l2 = L2::from_weight_decay(wd).unwrap();
    let theta = [1.5_f64, -2.0, 0.25];
    let mut g = [0.1_f64, 0.2, -0.3];
    l2.add_gradient(&theta, &mut g);
    for i in 0..3 {
        let torch = [0.1, 0.2, -0.3][i] + wd * theta[i];
        assert!((g[i] - torch).abs() < 1e-15);
    }
    assert!((l2.penalty(&theta) - wd / 2.0 * (2.25 + 4.0 + 0.0625)).abs() < 1e-15);
}

#[test]
fn momentum_two_steps_by_hand() {
    let (lr, mu) = (0.1, 0.9);
    let mut opt = Momentum::<1, 1, 1, f64>::new(lr, mu).unwrap();
    let mut net = Mlp::<1, 1, 1, f64>::from_parts(
        Matrix::from_array([[1.0]]),
        Vector::from_array([-1.0]),
        Matrix::from_array([[0.5]]),
        Vector::from_array([2.0]),
    );
    let mut g = Gradients::<1, 1, 1, f64>::zeros();
    g.w1[(0, 0)] = 0.4;
    g.b1[0] = -2.0;
    g.w2[(0, 0)] = 0.0;
    g.b2[0] = 1.0;
    let start = [1.0, -1.0, 0.5, 2.0];
    let g1 = [0.4, -2.0, 0.0, 1.0];
    opt.update(&mut net, &g).unwrap();
    // Step 1: v = g; theta -= lr v.
    let v1 = g1;
    let t1: [f64; 4] = core::array::from_fn(|i| start[i] - lr * v1[i]);
    let got1 = [net.w1[(0, 0)], net.b1[0], net.w2[(0, 0)], net.b2[0]];
    for i in 0..4 {
        assert!((got1[i] - t1[i]).abs() < 1e-15, "step 1 [{i}]");
    }
    // Step 2 with other gradients: v = mu v + g.
    let g2 = [-0.1, 0.5, 3.0, 1.0];
    g.w1[(0, 0)] = g2[0];
    g.b1[0] = g2[1];
    g.w2[(0, 0)] = g2[2];
    g.b2[0] = g2[3];
    opt.update(&mut net, &g).unwrap();
    let got2 = [net.w1[(0, 0)], net.b1[0], net.w2[(0, 0)], net.b2[0]];
    for i in 0..4 {
        let v2 = mu * v1[i] + g2[i];
        let t2 = t1[i] - lr * v2;
        assert!(
            (got2[i] - t2).abs() < 1e-15,
            "step 2 [{i}]: {} vs {t2}",
            got2[i]
        );
    }
}

#[test]
fn adam_two_steps_by_hand() {
    for (lr, b1, b2, eps) in [(0.01, 0.9, 0.999, 1e-8), (0.5, 0.5, 0.75, 0.1)] {
        let mut opt = if (b1, b2, eps) == (0.9, 0.999, 1e-8) {
            Adam::<1, 1, 1, f64>::new(lr).unwrap()
        } else {
            Adam::<1, 1, 1, f64>::with_betas(lr, b1, b2, eps).unwrap()
        };
        assert_eq!(opt.steps(), 0);
        let mut net = Mlp::<1, 1, 1, f64>::from_parts(
            Matrix::from_array([[1.0]]),
            Vector::from_array([-1.0]),
            Matrix::from_array([[0.5]]),
            Vector::from_array([2.0]),
        );
        let mut theta = [1.0, -1.0, 0.5, 2.0];
        let grads = [[0.4, -2.0, 0.0, 1e-3], [-0.1, 0.5, 3.0, 1e-3]];
        let (mut m, mut v) = ([0.0_f64; 4], [0.0_f64; 4]);
        for (step, gs) in grads.iter().enumerate() {
            let mut g = Gradients::<1, 1, 1, f64>::zeros();
            g.w1[(0, 0)] = gs[0];
            g.b1[0] = gs[1];
            g.w2[(0, 0)] = gs[2];
            g.b2[0] = gs[3];
            opt.update(&mut net, &g).unwrap();
            let t = (step + 1) as i32;
            for i in 0..4 {
                m[i] = b1 * m[i] + (1.0 - b1) * gs[i];
                v[i] = b2 * v[i] + (1.0 - b2) * gs[i] * gs[i];
                let m_hat = m[i] / (1.0 - b1.powi(t));
                let v_hat = v[i] / (1.0 - b2.powi(t));
                theta[i] -= lr * m_hat / (v_hat.sqrt() + eps);
            }
            let got = [net.w1[(0, 0)], net.b1[0], net.w2[(0, 0)], net.b2[0]];
            for i in 0..4 {
                assert!(
                    (got[i] - theta[i]).abs() < 1e-12,
                    "Adam({lr}, {b1}, {b2}, {eps}) step {t} [{i}]: {} vs {}",
                    got[i],
                    theta[i]
                );
            }
            assert_eq!(opt.steps(), u64::try_from(t).unwrap());
        }
    }
    // The first step of Adam moves each parameter by about lr against the gradient's sign
    // (w2 had gradient 0 at step 1 and does not move).
    let mut opt = Adam::<1, 1, 1, f64>::new(0.01).unwrap();
    let mut net = Mlp::<1, 1, 1, f64>::zeros();
    let mut g = Gradients::zeros();
    g.w1[(0, 0)] = 123.0;
    g.b2[0] = -1e-4;
    opt.update(&mut net, &g).unwrap();
    assert!((net.w1[(0, 0)] + 0.01).abs() < 1e-9);
    assert!((net.b2[0] - 0.01).abs() < 1e-5);
    assert_eq!(net.w2[(0, 0)], 0.0);
}

// ---------------------------------------------------------------------------------------
// Label smoothing.

#[test]
fn label_smoothing_formulas() {
    let s = LabelSmoothing::new(0.1).unwrap();
    assert_eq!(s.alpha(), 0.1);
    let g: [f64; 4] = s.smooth_class(Label::new(2).unwrap());
    let want = [0.025, 0.025, 0.9 + 0.025, 0.025];
    for i in 0..4 {
        assert!((g[i] - want[i]).abs() < 1e-15);
    }
    assert!((g.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    let d = s.smooth_distribution(&[0.5_f64, 0.5, 0.0, 0.0]);
    for (x, w) in d.iter().zip([0.475, 0.475, 0.025, 0.025]) {
        assert!((x - w).abs() < 1e-15);
    }
    for (g, w) in [(0.0_f64, 0.05), (1.0, 0.95), (0.5, 0.5), (0.2, 0.23)] {
        assert!((s.smooth_binary(g) - w).abs() < 1e-15, "{g}");
    }
    // alpha = 0 is the identity, alpha = 1 is uniform.
    let none = LabelSmoothing::NONE;
    assert_eq!(
        none.smooth_class::<f64, 3>(Label::new(1).unwrap()),
        [0.0, 1.0, 0.0]
    );
    assert_eq!(none.smooth_binary(0.3_f64), 0.3);
    let full = LabelSmoothing::new(1.0).unwrap();
    assert_eq!(
        full.smooth_class::<f64, 4>(Label::new(1).unwrap()),
        [0.25; 4]
    );
    assert_eq!(full.smooth_binary(1.0_f64), 0.5);
}

#[test]
fn label_smoothing_in_training_uses_the_smoothed_targets() {
    let net = Mlp::<2, 3, 4, f64>::glorot(&mut StdRng::seed_from_u64(1));
    let x = Matrix::<2, 2, f64>::from_array([[0.5, -1.0], [2.0, 0.25]]);
    let y = [Label::<4>::new(3).unwrap(), Label::new(0).unwrap()];
    let alpha = 0.2;
    let s = LabelSmoothing::new(alpha).unwrap();
    let logits = net.forward(&x);

    // Softmax: loss = mean of CE against (1 - alpha) onehot + alpha / K.
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy).with_label_smoothing(s);
    let mut ws = Workspace::zeros();
    let mut rng = StdRng::seed_from_u64(0);
    net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
    let stats = net.backward(&batch, &cfg, &mut ws).unwrap();
    let mut want = 0.0;
    for r in 0..2 {
        let g: [f64; 4] = core::array::from_fn(|k| {
            (1.0 - alpha) * if k == y[r].get() { 1.0 } else { 0.0 } + alpha / 4.0
        });
        let lp = log_softmax(&logits[r]);
        want -= (0..4).map(|k| g[k] * lp[k]).sum::<f64>();
    }
    want /= 2.0;
    assert!(
        (stats.loss - want).abs() < 1e-12,
        "{} vs {want}",
        stats.loss
    );

    // Sigmoid: g' = (1 - alpha) g + alpha / 2, mean over outputs and rows.
    let probs = Matrix::<2, 4, f64>::from_array([[0.0, 1.0, 0.3, 1.0], [1.0, 0.0, 0.0, 0.6]]);
    let batch = Batch::new(&x, Targets::Values(&probs)).unwrap();
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy).with_label_smoothing(s);
    net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
    let stats = net.backward(&batch, &cfg, &mut ws).unwrap();
    let mut want = 0.0;
    for r in 0..2 {
        for k in 0..4 {
            let g = (1.0 - alpha) * probs[(r, k)] + alpha / 2.0;
            let o = 1.0 / (1.0 + (-logits[(r, k)]).exp());
            want -= g * o.ln() + (1.0 - g) * (1.0 - o).ln();
        }
    }
    want /= 8.0;
    assert!(
        (stats.loss - want).abs() < 1e-12,
        "{} vs {want}",
        stats.loss
    );
}

// ---------------------------------------------------------------------------------------
// Matrix products against naive triple loops.

fn fill<const R: usize, const C: usize, T: Scalar>(seed: u64) -> Matrix<R, C, T> {
    let mut rng = StdRng::seed_from_u64(seed);
    Matrix::from_fn(|_, _| {
        // Some exact zeros too (the `A^T B` kernel skips them).
        let u = uniform01(&mut rng);
        if u < 0.1 {
            T::ZERO
        } else {
            T::from_f64(4.0 * u - 2.0)
        }
    })
}

/// `|got - exact| <= n * eps * sum |a_ik b_kj|` (plus a tiny absolute slack), element-wise.
fn assert_product_close<const R: usize, const N: usize, T: Scalar>(
    what: &str,
    got: &Matrix<R, N, T>,
    exact: &[[f64; N]; R],
    abs_sum: &[[f64; N]; R],
    inner: usize,
) {
    let eps = T::epsilon().as_f64();
    for r in 0..R {
        for c in 0..N {
            let tol = (inner as f64 + 2.0) * eps * abs_sum[r][c] + 1e-300;
            let err = (got[(r, c)].as_f64() - exact[r][c]).abs();
            assert!(
                err <= tol,
                "{what} [{r}, {c}]: {} vs {} (tol {tol:e})",
                got[(r, c)],
                exact[r][c]
            );
        }
    }
}

fn check_products<T: Scalar, const M: usize, const K: usize, const N: usize>() {
    let what = format!("{} {M}x{K}x{N}", T::NAME);
    let a: Matrix<M, K, T> = fill(M as u64 * 1000 + K as u64);
    let b: Matrix<K, N, T> = fill(K as u64 * 1000 + N as u64 + 7);
    // A B, naive in f64.
    let mut exact = [[0.0; N]; M];
    let mut abs = [[0.0; N]; M];
    for i in 0..M {
        for j in 0..N {
            for k in 0..K {
                exact[i][j] += a[(i, k)].as_f64() * b[(k, j)].as_f64();
                abs[i][j] += (a[(i, k)].as_f64() * b[(k, j)].as_f64()).abs();
            }
        }
    }
    assert_product_close(&format!("matmul {what}"), &a.matmul(&b), &exact, &abs, K);
    #[allow(clippy::op_ref)] // the `&Matrix * &Matrix` impl is what is tested here
    let by_ref = &a * &b;
    assert_product_close(&format!("&a * &b {what}"), &by_ref, &exact, &abs, K);
    assert_product_close(&format!("a * b {what}"), &(a * b), &exact, &abs, K);
    let mut out = Matrix::<M, N, T>::splat(T::from_f64(1e30));
    a.matmul_into(&b, &mut out);
    assert_product_close(&format!("matmul_into {what}"), &out, &exact, &abs, K);
    // Accumulate: C += A B twice from zero is 2 A B.
    let mut acc = Matrix::<M, N, T>::zeros();
    kernels::matmul(a.as_array(), b.as_array(), acc.as_array_mut(), true);
    kernels::matmul(a.as_array(), b.as_array(), acc.as_array_mut(), true);
    let twice = exact.map(|r| r.map(|x| 2.0 * x));
    let abs2 = abs.map(|r| r.map(|x| 2.0 * x));
    assert_product_close(&format!("matmul acc {what}"), &acc, &twice, &abs2, 2 * K);

    // A^T B: (M x K)^T (M x N) -> K x N.
    let c: Matrix<M, N, T> = fill(M as u64 * 77 + N as u64);
    let mut exact = [[0.0; N]; K];
    let mut abs = [[0.0; N]; K];
    for i in 0..K {
        for j in 0..N {
            for r in 0..M {
                exact[i][j] += a[(r, i)].as_f64() * c[(r, j)].as_f64();
                abs[i][j] += (a[(r, i)].as_f64() * c[(r, j)].as_f64()).abs();
            }
        }
    }
    assert_product_close(
        &format!("tr_matmul {what}"),
        &a.tr_matmul(&c),
        &exact,
        &abs,
        M,
    );
    // The same as an explicit transpose.
    let at_c = a.transpose().matmul(&c);
    assert_product_close(&format!("transpose {what}"), &at_c, &exact, &abs, M);
    let mut acc = Matrix::<K, N, T>::splat(T::ONE);
    kernels::matmul_tn(a.as_array(), c.as_array(), acc.as_array_mut(), true);
    let plus_one = exact.map(|r| r.map(|x| x + 1.0));
    let abs1 = abs.map(|r| r.map(|x| x + 1.0));
    assert_product_close(
        &format!("matmul_tn acc {what}"),
        &acc,
        &plus_one,
        &abs1,
        M + 1,
    );

    // A B^T: (M x K) (N x K)^T -> M x N.
    let d: Matrix<N, K, T> = fill(N as u64 * 31 + K as u64 + 3);
    let mut exact = [[0.0; N]; M];
    let mut abs = [[0.0; N]; M];
    for i in 0..M {
        for j in 0..N {
            for k in 0..K {
                exact[i][j] += a[(i, k)].as_f64() * d[(j, k)].as_f64();
                abs[i][j] += (a[(i, k)].as_f64() * d[(j, k)].as_f64()).abs();
            }
        }
    }
    assert_product_close(
        &format!("matmul_tr {what}"),
        &a.matmul_tr(&d),
        &exact,
        &abs,
        K,
    );
    let mut acc = Matrix::<M, N, T>::splat(-T::ONE);
    kernels::matmul_nt(a.as_array(), d.as_array(), acc.as_array_mut(), true);
    let minus_one = exact.map(|r| r.map(|x| x - 1.0));
    let abs1 = abs.map(|r| r.map(|x| x + 1.0));
    assert_product_close(
        &format!("matmul_nt acc {what}"),
        &acc,
        &minus_one,
        &abs1,
        K + 1,
    );
}

macro_rules! products {
    ($t:ty: $(($m:literal, $k:literal, $n:literal)),* $(,)?) => {
        $( check_products::<$t, $m, $k, $n>(); )*
    };
}

#[test]
fn products_match_naive_loops_f32() {
    products!(f32:
        (1, 1, 1), (1, 3, 17), (3, 17, 33), (17, 33, 65), (33, 65, 1), (65, 1, 3),
        (65, 33, 17), (17, 65, 3), (3, 1, 65), (1, 65, 33), (33, 3, 1), (65, 65, 65),
    );
}

#[test]
fn products_match_naive_loops_f64() {
    products!(f64:
        (1, 1, 1), (1, 3, 17), (3, 17, 33), (17, 33, 65), (33, 65, 1), (65, 1, 3),
        (65, 33, 17), (17, 65, 3), (3, 1, 65), (1, 65, 33), (33, 3, 1), (65, 65, 65),
    );
}

#[test]
fn products_on_partial_rows() {
    // The kernels take a slice of rows: only the first n rows of A and C are used.
    let a: Matrix<5, 17, f64> = fill(1);
    let b: Matrix<17, 3, f64> = fill(2);
    let mut c = Matrix::<5, 3, f64>::splat(42.0);
    kernels::matmul(
        &a.as_array()[..2],
        b.as_array(),
        &mut c.as_array_mut()[..2],
        false,
    );
    let full = a.matmul(&b);
    // Row blocking may round a 2-row product differently from a 5-row one: a few ulps.
    for r in 0..2 {
        for j in 0..3 {
            assert!((c[r][j] - full[r][j]).abs() <= 1e-14 * (1.0 + full[r][j].abs()));
        }
    }
    for r in 2..5 {
        assert_eq!(c[r], [42.0; 3]);
    }
}
