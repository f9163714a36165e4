//! A deep network on the Cortex-M4F: the MLPerf Tiny anomaly-detection autoencoder
//! (`shared::Autoencoder`, 640-128-128-128-128-8-128-128-128-128-640, about 1 MiB of `f32`
//! weights), decoded at compile time from a weights file into a `static` in flash. Every
//! dense layer runs the one-sample Cortex-M kernel (`Dense`'s one-row hook).
//!
//! Runs `infer_autoencoder` on its inputs and compares the 640 outputs with the host's, bit
//! for bit (`build.rs` computes them with the same crate without `std`). `tools/firmware.sh`
//! counts the instructions of each call and reads the sizes and the stack. Only for the
//! Cortex-M4F board (mps2-an386, 4 MiB of flash); the micro:bit has 256 KiB.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Dense, Relu, seq_from_bytes_const};
use ctensor_firmware::decode_autoencoder;
use ctensor_firmware::generated::AE_OUTPUTS;
use ctensor_firmware::shared::{AE_INPUTS, AE_SEED, Autoencoder, random_input};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// The autoencoder, decoded at compile time: flash only, never copied to RAM. (About a
/// million bytes to decode in `const`: longer than the compiler's default patience.)
#[allow(long_running_const_eval)]
static NET: Autoencoder = match decode_autoencoder!(
    seq_from_bytes_const!(include_bytes!(concat!(env!("OUT_DIR"), "/autoencoder.bin"))),
    Dense,
    Relu
) {
    Ok(net) => net,
    Err(_) => panic!("autoencoder.bin is not the autoencoder's weights file"),
};

/// One inference: the measured function.
#[unsafe(export_name = "infer_autoencoder")]
#[inline(never)]
fn infer(net: &Autoencoder, x: &[f32; 640]) -> [f32; 640] {
    net.logits(x)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut X: [f32; 640] = [0.0; 640];
    let mut same = 0u32;
    for (n, host) in AE_OUTPUTS.iter().enumerate() {
        *X = random_input(AE_SEED, n);
        let y = infer(black_box(&NET), black_box(&*X));
        if y.iter().zip(host).all(|(v, &h)| v.to_bits() == h) {
            same += 1;
        }
    }
    Out::new()
        .str("deep: autoencoder 640-128x4-8-128x4-640 on ")
        .str(BOARD)
        .str(": ")
        .u32(same)
        .str(" of ")
        .u32(AE_INPUTS as u32)
        .str(" outputs equal the host's bit for bit; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(same == AE_INPUTS as u32)
}
