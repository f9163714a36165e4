//! int8 inference of the cost table's shapes (issue 11): the random `Mlp`s of `cost`
//! (`shared::cost_shapes!`: `<12, 6, 3>`, `<30, 16, 1>`, `<10, 8, 1>`, `<20, 20, 3>`,
//! `<64, 32, 10>`; most have no dimension a multiple of 4) quantized on the host by
//! `build_int8.rs` (post-training quantization), decoded at compile time into flash.
//!
//! Quantizes each shape's inputs on the device, runs the measured function `infer_i8_D_H_K`
//! (integer inference of one row) and compares the int8 outputs with the host's, bit for bit
//! (exit status). `tools/firmware.sh` counts the instructions of each call and reads the stack
//! this prints. Built with `panic-is-link-error`.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::qseq_from_bytes_const;
use ctensor::quant::{QDense, QRelu, QSeq};
use ctensor_firmware::shared::{SHAPE_INPUTS, random_input, shape_seed};
use ctensor_firmware::{BOARD, Out, cost_shapes, exit, int8_generated, max_stack_used};

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut ok = true;
    /// A measured function per shape (`infer_i8_D_H_K`), and the check of its outputs
    /// against the host's, bit for bit; `ok` becomes `false` unless all agree.
    macro_rules! shape {
        ($d:literal, $h:literal, $k:literal, $name:ident) => {
            ok &= {
                type Net = QSeq<(QDense<$d, $h>, QRelu<$h>, QDense<$h, $k>)>;
                /// The int8 network, decoded and checked at compile time: flash only.
                static NET: Net = match qseq_from_bytes_const!(
                    include_bytes!(concat!(
                        env!("OUT_DIR"), "/int8_", $d, "_", $h, "_", $k, ".bin"
                    )) => [QDense<$d, $h>, QRelu<$h>, QDense<$h, $k>]
                ) {
                    Ok(net) => net,
                    Err(_) => panic!(concat!(
                        "int8_",
                        $d,
                        "_",
                        $h,
                        "_",
                        $k,
                        ".bin is not its network's file"
                    )),
                };
                static INPUTS: [[f32; $d]; SHAPE_INPUTS] = {
                    let mut x = [[0.0; $d]; SHAPE_INPUTS];
                    let mut n = 0;
                    while n < SHAPE_INPUTS {
                        x[n] = random_input(shape_seed($d, $h, $k), n);
                        n += 1;
                    }
                    x
                };
                // One symbol per shape for the instruction counter.
                #[unsafe(export_name = concat!("infer_i8_", $d, "_", $h, "_", $k))]
                #[inline(never)]
                fn measured(net: &Net, x: &[i8; $d]) -> [i8; $k] {
                    net.logits_q(x)
                }
                let mut same = 0usize;
                for (x, host) in INPUTS.iter().zip(&int8_generated::$name) {
                    if let Ok(q) = black_box(&NET).quantize_input(x) {
                        if measured(black_box(&NET), black_box(&q)) == *host {
                            same += 1;
                        }
                    }
                }
                Out::new()
                    .str("int8_mlps: QSeq ")
                    .u32($d)
                    .str("-")
                    .u32($h)
                    .str("-")
                    .u32($k)
                    .str(": ")
                    .u32(same as u32)
                    .str(" of ")
                    .u32(SHAPE_INPUTS as u32)
                    .str(" int8 output rows equal the host's bit for bit")
                    .nl();
                same == SHAPE_INPUTS
            };
        };
    }
    cost_shapes!(shape);
    Out::new()
        .str("int8_mlps on ")
        .str(BOARD)
        .str(": max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(ok)
}
