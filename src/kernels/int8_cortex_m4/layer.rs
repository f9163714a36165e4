//! [`layer`]: one row through a layer in one `asm!` block: `x` [unpacked](super::xbuf) into
//! the block's stack frame, the groups of four rows (the [passes](super::dot) and the
//! [output stage](super::stage) of each), then the `O mod 4` last rows (`tail!`), so that
//! no Rust code runs between them. It stops at the first group whose output stage sets `Q`,
//! which the caller then computes with the portable code before calling again for the next
//! groups.
//!
//! The block keeps its state in a frame of 32 bytes on the stack, read and written with one
//! `LDM`/`STM`: per group, 10 instructions besides the passes and the output stage (the
//! group's biases `LDM`, the state `STM` and `LDM`, `x`'s pointer, `MRS`/`TST`/`BNE` of `Q`,
//! `MSR` after the `SSAT`s, the count `SUBS`/`BNE`). Row 0's last load moves the weight
//! pointer on to the next group. `2 z_y + 1` stays in `lr` when the passes need no loop
//! counter.

use core::arch::asm;

use super::dot::{plan, use_ldrd};
use super::xbuf::bytes;
use crate::quant::requant::QuantizedMultiplier;

/// The groups of four rows: the frame's state (see [`layer`]) loaded into r4 (multipliers),
/// r6 (outputs), r7 (biases), r12 (groups left); `x` unpacked at `sp + 32`, row 0 of the
/// first group at `r5`, `2 z_y + 1` in `lr` (reloaded from `[sp, #28]` after a loop). Ends
/// with r12 = 0 and r4, r6, r7 past the last group's, or branches to `4f` with r12 the
/// groups left from the one that needs the portable output stage.
macro_rules! groups {
    () => {
        concat!(
            "ldm sp, {{r4, r6, r7, r12}}\n",
            "3:\n",
            "ldm r7!, {{r8, r9, r10, r11}}\n",
            "stm sp, {{r4, r6, r7, r12}}\n",
            "add r4, sp, #32\n",
            passes!("g"),
            "ldm sp, {{r4, r6, r7, r12}}\n",
            ".if {gloops}\n",
            "ldr lr, [sp, #28]\n",
            ".endif\n",
            "ldm r4!, {{r0, r1, r2, r3}}\n",
            channel!("r8", "r0", "r1", "lr"),
            channel!("r9", "r2", "r3", "lr"),
            "ldm r4!, {{r0, r1, r2, r3}}\n",
            channel!("r10", "r0", "r1", "lr"),
            channel!("r11", "r2", "r3", "lr"),
            "mrs r0, apsr\n",
            "tst r0, #0x08000000\n",
            "bne 4f\n",
            "ssat r8, #8, r8, asr #1\n",
            "strb r8, [r6], #1\n",
            "ssat r9, #8, r9, asr #1\n",
            "strb r9, [r6], #1\n",
            "ssat r10, #8, r10, asr #1\n",
            "strb r10, [r6], #1\n",
            "ssat r11, #8, r11, asr #1\n",
            "strb r11, [r6], #1\n",
            "msr APSR_nzcvq, r0\n",
            "subs r12, r12, #1\n",
            "bne 3b\n",
            ".if {tk}\n",
            // The last rows' multipliers and outputs follow the groups'.
            "strd r4, r6, [sp]\n",
            ".endif\n",
        )
    };
}

/// `x` through the `count` last groups of four rows of a layer (from row 0 of the first,
/// `w`) and its `O mod 4` last rows, through the output stage (`RELU`: the clamp
/// `[z_y, 127]`, else `[-128, 127]`; `zp2 = 2 z_y + 1`), biases, multipliers and outputs
/// from `bias`, `mp` and `y`; `LDRD` for word-aligned rows (else `LDR`s). Returns
/// `(left, q)`: `left` 0 when every group is done, else the groups left from the first one
/// that needs the portable output stage (nothing of it or after it stored); then `q` 0 if
/// the last rows are done too (else they need the portable output stage, nothing stored).
///
/// # Safety
/// The caller guarantees: `4 <= I` and [`fits`](super::fits)`(I)`; `count >= 1` if
/// `O >= 4` (then `O / 4 - count` groups are before `w`), 0 otherwise; `4 count + O mod 4`
/// rows of `I` bytes, contiguous, from `w`, the last ones of the layer; as many biases,
/// multipliers (word-aligned) and outputs from `bias`, `mp` and `y`; for `LDRD`,
/// `I mod 4 = 0`, `3 I <= 1020` and `w` word-aligned.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn layer<const I: usize, const O: usize, const LDRD: bool, const RELU: bool>(
    x: &[i8; I],
    w: *const i8,
    bias: *const i32,
    mp: *const QuantizedMultiplier,
    y: *mut i8,
    count: usize,
    zp2: i32,
) -> (usize, u32) {
    let (left, q): (usize, u32);
    // SAFETY: (the caller's guarantees above) the frame is `32 + bytes(I)` bytes of stack
    // (r0..r4, r6, r7, lr pushed, the buffer above them; r6, r7 and sp restored). The
    // unpacking reads `x[0..I]` only (word loads, the last at `I - 4`; unaligned loads are
    // architectural on ARMv7E-M) and writes `8 ceil(I / 4) <= bytes(I)` bytes of the
    // buffer (`xbuf`). Per group, `r4` walks the written words of the buffer
    // (word-aligned), `r5` the group's row 0, each load reading 4 or 8 bytes at `r5 + j I`
    // (j in 0..4) inside the group's rows (the last word of a row at bytes `I - 4 .. I`
    // when `I mod 4` is 2 or 3; when it is 1, one byte at `I - 1` read by `LDRSB`, with the
    // buffer's last written word), and row 0's last load moves `r5` to the next group's row 0
    // (at most one past the group); the group's 4 biases (16 bytes), 4 multipliers (32
    // bytes) are read and its 4 outputs written. The last rows likewise, with `K` rows and
    // `r5` ending inside or at the end of their row 0. Flags and `Q` clobbered.
    unsafe {
        asm!(
            "sub sp, sp, #{xbytes}",
            "push {{r0, r1, r2, r3, r4, r6, r7, lr}}",
            // [sp]: mp, yp, bias, count, x, r6, r7, zp2; the buffer at sp + 32.
            "mov r10, r4",
            "add r11, sp, #32",
            unpack!(),
            ".if {xlooped}",
            "ldr lr, [sp, #28]",
            ".endif",
            ".if {groups}",
            groups!(),
            ".else",
            "ldr r7, [sp, #8]",
            ".endif",
            ".if {tk}",
            tail!(),
            ".endif",
            "4:",
            "ldrd r6, r7, [sp, #20]",
            "add sp, sp, #32+{xbytes}",
            i = const if super::fits(I) && I >= 4 { I } else { 0 },
            ldrd = const use_ldrd(I, LDRD) as usize,
            relu = const RELU as usize,
            xbytes = const bytes(I),
            xlooped = const (I / 16 > 4) as usize,
            xchunks = const I / 16,
            xunrolled = const if I / 16 > 4 { 1 } else { I / 16 },
            xwords = const I / 4 % 4,
            xtail = const (I >= 4 && !I.is_multiple_of(4)) as usize,
            xr = const I % 4,
            groups = const (O >= 4) as usize,
            gk = const 4,
            gloops = const plan(I, true, use_ldrd(I, LDRD)).loops,
            grem = const plan(I, true, use_ldrd(I, LDRD)).rem,
            glast = const plan(I, true, use_ldrd(I, LDRD)).last,
            gtailpass = const plan(I, true, use_ldrd(I, LDRD)).tailpass,
            gtailinc = const plan(I, true, use_ldrd(I, LDRD)).tailinc,
            ghalf = const plan(I, true, use_ldrd(I, LDRD)).half,
            ghalfinc = const plan(I, true, use_ldrd(I, LDRD)).halfinc,
            ghalftail = const plan(I, true, use_ldrd(I, LDRD)).halftail,
            gbyteinc = const plan(I, true, use_ldrd(I, LDRD)).byteinc,
            gbytex = const plan(I, true, use_ldrd(I, LDRD)).bytex,
            gr = const plan(I, true, use_ldrd(I, LDRD)).r,
            gadd = const plan(I, true, use_ldrd(I, LDRD)).add,
            tk = const O % 4,
            tloops = const plan(I, false, use_ldrd(I, LDRD)).loops,
            trem = const plan(I, false, use_ldrd(I, LDRD)).rem,
            tlast = const plan(I, false, use_ldrd(I, LDRD)).last,
            ttailpass = const plan(I, false, use_ldrd(I, LDRD)).tailpass,
            ttailinc = const plan(I, false, use_ldrd(I, LDRD)).tailinc,
            thalf = const plan(I, false, use_ldrd(I, LDRD)).half,
            thalfinc = const plan(I, false, use_ldrd(I, LDRD)).halfinc,
            thalftail = const plan(I, false, use_ldrd(I, LDRD)).halftail,
            tbyteinc = const plan(I, false, use_ldrd(I, LDRD)).byteinc,
            tbytex = const plan(I, false, use_ldrd(I, LDRD)).bytex,
            tr = const plan(I, false, use_ldrd(I, LDRD)).r,
            tadd = const plan(I, false, use_ldrd(I, LDRD)).add,
            inout("r0") mp => q,
            inout("r1") y => _,
            inout("r2") bias => _,
            inout("r3") count => _,
            inout("r4") x.as_ptr() => _,
            inout("r5") w => _,
            inout("lr") zp2 => _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            lateout("r12") left,
        );
    }
    (left, q)
}
