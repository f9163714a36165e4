//! Breast cancer diagnosis (30 features, malignant = 0 / benign = 1) with an `Mlp<30, H, 1>`:
//! one logit per sample, sigmoid cross-entropy against 0/1 target values, features
//! standardized with the training split's mean and deviation.
//!
//! ```text
//! cargo run --release --example breast_cancer
//! ```
//!
//! Reads `data/breast_cancer_{train,test}.csv` and writes the loss and accuracy curves to
//! `target/plots/breast_cancer.svg`. A sample is classified benign when its predicted
//! probability is above 1/2. The same seed gives bit-identical results.

#[path = "common/mod.rs"]
mod common;

use ctensor::data::Standardizer;
use ctensor::{Adam, L2, Label, Loss, Mlp, TrainConfig, Workspace};
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
const LOSS: Loss = Loss::SigmoidCrossEntropy;

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
    let cfg = TrainConfig::new(LOSS).with_l2(L2::new(L2_LAMBDA)?);
    let mut adam = Adam::new(LEARNING_RATE)?;
    let mut ws = Workspace::<B, D, H, 1>::zeros();

    // Batches of B rows with their 0/1 target as a value, shuffled every epoch.
    let mut loader = train.value_loader::<B>()?;
    let mut curves = common::Curves::new("breast_cancer", "acc", "accuracy");
    for _ in 0..EPOCHS {
        let mut batches = loader.epoch(&mut rng);
        let mut loss_sum = 0.0;
        while let Some(batch) = batches.next_batch()? {
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += f64::from(stats.loss) * batch.len() as f64;
        }
        let train_accuracy = train.accuracy(|x| diagnose(&net, x))?;
        let test_accuracy = test.accuracy(|x| diagnose(&net, x))?;
        curves.epoch(loss_sum / train.len() as f64, train_accuracy, test_accuracy);
    }
    curves.save_svg()?;
    let [[mm, mb], [bm, bb]] = test.confusion_matrix(|x| diagnose(&net, x))?;
    println!(
        "test: malignant {mm} right, {mb} called benign; benign {bb} right, {bm} called malignant"
    );
    let test_accuracy = test.accuracy(|x| diagnose(&net, x))?;
    println!("final test accuracy: {test_accuracy:.4}");
    Ok(())
}

/// Benign (1) when the predicted probability is above 1/2, else malignant (0).
fn diagnose(net: &Net, x: &[f32; D]) -> ctensor::Result<Label<2>> {
    let [probability] = net.predict(x, LOSS)?;
    Label::new(usize::from(probability > 0.5))
}
