//! Arbitrary networks, batches, configs and optimizers through 1-3 `train_step`s, in `f32`
//! and `f64`. Errors are fine; what must hold: after `Ok` every parameter (and the step's
//! loss) is finite; after `Err` the network and the optimizer state are as they were.
#![no_main]

use ctensor::{
    Adam, Batch, Dropout, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, Momentum, Optimizer,
    Scalar, Sgd, Targets, TrainConfig, Workspace,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Batch capacity, and the network's shape.
const B: usize = 4;
const D: usize = 3;
const H: usize = 4;
const K: usize = 2;
type Net<T> = Mlp<D, H, K, T>;

#[derive(Arbitrary, Debug)]
struct Input {
    f64: bool,
    weights: Weights,
    x: [[f64; D]; B],
    targets: TargetsIn,
    /// Valid rows of the batch (0 and 5+ are errors).
    len: u8,
    loss: LossIn,
    l2: Option<(f64, bool)>,
    dropout: Option<f64>,
    smoothing: Option<f64>,
    optimizer: OptimizerIn,
    /// 1 + steps % 3 steps.
    steps: u8,
    seed: u64,
}

#[derive(Arbitrary, Debug)]
enum Weights {
    /// A sane network: Glorot-initialized from this seed, times a scale.
    Glorot(u64, f64),
    /// Every parameter given: `w1, b1, w2, b2` flattened.
    Raw([f64; D * H + H + H * K + K]),
}

#[derive(Arbitrary, Debug)]
enum TargetsIn {
    /// Class indices (taken modulo `K`).
    Classes([u8; B]),
    Values([[f64; K]; B]),
}

#[derive(Arbitrary, Debug)]
enum LossIn {
    Softmax,
    Sigmoid,
    Mse,
}

#[derive(Arbitrary, Debug)]
enum OptimizerIn {
    Sgd {
        lr: f64,
    },
    Momentum {
        lr: f64,
        momentum: f64,
    },
    Adam {
        lr: f64,
    },
    AdamWith {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
    },
}

/// The optimizer, kept concrete so that its state can be compared (by its `Debug` form:
/// the optimizers' fields are private and only `Sgd` is `PartialEq`).
#[derive(Debug)]
enum Opt<T> {
    Sgd(Sgd),
    Momentum(Momentum<D, H, K, T>),
    Adam(Adam<D, H, K, T>),
}

impl<T: Scalar> Opt<T> {
    fn new(o: &OptimizerIn) -> ctensor::Result<Self> {
        Ok(match *o {
            OptimizerIn::Sgd { lr } => Opt::Sgd(Sgd::new(lr)?),
            OptimizerIn::Momentum { lr, momentum } => Opt::Momentum(Momentum::new(lr, momentum)?),
            OptimizerIn::Adam { lr } => Opt::Adam(Adam::new(lr)?),
            OptimizerIn::AdamWith {
                lr,
                beta1,
                beta2,
                eps,
            } => Opt::Adam(Adam::with_betas(lr, beta1, beta2, eps)?),
        })
    }

    fn as_dyn(&mut self) -> &mut dyn Optimizer<D, H, K, T> {
        match self {
            Opt::Sgd(o) => o,
            Opt::Momentum(o) => o,
            Opt::Adam(o) => o,
        }
    }
}

fuzz_target!(|input: Input| {
    if input.f64 {
        run::<f64>(&input);
    } else {
        run::<f32>(&input);
    }
});

/// The bits of every parameter, `w1, b1, w2, b2` in order.
fn bits<T: Scalar>(net: &Net<T>) -> Vec<u8> {
    net.tensors()
        .into_iter()
        .flat_map(|t| bytemuck::cast_slice::<T, u8>(t).to_vec())
        .collect()
}

fn config(input: &Input) -> ctensor::Result<TrainConfig> {
    let loss = match input.loss {
        LossIn::Softmax => Loss::SoftmaxCrossEntropy,
        LossIn::Sigmoid => Loss::SigmoidCrossEntropy,
        LossIn::Mse => Loss::MeanSquaredError,
    };
    let mut cfg = TrainConfig::new(loss);
    if let Some((lambda, biases)) = input.l2 {
        cfg = cfg.with_l2(L2::new(lambda)?.with_biases(biases));
    }
    if let Some(p) = input.dropout {
        cfg = cfg.with_dropout(Dropout::new(p)?);
    }
    if let Some(alpha) = input.smoothing {
        cfg = cfg.with_label_smoothing(LabelSmoothing::new(alpha)?);
    }
    Ok(cfg)
}

fn run<T: Scalar>(input: &Input) {
    let mut rng = StdRng::seed_from_u64(input.seed);
    let mut net = Net::<T>::zeros();
    match &input.weights {
        Weights::Glorot(seed, scale) => {
            net.init_glorot(&mut StdRng::seed_from_u64(*seed));
            let scale = T::from_f64(*scale);
            net.tensors_mut()
                .into_iter()
                .flatten()
                .for_each(|w| *w *= scale);
        }
        Weights::Raw(values) => {
            let params = net.tensors_mut().into_iter().flatten();
            params.zip(values).for_each(|(w, &v)| *w = T::from_f64(v));
        }
    }
    let x = Matrix::<B, D, T>::from_fn(|i, j| T::from_f64(input.x[i][j]));
    let (labels, values);
    let targets = match &input.targets {
        TargetsIn::Classes(c) => {
            labels = c.map(|c| Label::<K>::new(usize::from(c) % K).unwrap());
            Targets::Classes(&labels)
        }
        TargetsIn::Values(v) => {
            values = Matrix::<B, K, T>::from_fn(|i, j| T::from_f64(v[i][j]));
            Targets::Values(&values)
        }
    };
    let Ok(batch) = Batch::partial(&x, targets, usize::from(input.len)) else {
        return;
    };
    let Ok(cfg) = config(input) else {
        return;
    };
    let Ok(mut opt) = Opt::<T>::new(&input.optimizer) else {
        return;
    };
    let mut ws = Workspace::<B, D, H, K, T>::zeros();
    for _ in 0..1 + input.steps % 3 {
        let (net_before, opt_before) = (bits(&net), format!("{opt:?}"));
        match net.train_step(&batch, &cfg, &mut ws, opt.as_dyn(), &mut rng) {
            Ok(stats) => {
                for (name, t) in ["w1", "b1", "w2", "b2"].into_iter().zip(net.tensors()) {
                    assert!(
                        t.iter().all(|x| x.is_finite()),
                        "Ok, but {name} is not finite: {t:?}"
                    );
                }
                assert!(
                    stats.loss.is_finite() && stats.penalty.is_finite(),
                    "{stats:?}"
                );
            }
            Err(e) => {
                assert_eq!(bits(&net), net_before, "Err({e:?}) changed the network");
                assert_eq!(
                    format!("{opt:?}"),
                    opt_before,
                    "Err({e:?}) changed the optimizer"
                );
                let _ = e.to_string();
                return;
            }
        }
    }
}
