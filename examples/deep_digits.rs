//! Handwritten digits (8x8 images, 10 classes) with a network of three dense layers,
//! `64-128-64-10`: softmax cross-entropy with label smoothing, dropout after each hidden
//! layer, an L2 penalty, Adam, mini-batches with the last partial batch trained on, then
//! saving the model (weights format version 2) and loading it back.
//!
//! ```text
//! cargo run --release --example deep_digits
//! ```
//!
//! Compare with `train_digits` (one hidden layer of 128, test accuracy 0.9861), trained with
//! the same settings. The deep network does **not** beat it: at this seed it ties (0.9861),
//! over the seeds 1 to 5 and 42 it averages 0.9852 against 0.9875 (`64-64-32-10`: 0.9810).
//! With 1,437 training rows and 5 test errors out of 360 left, depth buys nothing here.
//! Reads
//! `data/digits_{train,test}.csv` (features scaled by 1/16) and writes
//! `target/models/deep_digits.bin` (ignored by git). The same seed gives bit-identical results.

#[path = "common/mod.rs"]
#[allow(dead_code)] // the SVG curves of examples/common are not drawn here
mod common;

use ctensor::data::Dataset;
use ctensor::{
    AdamOf, Batch, Dense, Dropout, DropoutLayer, L2, Label, LabelSmoothing, Loss, Matrix, Relu,
    SeqWorkspace, Targets, TrainConfig, network,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

const D: usize = 64;
const K: usize = 10;
const B: usize = 32;
const EPOCHS: usize = 60;
const LEARNING_RATE: f64 = 2e-3;
const L2_LAMBDA: f64 = 1e-4;
const DROPOUT: f64 = 0.2;
const LABEL_SMOOTHING: f64 = 0.1;
const SEED: u64 = 42;

network! {
    /// Three dense layers, dropout after each hidden one.
    type Net = [
        Dense<D, 128>, Relu<128>, DropoutLayer<128>,
        Dense<128, 64>, Relu<64>, DropoutLayer<64>,
        Dense<64, K>,
    ];
}
type Layers = (
    Dense<D, 128>,
    Relu<128>,
    DropoutLayer<128>,
    Dense<128, 64>,
    Relu<64>,
    DropoutLayer<64>,
    Dense<64, K>,
);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut train, mut test) = common::load_split::<D>("digits")?;
    train.scale(1.0 / 16.0);
    test.scale(1.0 / 16.0);
    let train_labels = train.labels::<K>()?;
    let test_labels = test.labels::<K>()?;
    println!(
        "digits: {} training rows, {} test rows; {D}-128-64-{K}, {} layers, {} parameters",
        train.len(),
        test.len(),
        Net::LAYERS,
        Net::PARAMS
    );

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut net = Net::glorot(&mut rng);
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
        .with_l2(L2::new(L2_LAMBDA)?)
        .with_dropout(Dropout::new(DROPOUT)?)
        .with_label_smoothing(LabelSmoothing::new(LABEL_SMOOTHING)?);
    let mut adam = AdamOf::<Layers>::new(LEARNING_RATE)?;
    let mut ws = SeqWorkspace::<Layers, B>::zeros();

    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut x = Matrix::<B, D>::zeros();
    let mut y = [0.0; B];
    let mut batch_labels = [Label::<K>::new_const(0); B];
    for epoch in 1..=EPOCHS {
        ctensor::data::shuffle(&mut order, &mut rng);
        let mut loss_sum = 0.0;
        for start in (0..order.len()).step_by(B) {
            let len = train.fill_batch(&order, start, &mut x, &mut y)?;
            for (label, &row) in batch_labels.iter_mut().zip(&order[start..start + len]) {
                *label = train_labels[row];
            }
            let batch = Batch::partial(&x, Targets::Classes(&batch_labels), len)?;
            let stats = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
            loss_sum += f64::from(stats.loss) * len as f64;
        }
        if epoch % 10 == 0 || epoch == 1 {
            println!(
                "epoch {epoch:3}  loss {:.4}  train acc {:.4}  test acc {:.4}",
                loss_sum / train.len() as f64,
                accuracy(&net, &train, &train_labels),
                accuracy(&net, &test, &test_labels),
            );
        }
    }

    let test_accuracy = accuracy(&net, &test, &test_labels);
    let path = common::repo_path("target/models/deep_digits.bin");
    std::fs::create_dir_all(path.parent().ok_or("model path has no parent")?)?;
    net.save(&path)?;
    let loaded = Net::load(&path)?;
    assert_eq!(*loaded, net, "the saved model reads back bit for bit");
    println!("saved {} ({} bytes)", path.display(), Net::BYTE_LEN);
    println!(
        "one hidden layer of 128 (train_digits): 0.9861; this network does not beat it \
         (mean over 6 seeds: 0.9852 against 0.9875)"
    );
    println!("final test accuracy: {test_accuracy:.4}");
    Ok(())
}

/// Fraction of rows whose most likely class is the label.
fn accuracy(net: &Net, ds: &Dataset<D>, labels: &[Label<K>]) -> f64 {
    let correct = ds
        .features
        .iter()
        .zip(labels)
        .filter(|&(x, &label)| net.classify(x) == Ok(label))
        .count();
    correct as f64 / ds.len() as f64
}
