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
//! `Q` is sticky: [`clear_q`] clears it once per layer and after a fallback. `SSAT` (which
//! sets `Q` when it clamps) runs after `Q` is read.

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

/// The constants of the output stage of a layer, and which variant applies.
#[derive(Clone, Copy)]
pub(super) struct Stage {
    /// `2 z_y + 1`.
    zp2: i32,
    /// The clamp is `[z_y, 127]` (a fused ReLU).
    relu: bool,
    /// The clamp is `[-128, 127]` or the ReLU's: the `asm!` applies.
    ok: bool,
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

/// Reads `Q` into r0 (0: clear) and, if clear, saturates and stores `$a` at `[{yp}, $k]`.
macro_rules! store {
    ($($a:literal, $k:literal),*) => {
        concat!(
            "mrs r0, apsr\n",
            "ands r0, r0, #0x08000000\n",
            "bne 1f\n",
            $("ssat ", $a, ", #8, ", $a, ", asr #1\n", "strb ", $a, ", [{yp}, #", $k, "]\n",)*
            "1:\n",
        )
    };
}

/// The output stage of four channels, accumulators `{a0}`..`{a3}`, multipliers at `{mp}`.
macro_rules! four {
    () => {
        concat!(
            "ldm {mp}!, {{r0, r1, r2, r3}}\n",
            channel!("{a0}", "r0", "r1", "{zp2}"),
            channel!("{a1}", "r2", "r3", "{zp2}"),
            "ldm {mp}, {{r0, r1, r2, r3}}\n",
            channel!("{a2}", "r0", "r1", "{zp2}"),
            channel!("{a3}", "r2", "r3", "{zp2}"),
            store!("{a0}", "0", "{a1}", "1", "{a2}", "2", "{a3}", "3"),
        )
    };
}

impl Stage {
    /// The variant for `r`'s clamp.
    #[inline]
    pub(super) fn new<const O: usize>(r: &Requant<'_, O>) -> Self {
        let relu = r.min == r.zero_point && r.max == i8::MAX;
        Self {
            zp2: 2 * i32::from(r.zero_point) + 1,
            relu,
            ok: relu || (r.min == i8::MIN && r.max == i8::MAX),
        }
    }

    /// Whether the `asm!` applies (the clamp is `[-128, 127]` or the ReLU's).
    #[inline]
    pub(super) fn ok(self) -> bool {
        self.ok
    }

    /// `2 z_y + 1`.
    #[inline]
    pub(super) fn zp2(self) -> i32 {
        self.zp2
    }

    /// Whether the clamp is the ReLU's, `[z_y, 127]`.
    #[inline]
    pub(super) fn relu(self) -> bool {
        self.relu
    }

    /// Outputs of the four accumulators `acc` (biases included) with multipliers `m` into
    /// `y`, with the ReLU's clamp if `RELU` (else `[-128, 127]`); `false` (and `y`
    /// unspecified) if the caller must use the portable stage. Callers check
    /// [`Stage::ok`] and pass `RELU = Stage::relu`.
    #[inline]
    pub(super) fn finish4<const RELU: bool>(
        self,
        acc: [i32; 4],
        m: &[QuantizedMultiplier; 4],
        y: &mut [i8; 4],
    ) -> bool {
        let [a0, a1, a2, a3] = acc;
        let fail: u32;
        // SAFETY: reads the 32 bytes of `m` (word-aligned: `QuantizedMultiplier` is two
        // `i32`, multiplier first, checked above) and writes the 4 bytes of `y`, nothing
        // else; no stack; flags and `Q` clobbered.
        unsafe {
            asm!(
                four!(),
                a0 = inout(reg) a0 => _,
                a1 = inout(reg) a1 => _,
                a2 = inout(reg) a2 => _,
                a3 = inout(reg) a3 => _,
                mp = inout(reg) m.as_ptr() => _,
                zp2 = in(reg) self.zp2,
                yp = in(reg) y.as_mut_ptr(),
                relu = const RELU as usize,
                out("r0") fail,
                out("r1") _,
                out("r2") _,
                out("r3") _,
                options(nostack),
            );
        }
        fail == 0
    }

    /// [`Stage::finish4`] for one channel.
    #[inline]
    pub(super) fn finish1<const RELU: bool>(
        self,
        acc: i32,
        m: &QuantizedMultiplier,
        y: &mut i8,
    ) -> bool {
        let fail: u32;
        // SAFETY: reads the 8 bytes of `m` (word-aligned) and writes the byte `y`, nothing
        // else; no stack; flags and `Q` clobbered.
        unsafe {
            asm!(
                "ldrd r0, r1, [{mp}]",
                channel!("{a0}", "r0", "r1", "{zp2}"),
                store!("{a0}", "0"),
                a0 = inout(reg) acc => _,
                mp = in(reg) core::ptr::from_ref(m),
                zp2 = in(reg) self.zp2,
                yp = in(reg) core::ptr::from_mut(y),
                relu = const RELU as usize,
                out("r0") fail,
                out("r1") _,
                options(nostack),
            );
        }
        fail == 0
    }
}
