//! A network trained in PyTorch, run by ctensor: `tools/train_pytorch_digits.py` trained
//! `Sequential(Linear(64, 32), ReLU(), Linear(32, 10))` on the digits and saved its
//! `state_dict()` with `safetensors.torch.save_file` (`models/pytorch/digits.safetensors`),
//! with PyTorch's test accuracy and logits next to it
//! (`models/pytorch/digits_reference.safetensors`). This loads the model (names and shapes
//! checked, PyTorch's `[out, in]` weights transposed), evaluates it on the digits test split,
//! and compares with PyTorch: accuracy, every class, every logit.
//!
//! ```text
//! cargo run --release --features safetensors --example from_pytorch
//! # and write it back out (PyTorch's names and layout):
//! cargo run --release --features safetensors --example from_pytorch -- --export out.safetensors
//! ```
//!
//! Exits with an error if a class differs from PyTorch's or a logit by more than 1e-5.

#[path = "common/mod.rs"]
#[allow(dead_code)] // the SVG curves of examples/common are not drawn here
mod common;

use ctensor::io::safetensors::ImportOptions;
use ctensor::{Dense, Label, Relu, Seq};

type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>;

/// The largest difference allowed between ctensor's and PyTorch's logits.
const TOLERANCE: f32 = 1e-5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let net = Net::load_safetensors(
        common::repo_path("models/pytorch/digits.safetensors"),
        ImportOptions::new(),
    )?;
    let (_, mut test) = common::load_split::<64>("digits")?;
    test.scale(1.0 / 16.0);
    let accuracy = test.accuracy(|x| net.classify::<64, 10, f32>(x))?;

    // PyTorch's side, as the script recorded it.
    let reference = std::fs::read(common::repo_path(
        "models/pytorch/digits_reference.safetensors",
    ))?;
    let (_, meta) = safetensors::SafeTensors::read_metadata(&reference)?;
    let torch_accuracy: f64 = meta
        .metadata()
        .as_ref()
        .and_then(|m| m.get("test_accuracy"))
        .ok_or("digits_reference.safetensors has no test_accuracy")?
        .parse()?;
    let file = safetensors::SafeTensors::deserialize(&reference)?;
    let logits = file.tensor("logits")?;
    if logits.shape() != [test.len(), 10] {
        return Err(format!(
            "reference logits have shape {:?}, expected [{}, 10]",
            logits.shape(),
            test.len()
        )
        .into());
    }
    let torch: Vec<f32> = logits
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();

    let mut max_diff = 0.0f32;
    let mut disagree = 0;
    for (x, t) in test.features.iter().zip(torch.chunks_exact(10)) {
        let ours = net.logits::<64, 10, f32>(x);
        for (a, b) in ours.iter().zip(t) {
            max_diff = max_diff.max((a - b).abs());
        }
        let torch_class = Label::<10>::argmax(t.try_into()?)?;
        if Label::<10>::argmax(&ours)? != torch_class {
            disagree += 1;
        }
    }
    println!(
        "model: models/pytorch/digits.safetensors, {} parameters",
        Net::PARAMS
    );
    println!("PyTorch test accuracy: {torch_accuracy:.4}");
    println!("ctensor test accuracy: {accuracy:.4}");
    println!(
        "classes that differ: {disagree} of {}; largest logit difference: {max_diff:.1e}",
        test.len()
    );

    let mut args = std::env::args().skip(1);
    if let (Some(flag), Some(path)) = (args.next(), args.next()) {
        if flag != "--export" {
            return Err(format!("unknown option {flag} (expected --export PATH)").into());
        }
        net.save_safetensors(&path)?;
        println!("wrote {path} (PyTorch names and layout)");
    }
    // PyTorch's accuracy is a float32 mean: equal to ours within its rounding.
    if disagree > 0 || max_diff > TOLERANCE || (accuracy - torch_accuracy).abs() > 1e-6 {
        return Err(format!(
            "ctensor disagrees with PyTorch: {disagree} classes, logits up to {max_diff:e} \
             apart (tolerance {TOLERANCE:e})"
        )
        .into());
    }
    Ok(())
}
