//! Four output channels in one `asm!` block: the dot products of four weight rows with `x`
//! (the loop of the [parent module](super), accumulators starting at the biases), then the
//! output stage of each channel ([`requant`](super::requant)'s straight line, unrolled),
//! stored as int8. A channel whose multiplier is not on the straight line (`M >= 1`,
//! `e = 0`, invalid fields) is left unwritten and flagged; the caller computes it in Rust.
//!
//! The block needs more than the six low registers `asm!` may name: it saves `r6` and `r7`
//! on the stack, takes the rest of its inputs from a [`Group`] record in memory (whose
//! pointers it advances to the next group), and keeps the accumulators (`r8`-`r10`,
//! `r12`), the record (`r11`, then the packed clamp) and the flag (`lr`) in high registers,
//! declared as clobbers.

use core::arch::asm;
use core::mem::{offset_of, size_of};

use crate::quant::requant::QuantizedMultiplier;

/// The inputs of [`dot4_finish`] that do not fit its registers. Each call advances `bias`,
/// `multiplier` and `y` by four elements (to the next group of channels).
#[repr(C)]
pub(super) struct Group {
    /// `-I`, the loop's first index.
    pub start: i32,
    /// The four channels' biases.
    pub bias: *const i32,
    /// The four channels' multipliers.
    pub multiplier: *const QuantizedMultiplier,
    /// The four outputs.
    pub y: *mut i8,
    /// `z | lo << 8 | hi << 16`, bytes: the output's zero point and clamp.
    pub zlh: u32,
}

// The block loads a multiplier with one `ldm` (`multiplier` into `r1`, `shift` into `r5`):
// that needs this layout, which a `repr(Rust)` struct does not promise; checked at compile
// time.
const _: () = assert!(
    offset_of!(QuantizedMultiplier, multiplier) == 0
        && offset_of!(QuantizedMultiplier, shift) == 4
        && size_of::<QuantizedMultiplier>() == 8
);

/// `zlh` of a [`Group`].
#[inline(always)]
pub(super) fn pack(z: i8, lo: i8, hi: i8) -> u32 {
    u32::from(z.cast_unsigned())
        | u32::from(lo.cast_unsigned()) << 8
        | u32::from(hi.cast_unsigned()) << 16
}

/// The output stage of channel `$k` whose sum is in `$acc` (see `requant.rs` for each step;
/// `r6` points to its multiplier, `r7` to the outputs, `r11` holds the packed clamp).
#[rustfmt::skip]
macro_rules! finish {
    ($acc:literal, $k:literal) => {
        concat!(
            "ldm r6!, {{r1, r5}}\n",          // q, shift
            "mvns r5, r5\n",                   // e - 1
            "asrs r2, r1, #31\n",
            "orrs r2, r5\n",
            "cmp r2, #30\n",                   // e - 1 in [0, 30] and q >= 0
            "bls 3f\n",
            "movs r0, #1\n",
            "mov lr, r0\n",                    // flagged, not written
            "b 4f\n",
            "3:\n",
            "mov r0, ", $acc, "\n",
            // t = floor((acc q + 2^30) / 2^31) (`requant::high_mul`)
            "uxth r2, r0\n",
            "asrs r0, r0, #16\n",
            "uxth r3, r1\n",
            "lsrs r1, r1, #16\n",
            "movs r4, r2\n",
            "muls r4, r3, r4\n",
            "muls r3, r0, r3\n",
            "muls r0, r1, r0\n",
            "muls r1, r2, r1\n",
            "lsls r2, r3, #16\n",
            "asrs r3, r3, #16\n",
            "adds r4, r4, r2\n",
            "adcs r0, r3\n",
            "lsls r2, r1, #16\n",
            "lsrs r1, r1, #16\n",
            "adds r4, r4, r2\n",
            "adcs r0, r1\n",
            "lsrs r4, r4, #30\n",
            "adds r4, #1\n",
            "lsrs r4, r4, #1\n",
            "lsls r0, r0, #1\n",
            "adds r0, r0, r4\n",
            // r = ((t + (t >> 31)) >> (e - 1)) + 1) >> 1
            "asrs r1, r0, #31\n",
            "adds r0, r0, r1\n",
            "asrs r0, r5\n",
            "adds r0, #1\n",
            "asrs r0, r0, #1\n",
            // + z, min with hi, max with lo (`clamp(lo, hi)` for lo <= hi), store
            "mov r1, r11\n",
            "sxtb r2, r1\n",
            "adds r0, r0, r2\n",
            "lsls r2, r1, #8\n",
            "asrs r2, r2, #24\n",
            "cmp r0, r2\n",
            "ble 1f\n",
            "mov r0, r2\n",
            "1:\n",
            "lsls r2, r1, #16\n",
            "asrs r2, r2, #24\n",
            "cmp r0, r2\n",
            "bge 2f\n",
            "mov r0, r2\n",
            "2:\n",
            "strb r0, [r7, #", $k, "]\n",
            "4:\n",
        )
    };
}

/// The dot product part of one input, the index in `r5` (see the parent module).
macro_rules! mac4 {
    () => {
        concat!(
            "ldrsb r6, [r0, r5]\n",
            "ldrsb r7, [r1, r5]\n",
            "muls r7, r6, r7\n",
            "add r8, r7\n",
            "ldrsb r7, [r2, r5]\n",
            "muls r7, r6, r7\n",
            "add r9, r7\n",
            "ldrsb r7, [r3, r5]\n",
            "muls r7, r6, r7\n",
            "add r10, r7\n",
            "ldrsb r7, [r4, r5]\n",
            "muls r7, r6, r7\n",
            "add r12, r7\n",
            "adds r5, #1\n",
        )
    };
}

/// Channels `g` (four rows of `I` weights) for the input `x`, with the biases, multipliers,
/// clamp and outputs at `p`'s pointers (`p.start` = `-I`), which it then advances by four
/// elements. Returns whether a channel was left to the caller (not on the straight line);
/// the others' outputs are written.
///
/// # Safety
/// `p.bias` and `p.multiplier` must be valid for reads of four elements, `p.y` for writes
/// of four bytes (and no reference to those bytes used while the block runs), and
/// `p.start` must be `-I`.
#[inline(always)]
pub(super) unsafe fn dot4_finish<const I: usize>(
    x: &[i8; I],
    g: &[[i8; I]; 4],
    p: &mut Group,
) -> bool {
    let flag: u32;
    // SAFETY: `r0`-`r4` hold `x`, `g[0]`..`g[3]` advanced by `I`: one past the end of each
    // array, formed by `wrapping_add` without dereferencing. The loop reads `base + i` for
    // `i` in `-I..0` (`r5` runs from `p.start = -I` up to 0), elements `0..I` of each array.
    // The block also reads the record `p` (its five words, at their `offset_of`) and writes
    // its `bias`, `multiplier` and `y` (each advanced by four elements: integer adds, never
    // dereferenced here), reads the four biases at `p.bias` and the four multipliers at
    // `p.multiplier` (two words each, `size_of` apart), and writes bytes `0..4` at `p.y`:
    // the caller guarantees those. Its stack use is `push`/`pop` of `r6`, `r7`, restored
    // before it ends (no `nostack`). `r0`-`r5` are operands (the flag comes back in `r0`),
    // `r8`-`r12` and `lr` clobbers (Thumb-1 `asm!` takes high registers only so), the flags
    // clobbered by default.
    unsafe {
        asm!(
            "push {{r6, r7}}",
            "mov r11, r5",
            "ldr r6, [r5, #{bias}]",
            "ldm r6!, {{r7}}",
            "mov r8, r7",
            "ldm r6!, {{r7}}",
            "mov r9, r7",
            "ldm r6!, {{r7}}",
            "mov r10, r7",
            "ldm r6!, {{r7}}",
            "mov r12, r7",
            "str r6, [r5, #{bias}]",
            "ldr r5, [r5, #{start}]",
            ".rept {rem}",
            mac4!(),
            ".endr",
            ".if {passes}",
            "2:",
            mac4!(),
            mac4!(),
            mac4!(),
            mac4!(),
            "bne 2b",
            ".endif",
            "mov r5, r11",
            "ldr r6, [r5, #{mult}]",
            "movs r0, #4 * {qsize}",
            "adds r0, r0, r6",
            "str r0, [r5, #{mult}]",
            "ldr r7, [r5, #{y}]",
            "movs r0, #4",
            "adds r0, r0, r7",
            "str r0, [r5, #{y}]",
            "ldr r5, [r5, #{zlh}]",
            "mov r11, r5",
            "movs r0, #0",
            "mov lr, r0",
            finish!("r8", 0),
            finish!("r9", 1),
            finish!("r10", 2),
            finish!("r12", 3),
            "mov r0, lr",
            "pop {{r6, r7}}",
            rem = const I % 4,
            passes = const I / 4,
            start = const offset_of!(Group, start),
            bias = const offset_of!(Group, bias),
            mult = const offset_of!(Group, multiplier),
            y = const offset_of!(Group, y),
            zlh = const offset_of!(Group, zlh),
            qsize = const size_of::<QuantizedMultiplier>(),
            inout("r0") x.as_ptr().wrapping_add(I) => flag,
            inout("r1") g[0].as_ptr().wrapping_add(I) => _,
            inout("r2") g[1].as_ptr().wrapping_add(I) => _,
            inout("r3") g[2].as_ptr().wrapping_add(I) => _,
            inout("r4") g[3].as_ptr().wrapping_add(I) => _,
            inout("r5") core::ptr::from_mut(p) => _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("lr") _,
        );
    }
    flag != 0
}
