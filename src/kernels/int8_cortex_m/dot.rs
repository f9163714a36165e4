//! The Cortex-M0's int8 dot products for the output channels left over after the groups of
//! four (`group.rs`): two or one weight rows against one input row, each an `asm!` loop over
//! a shared index (see the [parent module](super) for the scheme).
//!
//! Every block gets the arrays' one-past-the-end pointers and the index `-I`; it reads
//! `base + i` for `i` in `-I..0` only (`ldrsb rX, [base, index]`): element `I + i` of each
//! array. It writes no memory. The first `I % 4` inputs go one at a time (`.rept`), the rest
//! four per pass (`.if`: no loop when `I < 4`; the last `adds` of a pass sets the flags its
//! `bne` reads, since the high-register `add` sets none).

use core::arch::asm;

/// `-I` as the loops' index: an array of `I` bytes is far below 2^31 bytes on a 32-bit core.
#[inline(always)]
fn start<const I: usize>() -> i32 {
    0_i32.wrapping_sub_unsigned(I as u32)
}

/// The dot products of `x` with `w0` and with `w1`: 8 instructions per input (33 per pass,
/// 4.13 per multiply-add).
#[inline(always)]
pub(super) fn dot2<const I: usize>(x: &[i8; I], w0: &[i8; I], w1: &[i8; I]) -> [i32; 2] {
    let (a0, a1);
    // SAFETY: `r0`, `r1`, `r2` hold `x`, `w0`, `w1` advanced by `I`: one past the end of each
    // array, formed by `wrapping_add` without dereferencing. The block reads `base + i` for
    // `i` in `-I..0` (`r3` runs from `-I` up to 0), that is elements `0..I` of each array:
    // nothing else. No memory is written and the stack is not touched; `r3`-`r5` are
    // operands (in-out, outputs), the accumulators `r8` and `r10` clobbers, the flags
    // clobbered by default.
    unsafe {
        asm!(
            "movs r4, #0",
            "mov r8, r4",
            "mov r10, r4",
            ".rept {rem}",
            "ldrsb r4, [r0, r3]",
            "ldrsb r5, [r1, r3]",
            "muls r5, r4, r5",
            "add r8, r5",
            "ldrsb r5, [r2, r3]",
            "muls r5, r4, r5",
            "add r10, r5",
            "adds r3, #1",
            ".endr",
            ".if {passes}",
            "2:",
            ".rept 4",
            "ldrsb r4, [r0, r3]",
            "ldrsb r5, [r1, r3]",
            "muls r5, r4, r5",
            "add r8, r5",
            "ldrsb r5, [r2, r3]",
            "muls r5, r4, r5",
            "add r10, r5",
            "adds r3, #1",
            ".endr",
            "bne 2b",
            ".endif",
            "mov r4, r8",
            "mov r5, r10",
            rem = const I % 4,
            passes = const I / 4,
            in("r0") x.as_ptr().wrapping_add(I),
            in("r1") w0.as_ptr().wrapping_add(I),
            in("r2") w1.as_ptr().wrapping_add(I),
            inout("r3") start::<I>() => _,
            out("r4") a0,
            out("r5") a1,
            out("r8") _,
            out("r10") _,
            options(pure, readonly, nostack),
        );
    }
    [a0, a1]
}

/// The dot product of `x` with `w`: 5 instructions per input (21 per pass, 5.25 per
/// multiply-add).
#[inline(always)]
pub(super) fn dot1<const I: usize>(x: &[i8; I], w: &[i8; I]) -> i32 {
    let a;
    // SAFETY: `r0`, `r1` hold `x`, `w` advanced by `I`: one past the end of each array,
    // formed by `wrapping_add` without dereferencing. The block reads `base + i` for `i` in
    // `-I..0` (`r2` runs from `-I` up to 0), that is elements `0..I` of each array: nothing
    // else. No memory is written and the stack is not touched; `r2`-`r5` are operands
    // (in-out, scratch, the accumulator as output), the flags clobbered by default.
    unsafe {
        asm!(
            "movs r5, #0",
            ".rept {rem}",
            "ldrsb r3, [r0, r2]",
            "ldrsb r4, [r1, r2]",
            "muls r4, r3, r4",
            "adds r5, r5, r4",
            "adds r2, #1",
            ".endr",
            ".if {passes}",
            "2:",
            ".rept 4",
            "ldrsb r3, [r0, r2]",
            "ldrsb r4, [r1, r2]",
            "muls r4, r3, r4",
            "adds r5, r5, r4",
            "adds r2, #1",
            ".endr",
            "bne 2b",
            ".endif",
            rem = const I % 4,
            passes = const I / 4,
            in("r0") x.as_ptr().wrapping_add(I),
            in("r1") w.as_ptr().wrapping_add(I),
            inout("r2") start::<I>() => _,
            out("r3") _,
            out("r4") _,
            out("r5") a,
            options(pure, readonly, nostack),
        );
    }
    a
}
