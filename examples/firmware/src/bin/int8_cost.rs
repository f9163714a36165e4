//! int8 inference (issue 11): the firmware's `Mlp<64, 32, 10>` quantized on the host
//! (`models/digits-64-32-10-int8.bin`, written by `tests/int8_digits.rs`), decoded at
//! compile time into flash, run on the 40 embedded test digits.
//!
//! Prints the CRC-32 of all the int8 logits, which `tools/firmware.sh` compares with the
//! host's (`cargo test --test int8_digits`): bit-identity. The measured function is
//! `infer_int8` (integer inference of one quantized digit; the input's quantization, one
//! float division per pixel, is outside it). Built with `panic-is-link-error`.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::io::crc32;
use ctensor::qseq_from_bytes_const;
use ctensor::quant::{QDense, QRelu, QSeq};
use ctensor_firmware::generated::{DIGITS, N_DIGITS};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

type Net = QSeq<(QDense<64, 32>, QRelu<32>, QDense<32, 10>)>;

/// The int8 model, decoded and checked at compile time: flash only.
static NET: Net = match qseq_from_bytes_const!(
    include_bytes!("../../models/digits-64-32-10-int8.bin") => [QDense<64, 32>, QRelu<32>, QDense<32, 10>]
) {
    Ok(net) => net,
    Err(_) => panic!("models/digits-64-32-10-int8.bin is not a valid int8 Mlp<64, 32, 10> file"),
};

/// int8 logits of one quantized digit: the measured function (not inlined).
#[inline(never)]
fn infer_int8(net: &Net, x: &[i8; 64]) -> [i8; 10] {
    net.logits_q(x)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut X: [f32; 64] = [0.0; 64];
    static mut LOGITS: [u8; 10 * N_DIGITS] = [0; 10 * N_DIGITS];
    let mut ok = true;
    for (pixels, out) in DIGITS.iter().zip(LOGITS.chunks_exact_mut(10)) {
        for (x, &p) in X.iter_mut().zip(pixels) {
            // As the host's `Dataset::scale(1.0 / 16.0)`: exact in `f32`.
            *x = f32::from(p) * (1.0 / 16.0);
        }
        match black_box(&NET).quantize_input(&*X) {
            Ok(q) => {
                let logits = infer_int8(black_box(&NET), black_box(&q));
                for (o, l) in out.iter_mut().zip(logits) {
                    *o = l.cast_unsigned();
                }
            }
            Err(_) => ok = false,
        }
    }
    Out::new()
        .str("int8_cost: QSeq 64-32-10 on ")
        .str(BOARD)
        .str(": int8 logits crc32 ")
        .hex(crc32(&*LOGITS))
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(ok)
}
