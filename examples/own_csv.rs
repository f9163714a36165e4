//! A classifier for your own CSV file: load it, split it, standardize it, train, report.
//!
//! ```text
//! cargo run --release --example own_csv                 # data/breast_cancer_train.csv
//! cargo run --release --example own_csv -- my_data.csv  # your file
//! ```
//!
//! The file: a header row of column names, then one row per sample of `D` numbers (the
//! features) and a class `0..K` last. Set `D` and `K` below to your file's (a file with another
//! number of columns is an error naming the line and the counts). Without an argument it reads
//! `data/breast_cancer_train.csv` (30 features; 0 = malignant, 1 = benign).

use ctensor::data::{Dataset, Header, Standardizer};
use ctensor::{Adam, Loss, LrSchedule, Mlp, TrainConfig, Workspace};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Features per row: the columns before the last.
const D: usize = 30;
/// Classes: the last column holds `0..K`.
const K: usize = 2;
/// Hidden units, batch size, epochs.
const H: usize = 32;
const B: usize = 32;
const EPOCHS: u64 = 50;

fn main() {
    // Errors as their message, e.g. "could not read my_data.csv: line 1: 5 fields, expected 31".
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/data/breast_cancer_train.csv");
    let path = std::env::args().nth(1).unwrap_or(default.into());
    let all = Dataset::<D>::from_csv_file(&path, Header::Present)?;

    // 20% of each class held out for testing; standardized with the training rows' statistics.
    let mut rng = StdRng::seed_from_u64(42);
    let (mut train, mut test) = all.stratified_split::<K, _>(0.2, &mut rng)?;
    let standardizer = Standardizer::fit(&train);
    standardizer.apply(&mut train)?;
    standardizer.apply(&mut test)?;
    println!(
        "{path}: {} rows to train on, {} to test",
        train.len(),
        test.len()
    );

    let mut net = Mlp::<D, H, K>::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let schedule = LrSchedule::cosine(3e-3, 1e-4, EPOCHS)?;
    let mut adam = Adam::new(schedule.rate(0))?;
    let mut ws = Workspace::<B, D, H, K>::zeros();
    let mut loader = train.class_loader::<B, K>()?;
    for epoch in 0..EPOCHS {
        adam.set_learning_rate(schedule.rate(epoch))?;
        let (mut batches, mut loss_sum) = (loader.epoch(&mut rng), 0.0);
        while let Some(batch) = batches.next_batch()? {
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += stats.loss * batch.len() as f32;
        }
        if (epoch + 1) % 10 == 0 {
            println!(
                "epoch {:2}  loss {:.4}",
                epoch + 1,
                loss_sum / train.len() as f32
            );
        }
    }

    println!("test accuracy: {:.4}", test.accuracy(|x| net.classify(x))?);
    println!("confusion matrix (a row per true class, a column per predicted class):");
    for (class, row) in test
        .confusion_matrix(|x| net.classify(x))?
        .iter()
        .enumerate()
    {
        println!("  {class}: {row:?}");
    }
    Ok(())
}
