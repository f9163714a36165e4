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

mod layer;
mod rows;

use ctensor::kernels::int8::{Requant, dense_row};
use ctensor::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};
use ctensor_firmware::{BOARD, Out, exit};

use layer::{check, check_relu, check_stage};
use rows::{check_row, check_ties};

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

    /// `O` rows of `I` values, each `f` of a random `i8`.
    fn rows<const I: usize, const O: usize>(&mut self, f: impl Fn(i8) -> i8) -> [[i8; I]; O] {
        core::array::from_fn(|_| core::array::from_fn(|_| f(self.next_i8())))
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
    bad += check_row::<81, 7>(&mut rng);
    bad += check_row::<85, 6>(&mut rng);
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
