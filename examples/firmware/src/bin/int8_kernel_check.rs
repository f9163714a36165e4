//! The int8 kernels on the device against a plain reference on the same device, bit for bit
//! (issue 11): `QDense::logits_q` (the Cortex-M4 `SMLAD` kernel, the Cortex-M0 `asm!` loop,
//! or the portable one, whichever the target takes) for input widths with every remainder
//! mod 4 and output widths with every remainder mod 4 and mod 2, against an `i64`
//! dot product followed by the same output stage. Exits with status 0 only if all agree.
#![no_std]
#![no_main]

use ctensor::quant::requant::multiply_by_quantized_multiplier;
use ctensor::quant::{QDense, QuantParams};
use ctensor_firmware::{BOARD, Out, exit};

/// A small deterministic generator (an LCG), so that no `rand` is needed here.
struct Lcg(u32);

impl Lcg {
    fn next_i8(&mut self) -> i8 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (self.0 >> 24) as u8 as i8
    }
}

/// Checks one shape on a few random layers and inputs; returns the mismatches.
fn check<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    let p = match QuantParams::new(0.02, 3) {
        Ok(p) => p,
        Err(_) => return 1,
    };
    let q = match QuantParams::new(0.3, -7) {
        Ok(q) => q,
        Err(_) => return 1,
    };
    for trial in 0..4 {
        let mut w = [[0_i8; I]; O];
        for row in &mut w {
            for v in row.iter_mut() {
                *v = rng.next_i8().max(-127);
            }
        }
        let mut bias = [0_i32; O];
        for b in &mut bias {
            *b = i32::from(rng.next_i8()) * 37;
        }
        let act_min = if trial % 2 == 0 { -128 } else { q.zero_point };
        let Ok(layer) = QDense::<I, O>::new(w, [0.004; O], bias, p, q, act_min) else {
            return 1;
        };
        for _ in 0..4 {
            let mut x = [0_i8; I];
            for v in &mut x {
                *v = rng.next_i8();
            }
            let y = layer.logits_q(&x);
            for o in 0..O {
                let mut acc = i64::from(layer.bias[o]);
                for i in 0..I {
                    acc += i64::from(layer.w[o][i]) * i64::from(x[i]);
                }
                let v = i64::from(multiply_by_quantized_multiplier(
                    acc as i32,
                    layer.multiplier[o],
                )) + i64::from(q.zero_point);
                let expected = v.clamp(i64::from(act_min), 127) as i8;
                if y[o] != expected {
                    bad += 1;
                }
            }
        }
    }
    bad
}

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut rng = Lcg(11);
    let mut bad = 0;
    bad += check::<1, 1>(&mut rng);
    bad += check::<2, 3>(&mut rng);
    bad += check::<3, 5>(&mut rng);
    bad += check::<4, 4>(&mut rng);
    bad += check::<5, 2>(&mut rng);
    bad += check::<7, 9>(&mut rng);
    bad += check::<8, 6>(&mut rng);
    bad += check::<13, 7>(&mut rng);
    bad += check::<64, 10>(&mut rng);
    bad += check::<67, 11>(&mut rng);
    Out::new()
        .str("int8_kernel_check on ")
        .str(BOARD)
        .str(": ")
        .u32(bad)
        .str(" mismatches")
        .nl();
    exit(bad == 0)
}
