//! Training networks of any depth: every optimizer learns, an `MlpSeq` trains exactly as
//! the `Mlp` it is equivalent to, and the workspace can be a `static`.

use std::sync::Mutex;

use ctensor::{
    Adam, AdamOf, Batch, Dense, Dropout, DropoutLayer, L2, Label, LabelSmoothing, Loss, Matrix,
    Mlp, MlpSeq, MomentumOf, Relu, Seq, SeqOptimizer, SeqWorkspace, Sgd, Targets, TrainConfig,
    Workspace, network,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

network! {
    type Xor = [Dense<2, 16>, Relu<16>, Dense<16, 16>, Relu<16>, DropoutLayer<16>, Dense<16, 2>];
}
type XorLayers = (
    Dense<2, 16>,
    Relu<16>,
    Dense<16, 16>,
    Relu<16>,
    DropoutLayer<16>,
    Dense<16, 2>,
);

fn train_xor<O: SeqOptimizer<XorLayers>>(mut opt: O, cfg: &TrainConfig, steps: usize) -> Xor {
    let mut rng = StdRng::seed_from_u64(5);
    let mut net = Xor::glorot(&mut rng);
    let x = Matrix::from_array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]);
    let y = [0, 1, 1, 0].map(|c| Label::<2>::new(c).unwrap());
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let mut ws = SeqWorkspace::zeros();
    let first = net
        .train_step(&batch, cfg, &mut ws, &mut opt, &mut rng)
        .unwrap();
    let mut last = first;
    for _ in 0..steps {
        last = net
            .train_step(&batch, cfg, &mut ws, &mut opt, &mut rng)
            .unwrap();
    }
    assert!(last.loss < first.loss / 4.0, "{first:?} -> {last:?}");
    for (xi, yi) in x.rows().zip(y) {
        assert_eq!(net.classify(xi), Ok(yi));
    }
    net
}

#[test]
fn every_optimizer_learns_xor_with_a_deep_network() {
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_dropout(Dropout::new(0.1).unwrap())
        .with_l2(L2::new(1e-4).unwrap())
        .with_label_smoothing(LabelSmoothing::new(0.05).unwrap());
    train_xor(AdamOf::new(0.02).unwrap(), &cfg, 300);
    train_xor(MomentumOf::new(0.05, 0.9).unwrap(), &cfg, 300);
    train_xor(Sgd::new(0.3).unwrap(), &cfg, 600);
}

#[test]
fn mlp_seq_trains_exactly_as_mlp() {
    // Same gradients (same kernels, same order) and the same Adam update rule: the same
    // weights, bit for bit, after every step.
    let mut rng = StdRng::seed_from_u64(1);
    let mut mlp = Mlp::<6, 9, 3>::glorot(&mut rng);
    let mut seq = MlpSeq::from_mlp(&mlp);
    let x = Matrix::<8, 6>::from_fn(|r, c| ((r * 7 + c * 3) % 11) as f32 / 5.0 - 1.0);
    let y: [Label<3>; 8] = core::array::from_fn(|r| Label::new(r % 3).unwrap());
    let batch = Batch::partial(&x, Targets::Classes(&y), 7).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_l2(L2::new(1e-3).unwrap())
        .with_label_smoothing(LabelSmoothing::new(0.1).unwrap());
    let (mut a1, mut a2) = (Adam::new(0.01).unwrap(), AdamOf::new(0.01).unwrap());
    let (mut w1, mut w2) = (Workspace::zeros(), SeqWorkspace::zeros());
    for _ in 0..20 {
        let s1 = mlp
            .train_step(&batch, &cfg, &mut w1, &mut a1, &mut rng)
            .unwrap();
        let s2 = seq
            .train_step(&batch, &cfg, &mut w2, &mut a2, &mut rng)
            .unwrap();
        assert_eq!(s1, s2);
        assert_eq!(seq.to_mlp(), mlp);
    }
    assert_eq!(a2.steps(), 20);
}

type Small = (Dense<3, 4, f64>, Relu<4, f64>, Dense<4, 1, f64>);
/// A workspace built at compile time.
static WORKSPACE: Mutex<SeqWorkspace<Small, 2>> = Mutex::new(SeqWorkspace::zeros());
/// Optimizer state built at compile time.
static ADAM: Mutex<AdamOf<Small>> = Mutex::new(match AdamOf::new_const(0.01) {
    Ok(adam) => adam,
    Err(_) => panic!("bad learning rate"),
});

#[test]
fn a_static_workspace_and_deterministic_steps() {
    let mut net = Seq::<Small>::glorot(&mut StdRng::seed_from_u64(2));
    let x = Matrix::from_array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]);
    let y = Matrix::from_array([[1.0], [-1.0]]);
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut ws = WORKSPACE.lock().unwrap();
    let mut sgd = Sgd::new(0.05).unwrap();
    let first = net
        .train_step_deterministic(&batch, &cfg, &mut ws, &mut sgd)
        .unwrap();
    for _ in 0..200 {
        net.train_step_deterministic(&batch, &cfg, &mut ws, &mut sgd)
            .unwrap();
    }
    let last = net
        .train_step_deterministic(&batch, &cfg, &mut ws, &mut sgd)
        .unwrap();
    assert!(last.loss < first.loss / 100.0, "{first:?} -> {last:?}");
    // A static Adam trains too (a fresh network).
    let mut net = Seq::<Small>::glorot(&mut StdRng::seed_from_u64(2));
    let mut adam = ADAM.lock().unwrap();
    let first = net
        .train_step_deterministic(&batch, &cfg, &mut ws, &mut *adam)
        .unwrap();
    for _ in 0..200 {
        net.train_step_deterministic(&batch, &cfg, &mut ws, &mut *adam)
            .unwrap();
    }
    let last = net
        .train_step_deterministic(&batch, &cfg, &mut ws, &mut *adam)
        .unwrap();
    assert_eq!(adam.steps(), 202);
    assert!(last.loss < first.loss / 10.0, "{first:?} -> {last:?}");
}

#[test]
fn const_constructed_optimizers_check_their_rate_in_the_scalar_type_at_each_update() {
    type Small32 = (Dense<3, 4>, Relu<4>, Dense<4, 1>);
    // 1e300 is a finite f64 but infinite in f32: accepted here, refused at the update.
    let mut adam = AdamOf::<Small32>::new_const(1e300).unwrap();
    let mut momentum = MomentumOf::<Small32>::new_const(1e300, 0.5).unwrap();
    assert!(MomentumOf::<Small32>::new_const(0.1, 1.0).is_err());
    let mut net = Seq::<Small32>::glorot(&mut StdRng::seed_from_u64(3));
    let before = net.clone();
    let x = Matrix::from_array([[1.0, 0.0, -1.0]]);
    let y = Matrix::from_array([[1.0]]);
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut ws = SeqWorkspace::zeros();
    for err in [
        net.train_step_deterministic(&batch, &cfg, &mut ws, &mut adam),
        net.train_step_deterministic(&batch, &cfg, &mut ws, &mut momentum),
    ] {
        assert!(matches!(
            err,
            Err(ctensor::Error::InvalidHyperParameter {
                expected: "finite and > 0 in f32",
                ..
            })
        ));
    }
    assert_eq!(net, before);
    assert_eq!(adam.steps(), 0);
}
