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
//! or not, upper bound 127 or 100). Then `dense_row` (`check_row`) on word-aligned and
//! misaligned weight rows and widths that take every Cortex-M4 path (`LDRD`/`LDR`, half
//! passes, a partial last word, loops, groups of four and the 1 to 3 last rows, the fast
//! output stage and its fallback, for a whole layer or a group between fast ones, ReLU or
//! not), `dense_row` where rounding ties are common and at the `i32` ends (`check_ties`:
//! the Cortex-M0's rounding order, every group size), and `kernels::int8::relu`
//! (`check_relu`) for every remainder. Exits with status 0 only if all agree.
#![no_std]
#![no_main]

use ctensor::kernels::int8::{Requant, dense_row, relu};
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

/// `dense_row` of `x` against the plain reference (the `i64` sum, then
/// `multiply_by_quantized_multiplier`, the zero point and the clamp): the mismatches.
fn mismatches<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
) -> u32 {
    let mut y = [0_i8; O];
    dense_row(x, w, r, &mut y);
    let mut bad = 0;
    for (((&yo, wo), &b), &mo) in y.iter().zip(w).zip(r.bias).zip(r.multiplier) {
        let acc = wo.iter().zip(x).fold(i64::from(b), |a, (&wi, &xi)| {
            a + i64::from(wi) * i64::from(xi)
        });
        let v = multiply_by_quantized_multiplier(acc as i32, mo)
            .saturating_add(i32::from(r.zero_point))
            .clamp(i32::from(r.min), i32::from(r.max));
        if i32::from(yo) != v {
            bad += 1;
        }
    }
    bad
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
            bad += mismatches(&x, &w, &r);
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
fn check_row<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
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
fn check_ties<const I: usize, const O: usize>(rng: &mut Lcg) -> u32 {
    let mut bad = 0;
    for t in 0..8_u32 {
        let mut w = [[0_i8; I]; O];
        for row in &mut w {
            for v in row.iter_mut() {
                *v = (rng.next_i8() >> 5).max(-3);
            }
        }
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

/// `kernels::int8::relu` (the Cortex-M4's `SSUB8` + `SEL`) against `max(x, z)` on rows of
/// `N` values, every zero point class (-128, 127, random); returns the mismatches.
fn check_relu<const N: usize>(rng: &mut Lcg) -> u32 {
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
    // `dense_row` on word-aligned and misaligned rows (the Cortex-M4's `LDRD` and `LDR`
    // paths): I and O from 1 to 17 (every `O mod 4`: the last 1 to 3 rows of the Cortex-M4's
    // `tail`; every `I mod 4` and `ceil(I / 4)` odd or even: its last partial word in a full
    // or a half pass), primes, rows longer than 16 passes (a loop, with a partial last word:
    // 137, 255, 347), row 0's pointer moved on by a separate `ADD` (100, 128 unaligned, 130,
    // 255) or by its last load, and rows too wide for `LDRD` offsets.
    bad += check_row::<1, 17>(&mut rng);
    bad += check_row::<2, 16>(&mut rng);
    bad += check_row::<3, 15>(&mut rng);
    bad += check_row::<4, 14>(&mut rng);
    bad += check_row::<5, 13>(&mut rng);
    bad += check_row::<6, 12>(&mut rng);
    bad += check_row::<7, 11>(&mut rng);
    bad += check_row::<8, 10>(&mut rng);
    bad += check_row::<9, 9>(&mut rng);
    bad += check_row::<10, 8>(&mut rng);
    bad += check_row::<11, 7>(&mut rng);
    bad += check_row::<12, 6>(&mut rng);
    bad += check_row::<13, 5>(&mut rng);
    bad += check_row::<14, 4>(&mut rng);
    bad += check_row::<15, 3>(&mut rng);
    bad += check_row::<16, 2>(&mut rng);
    bad += check_row::<17, 1>(&mut rng);
    bad += check_row::<29, 7>(&mut rng);
    bad += check_row::<61, 5>(&mut rng);
    bad += check_row::<64, 10>(&mut rng);
    bad += check_row::<100, 6>(&mut rng);
    bad += check_row::<128, 5>(&mut rng);
    bad += check_row::<130, 9>(&mut rng);
    bad += check_row::<137, 6>(&mut rng);
    bad += check_row::<140, 6>(&mut rng);
    bad += check_row::<156, 5>(&mut rng);
    bad += check_row::<255, 11>(&mut rng);
    bad += check_row::<347, 5>(&mut rng);
    bad += check_row::<347, 7>(&mut rng);
    bad += check_row::<400, 7>(&mut rng);
    // Rounding ties and the `i32` ends at shift -1: every group size (1 to 4 rows, and
    // groups of 4 followed by 1, 2 or 3) and input remainder.
    bad += check_ties::<1, 1>(&mut rng);
    bad += check_ties::<2, 2>(&mut rng);
    bad += check_ties::<3, 3>(&mut rng);
    bad += check_ties::<4, 4>(&mut rng);
    bad += check_ties::<5, 5>(&mut rng);
    bad += check_ties::<6, 6>(&mut rng);
    bad += check_ties::<7, 7>(&mut rng);
    bad += check_ties::<12, 10>(&mut rng);
    bad += check_ties::<33, 11>(&mut rng);
    // The ReLU kernel: every remainder of 4, whole words, a loop (more than 16 words).
    bad += check_relu::<1>(&mut rng);
    bad += check_relu::<2>(&mut rng);
    bad += check_relu::<3>(&mut rng);
    bad += check_relu::<4>(&mut rng);
    bad += check_relu::<5>(&mut rng);
    bad += check_relu::<6>(&mut rng);
    bad += check_relu::<7>(&mut rng);
    bad += check_relu::<8>(&mut rng);
    bad += check_relu::<9>(&mut rng);
    bad += check_relu::<13>(&mut rng);
    bad += check_relu::<17>(&mut rng);
    bad += check_relu::<32>(&mut rng);
    bad += check_relu::<67>(&mut rng);
    bad += check_relu::<131>(&mut rng);
    Out::new()
        .str("int8_kernel_check on ")
        .str(BOARD)
        .str(": ")
        .u32(bad)
        .str(" mismatches")
        .nl();
    exit(bad == 0)
}
