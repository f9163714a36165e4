//! `G` output channels (`G` = 1 to 4: `dot_finish4` ... `dot_finish1`) in one `asm!`
//! block: the dot products of `G` weight rows with `x` (the loop of the [parent
//! module](super), accumulators starting at the biases), then the output stage of each
//! channel ([`requant`](super::requant)'s straight line, unrolled), stored as int8 and
//! clamped to `[lo, 127]` (the caller applies an upper bound below 127). A channel whose
//! multiplier is not on the straight line (`M >= 1`, `e = 0`, invalid fields) is left
//! unwritten and flagged; the caller computes it in Rust.
//!
//! The block needs more than the six low registers `asm!` may name: it saves `r6` and `r7`
//! on the stack, with the pointer to a [`Group`] record in memory, which holds the rest of
//! its inputs (the block advances its pointers to the next group) and the flag (set to 1
//! when a channel is left to the caller; read once per layer). The
//! accumulators (`r8`-`r10`, `r12`), the zero point (`r11`) and the clamp's lower bound
//! (`lr`) live in high registers, declared as clobbers (the zero point and the bound come
//! in low registers).
//!
//! Output stage of one channel (37 instructions when nothing clamps, the listing of the
//! `finish!` macro): `ldm` of the multiplier and shift, the straight-line test (3
//! instructions beyond the ones the arithmetic needs), the product `acc 2q` from four
//! 16 x 16-bit products and two `adds`/`adcs` carries (18; doubling `q` makes
//! `floor((acc q + 2^30) / 2^31)` the high word plus the low word's top bit, 2 more), the
//! rounding shift (5), the zero point (1), the clamp (4), the store. Per group besides:
//! 14 instructions, `G - 1` to form the rows and two per channel (its bias), and the
//! loop's `bne` per eight inputs.

use core::arch::asm;
use core::mem::{offset_of, size_of};

use crate::quant::requant::QuantizedMultiplier;

/// The inputs of the `dot_finish` functions that do not fit their registers. Each call of a group of `G`
/// channels advances `bias`, `multiplier` and `y` by `G` elements (to the next channels).
#[repr(C)]
pub(super) struct Group {
    /// `-I`, the loop's first index.
    pub start: i32,
    /// The channels' biases.
    pub bias: *const i32,
    /// The channels' multipliers.
    pub multiplier: *const QuantizedMultiplier,
    /// The outputs.
    pub y: *mut i8,
    /// Set to 1 by a block that left a channel to the caller (not on the straight line).
    pub flag: u32,
}

// The block loads a multiplier with one `ldm` (`multiplier` into `r1`, `shift` into `r5`):
// that needs this layout, which a `repr(Rust)` struct does not promise; checked at compile
// time.
const _: () = assert!(
    offset_of!(QuantizedMultiplier, multiplier) == 0
        && offset_of!(QuantizedMultiplier, shift) == 4
        && size_of::<QuantizedMultiplier>() == 8
);

/// The output stage of channel `$k` whose sum is in `$acc` (see `requant.rs` for each step;
/// `r6` points to its multiplier, `r7` to the outputs, `r11` holds the zero point, `lr` the
/// clamp's lower bound).
#[rustfmt::skip]
macro_rules! finish {
    ($acc:literal, $k:literal) => {
        concat!(
            "ldm r6!, {{r1, r5}}\n",          // q, shift
            "lsls r3, r1, #1\n",               // 2q; C: q < 0
            "bcs 8f\n",
            "mvns r5, r5\n",                   // e - 1
            "cmp r5, #30\n",                   // e - 1 in [0, 30]
            "bls 7f\n",
            "8: ldr r0, [sp]\n",              // the record
            "movs r1, #1\n",
            "str r1, [r0, #{flag}]\n",         // flagged, not written
            "b 9f\n",
            "7: mov r0, ", $acc, "\n",
            // hi:lo = acc 2q (`requant::high_mul`), from a = ah 2^16 + al, 2q = Qh 2^16 + Ql
            "uxth r2, r0\n",                   // al
            "asrs r0, r0, #16\n",              // ah
            "uxth r3, r3\n",                   // Ql
            "lsrs r1, r1, #15\n",              // Qh
            "movs r4, r2\n",
            "muls r4, r3, r4\n",               // lo = al Ql
            "muls r3, r0, r3\n",               // m1 = ah Ql
            "muls r0, r1, r0\n",               // hi = ah Qh
            "muls r1, r2, r1\n",               // m2 = al Qh
            "lsls r2, r3, #16\n",
            "asrs r3, r3, #16\n",
            "adds r4, r4, r2\n",
            "adcs r0, r3\n",                   // hi:lo += m1 2^16
            "lsls r2, r1, #16\n",
            "lsrs r1, r1, #16\n",
            "adds r4, r4, r2\n",
            "adcs r0, r1\n",                   // hi:lo += m2 2^16
            // t = floor((acc q + 2^30) / 2^31) = hi + (lo >> 31)
            "lsrs r4, r4, #31\n",
            "adds r0, r0, r4\n",
            // r = ((t + (t >> 31)) >> (e - 1)) + 1) >> 1
            "asrs r1, r0, #31\n",
            "adds r0, r0, r1\n",
            "asrs r0, r5\n",
            "adds r0, #1\n",
            "asrs r0, r0, #1\n",
            // + z, min with 127, max with lo, store
            "add r0, r11\n",
            "cmp r0, #127\n",
            "ble 1f\n",
            "movs r0, #127\n",
            "1: cmp r0, lr\n",
            "bge 2f\n",
            "mov r0, lr\n",
            "2: strb r0, [r7, #", $k, "]\n",
            "9:\n",
        )
    };
}

/// The dot product part of one input for the rows `$row` (one past their ends) summed in
/// `$acc`, the index in `r5` (see the parent module).
macro_rules! mac {
    ($($row:literal => $acc:literal),*) => {
        concat!(
            "ldrsb r6, [r0, r5]\n",
            $("ldrsb r7, [", $row, ", r5]\n", "muls r7, r6, r7\n", "add ", $acc, ", r7\n",)*
            "adds r5, #1\n",
        )
    };
}

/// A function `$name` for a group of `$g` channels: rows in `$row` (`r1`...) summed in
/// `$acc` (`r8`...), output `$k` from `$acc`. One `asm!` template per group size (no `.if`),
/// so that LLVM's estimate of its length (it counts statements) stays close to the truth
/// and the surrounding branches stay short.
macro_rules! group_fn {
    (
        $name:ident, $g:literal, [$($row:literal => $acc:literal, $k:literal),*],
        [$($rows:literal),*]
    ) => {
        /// Channels `g` (rows of `I` weights) for the input `x`, with the biases,
        /// multipliers and outputs at `p`'s pointers (`p.start` = `-I`), which it then
        /// advances by the number of rows, the output's zero point `z` and the clamp's lower
        /// bound `lo`. Sets `p.flag` to 1 if it left a channel to the caller (not on the
        /// straight line); the others' outputs are written, clamped to `[lo, 127]`.
        ///
        /// # Safety
        /// `p.bias` and `p.multiplier` must be valid for reads of as many elements as `g`
        /// has rows, `p.y` for writes of as many bytes (and no reference to those bytes used
        /// while the block runs), `p.start` must be `-I`, `z` and `lo` in `[-128, 127]`.
        #[inline(always)]
        pub(super) unsafe fn $name<const I: usize>(
            x: &[i8; I],
            g: &[[i8; I]; $g],
            p: &mut Group,
            z: i32,
            lo: i32,
        ) {
            // SAFETY: `r0` holds `x` advanced by `I`, `r1` row 0 of `g` advanced by `I`:
            // one past the end of each array, formed by `wrapping_add` without
            // dereferencing; the block forms the ends of rows `1..$g` from it (`subs` of
            // `-I`: the rows are consecutive arrays of `I` bytes). The loop reads
            // `base + i` for `i` in `-I..0` (`r5` runs from `p.start = -I` up to 0) with the
            // bases of `x` and of the `$g` rows only: elements `0..I` of each. The block also
            // reads the record `p` (its words, at their `offset_of`) and writes its `bias`,
            // `multiplier` and `y` (each advanced by `$g` elements: `ldm` write-back and
            // integer adds) and `flag`, reads the `$g` biases at `p.bias` and the `$g`
            // multipliers at `p.multiplier` (two words each, `size_of` apart), and writes
            // bytes `0..$g` at `p.y`: the caller guarantees those. Its stack use is
            // `push`/`pop` of three words (the record pointer, `r6`, `r7`), restored before it
            // ends (no `nostack`). `r0`-`r5` are operands (`z` and `lo` come in `r2` and
            // `r3`, moved to `r11` and `lr`),
            // `r8`-`r12` and `lr` clobbers (Thumb-1 `asm!` takes high registers only so),
            // the flags clobbered by default.
            unsafe {
                asm!(
                    // [sp]: `p`.
                    "push {{r5, r6, r7}}",
                    "mov r11, r2",
                    "mov lr, r3",
                    "ldr r6, [r5, #{bias}]",
                    $("ldm r6!, {{r7}}", concat!("mov ", $acc, ", r7"),)*
                    "str r6, [r5, #{bias}]",
                    "ldr r5, [r5, #{start}]",
                    $($rows,)*
                    ".rept {rem}",
                    mac!($($row => $acc),*),
                    ".endr",
                    ".if {passes}",
                    "2:",
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    mac!($($row => $acc),*),
                    "bne 2b",
                    ".endif",
                    "ldr r5, [sp]",
                    "ldr r6, [r5, #{mult}]",
                    "ldr r7, [r5, #{y}]",
                    $(finish!($acc, $k),)*
                    // `r6` is past the `$g` multipliers (`ldm` write-back).
                    "ldr r5, [sp]",
                    "str r6, [r5, #{mult}]",
                    "adds r7, #{g}",
                    "str r7, [r5, #{y}]",
                    "pop {{r5, r6, r7}}",
                    g = const $g,
                    rem = const I % 8,
                    passes = const I / 8,
                    start = const offset_of!(Group, start),
                    bias = const offset_of!(Group, bias),
                    mult = const offset_of!(Group, multiplier),
                    y = const offset_of!(Group, y),
                    flag = const offset_of!(Group, flag),
                    inout("r0") x.as_ptr().wrapping_add(I) => _,
                    inout("r1") g.as_ptr().cast::<i8>().wrapping_add(I) => _,
                    inout("r2") z => _,
                    inout("r3") lo => _,
                    out("r4") _,
                    inout("r5") core::ptr::from_mut(p) => _,
                    out("r8") _,
                    out("r9") _,
                    out("r10") _,
                    out("r11") _,
                    out("r12") _,
                    out("lr") _,
                );
            }
        }
    };
}

group_fn!(
    dot_finish4, 4, ["r1" => "r8", 0, "r2" => "r9", 1, "r3" => "r10", 2, "r4" => "r12", 3],
    ["subs r2, r1, r5", "subs r3, r2, r5", "subs r4, r3, r5"]
);
group_fn!(
    dot_finish3, 3, ["r1" => "r8", 0, "r2" => "r9", 1, "r3" => "r10", 2],
    ["subs r2, r1, r5", "subs r3, r2, r5"]
);
group_fn!(dot_finish2, 2, ["r1" => "r8", 0, "r2" => "r9", 1], ["subs r2, r1, r5"]);
group_fn!(dot_finish1, 1, ["r1" => "r8", 0], []);
