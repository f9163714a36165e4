//! [`groups4`]: every group of four rows of a layer in one `asm!` block (the passes of
//! [`dot`](super::dot) and the output stage of [`stage`](super::stage) per group), so that
//! no Rust code (and no register shuffling) runs between groups. The layer's pointers live
//! in a [`State`] that the block reads and advances; it stops at the first group whose
//! output stage sets `Q` (see [`stage`](super::stage)), which the caller then computes
//! with the portable code before calling again for the next groups.
//!
//! Rows of `I mod 4 = 0` inputs only (no inputs left over after the passes).

use core::arch::asm;

use super::dot::passes;
use crate::quant::requant::QuantizedMultiplier;

/// The pointers of [`groups4`], advanced group by group (field offsets 0 to 20 are used by
/// the `asm!`).
#[repr(C)]
pub(super) struct State {
    /// The unpacked `x` (`XBuf`).
    pub(super) xb: *const u32,
    /// The bias of the next group's first row.
    pub(super) bias: *const i32,
    /// Its multiplier.
    pub(super) mp: *const QuantizedMultiplier,
    /// Its output.
    pub(super) yp: *mut i8,
    /// `2 z_y + 1`.
    pub(super) zp2: i32,
    /// Groups left: 0 when all are done, else the group at `bias` set `Q` (not stored).
    pub(super) left: u32,
}

/// The `asm!` of [`groups4`]: the loads of [`dot4_asm`](super::dot) and `$relu` per
/// channel.
macro_rules! layer_asm {
    ($l0:expr, $l1:expr, $l2:expr, $l3:expr, $st:expr, $w:expr, $o:expr) => {
        asm!(
            "push {{r0, r6, r7}}",
            "3:",
            "ldr r12, [sp]",
            "ldr r4, [r12]",
            "ldr r0, [r12, #4]",
            "ldm r0!, {{r8, r9, r10, r11}}",
            "str r0, [r12, #4]",
            ".if {loops}",
            "movw lr, #{loops}",
            ".endif",
            ".rept {rem}",
            pass8!($l0, $l1, $l2, $l3),
            ".endr",
            ".if {loops}",
            "2:",
            ".rept 8",
            pass8!($l0, $l1, $l2, $l3),
            ".endr",
            "subs lr, #1",
            "bne 2b",
            ".endif",
            ".if {half}",
            "ldrd r0, r1, [r4]",
            row4!(", #{o1}", "r9"),
            row4!(", #{o2}", "r10"),
            row4!(", #{o3}", "r11"),
            row4!("", "r8"),
            ".endif",
            "add r5, r5, #{adv}",
            "ldr r12, [sp]",
            "ldr r4, [r12, #8]",
            "ldr lr, [r12, #16]",
            "ldm r4!, {{r0, r1, r2, r3}}",
            channel!("r8", "r0", "r1", "lr"),
            channel!("r9", "r2", "r3", "lr"),
            "ldm r4!, {{r0, r1, r2, r3}}",
            channel!("r10", "r0", "r1", "lr"),
            channel!("r11", "r2", "r3", "lr"),
            "mrs r0, apsr",
            "ands r0, r0, #0x08000000",
            "bne 4f",
            "str r4, [r12, #8]",
            "ldr r4, [r12, #12]",
            "ssat r8, #8, r8, asr #1",
            "strb r8, [r4], #1",
            "ssat r9, #8, r9, asr #1",
            "strb r9, [r4], #1",
            "ssat r10, #8, r10, asr #1",
            "strb r10, [r4], #1",
            "ssat r11, #8, r11, asr #1",
            "strb r11, [r4], #1",
            "str r4, [r12, #12]",
            "ldr r0, [r12, #20]",
            "subs r0, #1",
            "str r0, [r12, #20]",
            "bne 3b",
            "4:",
            "pop {{r0, r6, r7}}",
            rem = const passes(I).0,
            loops = const passes(I).1,
            half = const (I / 4) % 2,
            adv = const 4 * I - 8 * (I / 8),
            relu = const RELU as usize,
            o1 = const $o * I,
            o2 = const $o * 2 * I,
            o3 = const $o * 3 * I,
            inout("r0") $st => _,
            inout("r5") $w => _,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            out("r4") _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("lr") _,
        )
    };
}

/// Groups of four rows from the group at `st` (`w`: its first row) to the last, through
/// the output stage (`RELU`: the clamp `[z_y, 127]`, else `[-128, 127]`); `LDRD` as in
/// [`dot4`](super::dot::dot4). Returns with `st.left = 0`, or at the first group that
/// needs the portable output stage (`st.bias` past it, `st.yp` at it, nothing of it
/// stored).
///
/// # Safety
/// The caller guarantees: `I mod 4 = 0`, `st.left >= 1` groups of four rows from `w` (rows
/// of `I` bytes, contiguous), as many biases, multipliers and outputs from `st`'s
/// pointers, `st.xb` the unpacked `x`, and for `LDRD` word-aligned rows with `3 I <= 1020`.
#[inline]
pub(super) unsafe fn groups4<const I: usize, const LDRD: bool, const RELU: bool>(
    st: &mut State,
    w: *const i8,
) {
    let st = core::ptr::from_mut(st);
    let ldrd_ok = const { I.is_multiple_of(4) && 3 * I <= 1020 };
    // SAFETY: (the caller's guarantees above) per group, `r4` walks the `I / 2` written
    // halfwords of `xb` (word-aligned) as in `dot4`, `r5` the group's row 0 by 8 bytes per
    // pass with loads at `r5 + k I` (k in 0..4) inside the group's rows, then advances to
    // the next group's row 0 (`4 I` bytes from the last): at most one past the last row.
    // The 4 biases (16 bytes) and 4 multipliers (32 bytes, word-aligned) read and the 4
    // outputs written are the group's; `State` is read and written through the pointer
    // pushed at `[sp]` (12 bytes of stack: r0, r6, r7, popped at the end). Flags and `Q`
    // clobbered.
    unsafe {
        if LDRD && ldrd_ok {
            layer_asm!(
                "ldrd r12, r6, [r5], #8\n",
                "ldrd r12, r6, [r5, #{o1}]\n",
                "ldrd r12, r6, [r5, #{o2}]\n",
                "ldrd r12, r6, [r5, #{o3}]\n",
                st,
                w,
                ((I.is_multiple_of(4) && 3 * I <= 1020) as usize)
            );
        } else {
            layer_asm!(
                "ldr r6, [r5, #4]\nldr r12, [r5], #8\n",
                "ldr r12, [r5, #{o1}]\nldr r6, [r5, #{o1}+4]\n",
                "ldr r12, [r5, #{o2}]\nldr r6, [r5, #{o2}+4]\n",
                "ldr r12, [r5, #{o3}]\nldr r6, [r5, #{o3}+4]\n",
                st,
                w,
                (super::fits(I) as usize)
            );
        }
    }
}
