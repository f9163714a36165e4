//! Build script of the firmware:
//! 1. picks the memory map of the board the target is for (`memory/*.x`) and links with
//!    cortex-m-rt's `link.x` (here, not in `.cargo/config.toml`, so that a `RUSTFLAGS` in the
//!    environment cannot drop it);
//! 2. computes on the host, with the same ctensor (no `std`, math from `libm`), what the
//!    firmware must reproduce: the predictions of both digits models on the embedded test
//!    digits, and the on-device training run (losses and final weights). The firmware embeds
//!    these and compares them with its own results.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/shared.rs"]
#[allow(dead_code)]
mod shared;

use ctensor::{Label, Mlp};
use shared::{
    COST_B, COST_H, COST_STEPS, CostNet, CostWorkspace, D, K, TRAIN_B, TRAIN_STEPS, TrainNet,
    TrainWorkspace,
};

// The PyTorch-trained model of the `pytorch_digits` image (issue 10).
#[path = "build_pytorch.rs"]
mod build_pytorch;
#[path = "src/pytorch.rs"]
mod pytorch;

/// Images too large for the micro:bit's 256 KiB of flash: their Cortex-M0 code is linked for
/// QEMU's `mps2-an385` (a Cortex-M3, which executes ARMv6-M code instruction for
/// instruction; `memory/mps2-an385.x`: 4 MiB of flash, the micro:bit's 16 KiB of RAM).
const LARGE_IMAGES: &[&str] = &["int8_deep"];

/// Test digits embedded in the inference firmware (the first rows of `digits_test.csv`).
const N_DIGITS: usize = 40;

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let target = env::var("TARGET").unwrap();

    // 1. Memory map and linker script: every image links with cortex-m-rt's `link.x`, which
    //    includes the `memory.x` of its board, found in the folder of OUT_DIR given to it.
    let (board, large_board) = if target.starts_with("thumbv6m") {
        ("microbit", "mps2-an385")
    } else if target.starts_with("thumbv7em") {
        ("mps2-an386", "mps2-an386")
    } else {
        panic!(
            "ctensor-firmware builds for thumbv7em-none-eabihf or thumbv6m-none-eabi, not {target}"
        );
    };
    for b in [board, large_board] {
        let memory = manifest.join("memory").join(format!("{b}.x"));
        fs::create_dir_all(out.join(b)).unwrap();
        fs::copy(&memory, out.join(b).join("memory.x")).unwrap();
        println!("cargo:rerun-if-changed={}", memory.display());
    }
    for bin in bins(&manifest.join("src/bin")) {
        let b = if LARGE_IMAGES.contains(&bin.as_str()) {
            large_board
        } else {
            board
        };
        println!("cargo:rustc-link-arg-bin={bin}=-L{}", out.join(b).display());
    }
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rerun-if-changed=src/bin");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shared.rs");

    // 2. Host reference.
    let root = manifest.join("../..");
    let main_model = root.join("models/digits.bin");
    let small_model = manifest.join("models/digits-64-32-10.bin");
    let test_csv = root.join("data/digits_test.csv");
    let train_csv = root.join("data/digits_train.csv");
    for path in [&main_model, &small_model, &test_csv, &train_csv] {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    let (digits, labels) = read_digits(&test_csv, N_DIGITS);
    build_pytorch::generate(&root, &out, &digits);
    let main_bytes = fs::read(&main_model).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (made by `cargo run --release --example train_digits`)",
            main_model.display()
        )
    });
    let main_h = read_u32(&main_bytes, 12) as usize;
    let (main_predictions, main_logits) = match main_h {
        32 => predict::<32>(&main_bytes, &digits),
        64 => predict::<64>(&main_bytes, &digits),
        128 => predict::<128>(&main_bytes, &digits),
        256 => predict::<256>(&main_bytes, &digits),
        h => panic!("models/digits.bin has {h} hidden units; this firmware knows 32, 64, 128, 256"),
    };
    let small_bytes = fs::read(&small_model).unwrap();
    let (small_predictions, small_logits) = predict::<32>(&small_bytes, &digits);

    let (train_digits, train_labels) = read_digits(&train_csv, TRAIN_B);
    let mut net = Box::new(TrainNet::zeros());
    let mut ws = Box::new(TrainWorkspace::zeros());
    let x = shared::batch_inputs::<TRAIN_B>(&train_digits.clone().try_into().unwrap());
    let y = shared::labels::<TRAIN_B>(&train_labels.clone().try_into().unwrap());
    let mut losses = [0.0f32; TRAIN_STEPS];
    shared::train(&mut net, &mut ws, &x, &y, &mut losses).unwrap();
    fs::write(out.join("train_expected.bin"), net.to_vec()).unwrap();

    let loss_bits: Vec<u32> = losses.iter().map(|l| l.to_bits()).collect();

    // The measured lean training step (`train_cost`): the same run on the host.
    let mut net: Box<CostNet> = Box::new(shared::random_net(shared::shape_seed(D, COST_H, K)));
    let mut ws = Box::new(CostWorkspace::zeros());
    let x = shared::batch_inputs::<COST_B>(&train_digits[..COST_B].try_into().unwrap());
    let y = shared::labels::<COST_B>(&train_labels[..COST_B].try_into().unwrap());
    let mut cost_losses = [0.0f32; COST_STEPS];
    shared::cost_run(
        &mut net,
        &mut ws,
        &x,
        &y,
        &mut cost_losses,
        |n, b, c, w, s, r| Ok(n.train_step_lean(b, c, w, s, r)?.loss),
    )
    .unwrap();
    fs::write(out.join("train_cost_expected.bin"), net.to_vec()).unwrap();
    let cost_loss_bits: Vec<u32> = cost_losses.iter().map(|l| l.to_bits()).collect();
    let items = [
        (
            "Hidden units of the main job's digits model (`models/digits.bin`).",
            format!("pub const MAIN_H: usize = {main_h};"),
        ),
        (
            "Test digits embedded.",
            format!("pub const N_DIGITS: usize = {N_DIGITS};"),
        ),
        (
            "The first rows of `digits_test.csv`: 64 pixels 0..=16 each.",
            format!(
                "pub static DIGITS: [[u8; {D}]; N_DIGITS] = {};",
                rows(&digits)
            ),
        ),
        (
            "Their true labels.",
            format!("pub static LABELS: [u8; N_DIGITS] = {labels:?};"),
        ),
        (
            "The host's predictions of the main model.",
            format!("pub static MAIN_PREDICTIONS: [u8; N_DIGITS] = {main_predictions:?};"),
        ),
        (
            "The host's predictions of the 64-32-10 model.",
            format!("pub static SMALL_PREDICTIONS: [u8; N_DIGITS] = {small_predictions:?};"),
        ),
        (
            "The host's logits of the main model, as `f32` bits.",
            format!("pub static MAIN_LOGITS: [[u32; {K}]; N_DIGITS] = {main_logits:?};"),
        ),
        (
            "The host's logits of the 64-32-10 model, as `f32` bits.",
            format!("pub static SMALL_LOGITS: [[u32; {K}]; N_DIGITS] = {small_logits:?};"),
        ),
        (
            "The training batch: the first rows of `digits_train.csv`.",
            format!(
                "pub const TRAIN_DIGITS: [[u8; {D}]; {TRAIN_B}] = {};",
                rows(&train_digits)
            ),
        ),
        (
            "Its labels.",
            format!("pub const TRAIN_LABELS: [u8; {TRAIN_B}] = {train_labels:?};"),
        ),
        (
            "The host's loss at each training step, as `f32` bits.",
            format!("pub const TRAIN_LOSS_BITS: [u32; {TRAIN_STEPS}] = {loss_bits:?};"),
        ),
        (
            "The host's weights after the training run (a weights file).",
            "pub const TRAIN_EXPECTED: &[u8] = \
             include_bytes!(concat!(env!(\"OUT_DIR\"), \"/train_expected.bin\"));"
                .to_string(),
        ),
        (
            "The host's loss at each step of `train_cost`, as `f32` bits.",
            format!("pub const COST_LOSS_BITS: [u32; {COST_STEPS}] = {cost_loss_bits:?};"),
        ),
        (
            "The host's weights after the steps of `train_cost` (a weights file).",
            "pub const COST_EXPECTED: &[u8] = \
             include_bytes!(concat!(env!(\"OUT_DIR\"), \"/train_cost_expected.bin\"));"
                .to_string(),
        ),
    ];
    // The shapes of the cost table: the host's logits of each random network's inputs.
    let mut shapes = String::new();
    macro_rules! host_shape {
        ($d:literal, $h:literal, $k:literal, $name:ident) => {
            let net = shared::random_net::<$d, $h, $k>(shared::shape_seed($d, $h, $k));
            let logits: Vec<[u32; $k]> = (0..shared::SHAPE_INPUTS)
                .map(|n| {
                    let x = shared::random_input::<$d>(shared::shape_seed($d, $h, $k), n);
                    net.logits(&x).map(f32::to_bits)
                })
                .collect();
            writeln!(
                shapes,
                "/// The host's logits of the random `Mlp<{}, {}, {}>` on its inputs, as bits.\n\
                 pub static {}: [[u32; {}]; {}] = {:?};",
                $d,
                $h,
                $k,
                stringify!($name),
                $k,
                shared::SHAPE_INPUTS,
                logits
            )
            .unwrap();
        };
    }
    cost_shapes!(host_shape);

    // The autoencoder of `deep`: its weights file and the host's outputs, as bits.
    let ae = shared::Autoencoder::boxed_glorot(&mut shared::SplitMix64(shared::AE_SEED));
    fs::write(out.join("autoencoder.bin"), ae.to_vec()).unwrap();
    // The int8 networks of the `int8_mlps` and `int8_deep` images (issue 11).
    ctensor_firmware_build_int8::generate(&out, &ae);
    let ae_outputs: Vec<Vec<u32>> = (0..shared::AE_INPUTS)
        .map(|n| {
            let x = shared::random_input::<640>(shared::AE_SEED, n);
            ae.logits(&x).iter().map(|v| v.to_bits()).collect()
        })
        .collect();
    writeln!(
        shapes,
        "/// The host's outputs of the autoencoder on its inputs, as bits.\n\
         pub static AE_OUTPUTS: [[u32; 640]; {}] = {:?};",
        shared::AE_INPUTS,
        ae_outputs
    )
    .unwrap();

    let mut g = String::from(
        "// Generated by build.rs from models/digits.bin, models/digits-64-32-10.bin,\n\
         // data/digits_test.csv and data/digits_train.csv.\n",
    );
    for (doc, code) in items {
        writeln!(g, "/// {doc}\n{code}").unwrap();
    }
    g.push_str(&shapes);
    fs::write(out.join("generated.rs"), g).unwrap();
}

/// The names of the images: `src/bin/NAME.rs` and `src/bin/NAME/main.rs`.
fn bins(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = if path.is_dir() && path.join("main.rs").is_file() {
            path.file_name()
        } else if path.extension().is_some_and(|e| e == "rs") {
            path.file_stem()
        } else {
            None
        };
        names.extend(name.and_then(|n| n.to_str()).map(String::from));
    }
    names
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// The first `n` rows of a digits CSV (header, 64 pixel columns, label).
fn read_digits(path: &Path, n: usize) -> (Vec<[u8; D]>, Vec<u8>) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut digits = Vec::new();
    let mut labels = Vec::new();
    for line in text.lines().skip(1).take(n) {
        let fields: Vec<u8> = line.split(',').map(|f| f.trim().parse().unwrap()).collect();
        assert_eq!(
            fields.len(),
            D + 1,
            "{}: a row has {} fields",
            path.display(),
            fields.len()
        );
        assert!(fields[..D].iter().all(|&p| p <= 16) && usize::from(fields[D]) < K);
        digits.push(fields[..D].try_into().unwrap());
        labels.push(fields[D]);
    }
    assert_eq!(
        digits.len(),
        n,
        "{} has fewer than {n} rows",
        path.display()
    );
    (digits, labels)
}

/// The host's predicted class and logits (as bits) of each digit, with the model in `bytes`.
fn predict<const H: usize>(bytes: &[u8], digits: &[[u8; D]]) -> (Vec<u8>, Vec<[u32; K]>) {
    let mut net = Mlp::<D, H, K>::boxed_zeros();
    net.read_bytes(bytes).unwrap();
    digits
        .iter()
        .map(|p| {
            let logits = net.logits(&shared::input(p));
            let class = Label::argmax(&logits).expect("finite logits").get();
            (class as u8, logits.map(f32::to_bits))
        })
        .unzip()
}

/// Rust source of an array of pixel rows.
fn rows(digits: &[[u8; D]]) -> String {
    let mut s = String::from("[\n");
    for d in digits {
        writeln!(s, "    {d:?},").unwrap();
    }
    s.push(']');
    s
}
