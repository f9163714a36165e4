//! A model trained in PyTorch, on the device (issue 10): `tools/train_pytorch_digits.py`
//! trained `Sequential(Linear(64, 32), ReLU(), Linear(32, 10))` and saved it as
//! safetensors; `build.rs` converted that file into this network's weights file in `OUT_DIR`
//! (a file of another architecture fails the build), checked on the host that ctensor's
//! predictions are PyTorch's, and this image decodes the weights at compile time into flash.
//! It classifies the 40 embedded test digits and exits with status 0 only if every
//! prediction equals the host's (which equal PyTorch's). Also counts the digits whose ten
//! logits are bit-identical to the host's.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Dense, Relu, seq_from_bytes_const};
use ctensor_firmware::generated::{DIGITS, LABELS, N_DIGITS};
use ctensor_firmware::pytorch::{H, PytorchNet};
use ctensor_firmware::pytorch_generated::{PYTORCH_LOGITS, PYTORCH_PREDICTIONS};
use ctensor_firmware::shared::{D, K};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used, shared};

/// The PyTorch model, converted by `build.rs` and decoded at compile time into flash.
static NET: PytorchNet = match seq_from_bytes_const!(
    include_bytes!(concat!(env!("OUT_DIR"), "/pytorch_digits.bin"))
        => [Dense<D, H>, Relu<H>, Dense<H, K>]
) {
    Ok(net) => net,
    Err(_) => panic!("pytorch_digits.bin is not the weights file of the PyTorch network"),
};

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut X: [f32; 64] = [0.0; 64];
    let mut out = Out::new();
    out.str("pytorch_digits on ")
        .str(BOARD)
        .str(": PyTorch's 64-32-10 (models/pytorch/digits.safetensors)")
        .nl();
    let (mut same, mut correct, mut identical) = (0u32, 0u32, 0u32);
    for (i, pixels) in DIGITS.iter().enumerate() {
        for (x, &p) in X.iter_mut().zip(pixels) {
            *x = shared::pixel(p);
        }
        let x = black_box(&*X);
        // `classify` checks the input is finite: an `Err` counts as a mismatch.
        let class = black_box(&NET)
            .classify(x)
            .map_or(u32::MAX, |c| c.get() as u32);
        let label = u32::from(LABELS.get(i).copied().unwrap_or(u8::MAX));
        let host = u32::from(PYTORCH_PREDICTIONS.get(i).copied().unwrap_or(u8::MAX));
        let logits: [f32; K] = NET.logits(x);
        if PYTORCH_LOGITS.get(i) == Some(&logits.map(f32::to_bits)) {
            identical += 1;
        }
        same += u32::from(class == host);
        correct += u32::from(class == label);
        out.str("digit ")
            .u32(i as u32)
            .str(": label ")
            .u32(label)
            .str(", says ")
            .u32(class)
            .str(" (host and PyTorch ")
            .u32(host)
            .str(if class == host { ")" } else { ")  MISMATCH" })
            .nl();
    }
    out.str("correct: ")
        .u32(correct)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; predictions equal to the host's (and PyTorch's): ")
        .u32(same)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; logits bit-identical to the host's: ")
        .u32(identical)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(same == N_DIGITS as u32)
}
