//! The dot-product passes of `K` rows (1 to 4) as `asm!` text, shared by the groups of four
//! rows ([`layer`](super::layer)) and the `O mod 4` last rows ([`tail`](super::tail)).
//!
//! Registers: `x` from `r4` (the unpacked [`XBuf`](super::xbuf::XBuf)), row 0's weights at
//! `r5` (row `j` at `r5 + j I`), accumulators `r8..r11` (row 0 to 3), `r0..r3`, `r6`, `r7`,
//! `r12` scratch, `lr` the loop counter (only when [`Plan::loops`] is not 0).
//!
//! One full pass is 8 inputs: `LDM` of four words of `x` (`(x0, x2)`, `(x1, x3)`,
//! `(x4, x6)`, `(x5, x7)`), then per row 8 weights (`LDRD`, or two `LDR`s when the rows are
//! not word-aligned), split by `SXTB16` as `x` was, and four `SMLAD`s: 37 instructions per
//! 32 multiply-adds for four rows (41 with `LDR`s). A half pass is 4 inputs. When `I mod 4`
//! is 2 or 3, the last word of weights is read at bytes `I - 4 .. I` of each row (inside
//! the row, `I >= 4`), against the buffer's last word, whose `4 - r` first inputs are 0: no
//! input is left for Rust, and no byte outside the rows is read. When it is 1, the last
//! weight of each row is one `LDRSB` and one `SMLABT` with the buffer's last input (the top
//! half of its last word): 2 instructions a row where a pass of a last word took 5 (`r = 1`
//! in [`Plan`]: [`byte_plan`]). Up to 16 full passes are
//! unrolled, longer rows loop over 8 passes at a time. The last load of row 0 moves `r5` on
//! to [`Plan`]'s end (the next group's row 0, or the end of row 0 for the last rows).

/// How the passes of a row of `I` inputs are laid out (the `asm!` constants).
#[derive(Clone, Copy)]
pub(super) struct Plan {
    /// Loop iterations of 8 full passes (`lr` counts them; 0: no loop).
    pub(super) loops: usize,
    /// Full passes unrolled after the loop (not counting `last` and `tailpass`).
    pub(super) rem: usize,
    /// Row 0's pointer increment in one more full pass after those (0: no such pass).
    pub(super) last: usize,
    /// 1 if a full pass ends with the last, partial word (at `+r`, not `+4`).
    pub(super) tailpass: usize,
    /// Row 0's pointer increment in that pass.
    pub(super) tailinc: usize,
    /// 1 if a half pass (one whole word) ends the row.
    pub(super) half: usize,
    /// Row 0's pointer increment in that half pass (0: none).
    pub(super) halfinc: usize,
    /// 1 if a half pass of the last, partial word ends the row (at `r - 4`).
    pub(super) halftail: usize,
    /// Row 0's pointer increment at the last byte, multiplied alone when `r = 1` (0: none).
    pub(super) byteinc: usize,
    /// Where the buffer's last word is from `r4` at that byte.
    pub(super) bytex: usize,
    /// `I mod 4`.
    pub(super) r: usize,
    /// Added to `r5` after the passes (when no load could carry it).
    pub(super) add: usize,
}

/// The [`Plan`] of `inputs` inputs: `group`: `r5` moves on by four rows (to the next
/// group), else it ends at most at the end of row 0; `ldrd`: row 0 is read by `LDRD`.
pub(super) const fn plan(inputs: usize, group: bool, ldrd: bool) -> Plan {
    let r = inputs % 4;
    if r == 1 {
        return byte_plan(inputs, group);
    }
    let words = inputs.div_ceil(4);
    let full = words / 2;
    let odd = words % 2 == 1;
    let tailpass = r != 0 && !odd;
    let normal = full - tailpass as usize;
    let (loops, mut rem) = unroll(normal);
    // Where `r5` is after the full passes (8 bytes each), and where it must end.
    let at = 8 * full;
    let end = if group { 4 * inputs } else { at };
    let mut p = Plan {
        loops,
        rem,
        last: 0,
        tailpass: tailpass as usize,
        tailinc: 8,
        half: (odd && r == 0) as usize,
        halfinc: 0,
        halftail: (odd && r != 0) as usize,
        byteinc: 0,
        bytex: 0,
        r,
        add: end - at,
    };
    if tailpass {
        // The tail pass reads `4 + r` new bytes of row 0.
        p.tailinc = if group { 8 + end - at } else { 4 + r };
        if !group || p.tailinc <= 255 {
            p.add = 0;
        } else {
            p.tailinc = 8;
        }
    } else if odd && r == 0 {
        if end - at <= 255 {
            p.halfinc = end - at;
            p.add = 0;
        }
    } else if !odd && rem > 0 && group && 8 + end - at <= if ldrd { 1020 } else { 255 } {
        rem -= 1;
        p.rem = rem;
        p.last = 8 + end - at;
        p.add = 0;
    }
    p
}

/// [`plan`] for `inputs mod 4 = 1`: the whole words by full passes (and a half pass when
/// their count is odd, moving `r5` on to the last byte), then the byte step, whose row-0
/// `LDRSB` moves `r5` to the end (else an `ADD` when the increment is over 255).
const fn byte_plan(inputs: usize, group: bool) -> Plan {
    let words = inputs / 4;
    let full = words / 2;
    let half = words % 2;
    let (loops, rem) = unroll(full);
    // From the last byte (`inputs - 1` from row 0's start) to where `r5` must end.
    let inc = if group { 4 * inputs - (inputs - 1) } else { 0 };
    let fits = inc <= 255;
    Plan {
        loops,
        rem,
        last: 0,
        tailpass: 0,
        tailinc: 8,
        half,
        halfinc: 4 * half,
        halftail: 0,
        byteinc: if fits { inc } else { 0 },
        bytex: 8 * half + 4,
        r: 1,
        add: if fits { 0 } else { inc },
    }
}

/// `passes` full passes as ([`Plan::loops`], [`Plan::rem`]): all unrolled up to 16, else
/// loops of 8 and the rest unrolled.
const fn unroll(passes: usize) -> (usize, usize) {
    if passes <= 16 {
        (0, passes)
    } else {
        (passes / 8, passes % 8)
    }
}

/// Whether rows of `inputs` bytes are read by `LDRD` (the caller found them word-aligned:
/// `aligned`): `I mod 4 = 0` and row 3's offset `3 I` encodable (at most 1020).
pub(super) const fn use_ldrd(inputs: usize, aligned: bool) -> bool {
    aligned && inputs.is_multiple_of(4) && 3 * inputs <= 1020
}

/// The multiply-adds of the 4 weights in `$w` with `x` in `$xa` (inputs 0, 2) and `$xb`
/// (inputs 1, 3); `r7` is scratch, `$w` is overwritten.
#[rustfmt::skip]
macro_rules! mac4 {
    ($acc:literal) => {
        mac4!($acc, "r12", "r0", "r1")
    };
    ($acc:literal, $w:literal, $xa:literal, $xb:literal) => {
        concat!(
            "sxtb16 r7, ", $w, ", ror #8\n",
            "sxtb16 ", $w, ", ", $w, "\n",
            "smlad ", $acc, ", ", $xa, ", ", $w, ", ", $acc, "\n",
            "smlad ", $acc, ", ", $xb, ", r7, ", $acc, "\n",
        )
    };
}

/// The multiply-adds of 8 weights in `r12` (4) and `r6` (4) with `x` in `r0..r3`.
macro_rules! mac8 {
    ($acc:literal) => {
        concat!(
            mac4!($acc, "r12", "r0", "r1"),
            mac4!($acc, "r6", "r2", "r3")
        )
    };
}

/// Row `$j` (1 to 3) of a full pass, its second word at `+$s2`.
macro_rules! row {
    ($j:literal, $acc:literal, $s2:expr) => {
        concat!(
            ".if {ldrd}\n",
            "ldrd r12, r6, [r5, #",
            $j,
            "*{i}]\n",
            ".else\n",
            "ldr r12, [r5, #",
            $j,
            "*{i}]\n",
            "ldr r6, [r5, #",
            $j,
            "*{i}+",
            $s2,
            "]\n",
            ".endif\n",
            mac8!($acc),
        )
    };
}

/// A full pass of `{$p k}` rows: row 0 last, its pointer moved on by `$inc`.
macro_rules! pass {
    ($p:literal, $s2:expr, $inc:expr) => {
        concat!(
            "ldm r4!, {{r0, r1, r2, r3}}\n",
            ".if {",
            $p,
            "k} >= 2\n",
            row!("1", "r9", $s2),
            ".endif\n",
            ".if {",
            $p,
            "k} >= 3\n",
            row!("2", "r10", $s2),
            ".endif\n",
            ".if {",
            $p,
            "k} >= 4\n",
            row!("3", "r11", $s2),
            ".endif\n",
            ".if {ldrd}\n",
            "ldrd r12, r6, [r5], #",
            $inc,
            "\n",
            ".else\n",
            "ldr r6, [r5, #",
            $s2,
            "]\n",
            "ldr r12, [r5], #",
            $inc,
            "\n",
            ".endif\n",
            mac8!("r8"),
        )
    };
}

/// A half pass of `{$p k}` rows, one word at `r5 + j I + $h`; row 0's load is `$load0`.
macro_rules! half {
    ($p:literal, $h:expr, $load0:expr) => {
        concat!(
            "ldrd r0, r1, [r4]\n",
            ".if {",
            $p,
            "k} >= 2\n",
            "ldr r12, [r5, #{i}+",
            $h,
            "]\n",
            mac4!("r9"),
            ".endif\n",
            ".if {",
            $p,
            "k} >= 3\n",
            "ldr r12, [r5, #2*{i}+",
            $h,
            "]\n",
            mac4!("r10"),
            ".endif\n",
            ".if {",
            $p,
            "k} >= 4\n",
            "ldr r12, [r5, #3*{i}+",
            $h,
            "]\n",
            mac4!("r11"),
            ".endif\n",
            $load0,
            mac4!("r8"),
        )
    };
}

/// The last weight of `{$p k}` rows (`I mod 4 = 1`), `r5` at row 0's: `LDRSB` and `SMLABT`
/// (weight times the top half of the buffer's last word, `(0, x[I - 1])`, at `r4 + bytex`).
macro_rules! byte {
    ($p:literal) => {
        concat!(
            "ldr r0, [r4, #{",
            $p,
            "bytex}]\n",
            ".if {",
            $p,
            "k} >= 2\n",
            "ldrsb r12, [r5, #{i}]\n",
            "smlabt r9, r12, r0, r9\n",
            ".endif\n",
            ".if {",
            $p,
            "k} >= 3\n",
            "ldrsb r12, [r5, #2*{i}]\n",
            "smlabt r10, r12, r0, r10\n",
            ".endif\n",
            ".if {",
            $p,
            "k} >= 4\n",
            "ldrsb r12, [r5, #3*{i}]\n",
            "smlabt r11, r12, r0, r11\n",
            ".endif\n",
            ".if {",
            $p,
            "byteinc}\n",
            "ldrsb r12, [r5], #{",
            $p,
            "byteinc}\n",
            ".else\n",
            "ldrsb r12, [r5]\n",
            ".endif\n",
            "smlabt r8, r12, r0, r8\n",
        )
    };
}

/// Every pass of a row (see [`Plan`]) for `{$p k}` rows; the `asm!` passes `i`, `ldrd`, and
/// `$p` followed by `k` and the plan's field names (`gk`, `gloops`, ...).
macro_rules! passes {
    ($p:literal) => {
        concat!(
            ".if {",
            $p,
            "loops}\n",
            "movw lr, #{",
            $p,
            "loops}\n",
            "2:\n",
            ".rept 8\n",
            pass!($p, "4", "8"),
            ".endr\n",
            "subs lr, lr, #1\n",
            "bne 2b\n",
            ".endif\n",
            ".rept {",
            $p,
            "rem}\n",
            pass!($p, "4", "8"),
            ".endr\n",
            ".if {",
            $p,
            "last}\n",
            pass!($p, "4", concat!("{", $p, "last}")),
            ".endif\n",
            ".if {",
            $p,
            "tailpass}\n",
            pass!($p, concat!("{", $p, "r}"), concat!("{", $p, "tailinc}")),
            ".endif\n",
            ".if {",
            $p,
            "half}\n",
            half!(
                $p,
                "0",
                concat!(
                    ".if {",
                    $p,
                    "halfinc}\n",
                    "ldr r12, [r5], #{",
                    $p,
                    "halfinc}\n",
                    ".else\n",
                    "ldr r12, [r5]\n",
                    ".endif\n"
                )
            ),
            ".endif\n",
            ".if {",
            $p,
            "halftail}\n",
            half!(
                $p,
                concat!("({", $p, "r}-4)"),
                concat!("ldr r12, [r5, #({", $p, "r}-4)]\n")
            ),
            ".endif\n",
            ".if {",
            $p,
            "r} == 1\n",
            byte!($p),
            ".endif\n",
            ".if {",
            $p,
            "add}\n",
            "add r5, r5, #{",
            $p,
            "add}\n",
            ".endif\n",
        )
    };
}
