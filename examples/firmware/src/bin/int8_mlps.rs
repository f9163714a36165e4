//! int8 inference of the cost table's shapes (issue 11): the random `Mlp`s of `cost`
//! (`shared::cost_shapes!`: `<12, 6, 3>`, `<30, 16, 1>`, `<10, 8, 1>`, `<20, 20, 3>`,
//! `<64, 32, 10>`) and `<61, 29, 3>` (no dimension a multiple of 4; also run in f32 here)
//! quantized on the host by `build-int8/lib.rs` (post-training quantization), decoded at
//! compile time into flash.
//!
//! Quantizes each shape's inputs on the device, runs the measured function `infer_i8_D_H_K`
//! (integer inference of one row) and compares the int8 outputs with the host's, bit for bit
//! (exit status). `tools/firmware.sh` counts the instructions of each call and reads the
//! sizes (each network `static`'s, in flash) and the stack this prints. Built with
//! `panic-is-link-error`.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::quant::{QDense, QRelu, QSeq};
use ctensor::{Mlp, qseq_from_bytes_const};
use ctensor_firmware::shared::{SHAPE_INPUTS, random_inputs, random_net, shape_seed};
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
                static INPUTS: [[f32; $d]; SHAPE_INPUTS] = random_inputs(shape_seed($d, $h, $k));
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
                    .str(" int8 output rows equal the host's bit for bit; ")
                    .u32(core::mem::size_of::<Net>() as u32)
                    .str(" B in flash")
                    .nl();
                same == SHAPE_INPUTS
            };
        };
    }
    cost_shapes!(shape);
    // A shape with no dimension a multiple of 4, and its f32 inference (`infer_f32_61_29_3`,
    // checked against the host's logits bit for bit) for the f32 column of the table.
    shape!(61, 29, 3, SHAPE_61_29_3);
    Out::new()
        .str("int8_mlps on ")
        .str(BOARD)
        .str(": int8 max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    ok &= {
        static NET: Mlp<61, 29, 3> = random_net(shape_seed(61, 29, 3));
        #[unsafe(export_name = "infer_f32_61_29_3")]
        #[inline(never)]
        fn measured(net: &Mlp<61, 29, 3>, x: &[f32; 61]) -> [f32; 3] {
            net.logits(x)
        }
        static INPUTS: [[f32; 61]; SHAPE_INPUTS] = random_inputs(shape_seed(61, 29, 3));
        let mut same = 0usize;
        for (x, host) in INPUTS.iter().zip(&int8_generated::F32_SHAPE_61_29_3) {
            let logits = measured(black_box(&NET), black_box(x));
            if logits.iter().zip(host).all(|(l, &h)| l.to_bits() == h) {
                same += 1;
            }
        }
        Out::new()
            .str("int8_mlps: f32 Mlp<61, 29, 3>: ")
            .u32(same as u32)
            .str(" of ")
            .u32(SHAPE_INPUTS as u32)
            .str(" logit rows equal the host's bit for bit")
            .nl();
        same == SHAPE_INPUTS
    };
    Out::new()
        .str("int8_mlps: max stack with the f32 run ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(ok)
}
