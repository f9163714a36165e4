//! Diabetes progression (10 features, one continuous target) with an `Mlp<10, H, 1>`:
//! regression with mean squared error, both the features and the target standardized with
//! the training split's statistics, and the predictions mapped back to the original units to
//! report R^2.
//!
//! ```text
//! cargo run --release --example diabetes
//! ```
//!
//! Reads `data/diabetes_{train,test}.csv`. The same seed gives bit-identical results.

#[path = "common/mod.rs"]
mod common;

use ctensor::data::Standardizer;
use ctensor::{Adam, Batch, L2, Loss, Matrix, Mlp, Targets, TrainConfig, Workspace};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Input features.
const D: usize = 10;
/// Hidden ReLU units.
const H: usize = 8;
/// Mini-batch size.
const B: usize = 32;
const EPOCHS: usize = 200;
const LEARNING_RATE: f64 = 1e-3;
/// A strong L2 penalty: with 353 noisy rows, the main risk is over-fitting. Chosen by hand
/// (5-fold cross-validation on the training rows, and stability across seeds).
const L2_LAMBDA: f64 = 0.1;
const SEED: u64 = 42;

type Net = Mlp<D, H, 1>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut train, mut test) = common::load_split::<D>("diabetes")?;
    // Features and target are standardized with the training split's statistics only.
    let standardizer = Standardizer::fit(&train);
    standardizer.apply(&mut train)?;
    standardizer.apply(&mut test)?;
    let target = TargetScale::fit(&train.targets);
    let train_targets = train.targets.clone(); // original units, for R^2
    for t in &mut train.targets {
        *t = target.standardize(*t);
    }
    println!(
        "diabetes: {} training rows, {} test rows",
        train.len(),
        test.len()
    );

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::MeanSquaredError).with_l2(L2::new(L2_LAMBDA)?);
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
            for (row, &t) in y.iter().enumerate() {
                targets[row] = [t];
            }
            let batch = Batch::partial(&x, Targets::Values(&targets), len)?;
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += f64::from(stats.loss) * len as f64;
        }
        println!(
            "epoch {epoch:3}  loss {:.4}  train R^2 {:.4}  test R^2 {:.4}",
            loss_sum / train.len() as f64,
            r_squared(&net, &target, &train.features, &train_targets),
            r_squared(&net, &target, &test.features, &test.targets),
        );
    }
    let test_r2 = r_squared(&net, &target, &test.features, &test.targets);
    println!("final test R^2: {test_r2:.4}");
    Ok(())
}

/// The target's mean and standard deviation on the training split.
struct TargetScale {
    mean: f64,
    std: f64,
}

impl TargetScale {
    fn fit(targets: &[f32]) -> Self {
        let n = targets.len() as f64;
        let mean = targets.iter().map(|&t| f64::from(t)).sum::<f64>() / n;
        let var = targets
            .iter()
            .map(|&t| (f64::from(t) - mean).powi(2))
            .sum::<f64>()
            / n;
        Self {
            mean,
            std: var.sqrt(),
        }
    }

    fn standardize(&self, t: f32) -> f32 {
        ((f64::from(t) - self.mean) / self.std) as f32
    }

    fn unstandardize(&self, z: f32) -> f64 {
        f64::from(z) * self.std + self.mean
    }
}

/// Coefficient of determination `1 - SS_res / SS_tot` of the predictions, in original units.
fn r_squared(net: &Net, target: &TargetScale, features: &[[f32; D]], truth: &[f32]) -> f64 {
    let n = truth.len() as f64;
    let mean = truth.iter().map(|&t| f64::from(t)).sum::<f64>() / n;
    let (mut ss_res, mut ss_tot) = (0.0, 0.0);
    for (x, &t) in features.iter().zip(truth) {
        let prediction = target.unstandardize(net.logits(x)[0]);
        ss_res += (f64::from(t) - prediction).powi(2);
        ss_tot += (f64::from(t) - mean).powi(2);
    }
    1.0 - ss_res / ss_tot
}
