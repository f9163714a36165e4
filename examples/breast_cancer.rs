//! Breast cancer diagnosis (30 features, malignant = 0 / benign = 1) with an `Mlp<30, H, 1>`:
//! one logit per sample, sigmoid cross-entropy against 0/1 target values, features
//! standardized with the training split's mean and deviation.
//!
//! ```text
//! cargo run --release --example breast_cancer
//! ```
//!
//! Reads `data/breast_cancer_{train,test}.csv`. A sample is classified benign when its logit
//! is positive (probability above 1/2). The same seed gives bit-identical results.

#[path = "common/mod.rs"]
mod common;

use ctensor::data::{Dataset, Standardizer};
use ctensor::{Adam, Batch, L2, Loss, Matrix, Mlp, Targets, TrainConfig, Workspace};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Input features.
const D: usize = 30;
/// Hidden ReLU units.
const H: usize = 16;
/// Mini-batch size.
const B: usize = 32;
const EPOCHS: usize = 100;
const LEARNING_RATE: f64 = 1e-3;
/// L2 penalty on the weights, chosen by hand (5-fold cross-validation on the training rows).
const L2_LAMBDA: f64 = 1e-2;
const SEED: u64 = 42;

type Net = Mlp<D, H, 1>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut train, mut test) = common::load_split::<D>("breast_cancer")?;
    // Fit on the training split only, then apply the same transform to both.
    let standardizer = Standardizer::fit(&train);
    standardizer.apply(&mut train)?;
    standardizer.apply(&mut test)?;
    println!(
        "breast cancer: {} training rows, {} test rows",
        train.len(),
        test.len()
    );

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy).with_l2(L2::new(L2_LAMBDA)?);
    let mut adam = Adam::new(LEARNING_RATE)?;
    let mut ws = Workspace::<B, D, H, 1>::zeros();

    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut x = Matrix::<B, D>::zeros();
    let mut y = [0.0; B];
    let mut targets = Matrix::<B, 1>::zeros();
    for epoch in 1..=EPOCHS {
        common::shuffle(&mut order, &mut rng);
        let mut loss_sum = 0.0;
        for start in (0..order.len()).step_by(B) {
            let len = train.fill_batch(&order, start, &mut x, &mut y)?;
            // One target value (0 or 1) per row, as a B x 1 matrix.
            for (row, &t) in y.iter().enumerate() {
                targets[row] = [t];
            }
            let batch = Batch::partial(&x, Targets::Values(&targets), len)?;
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += f64::from(stats.loss) * len as f64;
        }
        println!(
            "epoch {epoch:3}  loss {:.4}  train acc {:.4}  test acc {:.4}",
            loss_sum / train.len() as f64,
            accuracy(&net, &train),
            accuracy(&net, &test),
        );
    }
    println!("final test accuracy: {:.4}", accuracy(&net, &test));
    Ok(())
}

/// Fraction of rows classified correctly: benign (1) when the logit is positive.
fn accuracy(net: &Net, ds: &Dataset<D>) -> f64 {
    let correct = ds
        .features
        .iter()
        .zip(&ds.targets)
        .filter(|&(x, &t)| (net.logits(x)[0] > 0.0) == (t == 1.0))
        .count();
    correct as f64 / ds.len() as f64
}
