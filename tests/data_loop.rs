//! The data loop (issue 12): the epoch loader, shuffle and splits, target scaling, metrics,
//! `Mlp::predict` and learning-rate schedules. The tests of `Dataset` conveniences need the
//! default `std` feature; the rest run without it too.

use ctensor::data::{Loader, TargetScaler, shuffle, train_test_split};
use ctensor::{
    Adam, Batch, Error, Label, Loss, LrSchedule, Matrix, Mlp, Momentum, Sgd, Targets, TrainConfig,
    Vector, Workspace, metrics,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The shuffle the examples used before the loader existed (`examples/common`): the loader
/// must reproduce its order, so that the examples' numbers did not change.
fn old_examples_shuffle(order: &mut [usize], rng: &mut StdRng) {
    for i in (1..order.len()).rev() {
        let j = (ctensor::uniform01(rng) * (i + 1) as f64) as usize;
        order.swap(i, j.min(i));
    }
}

/// `n` rows whose single feature is the row's index, so a batch shows which rows it holds.
fn indexed_rows<const N: usize>() -> [[f32; 1]; N] {
    core::array::from_fn(|i| [i as f32])
}

#[test]
fn each_epoch_hands_out_every_row_once_in_batches_with_a_partial_last_one() {
    const N: usize = 23;
    let features = indexed_rows::<N>();
    let labels: [Label<3>; N] = core::array::from_fn(|i| Label::new(i % 3).unwrap());
    let (mut order, mut x, mut y) = ([0; N], Matrix::<5, 1>::zeros(), [Label::new(0).unwrap(); 5]);
    let mut loader = Loader::classes(&features, &labels, &mut order, &mut x, &mut y).unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    let mut orders = Vec::new();
    for _ in 0..4 {
        let mut batches = loader.epoch(&mut rng);
        let (mut sizes, mut seen) = (Vec::new(), Vec::new());
        while let Some(batch) = batches.next_batch().unwrap() {
            sizes.push(batch.len());
            seen.extend(batch.inputs().iter().map(|r| r[0] as usize));
        }
        assert_eq!(sizes, [5, 5, 5, 5, 3]);
        // Every row once, and each row's label came with it.
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..N).collect::<Vec<_>>());
        assert_eq!(loader.order(), seen);
        orders.push(seen);
    }
    assert_ne!(orders[0], orders[1], "the order is shuffled every epoch");
    // After the last batch the epoch stays over.
    let mut batches = loader.epoch_in_order();
    while batches.next_batch().unwrap().is_some() {}
    assert!(batches.next_batch().unwrap().is_none());
}

#[test]
fn batches_carry_each_rows_own_targets() {
    // A network whose logits are its output biases whatever the input: a batch's loss then
    // depends only on its targets, and is known from the rows the batch holds.
    const N: usize = 11;
    let features: [[f64; 1]; N] = core::array::from_fn(|i| [i as f64]);
    let mut net = Mlp::<1, 2, 4, f64>::zeros();
    net.b2 = Vector::from_array([0.0, 1.0, 2.0, 3.0]);
    let mut rng = StdRng::seed_from_u64(3);
    let mut ws = Workspace::<4, 1, 2, 4, f64>::zeros();

    let labels: [Label<4>; N] = core::array::from_fn(|i| Label::new((i * 7) % 4).unwrap());
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let (mut order, mut x, mut y) = (
        [0; N],
        Matrix::<4, 1, f64>::zeros(),
        [Label::new(0).unwrap(); 4],
    );
    let mut loader = Loader::classes(&features, &labels, &mut order, &mut x, &mut y).unwrap();
    let logsumexp = ctensor::logsumexp(&[0.0, 1.0, 2.0, 3.0]);
    for _ in 0..3 {
        let mut batches = loader.epoch(&mut rng);
        while let Some(batch) = batches.next_batch().unwrap() {
            let rows: Vec<usize> = batch.inputs().iter().map(|r| r[0] as usize).collect();
            let expected = rows
                .iter()
                .map(|&r| logsumexp - labels[r].get() as f64)
                .sum::<f64>()
                / rows.len() as f64;
            net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
            let loss = net.backward(&batch, &cfg, &mut ws).unwrap().loss;
            assert!(
                (loss - expected).abs() < 1e-12,
                "rows {rows:?}: {loss} vs {expected}"
            );
        }
    }

    let values: [[f64; 4]; N] = core::array::from_fn(|i| [i as f64, 0.5, -(i as f64), 2.0]);
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let (mut order, mut x, mut y) = (
        [0; N],
        Matrix::<4, 1, f64>::zeros(),
        Matrix::<4, 4, f64>::zeros(),
    );
    let mut loader = Loader::values(&features, &values, &mut order, &mut x, &mut y).unwrap();
    for _ in 0..3 {
        let mut batches = loader.epoch(&mut rng);
        while let Some(batch) = batches.next_batch().unwrap() {
            let rows: Vec<usize> = batch.inputs().iter().map(|r| r[0] as usize).collect();
            let expected = rows
                .iter()
                .map(|&r| {
                    let z = [0.0, 1.0, 2.0, 3.0];
                    (0..4).map(|k| (z[k] - values[r][k]).powi(2)).sum::<f64>() / 4.0
                })
                .sum::<f64>()
                / rows.len() as f64;
            net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
            let loss = net.backward(&batch, &cfg, &mut ws).unwrap().loss;
            assert!(
                (loss - expected).abs() < 1e-12,
                "rows {rows:?}: {loss} vs {expected}"
            );
        }
    }
}

#[test]
fn the_loader_reproduces_the_examples_former_shuffle_and_training() {
    const N: usize = 37;
    const B: usize = 8;
    let features: [[f32; 2]; N] = core::array::from_fn(|i| [(i % 5) as f32, (i % 7) as f32 / 7.0]);
    let labels: [Label<2>; N] =
        core::array::from_fn(|i| Label::new(usize::from(i % 5 > 1)).unwrap());
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);

    // Before: shuffle an index vector by hand, copy rows and labels, build the batch.
    let mut rng = StdRng::seed_from_u64(42);
    let mut before = Mlp::<2, 8, 2>::glorot(&mut rng);
    let (mut adam, mut ws) = (Adam::new(0.01).unwrap(), Workspace::<B, 2, 8, 2>::zeros());
    let mut order: Vec<usize> = (0..N).collect();
    let (mut x, mut y) = (Matrix::<B, 2>::zeros(), [Label::new(0).unwrap(); B]);
    for _ in 0..5 {
        old_examples_shuffle(&mut order, &mut rng);
        for start in (0..N).step_by(B) {
            let rows = &order[start..(start + B).min(N)];
            for (i, &r) in rows.iter().enumerate() {
                x[i] = features[r];
                y[i] = labels[r];
            }
            let batch = Batch::partial(&x, Targets::Classes(&y), rows.len()).unwrap();
            before
                .train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)
                .unwrap();
        }
    }

    // After: the loader.
    let mut rng = StdRng::seed_from_u64(42);
    let mut after = Mlp::<2, 8, 2>::glorot(&mut rng);
    let (mut adam, mut ws) = (Adam::new(0.01).unwrap(), Workspace::<B, 2, 8, 2>::zeros());
    let (mut order2, mut x2, mut y2) =
        ([0; N], Matrix::<B, 2>::zeros(), [Label::new(0).unwrap(); B]);
    let mut loader = Loader::classes(&features, &labels, &mut order2, &mut x2, &mut y2).unwrap();
    for _ in 0..5 {
        let mut batches = loader.epoch(&mut rng);
        while let Some(batch) = batches.next_batch().unwrap() {
            after
                .train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)
                .unwrap();
        }
    }
    assert_eq!(loader.order(), order);
    assert_eq!(after, before, "bit-identical weights");
}

#[test]
fn bad_rows_are_named_by_their_row_in_the_data() {
    let mut features = indexed_rows::<6>();
    features[4][0] = f32::NAN;
    let targets = [[0.0_f32]; 6];
    let (mut order, mut x, mut y) = ([0; 6], Matrix::<4, 1>::zeros(), Matrix::<4, 1>::zeros());
    let mut loader = Loader::values(&features, &targets, &mut order, &mut x, &mut y).unwrap();
    let mut batches = loader.epoch_in_order();
    assert!(batches.next_batch().unwrap().is_some()); // rows 0..4
    // Row 4 is row 0 of the second batch: the error names row 4.
    assert_eq!(
        batches.next_batch().err(),
        Some(Error::NonFiniteInput { row: 4, col: 0 })
    );
    assert!(batches.next_batch().unwrap().is_none());

    let features = indexed_rows::<6>();
    let mut targets = [[0.0_f32]; 6];
    targets[5][0] = f32::INFINITY;
    let mut loader = Loader::values(&features, &targets, &mut order, &mut x, &mut y).unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let mut batches = loader.epoch(&mut rng);
    let mut errors = Vec::new();
    loop {
        match batches.next_batch() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => errors.push(e),
        }
    }
    assert!(
        matches!(errors[..], [Error::InvalidTarget { row: 5, col: 0, .. }]),
        "{errors:?}"
    );
}

#[test]
fn loaders_reject_bad_shapes() {
    let features = indexed_rows::<3>();
    let labels = [Label::<2>::new(0).unwrap(); 3];
    let (mut x, mut y) = (Matrix::<2, 1>::zeros(), [Label::new(0).unwrap(); 2]);
    let mut order = [0; 3];
    assert_eq!(
        Loader::classes(&features, &labels[..2], &mut order, &mut x, &mut y).err(),
        Some(Error::LengthMismatch {
            what: "targets",
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        Loader::classes(
            &features[..0],
            &labels[..0],
            &mut order[..0],
            &mut x,
            &mut y
        )
        .err(),
        Some(Error::EmptyDataset)
    );
    let (mut x0, mut y0): (_, [Label<2>; 0]) = (Matrix::<0, 1>::zeros(), []);
    assert_eq!(
        Loader::classes(&features, &labels, &mut order, &mut x0, &mut y0).err(),
        Some(Error::BatchLength {
            len: 0,
            capacity: 0
        })
    );
    let err = Error::LengthMismatch {
        what: "targets",
        expected: 3,
        found: 2,
    };
    assert_eq!(err.to_string(), "targets: 2 rows, expected 3");
}

#[test]
fn shuffle_is_seeded_and_a_permutation() {
    let mut a: Vec<usize> = (0..100).collect();
    let mut b = a.clone();
    shuffle(&mut a, &mut StdRng::seed_from_u64(5));
    shuffle(&mut b, &mut StdRng::seed_from_u64(5));
    assert_eq!(a, b);
    let mut c: Vec<usize> = (0..100).collect();
    shuffle(&mut c, &mut StdRng::seed_from_u64(6));
    assert_ne!(a, c);
    let mut sorted = a.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    // The same as the examples' former shuffle.
    let mut old: Vec<usize> = (0..100).collect();
    old_examples_shuffle(&mut old, &mut StdRng::seed_from_u64(5));
    assert_eq!(a, old);
    // Every position is reached: over many seeds, item 0 lands everywhere in 10 slots.
    let mut landed = [false; 10];
    for seed in 0..200 {
        let mut v: Vec<usize> = (0..10).collect();
        shuffle(&mut v, &mut StdRng::seed_from_u64(seed));
        landed[v.iter().position(|&i| i == 0).unwrap()] = true;
    }
    assert!(landed.iter().all(|&l| l));
    shuffle::<u8, _>(&mut [], &mut StdRng::seed_from_u64(0)); // no panic on empty
}

#[test]
fn train_test_split_sizes_and_errors() {
    let mut rng = StdRng::seed_from_u64(0);
    for (n, fraction, test) in [(10, 0.2, 2), (10, 0.25, 3), (2, 0.5, 1), (569, 0.2, 114)] {
        let mut order = vec![usize::MAX; n];
        let (train, test_part) = train_test_split(&mut order, fraction, &mut rng).unwrap();
        assert_eq!((train.len(), test_part.len()), (n - test, test), "n = {n}");
        let mut all: Vec<usize> = train.iter().chain(test_part).copied().collect();
        assert!(train.windows(2).all(|w| w[0] < w[1]));
        assert!(test_part.windows(2).all(|w| w[0] < w[1]));
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
    }
    for (n, fraction) in [
        (10, 0.0),
        (10, 1.0),
        (10, -0.1),
        (10, f64::NAN),
        (1, 0.5),
        (3, 0.99),
    ] {
        let mut order = vec![7; n];
        let err = train_test_split(&mut order, fraction, &mut rng).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidHyperParameter {
                    name: "test fraction",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(order.iter().all(|&o| o == 7), "unchanged on error");
    }
    // Seeded: the same seed, the same split.
    let split = |seed| {
        let mut order = [0; 20];
        let (_, test) =
            train_test_split(&mut order, 0.3, &mut StdRng::seed_from_u64(seed)).unwrap();
        test.to_vec()
    };
    assert_eq!(split(1), split(1));
    assert_ne!(split(1), split(2));
}

#[test]
fn metrics_on_known_values() {
    let l = Label::<3>::new_const;
    let truth = [l(0), l(0), l(1), l(1), l(2), l(2), l(2)];
    let predicted = [l(0), l(1), l(1), l(1), l(2), l(0), l(2)];
    assert_eq!(metrics::accuracy(&predicted, &truth), Ok(5.0 / 7.0));
    let m = metrics::confusion_matrix(&predicted, &truth).unwrap();
    assert_eq!(m, [[1, 1, 0], [0, 2, 0], [1, 0, 2]]);
    assert_eq!(m.iter().flatten().sum::<usize>(), truth.len());
    assert_eq!(m.iter().enumerate().map(|(i, r)| r[i]).sum::<usize>(), 5);
    assert_eq!(metrics::accuracy::<3>(&[], &[]), Err(Error::EmptyDataset));
    assert_eq!(
        metrics::confusion_matrix(&predicted[..3], &truth),
        Err(Error::LengthMismatch {
            what: "predictions",
            expected: 7,
            found: 3
        })
    );

    // MSE and R^2 against a direct computation.
    let truth = [3.0_f64, -0.5, 2.0, 7.0];
    let predicted = [2.5, 0.0, 2.0, 8.0];
    assert_eq!(metrics::mse(&predicted, &truth), Ok(0.375));
    // scikit-learn's r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679
    let r2 = metrics::r_squared(&predicted, &truth).unwrap();
    assert!((r2 - 0.948_608_137_044_967_9).abs() < 1e-15, "{r2}");
    assert_eq!(metrics::r_squared(&[5.0_f32, 5.0], &[5.0, 5.0]), Ok(1.0));
    assert_eq!(metrics::r_squared(&[4.0_f32, 6.0], &[5.0, 5.0]), Ok(0.0));
    assert_eq!(
        metrics::r_squared(&[1.0, f32::NAN], &[1.0, 2.0]),
        Err(Error::NonFinitePrediction { row: 1 })
    );
    assert!(matches!(
        metrics::mse(&[1.0], &[f64::INFINITY]),
        Err(Error::InvalidTarget { row: 0, .. })
    ));
    assert_eq!(
        metrics::mse(&[1e200_f64], &[-1e200]),
        Err(Error::Overflow {
            what: "mean squared error"
        })
    );
    assert!(metrics::r_squared(&[1e200_f64, 0.0], &[-1e200, 1e200]).is_err());
}

#[test]
fn target_scaler_round_trips_and_refuses_overflow() {
    let targets: Vec<f32> = (0..50).map(|i| 25.0 + 7.5 * i as f32).collect();
    let scaler = TargetScaler::fit(&targets).unwrap();
    let mut scaled = targets.clone();
    scaler.apply(&mut scaled).unwrap();
    let mean: f64 = scaled.iter().map(|&z| f64::from(z)).sum::<f64>() / 50.0;
    let var: f64 = scaled.iter().map(|&z| f64::from(z).powi(2)).sum::<f64>() / 50.0;
    assert!(
        mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-6,
        "{mean} {var}"
    );
    for (&t, &z) in targets.iter().zip(&scaled) {
        let back = scaler.invert(z).unwrap();
        assert!(
            (back - t).abs() <= t.abs() * 2.0 * f32::EPSILON,
            "{t} -> {z} -> {back}"
        );
    }
    // All or nothing.
    let tiny = TargetScaler {
        mean: 0.0,
        std: 1e-40,
    };
    let mut ts = [0.0_f32, 1.0, 2.0];
    assert!(matches!(
        tiny.apply(&mut ts),
        Err(Error::InvalidTarget { row: 1, .. })
    ));
    assert_eq!(ts, [0.0, 1.0, 2.0]);
    assert_eq!(
        tiny.invert(f32::NAN),
        Err(Error::NonFinitePrediction { row: 0 })
    );
    assert_eq!(
        TargetScaler::fit(&[1e300_f64, -1e300]),
        Err(Error::Overflow {
            what: "targets' variance"
        })
    );
}

#[test]
fn predict_applies_the_losss_output_activation() {
    let mut rng = StdRng::seed_from_u64(4);
    let net = Mlp::<3, 6, 4, f64>::glorot(&mut rng);
    let x = [0.3, -1.2, 2.0];
    let z = net.logits(&x);
    assert_eq!(net.predict(&x, Loss::MeanSquaredError), Ok(z));
    let p = net.predict(&x, Loss::SigmoidCrossEntropy).unwrap();
    for (p, z) in p.iter().zip(z) {
        assert!((p - 1.0 / (1.0 + (-z).exp())).abs() < 1e-15);
    }
    let p = net.predict(&x, Loss::SoftmaxCrossEntropy).unwrap();
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    assert_eq!(
        net.predict(&[0.0, f64::INFINITY, 0.0], Loss::MeanSquaredError),
        Err(Error::NonFiniteInput { row: 0, col: 1 })
    );
    let mut broken = net.clone();
    broken.b2 = Vector::from_array([0.0, 0.0, f64::NAN, 0.0]);
    assert_eq!(
        broken.predict(&x, Loss::SoftmaxCrossEntropy),
        Err(Error::NonFiniteOutput { index: 2 })
    );
}

#[test]
fn schedules_give_valid_rates_to_every_optimizer() {
    let schedules = [
        LrSchedule::constant(0.1).unwrap(),
        LrSchedule::step_decay(0.1, 0.5, 3).unwrap(),
        LrSchedule::exponential(0.1, 0.9).unwrap().with_warmup(4),
        LrSchedule::cosine(0.1, 1e-3, 20).unwrap().with_warmup(2),
    ];
    let mut sgd = Sgd::new(1.0).unwrap();
    let mut momentum = Momentum::<2, 2, 2>::new(1.0, 0.9).unwrap();
    let mut adam = Adam::<2, 2, 2>::new(1.0).unwrap();
    for s in schedules {
        let mut previous = f64::INFINITY;
        for t in (0..40).chain([1_000, 100_000, u64::MAX]) {
            let rate = s.rate(t);
            sgd.set_learning_rate(rate).unwrap();
            momentum.set_learning_rate(rate).unwrap(); // positive in f32 too
            adam.set_learning_rate(rate).unwrap();
            assert_eq!(adam.learning_rate(), rate);
            // Non-increasing from the end of the warm-up (step 4 at most) on.
            if t > 4 {
                assert!(rate <= previous, "{s:?} at {t}: {rate} > {previous}");
            }
            previous = rate;
        }
    }
    let cosine = LrSchedule::cosine(0.1, 1e-3, 20).unwrap();
    assert_eq!(
        (cosine.rate(0), cosine.rate(20), cosine.rate(21)),
        (0.1, 1e-3, 1e-3)
    );
    assert!((cosine.rate(10) - (0.1 + 1e-3) / 2.0).abs() < 1e-15);
    for bad in [
        LrSchedule::constant(0.0),
        LrSchedule::constant(f64::NAN),
        LrSchedule::step_decay(0.1, 1.5, 3),
        LrSchedule::step_decay(0.1, 0.5, 0),
        LrSchedule::exponential(0.1, 0.0),
        LrSchedule::cosine(0.1, 0.0, 10),
        LrSchedule::cosine(0.1, 0.2, 10),
        LrSchedule::cosine(0.1, 0.01, 0),
    ] {
        assert!(
            matches!(bad, Err(Error::InvalidHyperParameter { .. })),
            "{bad:?}"
        );
    }
}

#[cfg(feature = "std")]
mod with_std {
    use super::*;
    use ctensor::data::{Dataset, Header};

    /// 30 rows: class 0 for 20 of them, class 1 for 10; the feature is the row index.
    fn unbalanced() -> Dataset<1> {
        Dataset {
            features: (0..30).map(|i| [i as f32]).collect(),
            targets: (0..30)
                .map(|i| if i % 3 == 0 { 1.0 } else { 0.0 })
                .collect(),
        }
    }

    #[test]
    fn dataset_splits_keep_rows_whole_and_classes_in_proportion() {
        let all = unbalanced();
        let mut rng = StdRng::seed_from_u64(8);
        let (train, test) = all.train_test_split(0.2, &mut rng).unwrap();
        assert_eq!((train.len(), test.len()), (24, 6));
        let (train, test) = all.stratified_split::<2, _>(0.2, &mut rng).unwrap();
        let ones = |ds: &Dataset<1>| ds.targets.iter().filter(|&&t| t == 1.0).count();
        assert_eq!((ones(&train), ones(&test)), (8, 2));
        assert_eq!((train.len(), test.len()), (24, 6));
        for ds in [&train, &test] {
            for (x, &t) in ds.features.iter().zip(&ds.targets) {
                assert_eq!(
                    t, all.targets[x[0] as usize],
                    "row {} kept its target",
                    x[0]
                );
            }
            assert!(
                ds.features.windows(2).all(|w| w[0][0] < w[1][0]),
                "rows in file order"
            );
        }
        assert!(matches!(
            all.stratified_split::<1, _>(0.2, &mut rng),
            Err(Error::InvalidLabel { row: 0, .. })
        ));
    }

    #[test]
    fn dataset_loaders_and_metrics() {
        let ds = unbalanced();
        let mut loader = ds.class_loader::<7, 2>().unwrap();
        let mut rng = StdRng::seed_from_u64(2);
        let mut sizes = Vec::new();
        let mut batches = loader.epoch(&mut rng);
        while let Some(batch) = batches.next_batch().unwrap() {
            sizes.push(batch.len());
        }
        assert_eq!(sizes, [7, 7, 7, 7, 2]);
        assert!(ds.class_loader::<0, 2>().is_err());

        // "Class 1 when the feature is a multiple of 3": right on every row.
        let rule = |x: &[f32; 1]| Label::<2>::new(usize::from((x[0] as usize).is_multiple_of(3)));
        assert_eq!(ds.accuracy(rule), Ok(1.0));
        assert_eq!(ds.confusion_matrix(rule), Ok([[20, 0], [0, 10]]));
        let always_zero = |_: &[f32; 1]| Label::<2>::new(0);
        assert_eq!(ds.accuracy(always_zero), Ok(20.0 / 30.0));
        assert_eq!(ds.confusion_matrix(always_zero), Ok([[20, 0], [10, 0]]));

        // A closure's single-sample error is named by the data set's row.
        let nan_at_7 = |x: &[f32; 1]| {
            if x[0] == 7.0 {
                Err(Error::NonFiniteInput { row: 0, col: 0 })
            } else {
                Label::<2>::new(0)
            }
        };
        assert_eq!(
            ds.accuracy(nan_at_7),
            Err(Error::NonFiniteInput { row: 7, col: 0 })
        );
        let scaler = TargetScaler {
            mean: 0.0,
            std: 1.0,
        };
        let err = ds.r_squared(|x| scaler.invert(if x[0] == 3.0 { f32::NAN } else { 0.0 }));
        assert_eq!(err, Err(Error::NonFinitePrediction { row: 3 }));
        assert_eq!(ds.mse(|_| Ok(0.0)), Ok(10.0 / 30.0));
    }

    #[test]
    fn value_loader_trains_a_regression_with_scaled_targets() {
        // y = 100 + 50 x on 40 rows; learned on standardized targets, measured in units.
        let text: String = std::iter::once("x,y\n".to_string())
            .chain((0..40).map(|i| {
                let x = f64::from(i) / 20.0 - 1.0;
                format!("{x},{}\n", 100.0 + 50.0 * x)
            }))
            .collect();
        let ds = Dataset::<1>::parse_csv(&text, Header::Present).unwrap();
        let scaler = TargetScaler::fit(&ds.targets).unwrap();
        let mut scaled = ds.clone();
        scaler.apply(&mut scaled.targets).unwrap();

        let mut rng = StdRng::seed_from_u64(0);
        let mut net = Mlp::<1, 8, 1>::glorot(&mut rng);
        let cfg = TrainConfig::new(Loss::MeanSquaredError);
        let (mut adam, mut ws) = (Adam::new(0.02).unwrap(), Workspace::<16, 1, 8, 1>::zeros());
        let mut loader = scaled.value_loader::<16>().unwrap();
        let predict = |net: &Mlp<1, 8, 1>, x: &[f32; 1]| {
            scaler.invert(net.predict(x, Loss::MeanSquaredError)?[0])
        };
        let before = ds.r_squared(|x| predict(&net, x)).unwrap();
        for _ in 0..200 {
            let mut batches = loader.epoch(&mut rng);
            while let Some(batch) = batches.next_batch().unwrap() {
                net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)
                    .unwrap();
            }
        }
        let after = ds.r_squared(|x| predict(&net, x)).unwrap();
        assert!(after > 0.99 && after > before, "R^2 {before} -> {after}");
        assert!(ds.mse(|x| predict(&net, x)).unwrap() < 0.01 * 50.0 * 50.0);
    }
}
