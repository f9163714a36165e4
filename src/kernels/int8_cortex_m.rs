//! The Cortex-M0 (ARMv6-M) int8 kernel: two output channels' dot products in one `asm!`
//! loop tuned for Thumb-1, which `tools/firmware.sh` checks bit for bit against the host
//! (the CRC-32 of the digits model's int8 logits) and counts in QEMU.
//!
//! Thumb-1's `ldrsb` has only the register-offset form, and LLVM, short of low registers,
//! spilled the accumulators of the safe loop to the stack (8 instructions per multiply-add).
//! Here the three base pointers point one past the end of `x` and of the two weight rows,
//! one index register runs from `-I` up to 0 (its `adds` sets the flags the loop branches
//! on), and the two accumulators live in high registers (`add r8, rX` takes any register;
//! `r0`-`r5` are the only low registers `asm!` may use, `r6` and `r7` being LLVM's). The
//! loop below is unrolled twice: 17 instructions per four multiply-adds.
//!
//! ```text
//! 2:  ldrsb r4, [r0, r3]     x[i]
//!     ldrsb r5, [r1, r3]     w0[i]
//!     muls  r5, r4, r5
//!     add   r8, r5           acc0 += x[i] w0[i]
//!     ldrsb r5, [r2, r3]     w1[i]
//!     muls  r5, r4, r5
//!     add   r10, r5          acc1 += x[i] w1[i]
//!     adds  r3, #1
//!     bne   2b
//! ```
//!
//! Products and sums wrap in `i32` as the portable kernel's do (`muls` and `add` are the
//! low 32 bits), so both give the same bits whenever the exact sum fits, which the layer's
//! checks guarantee.

use core::arch::asm;

/// The dot products of `x` with `w0` and with `w1`.
#[inline]
pub(crate) fn dot2<const I: usize>(x: &[i8; I], w0: &[i8; I], w1: &[i8; I]) -> [i32; 2] {
    // Two inputs per pass of the loop (the index's `adds` sets the flags only the second
    // branch reads): the last `2 (I / 2)` inputs; input 0 of an odd `I` in Rust.
    let pairs = I / 2;
    let (mut a0, mut a1) = (0_i32, 0_i32);
    if pairs > 0 {
        // `-2 pairs` as the loop's index (an array of `I` bytes is far below 2^31 bytes on a
        // 32-bit core, so it is exact).
        let start = 0_i32.wrapping_sub_unsigned(2 * pairs as u32);
        // SAFETY: `r0`, `r1`, `r2` hold `x`, `w0`, `w1` advanced by `I`: one past the end of
        // each array, which `wrapping_add` forms without dereferencing. The loop reads
        // `base + i` for `i` in `-2 pairs..0` (`2 pairs <= I`), that is element `I + i` of
        // each array (`I - 2 pairs..I`, inside `0..I`): nothing else. No memory is written
        // and the stack is not touched; the clobbered registers are declared (`r4`, `r5` as
        // outputs; `r8`, `r10`, the accumulators, as clobbers: Thumb-1 `asm!` takes high
        // registers only so; the flags by default).
        unsafe {
            asm!(
                "movs r4, #0",
                "mov r8, r4",
                "mov r10, r4",
                "2:",
                "ldrsb r4, [r0, r3]",
                "ldrsb r5, [r1, r3]",
                "muls r5, r4, r5",
                "add r8, r5",
                "ldrsb r5, [r2, r3]",
                "muls r5, r4, r5",
                "add r10, r5",
                "adds r3, #1",
                "ldrsb r4, [r0, r3]",
                "ldrsb r5, [r1, r3]",
                "muls r5, r4, r5",
                "add r8, r5",
                "ldrsb r5, [r2, r3]",
                "muls r5, r4, r5",
                "add r10, r5",
                "adds r3, #1",
                "bne 2b",
                "mov r4, r8",
                "mov r5, r10",
                in("r0") x.as_ptr().wrapping_add(I),
                in("r1") w0.as_ptr().wrapping_add(I),
                in("r2") w1.as_ptr().wrapping_add(I),
                inout("r3") start => _,
                out("r4") a0,
                out("r5") a1,
                out("r8") _,
                out("r10") _,
                options(pure, readonly, nostack),
            );
        }
    }
    if I % 2 == 1 {
        // `I` odd: index 0 exists (no bounds check, no panic path).
        let (x0, v0, v1) = (i32::from(x[0]), i32::from(w0[0]), i32::from(w1[0]));
        a0 = a0.wrapping_add(x0 * v0);
        a1 = a1.wrapping_add(x0 * v1);
    }
    [a0, a1]
}
