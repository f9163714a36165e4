//! The output stage in `asm!`: `y = clamp(z_y + scale(acc, M), lo, 127)`, TFLite's rounding,
//! for the common case; anything else is left to the portable code (the caller's fallback).
//!
//! Per channel, with `e = -shift` (`M < 1`):
//!
//! ```text
//! a = QADD(acc, acc)              2 acc, saturating: Q if acc is not in [-2^30, 2^30)
//! x = SMMULR(a, q)                floor((2 acc q + 2^31) / 2^32) = floor((acc q + 2^30) / 2^31)
//! USAT(e, 5)                      Q if e is not in [0, 31] (shift > 0 or < -31)
//! t = QDADD(x >> 31, x)           2x - [x < 0] (Q on saturation)
//! r = t >> e                      arithmetic
//! (r = r & !(r >> 31))            ReLU: max(r, 0)
//! u = QADD(r, 2 z_y + 1)
//! y = SSAT((u >> 1), 8)           only if Q is still clear, else the caller's fallback
//! ```
//!
//! Why it is exact when `Q` stays clear:
//! - `x` is gemmlowp's `SaturatingRoundingDoublingHighMul(acc, q)` for any `q`: with
//!   `acc != i32::MIN` nothing saturates, and `SMMULR` of `2 acc` rounds the same sum
//!   (`2^31 / 2^32 = 2^30 / 2^31`).
//! - `RoundingDivideByPOT(x, e)` (ties away from zero) is `floor((2x - n + 2^e) / 2^(e+1))`
//!   with `n = [x < 0]`: for `x >= 0` this is `floor((x + 2^(e-1)) / 2^e)`, half up; for
//!   `x < 0` it is `floor((x + 2^(e-1) - 1/2) / 2^e)`, which equals
//!   `floor((x + 2^(e-1) - 1) / 2^e)` (ties down, away from zero) for `e >= 1`; for
//!   `e = 0` it is `x + floor((1 - n) / 2) = x`. And
//!   `floor((t + 2^e) / 2^(e+1)) = floor((floor(t / 2^e) + 1) / 2) = (r + 1) >> 1`.
//! - `(r + 1) >> 1` plus `z_y` is `(r + 2 z_y + 1) >> 1` (`2 z_y` even), `SSAT` clamps to
//!   `[-128, 127]` (the portable path's `saturating_add` never saturates here: `|x| <= 2^30`);
//!   for the ReLU (`lo = z_y`), `max((r + 1) >> 1, 0) = (max(r, 0) + 1) >> 1`, and
//!   `clamp(v + z_y, z_y, 127) = SSAT(max(v, 0) + z_y)`.
//!
//! `Q` is sticky: [`clear_q`] clears it once per layer and after a fallback. `SSAT` sets `Q`
//! when it clamps: the callers read `Q` (`MRS`) before their `SSAT`s and write that value
//! back (`MSR`) after them, so that the next rows see only their own saturations.
//!
//! A ReLU whose zero point is -128 (the usual one: its calibrated range starts at 0) is the
//! clamp `[-128, 127]` ([`relu`] says so), which needs no `BIC`.

use core::arch::asm;
use core::mem::offset_of;

use crate::kernels::int8::Requant;
use crate::quant::requant::QuantizedMultiplier;

// The `asm!` loads a `QuantizedMultiplier` with `LDRD`/`LDM` as (multiplier, shift).
const _: () = assert!(
    offset_of!(QuantizedMultiplier, multiplier) == 0
        && offset_of!(QuantizedMultiplier, shift) == 4
        && size_of::<QuantizedMultiplier>() == 8
);

/// Clears the sticky saturation flag `Q` (and N, Z, C, V).
#[inline]
pub(super) fn clear_q() {
    // SAFETY: writes the APSR flags only (no memory, no stack).
    unsafe { asm!("msr APSR_nzcvq, {z}", z = in(reg) 0, options(nomem, nostack)) }
}

/// The `asm!` lines of one channel: accumulator `$a`, multiplier `$m`, shift `$s`, `$zp`
/// the register holding `2 z_y + 1` (see the [module](self)); the ReLU line is assembled
/// if the `asm!`'s `relu` constant is 1.
macro_rules! channel {
    ($a:literal, $m:literal, $s:literal, $zp:literal) => {
        concat!(
            "qadd ",
            $a,
            ", ",
            $a,
            ", ",
            $a,
            "\n",
            "smmulr ",
            $a,
            ", ",
            $a,
            ", ",
            $m,
            "\n",
            "rsb ",
            $s,
            ", ",
            $s,
            ", #0\n",
            "usat ",
            $m,
            ", #5, ",
            $s,
            "\n",
            "asr ",
            $m,
            ", ",
            $a,
            ", #31\n",
            "qdadd ",
            $a,
            ", ",
            $m,
            ", ",
            $a,
            "\n",
            "asr ",
            $a,
            ", ",
            $a,
            ", ",
            $s,
            "\n",
            ".if {relu}\n",
            "bic ",
            $a,
            ", ",
            $a,
            ", ",
            $a,
            ", asr #31\n",
            ".endif\n",
            "qadd ",
            $a,
            ", ",
            $a,
            ", ",
            $zp,
            "\n",
        )
    };
}

/// The clamp of `r`'s outputs: `Some(false)` for `[-128, 127]` (also a ReLU whose zero point
/// is -128), `Some(true)` for a ReLU's `[z_y, 127]` (the `asm!`'s `relu` lines), `None` for
/// any other (the portable path).
#[inline]
pub(super) fn relu<const O: usize>(r: &Requant<'_, O>) -> Option<bool> {
    if r.max != i8::MAX {
        None
    } else if r.min == i8::MIN {
        Some(false)
    } else if r.min == r.zero_point {
        Some(true)
    } else {
        None
    }
}

/// `2 z_y + 1`, the register `$zp` of `channel!`.
#[inline]
pub(super) fn zp2<const O: usize>(r: &Requant<'_, O>) -> i32 {
    2 * i32::from(r.zero_point) + 1
}
