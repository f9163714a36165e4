//! Every error path of the public API: the variant returned, its `Display` text, and that a
//! failed training step leaves the model and the optimizer exactly as they were.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use std::error::Error as StdError;

use ctensor::{
    Adam, Batch, Dropout, Error, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, Momentum, Optimizer,
    Sgd, Targets, TrainConfig, Workspace,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Asserts that `err`'s message contains every one of `words`.
fn assert_mentions(err: &Error, words: &[&str]) {
    let text = err.to_string();
    for w in words {
        assert!(text.contains(w), "{err:?}: {text:?} does not mention {w:?}");
    }
}

/// The bits of every parameter, to compare models exactly (NaN included).
fn bits<const D: usize, const H: usize, const K: usize>(net: &Mlp<D, H, K, f32>) -> Vec<u32> {
    net.tensors()
        .iter()
        .flat_map(|t| t.iter().map(|x| x.to_bits()))
        .collect()
}

#[test]
fn label_out_of_range() {
    let err = Label::<10>::new(10).unwrap_err();
    assert_eq!(
        err,
        Error::LabelOutOfRange {
            label: 10,
            classes: 10
        }
    );
    assert_mentions(&err, &["label 10", "out of range", "10 classes"]);
    assert!(Label::<10>::try_from(usize::MAX).is_err());
    assert!(Label::<1>::new(1).is_err());
    assert_eq!(Label::<10>::new(9).unwrap().get(), 9);
}

#[test]
fn dropout_rate_out_of_range() {
    for p in [1.0, -0.1, 1.5, f64::INFINITY] {
        let err = Dropout::new(p).unwrap_err();
        assert_eq!(err, Error::InvalidDropoutRate(p));
        assert_mentions(&err, &["dropout rate", &p.to_string(), "[0, 1)"]);
    }
    let err = Dropout::new(f64::NAN).unwrap_err();
    assert!(matches!(err, Error::InvalidDropoutRate(p) if p.is_nan()));
    assert_mentions(&err, &["dropout", "NaN"]);
    assert!(Dropout::new(0.0).is_ok() && Dropout::new(0.999).is_ok());
}

#[test]
fn label_smoothing_out_of_range() {
    for a in [1.5, -0.1, f64::INFINITY] {
        let err = LabelSmoothing::new(a).unwrap_err();
        assert_eq!(err, Error::InvalidLabelSmoothing(a));
        assert_mentions(&err, &["label smoothing", &a.to_string(), "[0, 1]"]);
    }
    let err = LabelSmoothing::new(f64::NAN).unwrap_err();
    assert!(matches!(err, Error::InvalidLabelSmoothing(a) if a.is_nan()));
    assert_mentions(&err, &["label smoothing", "NaN"]);
    assert!(LabelSmoothing::new(0.0).is_ok() && LabelSmoothing::new(1.0).is_ok());
}

#[test]
fn l2_coefficient_invalid() {
    for l in [-1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let err = L2::new(l).unwrap_err();
        assert_eq!(err, Error::InvalidL2(l));
        assert_mentions(&err, &["L2", &l.to_string()]);
    }
    let err = L2::new(f64::NAN).unwrap_err();
    assert!(matches!(err, Error::InvalidL2(l) if l.is_nan()));
    assert_mentions(&err, &["L2 coefficient", "NaN"]);
    // The weight-decay form reports the weight decay given.
    assert_eq!(
        L2::from_weight_decay(-0.2).unwrap_err(),
        Error::InvalidL2(-0.2)
    );
    assert!(L2::from_weight_decay(f64::NAN).is_err());
    assert!(L2::new(0.0).is_ok());
}

fn assert_hyper(err: Error, name: &str) {
    match &err {
        Error::InvalidHyperParameter { name: n, .. } => assert_eq!(*n, name, "{err:?}"),
        other => panic!("expected InvalidHyperParameter({name}), got {other:?}"),
    }
    assert_mentions(&err, &[name, "out of range"]);
}

#[test]
fn optimizer_hyper_parameters() {
    for lr in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        assert_hyper(Sgd::new(lr).unwrap_err(), "learning rate");
        assert_hyper(
            Momentum::<2, 2, 2>::new(lr, 0.9).unwrap_err(),
            "learning rate",
        );
        assert_hyper(
            Momentum::<2, 2, 2>::boxed(lr, 0.9).unwrap_err(),
            "learning rate",
        );
        assert_hyper(Adam::<2, 2, 2>::new(lr).unwrap_err(), "learning rate");
        assert_hyper(Adam::<2, 2, 2>::boxed(lr).unwrap_err(), "learning rate");
    }
    let err = Sgd::new(-0.5).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidHyperParameter {
            name: "learning rate",
            value: -0.5,
            expected: "finite and > 0"
        }
    );
    assert_mentions(&err, &["learning rate -5e-1", "expected finite and > 0"]);
    let mut sgd = Sgd::new(0.1).unwrap();
    assert_hyper(sgd.set_learning_rate(0.0).unwrap_err(), "learning rate");
    assert_eq!(
        sgd.learning_rate(),
        0.1,
        "a failed set leaves the rate alone"
    );

    for mu in [1.0, -0.1, f64::NAN, 2.0] {
        assert_hyper(Momentum::<2, 2, 2>::new(0.1, mu).unwrap_err(), "momentum");
        assert_hyper(Momentum::<2, 2, 2>::boxed(0.1, mu).unwrap_err(), "momentum");
    }
    for b in [1.0, -0.1, f64::NAN] {
        assert_hyper(
            Adam::<2, 2, 2>::with_betas(0.1, b, 0.999, 1e-8).unwrap_err(),
            "beta1",
        );
        assert_hyper(
            Adam::<2, 2, 2>::with_betas(0.1, 0.9, b, 1e-8).unwrap_err(),
            "beta2",
        );
    }
    for eps in [0.0, -1e-8, f64::NAN, f64::INFINITY] {
        assert_hyper(
            Adam::<2, 2, 2>::with_betas(0.1, 0.9, 0.999, eps).unwrap_err(),
            "epsilon",
        );
    }
    assert!(Momentum::<2, 2, 2>::new(0.1, 0.0).is_ok());
    assert!(Adam::<2, 2, 2>::with_betas(0.1, 0.0, 0.0, 1e-8).is_ok());
}

#[test]
fn batch_with_non_finite_inputs_reports_row_and_column() {
    let y = [Label::<2>::new(0).unwrap(); 3];
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut x = Matrix::<3, 4>::zeros();
        x[(2, 1)] = bad;
        let err = Batch::<3, 4, 2>::new(&x, Targets::Classes(&y)).unwrap_err();
        assert_eq!(err, Error::NonFiniteInput { row: 2, col: 1 });
        assert_mentions(&err, &["row 2", "feature 1", "NaN or infinite"]);
        // A partial batch that leaves the bad row out is fine.
        assert!(Batch::<3, 4, 2>::partial(&x, Targets::Classes(&y), 2).is_ok());
    }
    // The first bad element is reported.
    let mut x = Matrix::<3, 4>::zeros();
    x[(1, 3)] = f32::NAN;
    x[(2, 0)] = f32::NAN;
    assert_eq!(
        Batch::<3, 4, 2>::new(&x, Targets::Classes(&y)).unwrap_err(),
        Error::NonFiniteInput { row: 1, col: 3 }
    );
}

#[test]
fn batch_with_non_finite_value_targets() {
    let x = Matrix::<2, 3>::zeros();
    for bad in [f32::NAN, f32::INFINITY] {
        let mut g = Matrix::<2, 2>::zeros();
        g[(1, 0)] = bad;
        let err = Batch::new(&x, Targets::Values(&g)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidTarget { row: 1, col: 0, value, why: "is not finite" }
            if value.to_bits() == f64::from(bad).to_bits() || (value.is_nan() && bad.is_nan()))
        );
        assert_mentions(&err, &["target row 1", "output 0", "not finite"]);
        assert!(Batch::partial(&x, Targets::Values(&g), 1).is_ok());
    }
}

#[test]
fn batch_length_zero_or_too_long() {
    let x = Matrix::<4, 2>::zeros();
    let y = [Label::<3>::new(0).unwrap(); 4];
    for len in [0, 5, 100] {
        let err = Batch::partial(&x, Targets::Classes(&y), len).unwrap_err();
        assert_eq!(err, Error::BatchLength { len, capacity: 4 });
        assert_mentions(&err, &["batch length", &len.to_string(), "1..=4"]);
    }
    for len in 1..=4 {
        assert_eq!(
            Batch::partial(&x, Targets::Classes(&y), len).unwrap().len(),
            len
        );
    }
}

/// Runs a training step expecting `expected`; checks that the model and the optimizer
/// (through a probe update afterwards) are unchanged.
fn assert_step_fails<const B: usize, const D: usize, const H: usize, const K: usize>(
    net: &mut Mlp<D, H, K, f32>,
    batch: &Batch<'_, B, D, K, f32>,
    cfg: &TrainConfig,
    expected: &Error,
) {
    let before = net.clone();
    let before_bits = bits(net);
    let mut ws = Workspace::<B, D, H, K>::zeros();
    let mut rng = StdRng::seed_from_u64(0);
    // With Adam, a failed step must not count as a step either.
    let mut adam = Adam::<D, H, K>::new(0.01).unwrap();
    let err = net
        .train_step(batch, cfg, &mut ws, &mut adam, &mut rng)
        .unwrap_err();
    assert_eq!(&err, expected);
    assert_eq!(bits(net), before_bits, "the model changed on {err:?}");
    assert_eq!(adam.steps(), 0, "the optimizer stepped on {err:?}");
    // backward alone reports it too.
    net.forward_train(batch, cfg.dropout, &mut ws, &mut rng);
    assert_eq!(&net.backward(batch, cfg, &mut ws).unwrap_err(), expected);
    assert_eq!(bits(net), bits(&before));
}

#[test]
fn softmax_distribution_not_summing_to_one() {
    let mut net = Mlp::<2, 3, 3>::glorot(&mut StdRng::seed_from_u64(1));
    let x = Matrix::<2, 2>::from_array([[1.0, 0.0], [0.0, 1.0]]);
    let g = Matrix::<2, 3>::from_array([[0.2, 0.3, 0.5], [0.5, 0.5, 0.5]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    // Row 1 sums to 1.5: reported at column K = 3 (the sum).
    let expected = Error::InvalidTarget {
        row: 1,
        col: 3,
        value: 1.5,
        why: "is the sum of a softmax target distribution, which must be 1",
    };
    assert_step_fails(&mut net, &batch, &cfg, &expected);
    assert_mentions(
        &expected,
        &["target row 1", "output 3", "1.5", "sum", "must be 1"],
    );
    // A negative entry in a distribution that sums to 1.
    let g = Matrix::<2, 3>::from_array([[0.2, 0.3, 0.5], [-0.5, 1.0, 0.5]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    assert_step_fails(
        &mut net,
        &batch,
        &cfg,
        &Error::InvalidTarget {
            row: 1,
            col: 0,
            value: -0.5,
            why: "is not a probability in [0, 1]",
        },
    );
}

#[test]
fn bce_target_outside_zero_one() {
    let mut net = Mlp::<2, 3, 2>::glorot(&mut StdRng::seed_from_u64(2));
    let x = Matrix::<2, 2>::from_array([[1.0, 0.0], [0.0, 1.0]]);
    let g = Matrix::<2, 2>::from_array([[0.0, 1.0], [1.0, 1.5]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let expected = Error::InvalidTarget {
        row: 1,
        col: 1,
        value: 1.5,
        why: "is not a probability in [0, 1]",
    };
    assert_mentions(&expected, &["target row 1", "output 1", "1.5", "[0, 1]"]);
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy);
    assert_step_fails(&mut net, &batch, &cfg, &expected);
    // Smoothing must not hide a bad target: (1 - 0.5) * 1.5 + 0.25 = 1.0 would look valid.
    let smoothed = cfg.with_label_smoothing(LabelSmoothing::new(0.5).unwrap());
    assert_step_fails(&mut net, &batch, &smoothed, &expected);
    let neg = Matrix::<2, 2>::from_array([[-0.25, 1.0], [1.0, 1.0]]);
    let batch = Batch::new(&x, Targets::Values(&neg)).unwrap();
    assert_step_fails(
        &mut net,
        &batch,
        &smoothed,
        &Error::InvalidTarget {
            row: 0,
            col: 0,
            value: -0.25,
            why: "is not a probability in [0, 1]",
        },
    );
    // A softmax "distribution" with a negative entry is not made valid by smoothing either.
    let mut net3 = Mlp::<2, 3, 2>::glorot(&mut StdRng::seed_from_u64(3));
    let g = Matrix::<2, 2>::from_array([[0.5, 0.5], [-0.1, 1.1]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let soft = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_label_smoothing(LabelSmoothing::new(0.5).unwrap());
    assert_step_fails(
        &mut net3,
        &batch,
        &soft,
        &Error::InvalidTarget {
            row: 1,
            col: 0,
            value: f64::from(-0.1f32),
            why: "is not a probability in [0, 1]",
        },
    );
}

#[test]
fn smoothing_with_mse_is_rejected() {
    let mut net = Mlp::<2, 3, 1>::glorot(&mut StdRng::seed_from_u64(3));
    let x = Matrix::<1, 2>::from_array([[1.0, 2.0]]);
    let g = Matrix::<1, 1>::from_array([[0.5]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError)
        .with_label_smoothing(LabelSmoothing::new(0.1).unwrap());
    assert_step_fails(&mut net, &batch, &cfg, &Error::SmoothingNotApplicable);
    assert_mentions(&Error::SmoothingNotApplicable, &["label smoothing", "MSE"]);
    // Smoothing 0 with MSE is fine.
    let ok = TrainConfig::new(Loss::MeanSquaredError).with_label_smoothing(LabelSmoothing::NONE);
    let mut ws = Workspace::zeros();
    net.train_step(
        &batch,
        &ok,
        &mut ws,
        &mut Sgd::new(0.1).unwrap(),
        &mut StdRng::seed_from_u64(0),
    )
    .unwrap();
}

#[test]
fn backward_after_a_forward_of_another_length() {
    let net = Mlp::<2, 3, 2>::glorot(&mut StdRng::seed_from_u64(4));
    let x = Matrix::<3, 2>::splat(0.5);
    let y = [Label::<2>::new(1).unwrap(); 3];
    let full = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let part = Batch::partial(&x, Targets::Classes(&y), 2).unwrap();
    let mut ws = Workspace::zeros();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    // Nothing forwarded yet.
    assert_eq!(
        net.backward(&full, &cfg, &mut ws).unwrap_err(),
        Error::WorkspaceMismatch {
            workspace_rows: 0,
            batch_rows: 3
        }
    );
    net.forward_train(&part, cfg.dropout, &mut ws, &mut StdRng::seed_from_u64(0));
    let err = net.backward(&full, &cfg, &mut ws).unwrap_err();
    assert_eq!(
        err,
        Error::WorkspaceMismatch {
            workspace_rows: 2,
            batch_rows: 3
        }
    );
    assert_mentions(&err, &["workspace", "2 rows", "3", "forward_train"]);
}

#[test]
fn diverged_training_is_rejected_and_loses_nothing() {
    // Weights of 1e30 on inputs of 1e10: Z1 overflows f32, the loss is not finite.
    let mut net = Mlp::<3, 4, 2>::glorot(&mut StdRng::seed_from_u64(5));
    for w in net.w1.as_flattened_mut() {
        *w = 1e30;
    }
    let x = Matrix::<2, 3>::from_array([[1e10, 1e10, 1e10], [1.0, 2.0, 3.0]]);
    let y = [Label::new(0).unwrap(), Label::new(1).unwrap()];
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    for loss in [Loss::SoftmaxCrossEntropy, Loss::SigmoidCrossEntropy] {
        assert_step_fails(
            &mut net,
            &batch,
            &TrainConfig::new(loss),
            &Error::NonFiniteLoss,
        );
    }
    let g = Matrix::<2, 2>::zeros();
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    assert_step_fails(
        &mut net,
        &batch,
        &TrainConfig::new(Loss::MeanSquaredError),
        &Error::NonFiniteLoss,
    );
    assert_mentions(&Error::NonFiniteLoss, &["NaN or infinite", "not applied"]);

    // An L2 penalty that overflows alone is a non-finite objective too.
    let mut big = Mlp::<3, 4, 2>::zeros();
    big.w2[(0, 0)] = 1e30;
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy).with_l2(L2::new(1.0).unwrap());
    assert_step_fails(&mut big, &batch, &cfg, &Error::NonFiniteLoss);
}

#[test]
fn finite_loss_with_an_infinite_gradient_is_rejected() {
    // Z1 = 1e30 * 1e-30 = 1 and logits ~ 1e10: the loss is finite, but dW1 = X^T dZ1
    // ~ 1e30 * 1e10 overflows f32. Applying it would turn W1 into -inf.
    let mut net = Mlp::<1, 1, 2>::zeros();
    net.w1[(0, 0)] = 1e-30;
    net.w2[(0, 0)] = 1e10;
    let x = Matrix::<1, 1>::from_array([[1e30]]);
    let y = [Label::<2>::new(1).unwrap()];
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    assert_step_fails(&mut net, &batch, &cfg, &Error::NonFiniteLoss);
    assert!(
        net.tensors()
            .iter()
            .all(|t| t.iter().all(|v| v.is_finite()))
    );
}

#[test]
fn huge_learning_rate_diverges_then_stops_without_losing_the_last_good_model() {
    let mut net = Mlp::<2, 8, 2>::glorot(&mut StdRng::seed_from_u64(6));
    let x = Matrix::<4, 2>::from_array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]);
    let y = [0, 1, 1, 0].map(|c| Label::<2>::new(c).unwrap());
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::zeros();
    let mut rng = StdRng::seed_from_u64(0);
    let mut sgd = Sgd::new(1e18).unwrap();
    let (mut failed, mut good_steps) = (false, 0);
    for _ in 0..20 {
        let snapshot = bits(&net);
        match net.train_step(&batch, &cfg, &mut ws, &mut sgd, &mut rng) {
            Ok(_) => good_steps += 1,
            Err(e) => {
                assert_eq!(e, Error::NonFiniteLoss);
                assert_eq!(bits(&net), snapshot, "a failed step changed the model");
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "training with lr = 1e18 never diverged");
    assert!(
        good_steps >= 1,
        "the first step should succeed, and blow the weights up"
    );
    // The model kept is usable: the parameters are still finite.
    assert!(
        net.tensors()
            .iter()
            .all(|t| t.iter().all(|v| v.is_finite()))
    );
}

#[test]
fn classify_rejects_non_finite_input() {
    let net = Mlp::<3, 4, 2>::glorot(&mut StdRng::seed_from_u64(7));
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let err = net.classify(&[0.0, 1.0, bad]).unwrap_err();
        assert_eq!(err, Error::NonFiniteInput { row: 0, col: 2 });
        assert_mentions(&err, &["row 0", "feature 2"]);
    }
    assert!(net.classify(&[0.0, 1.0, 2.0]).is_ok());
}

#[test]
fn weights_errors_display() {
    let cases: [(Error, &[&str]); 6] = [
        (
            Error::WeightsLength {
                expected: 100,
                found: 7,
            },
            &["7 bytes", "exactly 100"],
        ),
        (Error::WeightsMagic, &["not a ctensor weights file", "CTNS"]),
        (Error::WeightsVersion(9), &["version 9"]),
        (
            Error::WeightsScalar {
                expected: "f32",
                found_tag: 2,
            },
            &["holds f64", "expected f32"],
        ),
        (
            Error::WeightsShape {
                expected: [1, 2, 3],
                found: [4, 5, 6],
            },
            &["Mlp<4, 5, 6>", "Mlp<1, 2, 3>"],
        ),
        (
            Error::WeightsChecksum {
                stored: 0xdead_beef,
                computed: 1,
            },
            &["damaged", "0xdeadbeef", "0x00000001"],
        ),
    ];
    for (err, words) in &cases {
        assert_mentions(err, words);
    }
    assert_mentions(
        &Error::CsvValue {
            line: 12,
            column: 3,
            why: "is not a number",
        },
        &["line 12", "column 3", "not a number"],
    );
    assert_mentions(
        &Error::CsvFieldCount {
            line: 4,
            expected: 5,
            found: 3,
        },
        &["line 4", "3 fields", "expected 5"],
    );
    let io = ctensor::FileError::io(
        "read",
        "some/model.bin",
        &std::io::Error::from(std::io::ErrorKind::NotFound),
    );
    assert!(
        io.to_string()
            .starts_with("could not read some/model.bin: ")
    );
}

#[test]
fn error_is_a_std_error() {
    fn fails() -> Result<(), Box<dyn StdError + Send + Sync>> {
        Label::<3>::new(5)?;
        Ok(())
    }
    let boxed = fails().unwrap_err();
    assert_eq!(
        boxed.to_string(),
        "label 5 is out of range for 3 classes (0..3)"
    );
    assert!(boxed.source().is_none());
    let e: Box<dyn StdError> = Box::new(Error::NonFiniteLoss);
    assert!(e.downcast_ref::<Error>().is_some());
    // Clone + PartialEq + Debug.
    let a = Error::InvalidL2(-1.0);
    assert_eq!(a.clone(), a);
    assert!(format!("{a:?}").contains("InvalidL2"));
}

#[test]
fn optimizer_update_is_not_called_on_error() {
    // A custom optimizer that records calls: a failed step never reaches it.
    struct Counting(usize);
    impl Optimizer<2, 2, 2, f32> for Counting {
        fn update(
            &mut self,
            _: &mut Mlp<2, 2, 2>,
            _: &ctensor::Gradients<2, 2, 2>,
        ) -> ctensor::Result<()> {
            self.0 += 1;
            Ok(())
        }
    }
    let mut net = Mlp::<2, 2, 2>::glorot(&mut StdRng::seed_from_u64(8));
    let x = Matrix::<1, 2>::splat(1.0);
    let g = Matrix::<1, 2>::from_array([[0.5, 0.6]]);
    let batch = Batch::new(&x, Targets::Values(&g)).unwrap();
    let mut opt = Counting(0);
    let mut ws = Workspace::zeros();
    let mut rng = StdRng::seed_from_u64(0);
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    assert!(
        net.train_step(&batch, &cfg, &mut ws, &mut opt, &mut rng)
            .is_err()
    );
    assert_eq!(opt.0, 0);
    let ok = TrainConfig::new(Loss::SigmoidCrossEntropy);
    net.train_step(&batch, &ok, &mut ws, &mut opt, &mut rng)
        .unwrap();
    assert_eq!(opt.0, 1);
}
