//! Handwritten digits (8x8 images, 10 classes) with an `Mlp<64, 128, 10>`: softmax
//! cross-entropy with label smoothing, dropout and an L2 penalty, Adam, mini-batches with the
//! last partial batch trained on, a seeded shuffle every epoch, then saving the model and
//! loading it back on the next run; last, its int8 version (post-training quantization,
//! calibrated on the training rows) and that version's test accuracy.
//!
//! ```text
//! cargo run --release --example train_digits
//! cargo run --release --example train_digits -- --out models/digits.bin   # the firmware's model
//! ```
//!
//! Reads `data/digits_{train,test}.csv` (features scaled by 1/16 to `[0, 1]`) and writes
//! `target/models/digits.bin` (ignored by git, so a run leaves the tree clean), or the path
//! given after `--out` (relative to the current folder), and the loss and accuracy curves to
//! `target/plots/digits.svg`. If that file already exists, it is
//! loaded first and its test accuracy printed, to show a saved model in use. The same seed
//! gives bit-identical results.

#[path = "common/mod.rs"]
mod common;

use ctensor::{Adam, Dropout, L2, LabelSmoothing, Loss, Mlp, TrainConfig, Workspace};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Input features: 8 x 8 pixels.
const D: usize = 64;
/// Hidden ReLU units.
const H: usize = 128;
/// Classes: the digits 0..9.
const K: usize = 10;
/// Mini-batch size.
const B: usize = 32;
const EPOCHS: usize = 60;
const LEARNING_RATE: f64 = 2e-3;
/// Regularization, chosen by hand (on a validation split of the training rows, over 8 seeds).
const L2_LAMBDA: f64 = 1e-4;
const DROPOUT: f64 = 0.2;
const LABEL_SMOOTHING: f64 = 0.1;
const SEED: u64 = 42;

type Net = Mlp<D, H, K>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut train, mut test) = common::load_split::<D>("digits")?;
    train.scale(1.0 / 16.0);
    test.scale(1.0 / 16.0);
    println!(
        "digits: {} training rows, {} test rows",
        train.len(),
        test.len()
    );

    let mut args = std::env::args().skip(1);
    let model_path = match (args.next().as_deref(), args.next(), args.next()) {
        (None, ..) => common::repo_path("target/models/digits.bin"),
        (Some("--out"), Some(path), None) => std::path::PathBuf::from(path),
        _ => return Err("usage: train_digits [--out MODEL_PATH]".into()),
    };
    if model_path.exists() {
        match Net::load(&model_path) {
            Ok(saved) => println!(
                "loaded {}: test accuracy {:.4}",
                model_path.display(),
                test.accuracy(|x| saved.classify(x))?
            ),
            Err(e) => println!("could not load {}: {e}", model_path.display()),
        }
    }

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_l2(L2::new(L2_LAMBDA)?)
        .with_dropout(Dropout::new(DROPOUT)?)
        .with_label_smoothing(LabelSmoothing::new(LABEL_SMOOTHING)?);
    let mut adam = Adam::new(LEARNING_RATE)?;
    let mut ws = Workspace::<B, D, H, K>::zeros();

    // Batches of B rows with their labels, shuffled every epoch; the last one is partial.
    let mut loader = train.class_loader::<B, K>()?;
    let mut curves = common::Curves::new("digits", "acc", "accuracy");
    for _ in 0..EPOCHS {
        let mut batches = loader.epoch(&mut rng);
        let mut loss_sum = 0.0;
        while let Some(batch) = batches.next_batch()? {
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            // The data loss against the smoothed targets (without the L2 penalty).
            loss_sum += f64::from(stats.loss) * batch.len() as f64;
        }
        let train_accuracy = train.accuracy(|x| net.classify(x))?;
        let test_accuracy = test.accuracy(|x| net.classify(x))?;
        curves.epoch(loss_sum / train.len() as f64, train_accuracy, test_accuracy);
    }
    curves.save_svg()?;

    // Rows: the true digit; columns: the predicted one.
    let confusion = test.confusion_matrix(|x| net.classify(x))?;
    for (digit, row) in confusion.iter().enumerate() {
        println!("{digit}: {row:3?}");
    }
    let test_accuracy = test.accuracy(|x| net.classify(x))?;
    std::fs::create_dir_all(model_path.parent().ok_or("model path has no parent")?)?;
    net.save(&model_path)?;
    println!("saved {}", model_path.display());
    println!("final test accuracy: {test_accuracy:.4}");

    // int8 (issue 11): post-training quantization calibrated on the training rows (min/max
    // of each activation), then integer-only inference on the test rows.
    let int8 = net.quantize(&train.features)?;
    let int8_accuracy = test.accuracy(|x| int8.classify(x))?;
    println!(
        "int8 test accuracy: {int8_accuracy:.4} ({:+.2} points vs f32)",
        100.0 * (int8_accuracy - test_accuracy)
    );
    Ok(())
}
