//! Whole layers: `QDense::logits_q` on random layers ([`check`]), `dense_row` with any
//! output-stage constants ([`check_stage`]), and the ReLU kernel ([`check_relu`]).

use ctensor::kernels::int8::{Requant, relu};
use ctensor::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};
use ctensor::quant::{QDense, QuantParams};

use super::{Lcg, mismatches, multiplier};

/// `dense_row` with arbitrary output-stage constants (see the module doc); returns the
/// mismatches.
pub(super) fn check_stage<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    for t in 0..6_u32 {
        let w: [[i8; I]; O] = rng.rows(|v| v);
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
            bad += mismatches(&x, &w, &r);
        }
    }
    bad
}

/// Checks one shape on a few random layers and inputs; returns the mismatches.
pub(super) fn check<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
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
        let w: [[i8; I]; O] = rng.rows(|v| v.max(-127));
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

/// `kernels::int8::relu` (the Cortex-M4's `SSUB8` + `SEL`) against `max(x, z)` on rows of
/// `N` values, every zero point class (-128, 127, random); returns the mismatches.
pub(super) fn check_relu<const N: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    for trial in 0..8 {
        let z = match trial {
            0 => i8::MIN,
            1 => i8::MAX,
            2 => 0,
            _ => rng.next_i8(),
        };
        let mut x = [0_i8; N];
        for v in &mut x {
            *v = rng.next_i8();
        }
        let mut y = [0_i8; N];
        relu(&x, z, &mut y);
        bad += x.iter().zip(&y).filter(|&(&a, &b)| a.max(z) != b).count() as u32;
    }
    bad
}
