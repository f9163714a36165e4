//! [`rows`]: the `O mod 4` last rows of a layer (1 to 3) in one `asm!` block, the
//! [passes](super::dot) of `K` rows and the [output stage](super::stage) of each.

use core::arch::asm;

use super::dot::{plan, use_ldrd};
use crate::quant::requant::QuantizedMultiplier;

/// The `K = O mod 4` rows from `w` (its first row) through the output stage (`RELU`, `zp2`
/// as in [`groups4`](super::layer::groups4)), their biases, multipliers and outputs from
/// `bias`, `mp` and `y`, `x` unpacked in `xb`; `LDRD` for word-aligned rows. Returns
/// `true` if done, `false` if the rows need the portable output stage (nothing stored).
///
/// # Safety
/// The caller guarantees: `4 <= I` and [`fits`](super::fits)`(I)`; `O mod 4` rows of `I`
/// bytes, contiguous, from `w`; as many biases, multipliers (word-aligned) and outputs from
/// `bias`, `mp` and `y`; `xb` the [`XBuf`](super::xbuf::XBuf) of `x`; for `LDRD`,
/// `I mod 4 = 0`, `3 I <= 1020` and `w` word-aligned.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn rows<const I: usize, const O: usize, const LDRD: bool, const RELU: bool>(
    xb: *const u32,
    w: *const i8,
    bias: *const i32,
    mp: *const QuantizedMultiplier,
    y: *mut i8,
    zp2: i32,
) -> bool {
    let q: u32;
    // SAFETY: (the caller's guarantees above) `r4` walks the written words of `xb`
    // (word-aligned), `r5` row 0, each load reading 4 or 8 bytes at `r5 + j I` (j in 0..K)
    // inside the rows (the last word of a row at bytes `I - 4 .. I` when `I mod 4 != 0`);
    // `r5` ends at most at the end of row 0. The K biases and K multipliers read (`LDM`,
    // `LDRD`: word-aligned) and the K outputs written are the rows'. 20 bytes of stack
    // (r0, r1, r6, r7, lr pushed; r6, r7 restored, sp restored). Flags and `Q` clobbered.
    unsafe {
        asm!(
            "push {{r0, r1, r6, r7, lr}}",
            // [sp]: mp, yp, r6, r7, zp2
            ".if {k} == 1",
            "ldr r8, [r2]",
            ".elseif {k} == 2",
            "ldrd r8, r9, [r2]",
            ".else",
            "ldm r2, {{r8, r9, r10}}",
            ".endif",
            passes!(),
            "ldrd r4, r12, [sp]",
            ".if {loops}",
            "ldr lr, [sp, #16]",
            ".endif",
            ".if {k} == 1",
            "ldrd r0, r1, [r4]",
            channel!("r8", "r0", "r1", "lr"),
            ".else",
            "ldm r4!, {{r0, r1, r2, r3}}",
            channel!("r8", "r0", "r1", "lr"),
            channel!("r9", "r2", "r3", "lr"),
            ".if {k} == 3",
            "ldrd r0, r1, [r4]",
            channel!("r10", "r0", "r1", "lr"),
            ".endif",
            ".endif",
            "mrs r0, apsr",
            "ands r0, r0, #0x08000000",
            "bne 4f",
            "ssat r8, #8, r8, asr #1",
            "strb r8, [r12]",
            ".if {k} >= 2",
            "ssat r9, #8, r9, asr #1",
            "strb r9, [r12, #1]",
            ".endif",
            ".if {k} == 3",
            "ssat r10, #8, r10, asr #1",
            "strb r10, [r12, #2]",
            ".endif",
            "4:",
            "ldrd r6, r7, [sp, #8]",
            "add sp, sp, #20",
            i = const if super::fits(I) && I >= 4 { I } else { 0 },
            k = const O % 4,
            ldrd = const use_ldrd(I, LDRD) as usize,
            relu = const RELU as usize,
            loops = const plan(I, false, use_ldrd(I, LDRD)).loops,
            rem = const plan(I, false, use_ldrd(I, LDRD)).rem,
            last = const plan(I, false, use_ldrd(I, LDRD)).last,
            tailpass = const plan(I, false, use_ldrd(I, LDRD)).tailpass,
            tailinc = const plan(I, false, use_ldrd(I, LDRD)).tailinc,
            half = const plan(I, false, use_ldrd(I, LDRD)).half,
            halfinc = const plan(I, false, use_ldrd(I, LDRD)).halfinc,
            halftail = const plan(I, false, use_ldrd(I, LDRD)).halftail,
            r = const plan(I, false, use_ldrd(I, LDRD)).r,
            add = const plan(I, false, use_ldrd(I, LDRD)).add,
            inout("r0") mp => q,
            inout("r1") y => _,
            inout("r2") bias => _,
            out("r3") _,
            inout("r4") xb => _,
            inout("r5") w => _,
            inout("lr") zp2 => _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
        );
    }
    q == 0
}
