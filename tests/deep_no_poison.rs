//! Networks of any depth keep `Mlp`'s promises: an `Ok` training step leaves every parameter
//! finite; an `Err` step changes nothing (the model and the optimizer state, bit for bit,
//! Adam's step count included); hyper-parameters are checked in the scalar type they are
//! used in.

use ctensor::nn::params::Params;
use ctensor::{
    AdamOf, Batch, Dense, Dropout, DropoutLayer, Error, L2, Label, LabelSmoothing, Loss, Matrix,
    MomentumOf, Relu, Seq, SeqOptimizer, SeqWorkspace, Sgd, Targets, TrainConfig, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

type Layers = (
    Dense<3, 5>,
    Relu<5>,
    DropoutLayer<5>,
    Dense<5, 4>,
    Relu<4>,
    Dense<4, 2>,
);
type Net = Seq<Layers>;
type NoDropout = (Dense<3, 5>, Relu<5>, Dense<5, 2>);

/// Every parameter's bits.
fn bits<P: Params<Scalar = f32>>(p: &P) -> Vec<u32> {
    (0..P::TENSORS)
        .flat_map(|i| p.tensor(i).iter().map(|x| x.to_bits()).collect::<Vec<_>>())
        .collect()
}

fn all_finite<P: Params<Scalar = f32>>(p: &P) -> bool {
    (0..P::TENSORS).all(|i| p.tensor(i).iter().all(|x| x.is_finite()))
}

/// One step that must keep the contract; returns its result.
fn step<O: SeqOptimizer<Layers> + core::fmt::Debug>(
    net: &mut Net,
    opt: &mut O,
    batch: &Batch<'_, 4, 3, 2>,
    cfg: &TrainConfig,
    seed: u64,
) -> Result<(), Error> {
    let (before, opt_before) = (bits(&net.layers), format!("{opt:?}"));
    let mut ws = SeqWorkspace::zeros();
    let result = net.train_step(batch, cfg, &mut ws, opt, &mut StdRng::seed_from_u64(seed));
    match &result {
        Ok(stats) => {
            assert!(
                all_finite(&net.layers),
                "an Ok step left non-finite parameters"
            );
            assert!(stats.loss.is_finite());
        }
        Err(e) => {
            assert_eq!(bits(&net.layers), before, "the model changed on {e:?}");
            assert_eq!(
                format!("{opt:?}"),
                opt_before,
                "the optimizer changed on {e:?}"
            );
        }
    }
    result.map(|_| ())
}

fn regression() -> (Matrix<4, 3>, Matrix<4, 2>) {
    let x = Matrix::from_fn(|r, c| (r + 2 * c) as f32 * 0.5 - 1.0);
    let y = Matrix::from_fn(|r, c| r as f32 - c as f32 * 0.5);
    (x, y)
}

#[test]
fn hyper_parameters_are_checked_in_f32() {
    let (x, y) = regression();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut net = Net::glorot(&mut StdRng::seed_from_u64(1));
    let err = step(&mut net, &mut Sgd::new(1e300).unwrap(), &batch, &cfg, 0).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidHyperParameter {
            name: "learning rate",
            value: 1e300,
            expected: "finite and > 0 in f32"
        }
    );
    assert!(AdamOf::<Layers>::with_betas(1e-3, 0.9, 0.999, 1e-50).is_err());
    assert!(AdamOf::<Layers>::with_betas(1e-3, 0.9, 1.0 - 1e-10, 1e-8).is_err());
    #[cfg(feature = "std")]
    assert!(AdamOf::<Layers>::boxed(1e300).is_err());
    assert!(MomentumOf::<Layers>::new(0.1, 1.0 - 1e-10).is_err());
    type Layers64 = (Dense<3, 5, f64>, Relu<5, f64>, Dense<5, 2, f64>);
    assert!(AdamOf::<Layers64>::with_betas(1e-3, 0.9, 0.999, 1e-50).is_ok());
    assert!(MomentumOf::<Layers64>::new(1e300, 0.9).is_ok());
}

#[test]
fn an_overflowing_update_is_refused_whole_and_names_its_tensor() {
    let (x, y) = regression();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    // All weights and biases zero but the last bias: only the last bias has a gradient
    // (the hidden activations are 0), `dJ/db = -100`, and a rate of 1e37 overflows it.
    let mut net = Net::zeros();
    let y = Matrix::splat(100.0);
    let batch_far = Batch::new(&x, Targets::Values(&y)).unwrap();
    let mut sgd = Sgd::new(1e37).unwrap();
    assert_eq!(
        step(&mut net, &mut sgd, &batch_far, &cfg, 0),
        Err(Error::NonFiniteLayerUpdate {
            layer: 5,
            tensor: "bias"
        })
    );
    assert!(
        Error::NonFiniteLayerUpdate {
            layer: 5,
            tensor: "bias"
        }
        .to_string()
        .contains("5.bias")
    );
    // An output too large for the loss: refused before the update.
    let mut big = Net::glorot(&mut StdRng::seed_from_u64(2));
    big.layers.5.b[0] = f32::MAX;
    assert_eq!(
        step(&mut big, &mut Sgd::new(0.1).unwrap(), &batch, &cfg, 0),
        Err(Error::NonFiniteLoss)
    );
    // Adam and momentum: refused whole, their state (and Adam's step count) unchanged.
    let mut adam = AdamOf::<Layers>::new(1e36).unwrap();
    let mut net = Net::zeros();
    assert_eq!(step(&mut net, &mut adam, &batch_far, &cfg, 0), Ok(()));
    assert_eq!(adam.steps(), 1);
    assert!(step(&mut net, &mut adam, &batch_far, &cfg, 0).is_err());
    assert_eq!(adam.steps(), 1);
    let mut momentum = MomentumOf::<Layers>::new(1e37, 0.9).unwrap();
    assert_eq!(
        step(&mut Net::zeros(), &mut momentum, &batch_far, &cfg, 0),
        Err(Error::NonFiniteLayerUpdate {
            layer: 5,
            tensor: "bias"
        })
    );
}

#[test]
fn configuration_errors_change_nothing() {
    let (x, y) = regression();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let mut net = Net::glorot(&mut StdRng::seed_from_u64(3));
    let mut adam = AdamOf::<Layers>::new(0.01).unwrap();
    // Smoothing with MSE.
    let cfg = TrainConfig::new(Loss::MeanSquaredError)
        .with_label_smoothing(LabelSmoothing::new(0.1).unwrap());
    assert_eq!(
        step(&mut net, &mut adam, &batch, &cfg, 0),
        Err(Error::SmoothingNotApplicable)
    );
    // A target outside the loss's domain.
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy);
    assert!(matches!(
        step(&mut net, &mut adam, &batch, &cfg, 0),
        Err(Error::InvalidTarget { .. })
    ));
    // Dropout without a generator.
    let cfg = TrainConfig::new(Loss::MeanSquaredError).with_dropout(Dropout::new(0.5).unwrap());
    let mut ws = SeqWorkspace::zeros();
    let before = bits(&net.layers);
    assert_eq!(
        net.train_step_deterministic(&batch, &cfg, &mut ws, &mut adam),
        Err(Error::DropoutNeedsRng)
    );
    assert_eq!(bits(&net.layers), before);
    assert_eq!(adam.steps(), 0);
    // Dropout on a network without a dropout layer.
    let mut plain = Seq::<NoDropout>::glorot(&mut StdRng::seed_from_u64(4));
    let before: Vec<u32> = bits(&plain.layers);
    let err = plain
        .train_step(
            &batch,
            &cfg,
            &mut SeqWorkspace::zeros(),
            &mut Sgd::new(0.1).unwrap(),
            &mut StdRng::seed_from_u64(0),
        )
        .unwrap_err();
    assert_eq!(err, Error::NoDropoutLayer);
    assert_eq!(bits(&plain.layers), before);
    // A workspace holding another forward pass.
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut ws = SeqWorkspace::zeros();
    net.forward_train(
        &Batch::partial(&x, Targets::Values(&y), 2).unwrap(),
        Dropout::NONE,
        &mut ws,
        &mut StdRng::seed_from_u64(0),
    );
    assert_eq!(
        net.backward(&batch, &cfg, &mut ws),
        Err(Error::WorkspaceMismatch {
            workspace_rows: 2,
            batch_rows: 4
        })
    );
    // Training works after all that.
    assert!(step(&mut net, &mut adam, &batch, &cfg, 0).is_ok());
    assert_eq!(adam.steps(), 1);
}

/// Random networks, inputs, targets and hyper-parameters over many orders of magnitude, with
/// every optimizer and loss: whatever happens, `Ok` leaves finite parameters and `Err`
/// changes nothing.
#[test]
fn random_extreme_steps_keep_the_contract() {
    let mut rng = StdRng::seed_from_u64(99);
    let mut log_uniform = |lo: f64, hi: f64| {
        let e = lo + (hi - lo) * uniform01(&mut rng);
        10f64.powf(e)
    };
    let (mut oks, mut errs) = (0, 0);
    for case in 0..300_u64 {
        let scale = log_uniform(-3.0, 12.0) as f32;
        let mut net = Net::glorot(&mut StdRng::seed_from_u64(case));
        for i in 0..<Layers as Params>::TENSORS {
            for w in net.layers.tensor_mut(i) {
                *w *= scale;
            }
        }
        let input_scale = log_uniform(-3.0, 12.0) as f32;
        let x = Matrix::<4, 3>::from_fn(|r, c| input_scale * ((r * 3 + c) as f32 - 5.5));
        let y = Matrix::<4, 2>::from_fn(|r, c| (r + c) as f32 / 5.0);
        let labels = [0, 1, 1, 0].map(|c| Label::<2>::new(c).unwrap());
        let lr = log_uniform(-4.0, 30.0);
        let (loss, targets) = match case % 3 {
            0 => (Loss::MeanSquaredError, Targets::Values(&y)),
            1 => (Loss::SigmoidCrossEntropy, Targets::Values(&y)),
            _ => (Loss::SoftmaxCrossEntropy, Targets::Classes(&labels)),
        };
        let Ok(batch) = Batch::partial(&x, targets, 1 + (case as usize % 4)) else {
            continue;
        };
        let mut cfg = TrainConfig::new(loss).with_dropout(Dropout::new(0.2).unwrap());
        if case % 2 == 0 {
            cfg = cfg.with_l2(L2::new(log_uniform(-4.0, 1.0)).unwrap());
        }
        let result = match case % 4 {
            0 => step(&mut net, &mut Sgd::new(lr).unwrap(), &batch, &cfg, case),
            1 => match MomentumOf::<Layers>::new(lr.min(1e38), 0.9) {
                Ok(mut m) => {
                    let first = step(&mut net, &mut m, &batch, &cfg, case);
                    first.and_then(|()| step(&mut net, &mut m, &batch, &cfg, case + 1))
                }
                Err(e) => Err(e),
            },
            _ => match AdamOf::<Layers>::new(lr.min(1e38)) {
                Ok(mut a) => {
                    let first = step(&mut net, &mut a, &batch, &cfg, case);
                    first.and_then(|()| step(&mut net, &mut a, &batch, &cfg, case + 1))
                }
                Err(e) => Err(e),
            },
        };
        if result.is_ok() { oks += 1 } else { errs += 1 }
    }
    // Both outcomes were exercised.
    assert!(oks > 30 && errs > 30, "{oks} ok, {errs} errors");
}
