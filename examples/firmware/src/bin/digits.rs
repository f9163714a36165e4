//! Inference on real data: the digits model trained by the main job
//! (`cargo run --release --example train_digits` writes `models/digits.bin`) and the
//! `Mlp<64, 32, 10>` of the cost measurement classify the 40 embedded test digits. Prints each
//! prediction; exits with status 0 only if every one equals the host's prediction for the
//! same model (computed by `build.rs` with the same crate on the host). Also counts the
//! digits whose ten logits are bit-identical to the host's (expected: all).
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::Mlp;
use ctensor_firmware::generated::{
    DIGITS, LABELS, MAIN_H, MAIN_LOGITS, MAIN_PREDICTIONS, N_DIGITS, SMALL_LOGITS,
    SMALL_PREDICTIONS,
};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used, shared};

type MainNet = Mlp<64, MAIN_H, 10>;
type SmallNet = Mlp<64, 32, 10>;

/// The main job's model, decoded at compile time into flash.
static MAIN: MainNet =
    match MainNet::from_bytes_const(include_bytes!("../../../../models/digits.bin")) {
        Ok(net) => net,
        Err(_) => panic!("models/digits.bin is not an f32 digits model of the shape build.rs read"),
    };

/// The 64-32-10 model of the cost measurement.
static SMALL: SmallNet =
    match SmallNet::from_bytes_const(include_bytes!("../../models/digits-64-32-10.bin")) {
        Ok(net) => net,
        Err(_) => panic!("models/digits-64-32-10.bin is not an Mlp<64, 32, 10> f32 weights file"),
    };

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut X: [f32; 64] = [0.0; 64];
    let mut out = Out::new();
    out.str("digits on ")
        .str(BOARD)
        .str(": models 64-")
        .u32(MAIN_H as u32)
        .str("-10 (models/digits.bin) and 64-32-10")
        .nl();
    let (mut same, mut correct_main, mut correct_small) = (0u32, 0u32, 0u32);
    let mut identical = 0u32;
    for (i, pixels) in DIGITS.iter().enumerate() {
        for (x, &p) in X.iter_mut().zip(pixels) {
            *x = shared::pixel(p);
        }
        let x = black_box(&*X);
        // `classify` checks the input is finite: an `Err` counts as a mismatch.
        let main = black_box(&MAIN)
            .classify(x)
            .map_or(u32::MAX, |c| c.get() as u32);
        let small = black_box(&SMALL)
            .classify(x)
            .map_or(u32::MAX, |c| c.get() as u32);
        let label = u32::from(LABELS.get(i).copied().unwrap_or(u8::MAX));
        let host_main = u32::from(MAIN_PREDICTIONS.get(i).copied().unwrap_or(u8::MAX));
        let host_small = u32::from(SMALL_PREDICTIONS.get(i).copied().unwrap_or(u8::MAX));
        let ok = main == host_main && small == host_small;
        // The same logits, bit for bit?
        let bits = |logits: [f32; 10]| logits.map(f32::to_bits);
        if MAIN_LOGITS.get(i) == Some(&bits(MAIN.logits(x)))
            && SMALL_LOGITS.get(i) == Some(&bits(SMALL.logits(x)))
        {
            identical += 1;
        }
        same += u32::from(ok);
        correct_main += u32::from(main == label);
        correct_small += u32::from(small == label);
        out.str("digit ")
            .u32(i as u32)
            .str(": label ")
            .u32(label)
            .str(", 64-")
            .u32(MAIN_H as u32)
            .str("-10 says ")
            .u32(main)
            .str(" (host ")
            .u32(host_main)
            .str("), 64-32-10 says ")
            .u32(small)
            .str(" (host ")
            .u32(host_small)
            .str(if ok { ")" } else { ")  MISMATCH" })
            .nl();
    }
    out.str("correct: 64-")
        .u32(MAIN_H as u32)
        .str("-10 ")
        .u32(correct_main)
        .str("/")
        .u32(N_DIGITS as u32)
        .str(", 64-32-10 ")
        .u32(correct_small)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; predictions equal to the host's: ")
        .u32(same)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; logits bit-identical: ")
        .u32(identical)
        .str("/")
        .u32(N_DIGITS as u32)
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(same == N_DIGITS as u32)
}
