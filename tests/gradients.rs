//! Gradient checks: every parameter gradient of `Mlp::backward` (and of the losses and the L2
//! penalty on their own) against central finite differences in `f64`, for every loss, with
//! and without dropout, L2 and label smoothing, on several shapes and on partial batches.

use ctensor::{
    Batch, Dropout, Gradients, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, Targets, TrainConfig,
    Vector, Workspace, mse, nll, sigmoid_bce, softmax_cross_entropy, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Finite-difference step.
const STEP: f64 = 1e-6;
/// Absolute tolerance of a gradient element.
const ATOL: f64 = 1e-7;
/// Relative tolerance of a gradient element.
const RTOL: f64 = 1e-6;

const TENSOR_NAMES: [&str; 4] = ["w1", "b1", "w2", "b2"];

fn uniform(rng: &mut StdRng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * uniform01(rng)
}

/// A network with every parameter (biases too) uniform in `[-1, 1)`.
fn random_net<const D: usize, const H: usize, const K: usize>(seed: u64) -> Mlp<D, H, K, f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut net = Mlp::zeros();
    for t in net.tensors_mut() {
        for x in t {
            *x = uniform(&mut rng, -1.0, 1.0);
        }
    }
    net
}

fn random_matrix<const R: usize, const C: usize>(seed: u64, lo: f64, hi: f64) -> Matrix<R, C, f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    Matrix::from_fn(|_, _| uniform(&mut rng, lo, hi))
}

fn random_labels<const B: usize, const K: usize>(seed: u64) -> [Label<K>; B] {
    let mut rng = StdRng::seed_from_u64(seed);
    core::array::from_fn(|_| Label::new((uniform01(&mut rng) * K as f64) as usize).unwrap())
}

/// Rows that are probability distributions (positive, summing to 1).
fn random_distributions<const B: usize, const K: usize>(seed: u64) -> Matrix<B, K, f64> {
    let mut m = random_matrix::<B, K>(seed, 0.05, 1.0);
    for row in m.as_array_mut() {
        let s: f64 = row.iter().sum();
        for x in row.iter_mut() {
            *x /= s;
        }
    }
    m
}

/// One training-mode forward and backward pass with an RNG seeded by `seed` (so that the
/// dropout mask is the same at every call): the objective and its gradients.
fn evaluate<const B: usize, const D: usize, const H: usize, const K: usize>(
    net: &Mlp<D, H, K, f64>,
    batch: &Batch<'_, B, D, K, f64>,
    cfg: &TrainConfig,
    seed: u64,
) -> (f64, Box<Workspace<B, D, H, K, f64>>) {
    let mut ws = Box::new(Workspace::<B, D, H, K, f64>::zeros());
    let mut rng = StdRng::seed_from_u64(seed);
    net.forward_train(batch, cfg.dropout, &mut ws, &mut rng);
    let stats = net.backward(batch, cfg, &mut ws).expect("backward");
    assert!(stats.loss.is_finite() && stats.penalty.is_finite());
    (stats.objective(), ws)
}

/// Smallest `|Z1|` over the valid rows: finite differences are only meaningful away from the
/// ReLU kink.
fn min_abs_pre_activation<const D: usize, const H: usize, const K: usize>(
    net: &Mlp<D, H, K, f64>,
    rows: &[[f64; D]],
) -> f64 {
    let mut min = f64::INFINITY;
    for x in rows {
        for j in 0..H {
            let z: f64 = net.b1[j] + (0..D).map(|i| x[i] * net.w1[(i, j)]).sum::<f64>();
            min = min.min(z.abs());
        }
    }
    min
}

/// Checks every element of every parameter gradient against central finite differences of
/// `StepStats::objective()`; returns the analytic gradients.
fn check_gradients<const B: usize, const D: usize, const H: usize, const K: usize>(
    what: &str,
    net: &Mlp<D, H, K, f64>,
    batch: &Batch<'_, B, D, K, f64>,
    cfg: &TrainConfig,
    seed: u64,
) -> Gradients<D, H, K, f64> {
    assert!(
        min_abs_pre_activation(net, batch.inputs()) > 1e-4,
        "{what}: a hidden pre-activation is too close to the ReLU kink for finite differences"
    );
    let (_, ws) = evaluate(net, batch, cfg, seed);
    let grads = ws.grads.clone();
    let mut probe = net.clone();
    let mut largest = 0.0_f64;
    for (t, name) in TENSOR_NAMES.iter().enumerate() {
        let len = net.tensors()[t].len();
        for i in 0..len {
            let orig = net.tensors()[t][i];
            probe.tensors_mut()[t][i] = orig + STEP;
            let (plus, _) = evaluate(&probe, batch, cfg, seed);
            probe.tensors_mut()[t][i] = orig - STEP;
            let (minus, _) = evaluate(&probe, batch, cfg, seed);
            probe.tensors_mut()[t][i] = orig;
            let numeric = (plus - minus) / (2.0 * STEP);
            let analytic = grads.tensors()[t][i];
            assert!(
                (analytic - numeric).abs() <= ATOL + RTOL * numeric.abs(),
                "{what}: d/d{name}[{i}]: analytic {analytic:e} vs finite difference {numeric:e}"
            );
            largest = largest.max(analytic.abs());
        }
    }
    assert_eq!(probe, *net, "{what}: probing must restore the parameters");
    if K == 1 && cfg.loss == Loss::SoftmaxCrossEntropy && cfg.l2.lambda() == 0.0 {
        // Softmax over one output is the constant 1: loss 0, every gradient 0.
        assert!(
            largest < 1e-12,
            "{what}: softmax over K = 1 must have zero gradients"
        );
    } else {
        assert!(
            largest > 1e-3,
            "{what}: gradients are all ~0, the check is vacuous"
        );
    }
    grads
}

/// Runs `check_gradients` on a full batch with random data for the given shapes.
macro_rules! check_full_batch {
    (@targets classes, $l:ident, $d:ident, $p:ident, $v:ident) => { Targets::Classes(&$l) };
    (@targets distributions, $l:ident, $d:ident, $p:ident, $v:ident) => { Targets::Values(&$d) };
    (@targets probabilities, $l:ident, $d:ident, $p:ident, $v:ident) => { Targets::Values(&$p) };
    (@targets values, $l:ident, $d:ident, $p:ident, $v:ident) => { Targets::Values(&$v) };
    ($what:expr, <$b:literal, $d:literal, $h:literal, $k:literal>, $targets:ident, $cfg:expr, $seed:expr) => {{
        let seed: u64 = $seed;
        let net = random_net::<$d, $h, $k>(seed);
        let x = random_matrix::<$b, $d>(seed + 1, -1.5, 1.5);
        let labels = random_labels::<$b, $k>(seed + 2);
        let dists = random_distributions::<$b, $k>(seed + 3);
        let probs = random_matrix::<$b, $k>(seed + 4, 0.0, 1.0);
        let values = random_matrix::<$b, $k>(seed + 5, -2.0, 2.0);
        let _ = (&labels, &dists, &probs, &values);
        let targets = check_full_batch!(@targets $targets, labels, dists, probs, values);
        let batch = Batch::new(&x, targets).unwrap();
        let what = format!(
            "{} <{}, {}, {}> B={}",
            $what, $d, $h, $k, $b
        );
        check_gradients(&what, &net, &batch, &$cfg, seed + 6)
    }};
}

/// The same check on the three shapes and two batch sizes of the brief.
macro_rules! check_all_shapes {
    ($what:expr, $targets:ident, $cfg:expr) => {{
        let cfg: TrainConfig = $cfg;
        check_full_batch!($what, <3, 3, 5, 4>, $targets, cfg, 10);
        check_full_batch!($what, <1, 3, 5, 4>, $targets, cfg, 20);
        check_full_batch!($what, <3, 7, 2, 3>, $targets, cfg, 30);
        check_full_batch!($what, <1, 7, 2, 3>, $targets, cfg, 40);
        check_full_batch!($what, <3, 2, 6, 1>, $targets, cfg, 50);
        // <1, 1, 1>: the single hidden unit must be active, so pick parameters by hand.
        let net = Mlp::<1, 1, 1, f64>::from_parts(
            Matrix::from_array([[0.8]]),
            Vector::from_array([0.3]),
            Matrix::from_array([[-1.3]]),
            Vector::from_array([0.2]),
        );
        let x = Matrix::<3, 1, f64>::from_array([[0.5], [1.2], [-0.25]]);
        let labels = [Label::<1>::new(0).unwrap(); 3];
        let dists = Matrix::<3, 1, f64>::splat(1.0);
        let probs = Matrix::<3, 1, f64>::from_array([[0.0], [1.0], [0.3]]);
        let values = Matrix::<3, 1, f64>::from_array([[0.7], [-1.0], [2.0]]);
        let _ = (&labels, &dists, &probs, &values);
        let targets = check_full_batch!(@targets $targets, labels, dists, probs, values);
        let batch = Batch::new(&x, targets).unwrap();
        check_gradients(&format!("{} <1, 1, 1> B=3", $what), &net, &batch, &cfg, 7);
    }};
}

fn l2(lambda: f64) -> L2 {
    L2::new(lambda).unwrap()
}

fn dropout(p: f64) -> Dropout {
    Dropout::new(p).unwrap()
}

fn smoothing(alpha: f64) -> LabelSmoothing {
    LabelSmoothing::new(alpha).unwrap()
}

#[test]
fn softmax_cross_entropy_with_class_targets() {
    check_all_shapes!(
        "softmax/classes",
        classes,
        TrainConfig::new(Loss::SoftmaxCrossEntropy)
    );
}

#[test]
fn softmax_cross_entropy_with_distribution_targets() {
    check_all_shapes!(
        "softmax/distributions",
        distributions,
        TrainConfig::new(Loss::SoftmaxCrossEntropy)
    );
}

#[test]
fn sigmoid_cross_entropy_multi_output_and_single_output() {
    // Multi-output shapes (K = 4, 3) and K = 1 are all in `check_all_shapes`.
    check_all_shapes!(
        "sigmoid/probabilities",
        probabilities,
        TrainConfig::new(Loss::SigmoidCrossEntropy)
    );
    check_all_shapes!(
        "sigmoid/classes",
        classes,
        TrainConfig::new(Loss::SigmoidCrossEntropy)
    );
}

#[test]
fn mean_squared_error() {
    check_all_shapes!(
        "mse/values",
        values,
        TrainConfig::new(Loss::MeanSquaredError)
    );
}

#[test]
fn every_loss_with_dropout() {
    let cfg = |loss| TrainConfig::new(loss).with_dropout(dropout(0.5));
    check_all_shapes!("dropout softmax", classes, cfg(Loss::SoftmaxCrossEntropy));
    check_all_shapes!(
        "dropout softmax/dist",
        distributions,
        cfg(Loss::SoftmaxCrossEntropy)
    );
    check_all_shapes!(
        "dropout sigmoid",
        probabilities,
        cfg(Loss::SigmoidCrossEntropy)
    );
    check_all_shapes!("dropout mse", values, cfg(Loss::MeanSquaredError));
}

#[test]
fn dropout_mask_is_really_applied_and_reproducible() {
    // Guard against a vacuous dropout check: with this seed some active units are dropped
    // and some kept, and the mask is the same for the same seed.
    let net = random_net::<3, 5, 4>(10);
    let x = random_matrix::<3, 3>(11, -1.5, 1.5);
    let labels = random_labels::<3, 4>(12);
    let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy).with_dropout(dropout(0.5));
    let (obj_a, ws_a) = evaluate(&net, &batch, &cfg, 16);
    let (obj_b, ws_b) = evaluate(&net, &batch, &cfg, 16);
    assert_eq!(obj_a.to_bits(), obj_b.to_bits());
    assert_eq!(ws_a.gate, ws_b.gate);
    let plain = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (_, ws_plain) = evaluate(&net, &batch, &plain, 16);
    let (mut dropped, mut kept) = (0, 0);
    for (g, p) in ws_a
        .gate
        .as_flattened()
        .iter()
        .zip(ws_plain.gate.as_flattened())
    {
        assert!(*g == 0.0 || *g == 2.0, "gate {g}");
        if *p == 1.0 {
            if *g == 0.0 {
                dropped += 1;
            } else {
                kept += 1;
            }
        } else {
            assert_eq!(*g, 0.0, "an inactive unit must have gate 0");
        }
    }
    assert!(dropped > 0 && kept > 0, "dropped {dropped}, kept {kept}");
    assert_ne!(obj_a, evaluate(&net, &batch, &plain, 16).0);
}

#[test]
fn l2_on_weights_only_and_with_biases() {
    for (name, penalty) in [
        ("l2 weights", l2(0.05)),
        ("l2 weights+biases", l2(0.05).with_biases(true)),
    ] {
        let cfg = |loss| TrainConfig::new(loss).with_l2(penalty);
        check_all_shapes!(name, classes, cfg(Loss::SoftmaxCrossEntropy));
        check_all_shapes!(name, probabilities, cfg(Loss::SigmoidCrossEntropy));
        check_all_shapes!(name, values, cfg(Loss::MeanSquaredError));
    }
}

#[test]
fn l2_penalty_value_and_bias_gradients() {
    // The penalty reported is lambda * sum of squares of the penalized tensors, and the bias
    // gradients change by exactly 2 lambda b only when biases are included.
    let net = random_net::<3, 5, 4>(99);
    let x = random_matrix::<3, 3>(98, -1.0, 1.0);
    let labels = random_labels::<3, 4>(97);
    let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
    let lambda = 0.25;
    let base = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (obj0, ws0) = evaluate(&net, &batch, &base, 1);
    let (obj_w, ws_w) = evaluate(&net, &batch, &base.with_l2(l2(lambda)), 1);
    let (obj_b, ws_b) = evaluate(&net, &batch, &base.with_l2(l2(lambda).with_biases(true)), 1);
    let sq = |s: &[f64]| s.iter().map(|v| v * v).sum::<f64>();
    let [w1, b1, w2, b2] = net.tensors();
    let pen_w = lambda * (sq(w1) + sq(w2));
    let pen_b = pen_w + lambda * (sq(b1) + sq(b2));
    assert!((obj_w - obj0 - pen_w).abs() < 1e-12);
    assert!((obj_b - obj0 - pen_b).abs() < 1e-12);
    assert_eq!(ws_w.grads.b1, ws0.grads.b1);
    assert_eq!(ws_w.grads.b2, ws0.grads.b2);
    for t in 0..4 {
        for i in 0..net.tensors()[t].len() {
            let theta = net.tensors()[t][i];
            let g0 = ws0.grads.tensors()[t][i];
            let with_b = ws_b.grads.tensors()[t][i];
            assert!((with_b - (g0 + 2.0 * lambda * theta)).abs() < 1e-14);
        }
    }
}

#[test]
fn label_smoothing_softmax_and_sigmoid() {
    let cfg = |loss| TrainConfig::new(loss).with_label_smoothing(smoothing(0.2));
    check_all_shapes!("smooth softmax", classes, cfg(Loss::SoftmaxCrossEntropy));
    check_all_shapes!(
        "smooth softmax/dist",
        distributions,
        cfg(Loss::SoftmaxCrossEntropy)
    );
    check_all_shapes!(
        "smooth sigmoid",
        probabilities,
        cfg(Loss::SigmoidCrossEntropy)
    );
    check_all_shapes!(
        "smooth sigmoid/classes",
        classes,
        cfg(Loss::SigmoidCrossEntropy)
    );
}

#[test]
fn everything_at_once() {
    let cfg = |loss| {
        TrainConfig::new(loss)
            .with_dropout(dropout(0.3))
            .with_l2(l2(0.01).with_biases(true))
            .with_label_smoothing(smoothing(0.1))
    };
    check_all_shapes!("all softmax", classes, cfg(Loss::SoftmaxCrossEntropy));
    check_all_shapes!("all sigmoid", probabilities, cfg(Loss::SigmoidCrossEntropy));
    let mse_cfg = TrainConfig::new(Loss::MeanSquaredError)
        .with_dropout(dropout(0.3))
        .with_l2(l2(0.01).with_biases(true));
    check_all_shapes!("all mse", values, mse_cfg);
}

/// A partial batch (2 valid rows of 4) whose unused rows hold `garbage` in the inputs and in
/// the value targets.
fn partial_case(garbage: f64, loss: Loss, cfg: &TrainConfig) -> Gradients<3, 5, 4, f64> {
    let net = random_net::<3, 5, 4>(5);
    let mut x = random_matrix::<4, 3>(6, -1.5, 1.5);
    let mut values = if loss == Loss::SoftmaxCrossEntropy {
        random_distributions::<4, 4>(7)
    } else {
        random_matrix::<4, 4>(7, 0.0, 1.0)
    };
    for r in 2..4 {
        x[r] = [garbage; 3];
        values[r] = [garbage; 4];
    }
    let batch = Batch::partial(&x, Targets::Values(&values), 2).unwrap();
    assert_eq!(batch.len(), 2);
    let what = format!("partial {loss:?} garbage {garbage:e}");
    check_gradients(&what, &net, &batch, cfg, 8)
}

#[test]
fn partial_batch_ignores_unused_rows() {
    for loss in [
        Loss::SoftmaxCrossEntropy,
        Loss::SigmoidCrossEntropy,
        Loss::MeanSquaredError,
    ] {
        for cfg in [
            TrainConfig::new(loss),
            TrainConfig::new(loss)
                .with_dropout(dropout(0.4))
                .with_l2(l2(0.02).with_biases(true)),
        ] {
            let big = partial_case(1e30, loss, &cfg);
            let neg = partial_case(-1e30, loss, &cfg);
            let nan = partial_case(f64::NAN, loss, &cfg);
            assert_eq!(big, neg);
            assert_eq!(big, nan);

            // The same two rows as a full batch of 2: the same gradients, bit for bit.
            let net = random_net::<3, 5, 4>(5);
            let x4 = random_matrix::<4, 3>(6, -1.5, 1.5);
            let v4 = if loss == Loss::SoftmaxCrossEntropy {
                random_distributions::<4, 4>(7)
            } else {
                random_matrix::<4, 4>(7, 0.0, 1.0)
            };
            let x2 = Matrix::<2, 3, f64>::from_array([x4[0], x4[1]]);
            let v2 = Matrix::<2, 4, f64>::from_array([v4[0], v4[1]]);
            let batch = Batch::new(&x2, Targets::Values(&v2)).unwrap();
            let (_, ws) = evaluate(&net, &batch, &cfg, 8);
            assert_eq!(ws.grads, big, "{loss:?}: partial batch != compact batch");
        }
    }
}

#[test]
fn partial_batch_with_class_targets() {
    let net = random_net::<7, 2, 3>(70);
    let mut x = random_matrix::<3, 7>(71, -1.0, 1.0);
    x[2] = [1e30; 7];
    let mut labels = random_labels::<3, 3>(72);
    let a = Batch::partial(&x, Targets::Classes(&labels), 2).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy).with_l2(l2(0.1));
    let ga = check_gradients("partial classes", &net, &a, &cfg, 73);
    labels[2] = Label::new((labels[2].get() + 1) % 3).unwrap();
    let b = Batch::partial(&x, Targets::Classes(&labels), 2).unwrap();
    let (_, ws) = evaluate(&net, &b, &cfg, 73);
    assert_eq!(ws.grads, ga);
}

/// `relu'(0) = 0`: a hidden unit whose pre-activation is exactly 0 passes no gradient.
#[test]
fn relu_derivative_at_zero_is_zero() {
    // Unit 1 has a zero column in W1 and a zero bias: Z1[:, 1] = 0 exactly in every row.
    let mut net = random_net::<3, 4, 2>(3);
    for i in 0..3 {
        net.w1[(i, 1)] = 0.0;
    }
    net.b1[1] = 0.0;
    let x = random_matrix::<3, 3>(4, -1.0, 1.0);
    let labels = random_labels::<3, 2>(5);
    let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (obj, ws) = evaluate(&net, &batch, &cfg, 0);
    let g = &ws.grads;
    assert_eq!(
        g.b1[1].to_bits(),
        0.0_f64.to_bits(),
        "db1 of a unit at Z1 = 0"
    );
    for i in 0..3 {
        assert_eq!(g.w1[(i, 1)], 0.0, "dW1[{i}, 1] of a unit at Z1 = 0");
    }
    for k in 0..2 {
        assert_eq!(g.w2[(1, k)], 0.0, "dW2[1, {k}]: A1 = 0");
    }
    // The left derivative is 0 too (pushing Z1 below 0 changes nothing); the right one is
    // not, so relu'(0) = 1 would have given a different, nonzero answer.
    let mut probe = net.clone();
    probe.b1[1] = -1e-3;
    assert_eq!(evaluate(&probe, &batch, &cfg, 0).0.to_bits(), obj.to_bits());
    probe.b1[1] = 1e-6;
    let right = (evaluate(&probe, &batch, &cfg, 0).0 - obj) / 1e-6;
    assert!(
        right.abs() > 1e-3,
        "right derivative {right} should be nonzero"
    );

    // The other units are active somewhere: their gradients are right (finite differences
    // with the zero unit's parameters left alone).
    let (_, ws_ref) = evaluate(&net, &batch, &cfg, 0);
    for (t, name) in TENSOR_NAMES.iter().enumerate() {
        for i in 0..net.tensors()[t].len() {
            let touches_unit_1 = match t {
                0 => i % 4 == 1,
                1 => i == 1,
                _ => false,
            };
            if touches_unit_1 {
                continue;
            }
            let mut p = net.clone();
            p.tensors_mut()[t][i] += STEP;
            let plus = evaluate(&p, &batch, &cfg, 0).0;
            p.tensors_mut()[t][i] -= 2.0 * STEP;
            let minus = evaluate(&p, &batch, &cfg, 0).0;
            let numeric = (plus - minus) / (2.0 * STEP);
            let analytic = ws_ref.grads.tensors()[t][i];
            assert!(
                (analytic - numeric).abs() <= ATOL + RTOL * numeric.abs(),
                "{name}[{i}]: {analytic} vs {numeric}"
            );
        }
    }
}

/// A zero input row with zero biases: every unit has `Z1 = 0` in that row, which must
/// contribute nothing to `dW1`, `db1`, `dW2`; compared with a reference backward pass written
/// out here with `relu'(0) = 0`.
#[test]
fn zero_input_row_matches_reference_with_relu_prime_zero() {
    let mut net = random_net::<3, 5, 2>(31);
    net.b1 = Vector::zeros();
    let mut x = random_matrix::<3, 3>(32, -1.0, 1.0);
    x[1] = [0.0; 3];
    let labels = random_labels::<3, 2>(33);
    let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (_, ws) = evaluate(&net, &batch, &cfg, 0);

    // Reference: B = 3, mean loss, relu'(0) = 0.
    let n = 3.0;
    let mut gw1 = [[0.0; 5]; 3];
    let mut gb1 = [0.0; 5];
    let mut gw2 = [[0.0; 2]; 5];
    let mut gb2 = [0.0; 2];
    for (b, xr) in x.rows().enumerate() {
        let z1: [f64; 5] =
            core::array::from_fn(|j| (0..3).map(|i| xr[i] * net.w1[(i, j)]).sum::<f64>());
        if b == 1 {
            assert!(z1.iter().all(|&z| z == 0.0));
        }
        let a1 = z1.map(|z| if z > 0.0 { z } else { 0.0 });
        let z2: [f64; 2] = core::array::from_fn(|k| {
            net.b2[k] + (0..5).map(|j| a1[j] * net.w2[(j, k)]).sum::<f64>()
        });
        let m = z2[0].max(z2[1]);
        let e = z2.map(|z| (z - m).exp());
        let s = e[0] + e[1];
        let dz2: [f64; 2] =
            core::array::from_fn(|k| (e[k] / s - if k == labels[b].get() { 1.0 } else { 0.0 }) / n);
        for k in 0..2 {
            gb2[k] += dz2[k];
            for j in 0..5 {
                gw2[j][k] += a1[j] * dz2[k];
            }
        }
        for j in 0..5 {
            let da = dz2[0] * net.w2[(j, 0)] + dz2[1] * net.w2[(j, 1)];
            let dz = if z1[j] > 0.0 { da } else { 0.0 };
            gb1[j] += dz;
            for i in 0..3 {
                gw1[i][j] += xr[i] * dz;
            }
        }
    }
    let close = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-14 * (1.0 + y.abs()))
    };
    assert!(close(ws.grads.w1.as_flattened(), gw1.as_flattened()));
    assert!(close(ws.grads.b1.as_slice(), &gb1));
    assert!(close(ws.grads.w2.as_flattened(), gw2.as_flattened()));
    assert!(close(ws.grads.b2.as_slice(), &gb2));
    // And the zero row's gate is exactly zero for every unit.
    assert!(ws.gate[1].iter().all(|&g| g == 0.0));
}

// ---------------------------------------------------------------------------------------
// Loss-level gradients.

fn numeric_grad<const N: usize>(f: impl Fn(&[f64; N]) -> f64, at: &[f64; N]) -> [f64; N] {
    core::array::from_fn(|i| {
        let mut p = *at;
        p[i] = at[i] + STEP;
        let plus = f(&p);
        p[i] = at[i] - STEP;
        let minus = f(&p);
        (plus - minus) / (2.0 * STEP)
    })
}

fn assert_grad_close<const N: usize>(what: &str, analytic: &[f64; N], numeric: &[f64; N]) {
    for i in 0..N {
        assert!(
            (analytic[i] - numeric[i]).abs() <= ATOL + RTOL * numeric[i].abs(),
            "{what}[{i}]: analytic {} vs numeric {}",
            analytic[i],
            numeric[i]
        );
    }
}

fn random_array<const N: usize>(seed: u64, lo: f64, hi: f64) -> [f64; N] {
    let mut rng = StdRng::seed_from_u64(seed);
    core::array::from_fn(|_| uniform(&mut rng, lo, hi))
}

#[test]
fn loss_functions_gradients() {
    for seed in 0..5 {
        let o = random_array::<5>(seed, -3.0, 3.0);
        let g = random_array::<5>(seed + 100, -2.0, 2.0);
        let lg = mse(&o, &g);
        assert_grad_close("mse", &lg.grad, &numeric_grad(|o| mse(o, &g).loss, &o));

        let z = random_array::<5>(seed + 200, -8.0, 8.0);
        let p = random_array::<5>(seed + 300, 0.0, 1.0);
        let lg = sigmoid_bce(&z, &p);
        assert_grad_close(
            "sigmoid_bce",
            &lg.grad,
            &numeric_grad(|z| sigmoid_bce(z, &p).loss, &z),
        );
        let lg1 = sigmoid_bce(&[z[0]], &[p[0]]);
        assert_grad_close(
            "sigmoid_bce K=1",
            &lg1.grad,
            &numeric_grad(|z| sigmoid_bce(z, &[p[0]]).loss, &[z[0]]),
        );

        let mut dist = random_array::<5>(seed + 400, 0.0, 1.0);
        let s: f64 = dist.iter().sum();
        dist = dist.map(|d| d / s);
        let lg = softmax_cross_entropy(&z, &dist);
        assert_grad_close(
            "softmax_cross_entropy",
            &lg.grad,
            &numeric_grad(|z| softmax_cross_entropy(z, &dist).loss, &z),
        );

        let t = Label::<5>::new(seed as usize).unwrap();
        let lg = nll(&z, t);
        assert_grad_close("nll", &lg.grad, &numeric_grad(|z| nll(z, t).loss, &z));
    }
}

#[test]
fn l2_gradient_matches_penalty() {
    let theta = random_array::<7>(1, -2.0, 2.0);
    for lambda in [0.0, 0.01, 0.3, 2.0] {
        let l2 = L2::new(lambda).unwrap();
        let start = random_array::<7>(2, -1.0, 1.0);
        let mut grad = start;
        l2.add_gradient(&theta, &mut grad);
        let added: [f64; 7] = core::array::from_fn(|i| grad[i] - start[i]);
        let numeric = numeric_grad(|t| l2.penalty(t), &theta);
        assert_grad_close("L2", &added, &numeric);
    }
}
