//! The measured build: f32 inference of `Mlp<64, 32, 10>` (the digits model) and of random
//! networks of the other shapes of the cost table (`shared::cost_shapes!`), the weights
//! `static`s in flash.
//!
//! Runs each `infer_*` function on its inputs and checks the result against the host's:
//! the digits model's classes on the 40 embedded test digits, and the random networks'
//! logits bit for bit (`build.rs` computes them with the same crate without `std`, math from
//! `libm`). `tools/firmware.sh` reads this image's sizes (`llvm-size`), counts the
//! instructions of each `infer_*` call with the QEMU plugin (the average over its calls),
//! and reads the maximum stack this prints. Built with the `panic-is-link-error` feature: it
//! links only if no panic is reachable.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Label, Mlp};
use ctensor_firmware::generated::{self, DIGITS, SMALL_PREDICTIONS};
use ctensor_firmware::shared::{SHAPE_INPUTS, random_inputs, random_net, shape_seed};
use ctensor_firmware::{BOARD, Out, cost_shapes, exit, max_stack_used, shared};

type Net = Mlp<64, 32, 10>;

/// The model, decoded at compile time: flash only, never copied to RAM.
static NET: Net = match Net::from_bytes_const(include_bytes!("../../models/digits-64-32-10.bin")) {
    Ok(net) => net,
    Err(_) => panic!("models/digits-64-32-10.bin is not an Mlp<64, 32, 10> f32 weights file"),
};

/// Logits of one digit: the measured function. Not inlined, so that the instruction counter
/// can count from its entry to its return.
#[inline(never)]
fn infer_digits(net: &Net, x: &[f32; 64]) -> [f32; 10] {
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
        let logits = infer_digits(black_box(&NET), black_box(&*X));
        if Label::argmax(&logits).map(Label::get) == Ok(usize::from(host)) {
            same += 1;
        }
    }
    let n = DIGITS.len() as u32;
    Out::new()
        .str("cost: Mlp<64, 32, 10> (digits) on ")
        .str(BOARD)
        .str(": ")
        .u32(same)
        .str(" of ")
        .u32(n)
        .str(" predictions equal the host's")
        .nl();
    let mut ok = same == n;
    /// A measured function per shape (`infer_D_H_K`), and the check of its logits against the
    /// host's, bit for bit; `$ok` becomes `false` unless all agree.
    macro_rules! shape {
        ($d:literal, $h:literal, $k:literal, $name:ident) => {
            ok &= {
                static NET: Mlp<$d, $h, $k> = random_net(shape_seed($d, $h, $k));
                static INPUTS: [[f32; $d]; SHAPE_INPUTS] = random_inputs(shape_seed($d, $h, $k));
                // One symbol per shape for the instruction counter.
                #[unsafe(export_name = concat!("infer_", $d, "_", $h, "_", $k))]
                #[inline(never)]
                fn measured(net: &Mlp<$d, $h, $k>, x: &[f32; $d]) -> [f32; $k] {
                    net.logits(x)
                }
                let mut same = 0usize;
                for (x, host) in INPUTS.iter().zip(&generated::$name) {
                    let logits = measured(black_box(&NET), black_box(x));
                    if logits.iter().zip(host).all(|(l, &h)| l.to_bits() == h) {
                        same += 1;
                    }
                }
                let mut out = Out::new();
                out.str("cost: Mlp<")
                    .u32($d)
                    .str(", ")
                    .u32($h)
                    .str(", ")
                    .u32($k)
                    .str(">: ")
                    .u32(same as u32)
                    .str(" of ")
                    .u32(SHAPE_INPUTS as u32)
                    .str(" logit rows equal the host's bit for bit")
                    .nl();
                same == SHAPE_INPUTS
            };
        };
    }
    cost_shapes!(shape);
    Out::new()
        .str("cost: max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(ok)
}
