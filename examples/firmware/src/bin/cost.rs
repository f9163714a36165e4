//! The measured build: `Mlp<64, 32, 10>` f32 inference, the weights a `static` in flash.
//!
//! Runs `infer` on the 40 embedded test digits and checks each class against the host's.
//! `tools/firmware.sh` reads this image's sizes (`llvm-size`), counts the instructions of
//! each `infer` call with the QEMU plugin (the average over the 40 digits), and reads the
//! maximum stack this prints. Built with the `panic-is-link-error` feature: it links only
//! if no panic is reachable.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Label, Mlp};
use ctensor_firmware::generated::{DIGITS, SMALL_PREDICTIONS};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used, shared};

type Net = Mlp<64, 32, 10>;

/// The model, decoded at compile time: flash only, never copied to RAM.
static NET: Net = match Net::from_bytes_const(include_bytes!("../../models/digits-64-32-10.bin")) {
    Ok(net) => net,
    Err(_) => panic!("models/digits-64-32-10.bin is not an Mlp<64, 32, 10> f32 weights file"),
};

/// Logits of one digit: the measured function. Not inlined, so that the instruction counter
/// can count from its entry to its return.
#[inline(never)]
fn infer(net: &Net, x: &[f32; 64]) -> [f32; 10] {
    net.logits(x)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    // In `.bss`, not on the stack.
    static mut X: [f32; 64] = [0.0; 64];
    let mut same = 0u32;
    for (pixels, &host) in DIGITS.iter().zip(&SMALL_PREDICTIONS) {
        for (x, &p) in X.iter_mut().zip(pixels) {
            *x = shared::pixel(p);
        }
        // `black_box`: the model and the input are opaque to the optimizer, as if they
        // came from elsewhere.
        let logits = infer(black_box(&NET), black_box(&*X));
        if Label::argmax(&logits).map(Label::get) == Ok(usize::from(host)) {
            same += 1;
        }
    }
    let n = DIGITS.len() as u32;
    Out::new()
        .str("cost: Mlp<64, 32, 10> on ")
        .str(BOARD)
        .str(": ")
        .u32(same)
        .str(" of ")
        .u32(n)
        .str(" predictions equal the host's; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(same == n)
}
