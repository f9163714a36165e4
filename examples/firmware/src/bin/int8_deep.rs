//! The MLPerf Tiny anomaly-detection autoencoder in int8 (issue 11): `deep`'s
//! 640-128-128-128-128-8-128-128-128-128-640 network (`shared::Autoencoder`) quantized on the
//! host by `build-int8/lib.rs` (post-training quantization, `shared::QAutoencoder`), about
//! 291 KB of int8 weights (the file), decoded at compile time into a `static` in flash.
//!
//! Quantizes each input on the device, runs `infer_autoencoder_i8` (integer inference of one
//! row, the measured function) and compares the 640 int8 outputs with the host's, bit for bit
//! (exit status). Also prints the mean absolute difference of the dequantized outputs from
//! the host's `f32` autoencoder's (the quantization error) and the outputs' mean size, in
//! millionths. `tools/firmware.sh` counts the instructions of each call and reads the sizes
//! and the stack. Built with `panic-is-link-error`.
//!
//! Boards: the Cortex-M4F (mps2-an386). The micro:bit's 256 KiB of flash cannot hold the
//! weights: `build.rs` links the Cortex-M0 (`thumbv6m-none-eabi`) image for QEMU's
//! `mps2-an385` (a Cortex-M3, which executes the same ARMv6-M code with the same instruction
//! count; `memory/mps2-an385.x`: 4 MiB of flash, the micro:bit's 16 KiB of RAM). Run it with
//! `-machine mps2-an385` (not `cargo run`, whose runner is the micro:bit's).
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::qseq_from_bytes_const;
use ctensor::quant::{QDense, QRelu};
use ctensor_firmware::decode_autoencoder;
use ctensor_firmware::generated::AE_OUTPUTS;
use ctensor_firmware::int8_generated::AE_I8_OUTPUTS;
use ctensor_firmware::shared::{AE_INPUTS, AE_SEED, QAutoencoder, random_input};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// The board this image runs on (`BOARD` but for the Cortex-M0 code).
const IMAGE_BOARD: &str = if cfg!(target_abi = "eabihf") {
    BOARD
} else {
    "Cortex-M0 code (thumbv6m) on mps2-an385 (Cortex-M3), for its flash"
};

/// The int8 autoencoder, decoded and checked at compile time: flash only, never copied to
/// RAM.
#[allow(long_running_const_eval)]
static NET: QAutoencoder = match decode_autoencoder!(
    qseq_from_bytes_const!(include_bytes!(concat!(
        env!("OUT_DIR"),
        "/autoencoder-int8.bin"
    ))),
    QDense,
    QRelu
) {
    Ok(net) => net,
    Err(_) => panic!("autoencoder-int8.bin is not the int8 autoencoder's weights file"),
};

/// One inference: the measured function.
#[unsafe(export_name = "infer_autoencoder_i8")]
#[inline(never)]
fn infer(net: &QAutoencoder, x: &[i8; 640]) -> [i8; 640] {
    net.logits_q(x)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut X: [f32; 640] = [0.0; 640];
    let mut same = 0u32;
    let (mut err, mut size, mut count) = (0.0f32, 0.0f32, 0u32);
    for (n, (host, host_f32)) in AE_I8_OUTPUTS.iter().zip(&AE_OUTPUTS).enumerate() {
        *X = random_input(AE_SEED, n);
        let Ok(q) = black_box(&NET).quantize_input(&*X) else {
            continue;
        };
        let y = infer(black_box(&NET), black_box(&q));
        if y == *host {
            same += 1;
        }
        for (v, &f) in NET.dequantize_output(&y).iter().zip(host_f32) {
            err += (v - f32::from_bits(f)).abs();
            size += f32::from_bits(f).abs();
            count += 1;
        }
    }
    // Means in millionths (`as` saturates; no panic).
    let per = |sum: f32| (sum / count.max(1) as f32 * 1_000_000.0) as u32;
    Out::new()
        .str("int8_deep: autoencoder 640-128x4-8-128x4-640 in int8 on ")
        .str(IMAGE_BOARD)
        .str(": ")
        .u32(same)
        .str(" of ")
        .u32(AE_INPUTS as u32)
        .str(" output rows equal the host's bit for bit; ")
        .u32(core::mem::size_of::<QAutoencoder>() as u32)
        .str(" B in flash; dequantized vs f32: mean |error| ")
        .u32(per(err))
        .str("e-6 (mean |f32 output| ")
        .u32(per(size))
        .str("e-6); max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(same == AE_INPUTS as u32)
}
