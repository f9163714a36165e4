//! `dense_row` on word-aligned and misaligned weight rows with edge multipliers and biases
//! ([`check_row`]), and where rounding ties are common or the accumulators at the `i32` ends
//! ([`check_ties`]).

use ctensor::kernels::int8::Requant;
use ctensor::quant::requant::QuantizedMultiplier;

use super::{Lcg, mismatches};

/// Weight rows at a word-aligned address.
#[repr(C, align(4))]
struct Aligned<const I: usize, const O: usize> {
    w: [[i8; I]; O],
}

/// Weight rows at a word-aligned address plus 1 (never word-aligned).
#[repr(C, align(4))]
struct Misaligned<const I: usize, const O: usize> {
    pad: u8,
    w: [[i8; I]; O],
}

/// Multipliers: `M < 1` (shifts -1, 0, -31, -7), `M >= 1` (shifts 1, 30), 0, the extremes
/// of the Q31 range, and invalid ones (`i32::MIN`, shifts -32 and 31, a small multiplier).
const MULTIPLIERS: [QuantizedMultiplier; 14] = {
    const fn m(multiplier: i32, shift: i32) -> QuantizedMultiplier {
        QuantizedMultiplier { multiplier, shift }
    }
    [
        m(1_717_986_918, -3),
        m(1 << 30, 0),
        m(i32::MAX, 0),
        m(1_500_000_000, -31),
        m(1_234_567_890, -7),
        m(1 << 30, -1),
        m(1_900_000_000, 1),
        m(1_100_000_000, 30),
        m(0, 0),
        m(i32::MAX, -12),
        m(i32::MIN, -2),
        m(1_300_000_000, -32),
        m(1_300_000_000, 31),
        m(12_345, -4),
    ]
};

/// Biases: small, and near or past the fast path's `|acc| < 2^30` and `i32`'s ends.
const BIASES: [i32; 8] = [
    0,
    -37,
    (1 << 30) - 5_000,
    -(1 << 30) + 5_000,
    1 << 30,
    -(1 << 30) - 1,
    i32::MAX - 100,
    i32::MIN + 100,
];

/// `kernels::int8::dense_row` against the reference on `I x O` layers: aligned and
/// misaligned rows, every multiplier and bias of the lists above, three clamps; returns the
/// mismatches.
pub(super) fn check_row<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    let mut a = Aligned { w: [[0_i8; I]; O] };
    let mut m = Misaligned {
        pad: 0,
        w: [[0_i8; I]; O],
    };
    for trial in 0..16_u32 {
        for (ra, rm) in a.w.iter_mut().zip(m.w.iter_mut()) {
            for (va, vm) in ra.iter_mut().zip(rm.iter_mut()) {
                // Every value of `i8` (the kernels take -128 too).
                *va = rng.next_i8();
                *vm = rng.next_i8();
            }
        }
        let mut bias = [0_i32; O];
        let mut mult = [QuantizedMultiplier::default(); O];
        // Even trials: the common case only (the first 6 multipliers: shifts in [-31, 0];
        // biases well inside 2^30), so that whole groups take the fast output stage, and
        // every other one with outputs mostly unclamped; odd trials: anything (most groups
        // then take the fallback).
        let (nm, nb) = if trial % 2 == 0 {
            (6, 2)
        } else {
            (MULTIPLIERS.len(), BIASES.len())
        };
        for (o, (b, q)) in bias.iter_mut().zip(mult.iter_mut()).enumerate() {
            let k = rng.next_u32() as usize;
            *b = BIASES[k % nb].wrapping_add((k >> 16) as i32 - (1 << 15));
            *q = MULTIPLIERS[(k >> 8).wrapping_add(o) % nm];
            if trial % 4 == 2 && o % 8 == 5 {
                // One channel in eight with `M >= 1`: its group (or the last rows) takes the
                // fallback, the groups around it the `asm!` (re-entered after a fallback).
                *q = MULTIPLIERS[6];
            }
            if trial % 4 == 0 && o % 5 != 4 {
                // Outputs mostly inside [-128, 127] (so that a rounding error shows): a
                // random Q31 multiplier, shifts around -(7 + log2(I) / 2), small biases.
                *b >>= 5;
                let shift = -(6 + I.ilog2() as i32 / 2) - (k >> 28) as i32 % 3;
                *q = QuantizedMultiplier {
                    multiplier: (1 << 30) | (rng.next_u32() >> 2) as i32,
                    shift,
                };
            }
        }
        // Trial 4: a ReLU whose zero point is -128 (the clamp `[-128, 127]`).
        let zp = if trial == 4 { i8::MIN } else { rng.next_i8() };
        let (min, max) = match trial % 3 {
            0 => (i8::MIN, i8::MAX),
            1 => (zp, i8::MAX),
            _ => (zp.min(-3), zp.max(-3).max(90)),
        };
        let r = Requant {
            bias: &bias,
            multiplier: &mult,
            zero_point: zp,
            min,
            max,
        };
        let mut x = [0_i8; I];
        for v in &mut x {
            *v = rng.next_i8();
        }
        for w in [&a.w, &m.w] {
            bad += mismatches(&x, w, &r);
        }
    }
    let _ = m.pad;
    bad
}

/// `dense_row` where rounding ties are common (small weights and inputs, multipliers
/// `2^30` and its neighbours, shifts -1 to -3: `acc M` often exactly half-way at one of the
/// two roundings, of either sign) and at the `i32` ends with shift -1 (`e = 1`, where the
/// rounding shift has no headroom); returns the mismatches. The Cortex-M0's output stage
/// rounds in its own order (a product by `2 q`, then `(t + (t >> 31)) >> (e - 1)`): this
/// catches a wrong tie rule there, which random accumulators hit too rarely.
pub(super) fn check_ties<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    for t in 0..8_u32 {
        let w: [[i8; I]; O] = rng.rows(|v| (v >> 5).max(-3));
        let mut bias = [0_i32; O];
        let mut m = [QuantizedMultiplier::default(); O];
        for (o, (b, m)) in bias.iter_mut().zip(&mut m).enumerate() {
            let k = rng.next_u32();
            let edge = (t as usize + o).is_multiple_of(7);
            *b = match (edge, k % 2) {
                (true, 0) => i32::MAX - (k >> 24) as i32,
                (true, _) => i32::MIN + (k >> 24) as i32,
                _ => (k as i32) >> 26,
            };
            let multiplier = match (k >> 8) % 4 {
                0 => 1 << 30,
                1 => (1 << 30) + 1,
                2 => 3 << 29,
                _ => i32::MAX,
            };
            let shift = if edge {
                -1
            } else {
                -1 - ((k >> 12) % 3) as i32
            };
            *m = QuantizedMultiplier { multiplier, shift };
        }
        let z = if t % 2 == 0 { 0 } else { rng.next_i8() >> 2 };
        let min = if t % 4 == 3 { z } else { -128 };
        let r = Requant {
            bias: &bias,
            multiplier: &m,
            zero_point: z,
            min,
            max: 127,
        };
        for _ in 0..4 {
            let mut x = [0_i8; I];
            for v in &mut x {
                *v = rng.next_i8() >> 4;
            }
            bad += mismatches(&x, &w, &r);
        }
    }
    bad
}
