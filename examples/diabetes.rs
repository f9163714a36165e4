//! Diabetes progression (10 features, one continuous target) with an `Mlp<10, H, 1>`:
//! regression with mean squared error, both the features and the target standardized with
//! the training split's statistics, and the predictions mapped back to the original units to
//! report R^2.
//!
//! ```text
//! cargo run --release --example diabetes
//! ```
//!
//! Reads `data/diabetes_{train,test}.csv` and writes the loss and R^2 curves to
//! `target/plots/diabetes.svg`. The same seed gives bit-identical results.

#[path = "common/mod.rs"]
mod common;

use ctensor::data::{Dataset, Standardizer, TargetScaler};
use ctensor::{Adam, L2, Loss, Mlp, TrainConfig, Workspace};
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
const LOSS: Loss = Loss::MeanSquaredError;

type Net = Mlp<D, H, 1>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut train, mut test) = common::load_split::<D>("diabetes")?;
    // Features and target are standardized with the training split's statistics only.
    let standardizer = Standardizer::fit(&train);
    standardizer.apply(&mut train)?;
    standardizer.apply(&mut test)?;
    // The network learns the standardized target; R^2 is measured in the original units.
    let target = TargetScaler::fit(&train.targets)?;
    let mut train_scaled = train.clone();
    target.apply(&mut train_scaled.targets)?;
    println!(
        "diabetes: {} training rows, {} test rows",
        train.len(),
        test.len()
    );

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(LOSS).with_l2(L2::new(L2_LAMBDA)?);
    let mut adam = Adam::new(LEARNING_RATE)?;
    let mut ws = Workspace::<B, D, H, 1>::zeros();

    let mut loader = train_scaled.value_loader::<B>()?;
    let mut curves = common::Curves::new("diabetes", "R^2", "R^2");
    for _ in 0..EPOCHS {
        let mut batches = loader.epoch(&mut rng);
        let mut loss_sum = 0.0;
        while let Some(batch) = batches.next_batch()? {
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += f64::from(stats.loss) * batch.len() as f64;
        }
        // Predictions in the target's original units.
        let r2 = |ds: &Dataset<D>| ds.r_squared(|x| target.invert(net.predict(x, LOSS)?[0]));
        curves.epoch(loss_sum / train.len() as f64, r2(&train)?, r2(&test)?);
    }
    curves.save_svg()?;
    let test_r2 = test.r_squared(|x| target.invert(net.predict(x, LOSS)?[0]))?;
    println!("final test R^2: {test_r2:.4}");
    Ok(())
}
