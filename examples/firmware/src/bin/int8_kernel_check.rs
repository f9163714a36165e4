//! The int8 kernels on the device against a plain reference on the same device, bit for bit
//! (issue 11): `QDense::logits_q` (the Cortex-M4 `SMLAD` kernel, the Cortex-M0 `asm!` loop,
//! or the portable one, whichever the target takes) for input widths with every remainder
//! mod 4 and output widths with every remainder mod 4 and mod 2, against an `i64`
//! dot product followed by the same output stage. Then `kernels::int8::dense_row` itself
//! (what `QDense` calls) with any constants a `Requant` can hold, against the plain `i64` sum
//! and `multiply_by_quantized_multiplier`: input and output widths 1 to 17 and primes up to
//! 67, weights with -128, biases up to `i32::MIN` and `i32::MAX` (accumulators wrapping as
//! the kernels' do), multipliers at `2^30` and `2^31 - 1` and random, every shift from -33
//! to 31 (`e = 0`, `M >= 1` and invalid fields included), zero points and both clamps (ReLU
//! or not, upper bound 127 or 100). Exits with status 0 only if all agree.
#![no_std]
#![no_main]

use ctensor::kernels::int8::{Requant, dense_row};
use ctensor::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};
use ctensor::quant::{QDense, QuantParams};
use ctensor_firmware::{BOARD, Out, exit};

/// A small deterministic generator (an LCG), so that no `rand` is needed here.
struct Lcg(u32);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0
    }

    fn next_i8(&mut self) -> i8 {
        (self.next_u32() >> 24) as u8 as i8
    }
}

/// A multiplier for trial `t` of channel `o`: every shift from -33 to 31 over the trials
/// and channels, the Q31 value at the edges (`2^30`, `2^31 - 1`, 0, negative: invalid) or
/// random in `[2^30, 2^31)`; mostly in the common range (shift -1 to -31).
fn multiplier(rng: &mut Lcg, t: u32, o: u32) -> QuantizedMultiplier {
    let r = rng.next_u32();
    let shift = match (t + o) % 4 {
        0 => ((t * 7 + o * 13) % 65) as i32 - 33,
        _ => -1 - (r % 31) as i32,
    };
    let multiplier = match (r >> 8) % 8 {
        0 => 1 << 30,
        1 => i32::MAX,
        2 if (t + o).is_multiple_of(3) => 0,
        3 if (t + o).is_multiple_of(5) => -((r >> 1) as i32).max(1),
        _ => ((r >> 1) | (1 << 30)) as i32,
    };
    QuantizedMultiplier { multiplier, shift }
}

/// `dense_row` with arbitrary output-stage constants (see the module doc); returns the
/// mismatches.
fn check_stage<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    for t in 0..6_u32 {
        let mut w = [[0_i8; I]; O];
        for row in &mut w {
            for v in row.iter_mut() {
                *v = rng.next_i8();
            }
        }
        let mut bias = [0_i32; O];
        let mut m = [QuantizedMultiplier::default(); O];
        for (o, (b, m)) in bias.iter_mut().zip(&mut m).enumerate() {
            let r = rng.next_u32();
            *b = match (t + o as u32) % 6 {
                0 => i32::MIN,
                1 => i32::MAX,
                2 => (r as i32) >> 8,
                3 => 0,
                _ => r as i32,
            };
            *m = multiplier(rng, t, o as u32);
        }
        let z = rng.next_i8();
        // Upper bound 127, or 100 (a `Requant` may hold any bounds with `min <= max`).
        let max = if t % 3 == 2 { 100 } else { 127 };
        let min = if t % 2 == 0 { -128 } else { z.min(max) };
        let r = Requant {
            bias: &bias,
            multiplier: &m,
            zero_point: z,
            min,
            max,
        };
        for _ in 0..3 {
            let mut x = [0_i8; I];
            for v in &mut x {
                *v = rng.next_i8();
            }
            let mut y = [0_i8; O];
            dense_row(&x, &w, &r, &mut y);
            for (((&yo, wo), &b), &mo) in y.iter().zip(&w).zip(&bias).zip(&m) {
                let acc = wo.iter().zip(&x).fold(i64::from(b), |a, (&wi, &xi)| {
                    a + i64::from(wi) * i64::from(xi)
                });
                let v =
                    multiply_by_quantized_multiplier(acc as i32, mo).saturating_add(i32::from(z));
                if yo != v.clamp(i32::from(min), i32::from(max)) as i8 {
                    bad += 1;
                }
            }
        }
    }
    bad
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
            for (((&yo, wo), &b), &mo) in y
                .iter()
                .zip(&layer.w)
                .zip(&layer.bias)
                .zip(&layer.multiplier)
            {
                let acc = wo.iter().zip(&x).fold(i64::from(b), |a, (&wi, &xi)| {
                    a + i64::from(wi) * i64::from(xi)
                });
                let v = i64::from(multiply_by_quantized_multiplier(acc as i32, mo))
                    + i64::from(q.zero_point);
                let expected = v.clamp(i64::from(act_min), 127) as i8;
                if yo != expected {
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
    // Every input width 1..17 with every output remainder, and primes.
    macro_rules! stages {
        ($(($i:literal, $o:literal)),*) => { $(bad += check_stage::<$i, $o>(&mut rng);)* };
    }
    stages!(
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 5),
        (6, 6),
        (7, 7),
        (8, 8),
        (9, 9),
        (10, 10),
        (11, 11),
        (12, 12),
        (13, 13),
        (14, 14),
        (15, 15),
        (16, 16),
        (17, 17),
        (1, 17),
        (17, 1),
        (2, 3),
        (3, 2),
        (4, 1),
        (19, 4),
        (23, 6),
        (29, 13),
        (31, 5),
        (37, 7),
        (61, 29),
        (64, 10),
        (67, 3)
    );
    Out::new()
        .str("int8_kernel_check on ")
        .str(BOARD)
        .str(": ")
        .u32(bad)
        .str(" mismatches")
        .nl();
    exit(bad == 0)
}
