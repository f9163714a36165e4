//! An `Ok` training step leaves every parameter finite; an `Err` step changes nothing (model
//! and optimizer state, bit for bit). Hyper-parameters are checked in the scalar type they
//! are used in. Each case here passed silently (an `Ok` step with `inf` or NaN parameters)
//! before the checks existed.

use ctensor::{
    Adam, Batch, Error, Label, Loss, Matrix, Mlp, Momentum, Optimizer, Scalar, Sgd, Targets,
    TrainConfig, Workspace,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The bits of every parameter, as `f64` bits (so `f32` and `f64` nets compare alike).
fn bits<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Vec<u64> {
    net.tensors()
        .iter()
        .flat_map(|t| t.iter().map(|&x| Scalar::as_f64(x).to_bits()))
        .collect()
}

fn all_finite<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> bool {
    net.tensors()
        .iter()
        .all(|t| t.iter().all(|x| x.is_finite()))
}

/// A small regression batch of two rows.
fn regression<T: Scalar>() -> (Matrix<2, 3, T>, Matrix<2, 1, T>) {
    let x = Matrix::from_fn(|r, c| T::from_f64((r + 2 * c) as f64 * 0.5 - 1.0));
    let y = Matrix::from_fn(|r, _| T::from_f64(r as f64 + 0.5));
    (x, y)
}

/// Runs one step and checks the contract: `Ok` leaves finite parameters, `Err` changes nothing.
/// Returns the step's result.
fn step<T: Scalar, O: Optimizer<3, 4, 1, T>>(
    net: &mut Mlp<3, 4, 1, T>,
    opt: &mut O,
) -> Result<(), Error> {
    let (x, y) = regression::<T>();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let before = bits(net);
    let mut ws = Workspace::zeros();
    let result = net.train_step(&batch, &cfg, &mut ws, opt, &mut StdRng::seed_from_u64(1));
    match &result {
        Ok(_) => assert!(all_finite(net), "an Ok step left non-finite parameters"),
        Err(e) => assert_eq!(bits(net), before, "the model changed on {e:?}"),
    }
    result.map(|_| ())
}

fn glorot<T: Scalar>(seed: u64) -> Mlp<3, 4, 1, T> {
    Mlp::glorot(&mut StdRng::seed_from_u64(seed))
}

#[test]
fn sgd_learning_rate_is_checked_in_f32() {
    // 1e300 is a valid f64 rate but `inf` in f32: today's f32 step must refuse it.
    let mut sgd = Sgd::new(1e300).unwrap();
    let err = step(&mut glorot::<f32>(1), &mut sgd).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidHyperParameter {
            name: "learning rate",
            value: 1e300,
            expected: "finite and > 0 in f32"
        }
    );
    assert!(err.to_string().contains("in f32"), "{err}");
    // 1e-50 is 0 in f32: no step at all would be taken, silently.
    let mut sgd = Sgd::new(1e-50).unwrap();
    assert!(matches!(
        step(&mut glorot::<f32>(1), &mut sgd),
        Err(Error::InvalidHyperParameter { .. })
    ));
}

#[test]
fn sgd_with_l2_takes_the_checked_general_path_too() {
    let (x, y) = regression::<f32>();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError).with_l2(ctensor::L2::new(0.1).unwrap());
    let mut net = glorot::<f32>(2);
    let before = bits(&net);
    let err = net
        .train_step(
            &batch,
            &cfg,
            &mut Workspace::zeros(),
            &mut Sgd::new(1e300).unwrap(),
            &mut StdRng::seed_from_u64(0),
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidHyperParameter { .. }));
    assert_eq!(bits(&net), before);
}

#[test]
fn adam_and_momentum_hyper_parameters_are_checked_in_their_type() {
    // eps 1e-50 is 0 in f32 (then 0/0 on a zero gradient); fine in f64.
    let err = Adam::<3, 4, 1, f32>::with_betas(1e-3, 0.9, 0.999, 1e-50).unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidHyperParameter {
            name: "epsilon",
            ..
        }
    ));
    assert!(Adam::<3, 4, 1, f64>::with_betas(1e-3, 0.9, 0.999, 1e-50).is_ok());
    // A beta just below 1 in f64 is exactly 1 in f32.
    assert!(Adam::<3, 4, 1, f32>::with_betas(1e-3, 0.9, 1.0 - 1e-10, 1e-8).is_err());
    assert!(Adam::<3, 4, 1, f32>::new(1e300).is_err());
    #[cfg(feature = "alloc")]
    assert!(Adam::<3, 4, 1, f32>::boxed(1e300).is_err());
    assert!(Momentum::<3, 4, 1, f32>::new(1e300, 0.9).is_err());
    assert!(Momentum::<3, 4, 1, f32>::new(0.1, 1.0 - 1e-10).is_err());
    assert!(Momentum::<3, 4, 1, f64>::new(1e300, 0.9).is_ok());
    let mut adam = Adam::<3, 4, 1, f32>::new(0.1).unwrap();
    assert!(adam.set_learning_rate(1e39).is_err());
    assert_eq!(
        adam.learning_rate(),
        0.1,
        "a failed set leaves the rate alone"
    );
}

/// One sigmoid-BCE step of a `Mlp<2, 1, 1, T>` on one row: `Ok` leaves finite parameters,
/// `Err` changes nothing.
fn bce_step<T: Scalar, O: Optimizer<2, 1, 1, T>>(
    net: &mut Mlp<2, 1, 1, T>,
    x: [T; 2],
    target: T,
    opt: &mut O,
) -> Result<(), Error> {
    let x = Matrix::from_array([x]);
    let y = Matrix::from_array([[target]]);
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy);
    let before = bits(net);
    let result = net.train_step(
        &batch,
        &cfg,
        &mut Workspace::zeros(),
        opt,
        &mut StdRng::seed_from_u64(1),
    );
    match &result {
        Ok(_) => assert!(all_finite(net), "an Ok step left non-finite parameters"),
        Err(e) => assert_eq!(bits(net), before, "the model changed on {e:?}"),
    }
    result.map(|_| ())
}

#[test]
fn f64_update_that_overflows_is_refused_by_every_optimizer() {
    // Outputs of ~1e308 overflow the loss first; so instead use a sane model and a huge rate:
    // the gradient is moderate, `lr * g` overflows f64.
    let mut net = glorot::<f64>(4);
    let err = step(&mut net, &mut Sgd::new(1e308).unwrap()).unwrap_err();
    assert!(matches!(err, Error::NonFiniteUpdate { .. }), "{err:?}");
    assert!(err.to_string().contains("not applied"));

    let mut momentum = Momentum::<3, 4, 1, f64>::new(1e308, 0.5).unwrap();
    let err = step(&mut net, &mut momentum).unwrap_err();
    assert!(matches!(err, Error::NonFiniteUpdate { .. }), "{err:?}");
    // The velocity did not change either: a sane rate now takes a normal first step.
    momentum.set_learning_rate(1e-3).unwrap();
    let mut fresh = Momentum::<3, 4, 1, f64>::new(1e-3, 0.5).unwrap();
    let mut net2 = net.clone();
    step(&mut net, &mut momentum).unwrap();
    step(&mut net2, &mut fresh).unwrap();
    assert_eq!(
        bits(&net),
        bits(&net2),
        "the failed step left velocity behind"
    );

    // Adam's step is about lr in size whatever the gradient: b2 = 1e308 (cancelled by W2 so
    // that the logit is 0) and a step of 1e308 upwards overflow. (W1's gradient, 5e307, also
    // overflows Adam's second moment `(1 - beta2) g^2`: W1 is the first tensor checked.)
    let mut net = Mlp::<2, 1, 1, f64>::zeros();
    net.w1 = Matrix::from_array([[1.0], [0.0]]);
    net.w2 = Matrix::from_array([[-1e308]]);
    net.b2[0] = 1e308;
    let mut adam = Adam::<2, 1, 1, f64>::new(1e308).unwrap();
    let err = bce_step(&mut net, [1.0, 0.0], 1.0, &mut adam).unwrap_err();
    assert_eq!(err, Error::NonFiniteUpdate { tensor: "w1" });
    assert_eq!(adam.steps(), 0, "a refused step is not counted");
    // The refused step left no moment estimates behind: the same optimizer then takes the
    // same step on a sane model as a fresh one.
    adam.set_learning_rate(0.1).unwrap();
    let mut fresh_adam = Adam::<2, 1, 1, f64>::new(0.1).unwrap();
    let mut sane = Mlp::<2, 1, 1, f64>::zeros();
    sane.w1 = Matrix::from_array([[0.5], [0.25]]);
    let mut sane2 = sane.clone();
    bce_step(&mut sane, [1.0, 2.0], 1.0, &mut adam).unwrap();
    bce_step(&mut sane2, [1.0, 2.0], 1.0, &mut fresh_adam).unwrap();
    assert_eq!(bits(&sane), bits(&sane2));
    assert_eq!(adam.steps(), 1);
}

#[test]
fn fused_sgd_path_never_overflows_w1() {
    // Plain SGD without L2 updates W1 inside the kernel. Here W1[0][0] is within 1/1024 of
    // the largest f32, the gradient bound times the rate (3e35) is below the fused path's
    // limit, and the update pushes W1[0][0] over the top: it must be refused, not stored as
    // inf. (The hidden unit stays finite: 3.4025e38 - 3.402e38.)
    let fresh = || {
        let mut net = Mlp::<2, 1, 1, f32>::zeros();
        net.w1 = Matrix::from_array([[3.402e38], [3.4025e38]]);
        net.w2 = Matrix::from_array([[1.0]]);
        net
    };
    let mut net = fresh();
    let err = bce_step(&mut net, [-1.0, 1.0], 0.0, &mut Sgd::new(3e35).unwrap()).unwrap_err();
    assert_eq!(err, Error::NonFiniteUpdate { tensor: "w1" });
    // A small rate: a normal, finite step.
    let mut net = fresh();
    bce_step(&mut net, [-1.0, 1.0], 0.0, &mut Sgd::new(1e-3).unwrap()).unwrap();
    assert_ne!(bits(&net), bits(&fresh()));
}

#[test]
fn fused_sgd_path_bounds_the_scaled_input_too() {
    // Found by the train_step fuzzer: one row (the rank-one kernel path scales the input by
    // the rate first), a huge input and tiny weights. The gradient and `lr * gradient` are
    // small, but `lr * x` overflows inside the kernel.
    let mut net = Mlp::<2, 1, 1, f64>::zeros();
    net.w1 = Matrix::from_array([[1e-308], [0.0]]);
    net.w2 = Matrix::from_array([[1e-308]]);
    net.b1[0] = 1.0;
    let lr = 8.5e165;
    match bce_step(&mut net, [-5.5e303, 0.0], 1.0, &mut Sgd::new(lr).unwrap()) {
        Ok(()) => {}
        Err(e) => assert!(matches!(e, Error::NonFiniteUpdate { .. }), "{e:?}"),
    }
}

#[test]
fn a_nan_parameter_hidden_behind_relu_is_not_trained_over() {
    // A NaN in W1 whose unit is switched off by ReLU leaves the loss finite; the update of that
    // NaN is NaN, so the step must fail rather than report success with a NaN parameter.
    let mut net = glorot::<f32>(6);
    net.w1[(0, 0)] = f32::NAN;
    for opt_kind in 0..3 {
        let mut n = net.clone();
        let result = match opt_kind {
            0 => step(&mut n, &mut Sgd::new(0.1).unwrap()),
            1 => step(&mut n, &mut Momentum::<3, 4, 1>::new(0.1, 0.9).unwrap()),
            _ => step(&mut n, &mut Adam::<3, 4, 1>::new(0.1).unwrap()),
        };
        assert!(result.is_err(), "optimizer {opt_kind}: {result:?}");
    }
}

#[test]
fn classify_refuses_nan_logits() {
    let mut net = Mlp::<2, 3, 4>::zeros();
    net.b2[2] = f32::NAN;
    assert_eq!(
        net.classify(&[1.0, 2.0]),
        Err(Error::NonFiniteOutput { index: 2 })
    );
    net.b2[2] = f32::INFINITY;
    assert_eq!(
        net.classify(&[1.0, 2.0]),
        Err(Error::NonFiniteOutput { index: 2 })
    );
    assert_eq!(
        Label::<3>::argmax(&[0.0, f32::NAN, 1.0]),
        Err(Error::NonFiniteOutput { index: 1 })
    );
}

#[test]
fn training_without_a_random_generator() {
    let (x, y) = regression::<f64>();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut a = glorot::<f64>(7);
    let mut b = a.clone();
    let (mut wa, mut wb) = (Workspace::zeros(), Workspace::zeros());
    let (mut oa, mut ob) = (
        Adam::<3, 4, 1, f64>::new(0.01).unwrap(),
        Adam::<3, 4, 1, f64>::new(0.01).unwrap(),
    );
    for _ in 0..5 {
        let sa = a
            .train_step_deterministic(&batch, &cfg, &mut wa, &mut oa)
            .unwrap();
        let sb = b
            .train_step(
                &batch,
                &cfg,
                &mut wb,
                &mut ob,
                &mut StdRng::seed_from_u64(9),
            )
            .unwrap();
        assert_eq!(sa.loss.to_bits(), sb.loss.to_bits());
    }
    assert_eq!(bits(&a), bits(&b), "the same steps as with a generator");
    let dropout = cfg.with_dropout(ctensor::Dropout::new(0.2).unwrap());
    let before = bits(&a);
    assert_eq!(
        a.train_step_deterministic(&batch, &dropout, &mut wa, &mut oa)
            .unwrap_err(),
        Error::DropoutNeedsRng
    );
    assert_eq!(bits(&a), before);
}
