//! int8 dense layers of other shapes (issue 11), for the per-shape instruction counts of
//! `tools/firmware.sh`: `QDense<61, 29>` (no dimension a multiple of 4 or 2: every remainder
//! path) and `QDense<640, 128>` (the first layer of the MLPerf Tiny autoencoder). The weights
//! are made by a `const fn` (a fixed pseudo-random sequence), so the layers are `static`s in
//! flash; the measured functions are `infer_odd` and `infer_wide`. Their outputs are checked
//! against a plain `i64` reference on the device (exit status).
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::quant::requant::{multiply_by_quantized_multiplier, quantize_multiplier};
use ctensor::quant::{QDense, QuantParams};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// A layer with pseudo-random weights in `[-127, 127]` and biases, scales 0.02 (input),
/// 0.004 (weights), 0.5 (output); `None` if a constant is out of range.
const fn layer<const I: usize, const O: usize>(seed: u32) -> QDense<I, O> {
    let mut l = QDense::<I, O>::zeros();
    let mut s = seed;
    let mut o = 0;
    while o < O {
        let mut i = 0;
        while i < I {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = (s >> 24) as u8 as i8;
            l.w[o][i] = if v == -128 { -127 } else { v };
            i += 1;
        }
        l.bias[o] = ((s >> 8) & 0xfff) as i32 - 2048;
        l.w_scale[o] = 0.004;
        l.multiplier[o] =
            match quantize_multiplier(0.02_f32 as f64 * 0.004_f32 as f64 / 0.5_f32 as f64) {
                Ok(m) => m,
                Err(_) => panic!("multiplier"),
            };
        o += 1;
    }
    l.input = QuantParams {
        scale: 0.02,
        zero_point: 5,
    };
    l.output = QuantParams {
        scale: 0.5,
        zero_point: -3,
    };
    l
}

static ODD: QDense<61, 29> = layer(7);
static WIDE: QDense<640, 128> = layer(9);

#[inline(never)]
fn infer_odd(l: &QDense<61, 29>, x: &[i8; 61]) -> [i8; 29] {
    l.logits_q(x)
}

#[inline(never)]
fn infer_wide(l: &QDense<640, 128>, x: &[i8; 640]) -> [i8; 128] {
    l.logits_q(x)
}

/// Mismatches of `y` against a plain reference.
fn check<const I: usize, const O: usize>(l: &QDense<I, O>, x: &[i8; I], y: &[i8; O]) -> u32 {
    let mut bad = 0;
    for (((&yo, wo), &b), &m) in y.iter().zip(&l.w).zip(&l.bias).zip(&l.multiplier) {
        let acc = wo.iter().zip(x).fold(i64::from(b), |a, (&wi, &xi)| {
            a + i64::from(wi) * i64::from(xi)
        });
        let v = i64::from(multiply_by_quantized_multiplier(acc as i32, m))
            + i64::from(l.output.zero_point);
        if v.clamp(-128, 127) as i8 != yo {
            bad += 1;
        }
    }
    bad
}

#[cortex_m_rt::entry]
fn main() -> ! {
    static mut XO: [i8; 61] = [0; 61];
    static mut XW: [i8; 640] = [0; 640];
    let mut s = 3_u32;
    let mut bad = 0;
    for _ in 0..4 {
        for v in XO.iter_mut().chain(XW.iter_mut()) {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *v = (s >> 24) as u8 as i8;
        }
        let yo = infer_odd(black_box(&ODD), black_box(&*XO));
        bad += check(&ODD, XO, &yo);
        let yw = infer_wide(black_box(&WIDE), black_box(&*XW));
        bad += check(&WIDE, XW, &yw);
    }
    Out::new()
        .str("int8_shapes on ")
        .str(BOARD)
        .str(": ")
        .u32(bad)
        .str(" mismatches; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(bad == 0)
}
