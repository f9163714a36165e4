//! [`groups4`]: the groups of four rows of a layer in one `asm!` block (the
//! [passes](super::dot) and the [output stage](super::stage) of each group), so that no Rust
//! code runs between groups. It stops at the first group whose output stage sets `Q`, which
//! the caller then computes with the portable code before calling again for the next
//! groups.
//!
//! The block keeps its state in a frame of 32 bytes on the stack, read and written with one
//! `LDM`/`STM`: per group, 10 instructions besides the passes and the output stage (the
//! next group's biases `LDM`, the state `STM` and `LDM`, `x`'s pointer, `MRS`/`TST`/`BNE` of
//! `Q`, `MSR` after the `SSAT`s, the count `SUBS`/`BNE`). Row 0's last load moves the weight
//! pointer on to the next group. `2 z_y + 1` stays in `lr` when the passes need no loop
//! counter.

use core::arch::asm;

use super::dot::{plan, use_ldrd};
use crate::quant::requant::QuantizedMultiplier;

/// The groups of four rows from `w` (row 0 of the first), `count >= 1` of them, through the
/// output stage (`RELU`: the clamp `[z_y, 127]`, else `[-128, 127]`; `zp2 = 2 z_y + 1`),
/// their biases, multipliers and outputs from `bias`, `mp` and `y`, `x` unpacked in `xb`;
/// `LDRD` for word-aligned rows (else `LDR`s). Returns 0 when all are done, else the groups
/// left from the first one that needs the portable output stage (nothing of it stored).
///
/// # Safety
/// The caller guarantees: `4 <= I` and [`fits`](super::fits)`(I)`; `count` groups of four
/// rows of `I` bytes, contiguous, from `w`; as many biases, multipliers (word-aligned) and
/// outputs from `bias`, `mp` and `y`; `xb` the [`XBuf`](super::xbuf::XBuf) of `x`; for
/// `LDRD`, `I mod 4 = 0`, `3 I <= 1020` and `w` word-aligned.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn groups4<const I: usize, const LDRD: bool, const RELU: bool>(
    xb: *const u32,
    w: *const i8,
    bias: *const i32,
    mp: *const QuantizedMultiplier,
    y: *mut i8,
    count: usize,
    zp2: i32,
) -> usize {
    let left: usize;
    // SAFETY: (the caller's guarantees above) per group, `r4` walks the written words of
    // `xb` (word-aligned), `r5` the group's row 0, each load reading 4 or 8 bytes at
    // `r5 + j I` (j in 0..4) inside the group's rows (the last word of a row at bytes
    // `I - 4 .. I` when `I mod 4 != 0`), and row 0's last load moves `r5` to the next
    // group's row 0 (at most one past the last row). The 4 biases (16 bytes) and 4
    // multipliers (32 bytes) read and the 4 outputs written are the group's, and the next
    // group's biases are read only if there is a next group. The frame is 32 bytes of stack
    // (r0..r4, r6, r7, lr pushed; r6, r7 restored, sp restored). Flags and `Q` clobbered.
    unsafe {
        asm!(
            "push {{r0, r1, r2, r3, r4, r6, r7, lr}}",
            // [sp]: mp, yp, bias, count, xb, r6, r7, zp2
            "ldm sp, {{r4, r6, r7, r12}}",
            "3:",
            "ldm r7!, {{r8, r9, r10, r11}}",
            "stm sp, {{r4, r6, r7, r12}}",
            "ldr r4, [sp, #16]",
            passes!(),
            "ldm sp, {{r4, r6, r7, r12}}",
            ".if {loops}",
            "ldr lr, [sp, #28]",
            ".endif",
            "ldm r4!, {{r0, r1, r2, r3}}",
            channel!("r8", "r0", "r1", "lr"),
            channel!("r9", "r2", "r3", "lr"),
            "ldm r4!, {{r0, r1, r2, r3}}",
            channel!("r10", "r0", "r1", "lr"),
            channel!("r11", "r2", "r3", "lr"),
            "mrs r0, apsr",
            "tst r0, #0x08000000",
            "bne 4f",
            "ssat r8, #8, r8, asr #1",
            "strb r8, [r6], #1",
            "ssat r9, #8, r9, asr #1",
            "strb r9, [r6], #1",
            "ssat r10, #8, r10, asr #1",
            "strb r10, [r6], #1",
            "ssat r11, #8, r11, asr #1",
            "strb r11, [r6], #1",
            "msr APSR_nzcvq, r0",
            "subs r12, r12, #1",
            "bne 3b",
            "4:",
            "ldrd r6, r7, [sp, #20]",
            "add sp, sp, #32",
            i = const if super::fits(I) && I >= 4 { I } else { 0 },
            k = const 4,
            ldrd = const use_ldrd(I, LDRD) as usize,
            relu = const RELU as usize,
            loops = const plan(I, true, use_ldrd(I, LDRD)).loops,
            rem = const plan(I, true, use_ldrd(I, LDRD)).rem,
            last = const plan(I, true, use_ldrd(I, LDRD)).last,
            tailpass = const plan(I, true, use_ldrd(I, LDRD)).tailpass,
            tailinc = const plan(I, true, use_ldrd(I, LDRD)).tailinc,
            half = const plan(I, true, use_ldrd(I, LDRD)).half,
            halfinc = const plan(I, true, use_ldrd(I, LDRD)).halfinc,
            halftail = const plan(I, true, use_ldrd(I, LDRD)).halftail,
            r = const plan(I, true, use_ldrd(I, LDRD)).r,
            add = const plan(I, true, use_ldrd(I, LDRD)).add,
            inout("r0") mp => _,
            inout("r1") y => _,
            inout("r2") bias => _,
            inout("r3") count => _,
            inout("r4") xb => _,
            inout("r5") w => _,
            inout("lr") zp2 => _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            lateout("r12") left,
        );
    }
    left
}
