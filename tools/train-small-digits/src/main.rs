//! Trains the `Mlp<64, 32, 10>` digits model whose inference the firmware measures, and writes
//! it to `examples/firmware/models/digits-64-32-10.bin`:
//!
//! ```text
//! cargo run --release --manifest-path tools/train-small-digits/Cargo.toml
//! ```
//!
//! The recipe of `examples/train_digits.rs` (Adam, softmax cross-entropy with label smoothing,
//! dropout, L2, pixels scaled by 1/16) with 32 hidden units. Deterministic: the same seed
//! gives the same file.

use std::path::PathBuf;

use ctensor::data::{Dataset, Header};
use ctensor::{
    Adam, Batch, Dropout, L2, Label, LabelSmoothing, Loss, Matrix, Mlp, Targets, TrainConfig,
    Workspace,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

const D: usize = 64;
const H: usize = 32;
const K: usize = 10;
const B: usize = 32;
const EPOCHS: usize = 80;
const LEARNING_RATE: f64 = 3e-3;
const L2_LAMBDA: f64 = 1e-4;
const DROPOUT: f64 = 0.1;
const LABEL_SMOOTHING: f64 = 0.1;
const SEED: u64 = 7;

type Net = Mlp<D, H, K>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut train =
        Dataset::<D>::from_csv_file(root.join("data/digits_train.csv"), Header::Present)?;
    let mut test = Dataset::<D>::from_csv_file(root.join("data/digits_test.csv"), Header::Present)?;
    train.scale(1.0 / 16.0);
    test.scale(1.0 / 16.0);
    let train_labels = labels(&train)?;
    let test_labels = labels(&test)?;

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_l2(L2::new(L2_LAMBDA)?)
        .with_dropout(Dropout::new(DROPOUT)?)
        .with_label_smoothing(LabelSmoothing::new(LABEL_SMOOTHING)?);
    let mut adam = Adam::new(LEARNING_RATE)?;
    let mut ws = Workspace::<B, D, H, K>::zeros();
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut x = Matrix::<B, D>::zeros();
    let mut y = [0.0; B];
    let mut batch_labels = [Label::<K>::new_const(0); B];
    for epoch in 1..=EPOCHS {
        shuffle(&mut order, &mut rng);
        for start in (0..order.len()).step_by(B) {
            let len = train.fill_batch(&order, start, &mut x, &mut y)?;
            for (label, &t) in batch_labels.iter_mut().zip(&y[..len]) {
                *label = Label::new(t as usize)?;
            }
            let batch = Batch::partial(&x, Targets::Classes(&batch_labels), len)?;
            net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
        }
        if epoch % 20 == 0 {
            println!(
                "epoch {epoch:3}  train acc {:.4}  test acc {:.4}",
                accuracy(&net, &train, &train_labels),
                accuracy(&net, &test, &test_labels)
            );
        }
    }
    let path = root.join("examples/firmware/models/digits-64-32-10.bin");
    std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    net.save(&path)?;
    println!("saved {}", path.display());
    println!(
        "final test accuracy: {:.4}",
        accuracy(&net, &test, &test_labels)
    );
    Ok(())
}

fn labels(ds: &Dataset<D>) -> Result<Vec<Label<K>>, ctensor::Error> {
    ds.targets.iter().map(|&t| Label::new(t as usize)).collect()
}

fn accuracy(net: &Net, ds: &Dataset<D>, labels: &[Label<K>]) -> f64 {
    let correct = ds
        .features
        .iter()
        .zip(labels)
        .filter(|&(x, &label)| Label::argmax(&net.logits(x)) == Ok(label))
        .count();
    correct as f64 / ds.len() as f64
}

/// Fisher-Yates shuffle drawing from `ctensor::uniform01` (independent of `rand`'s version).
fn shuffle<R: rand::Rng + ?Sized>(order: &mut [usize], rng: &mut R) {
    for i in (1..order.len()).rev() {
        let j = (ctensor::uniform01(rng) * (i + 1) as f64) as usize;
        order.swap(i, j.min(i));
    }
}
