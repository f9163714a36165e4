//! Gradient checks for networks of any depth: every parameter gradient of `Seq::backward`
//! against central finite differences in `f64`, for 2-, 3- and 5-layer networks (5 dense
//! layers: 9 layers in two nested chains), every loss, with and without dropout, L2 (with
//! and without biases), label smoothing and partial batches; at ReLU inputs exactly 0,
//! against one-sided differences (`relu'(0) = 0`); and against `Mlp`'s own gradients.

use ctensor::nn::arch::LayerKind;
use ctensor::nn::layer::{Forward, Train};
use ctensor::nn::params::Params;
use ctensor::{
    Batch, Dense, Dropout, DropoutLayer, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, MlpSeq,
    Relu, Seq, SeqWorkspace, Targets, TrainConfig, Workspace, network, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Finite-difference step.
const STEP: f64 = 1e-6;
/// Absolute tolerance of a gradient element.
const ATOL: f64 = 1e-7;
/// Relative tolerance of a gradient element.
const RTOL: f64 = 1e-6;

type Two = Seq<(Dense<3, 4, f64>, Relu<4, f64>, Dense<4, 2, f64>)>;
type Three = Seq<(
    Dense<4, 6, f64>,
    Relu<6, f64>,
    DropoutLayer<6, f64>,
    Dense<6, 5, f64>,
    Relu<5, f64>,
    Dense<5, 3, f64>,
)>;
network! {
    type Five = [
        Dense<3, 5, f64>, Relu<5, f64>, Dense<5, 4, f64>, Relu<4, f64>, Dense<4, 6, f64>,
        Relu<6, f64>, DropoutLayer<6, f64>, Dense<6, 4, f64>, Relu<4, f64>, Dense<4, 3, f64>,
    ];
}

fn uniform(rng: &mut StdRng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * uniform01(rng)
}

/// A network with every parameter (biases too) uniform in `[-1, 1)`.
fn random_net<L: Train + Params<Scalar = f64>>(seed: u64) -> Seq<L> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut net = Seq::<L>::zeros();
    for i in 0..L::TENSORS {
        for x in net.layers.tensor_mut(i) {
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

/// Rows that are probability distributions.
fn random_distributions<const B: usize, const K: usize>(seed: u64) -> Matrix<B, K, f64> {
    let mut m = random_matrix::<B, K>(seed, 0.05, 1.0);
    for row in m.as_array_mut() {
        let s: f64 = row.iter().sum();
        row.iter_mut().for_each(|x| *x /= s);
    }
    m
}

/// An independent forward pass, with vectors: the outputs of the valid rows, and every
/// ReLU input (dropout masks drawn as the library draws them: per dropout layer, in order,
/// one `next_u64` per element of the valid rows).
fn reference<L: Forward + Params<Scalar = f64>>(
    layers: &L,
    x: &[Vec<f64>],
    dropout: Dropout,
    seed: u64,
) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows: Vec<Vec<f64>> = x.to_vec();
    let mut relu_inputs = Vec::new();
    let mut tensor = 0;
    for spec in L::ARCH.as_slice() {
        let (i_n, o_n) = (spec.inputs as usize, spec.outputs as usize);
        match spec.kind {
            LayerKind::Dense => {
                let (w, b) = (layers.tensor(tensor), layers.tensor(tensor + 1));
                tensor += 2;
                for row in &mut rows {
                    *row = (0..o_n)
                        .map(|j| b[j] + (0..i_n).map(|i| row[i] * w[i * o_n + j]).sum::<f64>())
                        .collect();
                }
            }
            LayerKind::Relu => {
                for row in &mut rows {
                    relu_inputs.extend(row.iter().copied());
                    row.iter_mut().for_each(|v| *v = v.max(0.0));
                }
            }
            LayerKind::Dropout => {
                if !dropout.is_none() {
                    let mut mask = vec![0.0; rows.len() * o_n];
                    dropout.sample_mask(&mut mask, &mut rng);
                    for (row, m) in rows.iter_mut().zip(mask.chunks(o_n)) {
                        row.iter_mut().zip(m).for_each(|(v, m)| *v *= m);
                    }
                }
            }
            LayerKind::DenseI8
            | LayerKind::ReluI8
            | LayerKind::DropoutI8
            | LayerKind::Unknown(_) => unreachable!(),
        }
    }
    (rows, relu_inputs)
}

/// One training-mode forward and backward pass with an RNG seeded by `seed`: the objective
/// and the workspace (gradients in `ws.grads`).
fn evaluate<L, const B: usize, const D: usize, const K: usize>(
    net: &Seq<L>,
    batch: &Batch<'_, B, D, K, f64>,
    cfg: &TrainConfig,
    seed: u64,
) -> (f64, Box<SeqWorkspace<L, B>>)
where
    L: Train<In = [f64; D], Out = [f64; K], Scalar = f64>,
{
    let mut ws = Box::new(SeqWorkspace::<L, B>::zeros());
    net.forward_train(
        batch,
        cfg.dropout,
        &mut ws,
        &mut StdRng::seed_from_u64(seed),
    );
    let stats = net.backward(batch, cfg, &mut ws).expect("backward");
    assert!(stats.loss.is_finite() && stats.penalty.is_finite());
    (stats.objective(), ws)
}

/// Checks every gradient element against central differences of the objective; returns the
/// analytic gradients.
fn check_gradients<L, const B: usize, const D: usize, const K: usize>(
    what: &str,
    net: &Seq<L>,
    batch: &Batch<'_, B, D, K, f64>,
    cfg: &TrainConfig,
    seed: u64,
) -> L
where
    L: Train<In = [f64; D], Out = [f64; K], Scalar = f64> + Clone,
{
    let x: Vec<Vec<f64>> = batch.inputs().iter().map(|r| r.to_vec()).collect();
    let (expected, relu_inputs) = reference(&net.layers, &x, cfg.dropout, seed);
    let min = relu_inputs
        .iter()
        .fold(f64::INFINITY, |m, z| m.min(z.abs()));
    assert!(
        min > 1e-4,
        "{what}: a ReLU input is {min}, too close to the kink"
    );
    // The forward pass agrees with the reference.
    let mut ws = Box::new(SeqWorkspace::<L, B>::zeros());
    net.forward_train(
        batch,
        cfg.dropout,
        &mut ws,
        &mut StdRng::seed_from_u64(seed),
    );
    for (got, want) in ws.outputs.as_array().iter().zip(&expected) {
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
                "{what}: output {g} vs {w}"
            );
        }
    }
    let (_, ws) = evaluate(net, batch, cfg, seed);
    let grads = ws.grads.clone();
    let mut probe = net.clone();
    let mut checked = 0;
    for t in 0..L::TENSORS {
        let name = L::tensor_info(t).unwrap();
        for i in 0..net.layers.tensor(t).len() {
            let orig = net.layers.tensor(t)[i];
            probe.layers.tensor_mut(t)[i] = orig + STEP;
            let (plus, _) = evaluate(&probe, batch, cfg, seed);
            probe.layers.tensor_mut(t)[i] = orig - STEP;
            let (minus, _) = evaluate(&probe, batch, cfg, seed);
            probe.layers.tensor_mut(t)[i] = orig;
            let numeric = (plus - minus) / (2.0 * STEP);
            let analytic = grads.tensor(t)[i];
            assert!(
                (analytic - numeric).abs() <= ATOL + RTOL * numeric.abs(),
                "{what}: d/d {name}[{i}]: analytic {analytic:e}, numeric {numeric:e}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, L::LEN);
    grads
}

/// Every loss, with and without regularization, on full and partial batches of one network.
fn check_all_losses<L, const D: usize, const K: usize>(what: &str, seed: u64, dropout_layer: bool)
where
    L: Train<In = [f64; D], Out = [f64; K], Scalar = f64> + Clone,
{
    const B: usize = 5;
    let net = random_net::<L>(seed);
    let x = random_matrix::<B, D>(seed + 1, -1.5, 1.5);
    let labels = random_labels::<B, K>(seed + 2);
    let dists = random_distributions::<B, K>(seed + 3);
    let probs = random_matrix::<B, K>(seed + 4, 0.0, 1.0);
    let values = random_matrix::<B, K>(seed + 5, -2.0, 2.0);
    let dropout = if dropout_layer {
        Dropout::new(0.3).unwrap()
    } else {
        Dropout::NONE
    };
    let smoothing = LabelSmoothing::new(0.2).unwrap();
    let l2 = L2::new(0.05).unwrap();
    let cases: [(Loss, Targets<'_, B, K, f64>, &str); 5] = [
        (Loss::SoftmaxCrossEntropy, Targets::Classes(&labels), "nll"),
        (
            Loss::SoftmaxCrossEntropy,
            Targets::Values(&dists),
            "softmax ce",
        ),
        (
            Loss::SigmoidCrossEntropy,
            Targets::Values(&probs),
            "sigmoid bce",
        ),
        (
            Loss::SigmoidCrossEntropy,
            Targets::Classes(&labels),
            "bce one-hot",
        ),
        (Loss::MeanSquaredError, Targets::Values(&values), "mse"),
    ];
    for (k, (loss, targets, name)) in cases.into_iter().enumerate() {
        for len in [B, 3, 1] {
            let batch = Batch::partial(&x, targets, len).unwrap();
            let plain = TrainConfig::new(loss);
            let mut regularized = plain.with_l2(l2).with_dropout(dropout);
            if loss != Loss::MeanSquaredError {
                regularized = regularized.with_label_smoothing(smoothing);
            }
            let with_biases = plain.with_l2(l2.with_biases(true));
            for (cfg, how) in [
                (plain, "plain"),
                (regularized, "l2 + dropout + smoothing"),
                (with_biases, "l2 with biases"),
            ] {
                let label = format!("{what}, {name}, {how}, {len} rows");
                check_gradients(&label, &net, &batch, &cfg, seed + 10 + k as u64);
            }
        }
    }
}

#[test]
fn two_layer_gradients_match_finite_differences() {
    check_all_losses::<<Two as Layers>::L, 3, 2>("2 layers", 100, false);
}

#[test]
fn three_layer_gradients_match_finite_differences() {
    check_all_losses::<<Three as Layers>::L, 4, 3>("3 layers", 200, true);
}

#[test]
fn five_layer_gradients_match_finite_differences() {
    check_all_losses::<<Five as Layers>::L, 3, 3>("5 layers", 300, true);
}

/// The layer tuple of a `Seq` type.
trait Layers {
    type L;
}
impl<L: Forward> Layers for Seq<L> {
    type L = L;
}

#[test]
fn relu_inputs_exactly_zero_take_relu_prime_zero() {
    // Row 0 is all zeros and the first layer has no bias: its ReLU inputs are exactly 0 on
    // that row. Unit 1 of the second dense layer has zero weights and bias: its ReLU input
    // is exactly 0 on every row. Every parameter that moves one of these inputs moves it up
    // (`dz/dθ` is 1 or a ReLU output >= 0), so `relu'(0) = 0` is the derivative from the
    // left: the analytic gradient must equal one-sided differences taken to the left, and
    // differ from those to the right where the kink matters.
    type Net = Seq<(
        Dense<3, 4, f64>,
        Relu<4, f64>,
        Dense<4, 4, f64>,
        Relu<4, f64>,
        Dense<4, 2, f64>,
    )>;
    type L = <Net as Layers>::L;
    let mut net = random_net::<L>(7);
    net.layers.0.b = ctensor::Vector::zeros();
    for i in 0..4 {
        net.layers.2.w[(i, 1)] = 0.0;
    }
    net.layers.2.b[1] = 0.0;
    let mut x = random_matrix::<4, 3>(8, -1.5, 1.5);
    x[0] = [0.0; 3];
    for (loss, targets) in [
        (Loss::MeanSquaredError, random_matrix::<4, 2>(9, -1.0, 1.0)),
        (Loss::SoftmaxCrossEntropy, random_distributions::<4, 2>(10)),
    ] {
        let batch = Batch::new(&x, Targets::Values(&targets)).unwrap();
        let cfg = TrainConfig::new(loss);
        let rows: Vec<Vec<f64>> = x.rows().map(|r| r.to_vec()).collect();
        let (_, relu_inputs) = reference(&net.layers, &rows, Dropout::NONE, 0);
        let zeros = relu_inputs.iter().filter(|&&z| z == 0.0).count();
        assert_eq!(zeros, 4 + 4, "4 units of row 0, then unit 1 of every row");
        let min = relu_inputs
            .iter()
            .filter(|&&z| z != 0.0)
            .fold(f64::INFINITY, |m, z| m.min(z.abs()));
        assert!(min > 1e-3, "{min}");
        let (f0, ws) = evaluate(&net, &batch, &cfg, 0);
        let f = |probe: &Net| evaluate(probe, &batch, &cfg, 0).0;
        let mut probe = net.clone();
        let mut kink_matters = 0;
        for t in 0..L::TENSORS {
            for i in 0..net.layers.tensor(t).len() {
                let orig = net.layers.tensor(t)[i];
                let mut at = |d: f64| {
                    probe.layers.tensor_mut(t)[i] = orig + d;
                    let v = f(&probe);
                    probe.layers.tensor_mut(t)[i] = orig;
                    v
                };
                let h = 1e-5;
                // Second-order one-sided differences.
                let left = (3.0 * f0 - 4.0 * at(-h) + at(-2.0 * h)) / (2.0 * h);
                let right = (-3.0 * f0 + 4.0 * at(h) - at(2.0 * h)) / (2.0 * h);
                let analytic = ws.grads.tensor(t)[i];
                let name = L::tensor_info(t).unwrap();
                assert!(
                    (analytic - left).abs() <= 1e-6 + 1e-5 * left.abs(),
                    "{loss:?}: d/d {name}[{i}]: analytic {analytic:e}, from the left {left:e}"
                );
                if (right - left).abs() > 1e-4 {
                    kink_matters += 1;
                }
            }
        }
        assert!(
            kink_matters >= 4,
            "{loss:?}: the kinks changed nothing ({kink_matters})"
        );
    }
}

#[test]
fn seq_gradients_equal_mlp_gradients() {
    // `(Dense, Relu, DropoutLayer, Dense)` is what `Mlp` computes with dropout: the same
    // masks from the same generator, and the same gradients.
    let mlp = Mlp::<5, 7, 3, f64>::glorot(&mut StdRng::seed_from_u64(1));
    let with_dropout = Seq::new((
        mlp_seq(&mlp).layers.0,
        Relu::<7, f64>::new(),
        DropoutLayer::<7, f64>::new(),
        mlp_seq(&mlp).layers.2,
    ));
    let x = random_matrix::<6, 5>(2, -1.0, 1.0);
    let labels = random_labels::<6, 3>(3);
    let batch = Batch::partial(&x, Targets::Classes(&labels), 5).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_dropout(Dropout::new(0.25).unwrap())
        .with_l2(L2::new(0.01).unwrap())
        .with_label_smoothing(LabelSmoothing::new(0.1).unwrap());
    let mut ws = Box::new(Workspace::<6, 5, 7, 3, f64>::zeros());
    mlp.forward_train(&batch, cfg.dropout, &mut ws, &mut StdRng::seed_from_u64(4));
    let expected = mlp.backward(&batch, &cfg, &mut ws).unwrap();
    let mut sws = Box::new(SeqWorkspace::zeros());
    with_dropout.forward_train(&batch, cfg.dropout, &mut sws, &mut StdRng::seed_from_u64(4));
    let got = with_dropout.backward(&batch, &cfg, &mut sws).unwrap();
    assert_eq!(got, expected);
    let g = &sws.grads;
    assert_eq!(g.0.w, ws.grads.w1);
    assert_eq!(g.0.b, ws.grads.b1);
    assert_eq!(g.3.w, ws.grads.w2);
    assert_eq!(g.3.b, ws.grads.b2);
}

fn mlp_seq<const D: usize, const H: usize, const K: usize>(
    mlp: &Mlp<D, H, K, f64>,
) -> MlpSeq<D, H, K, f64> {
    MlpSeq::from_mlp(mlp)
}

#[test]
fn rows_past_the_batch_length_are_ignored() {
    let net = random_net::<<Three as Layers>::L>(11);
    let mut x = random_matrix::<5, 4>(12, -1.0, 1.0);
    let y = random_matrix::<5, 3>(13, -1.0, 1.0);
    let x3 = Matrix::<3, 4, f64>::from_fn(|r, c| x[(r, c)]);
    let y3 = Matrix::<3, 3, f64>::from_fn(|r, c| y[(r, c)]);
    x[3] = [f64::NAN; 4];
    x[4] = [1e300; 4];
    let cfg = TrainConfig::new(Loss::MeanSquaredError).with_dropout(Dropout::new(0.5).unwrap());
    let (partial, ws5) = evaluate(
        &net,
        &Batch::partial(&x, Targets::Values(&y), 3).unwrap(),
        &cfg,
        5,
    );
    let (full, ws3) = evaluate(
        &net,
        &Batch::new(&x3, Targets::Values(&y3)).unwrap(),
        &cfg,
        5,
    );
    assert_eq!(partial, full);
    for t in 0..<Three as Layers>::L::TENSORS {
        assert_eq!(ws5.grads.layers_tensor(t), ws3.grads.layers_tensor(t));
    }
}

/// `tensor(t)` of a gradient set, as a `Vec` (for comparisons).
trait TensorVec {
    fn layers_tensor(&self, t: usize) -> Vec<f64>;
}
impl<P: Params<Scalar = f64>> TensorVec for P {
    fn layers_tensor(&self, t: usize) -> Vec<f64> {
        self.tensor(t).to_vec()
    }
}
