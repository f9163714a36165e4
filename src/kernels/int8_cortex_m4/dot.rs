//! The dot-product loops: four rows at a time ([`dot4`]) or one ([`dot1`]), `x` from the
//! unpacked [`XBuf`], accumulators starting at the biases.
//!
//! One pass is 8 inputs: `LDM` of four words of `x` (`(x0, x2)`, `(x1, x3)`, `(x4, x6)`,
//! `(x5, x7)`), then per row 8 weights (`LDRD`, or two `LDR`s when the rows are not
//! word-aligned), split by `SXTB16` as `x` was, and four `SMLAD`s: 37 instructions per 32
//! multiply-adds for four rows (41 with `LDR`s). Up to 16 passes are unrolled (no loop
//! counter), longer rows loop over 8 passes at a time. An odd word of `x` (4 inputs) is one
//! more half pass; the `I mod 4` last inputs are added in Rust.

use core::arch::asm;

use super::xbuf::XBuf;

/// `(unrolled passes before the loop, loop iterations of 8 passes)` for `I` inputs.
pub(super) const fn passes(inputs: usize) -> (usize, usize) {
    let p = inputs / 8;
    if p <= 16 { (p, 0) } else { (p % 8, p / 8) }
}

/// One row of a pass: 8 weights (already loaded into `r12` and `r6`) times `r0..r3`.
macro_rules! row8 {
    ($load:expr, $acc:literal) => {
        concat!(
            $load,
            "sxtb16 r7, r12, ror #8\n",
            "sxtb16 r12, r12\n",
            "smlad ",
            $acc,
            ", r0, r12, ",
            $acc,
            "\n",
            "smlad ",
            $acc,
            ", r1, r7, ",
            $acc,
            "\n",
            "sxtb16 r7, r6, ror #8\n",
            "sxtb16 r6, r6\n",
            "smlad ",
            $acc,
            ", r2, r6, ",
            $acc,
            "\n",
            "smlad ",
            $acc,
            ", r3, r7, ",
            $acc,
            "\n",
        )
    };
}

/// One row of a half pass: 4 weights at `[r5, $off]` times `r0, r1`.
macro_rules! row4 {
    ($off:literal, $acc:literal) => {
        concat!(
            "ldr r12, [r5",
            $off,
            "]\n",
            "sxtb16 r7, r12, ror #8\n",
            "sxtb16 r12, r12\n",
            "smlad ",
            $acc,
            ", r0, r12, ",
            $acc,
            "\n",
            "smlad ",
            $acc,
            ", r1, r7, ",
            $acc,
            "\n",
        )
    };
}

/// One pass of four rows (8 inputs): `$l0` loads row 0's weights (advancing `r5` by 8),
/// `$l1..$l3` rows 1..3; accumulators r8..r11, `x` from `r4`.
macro_rules! pass8 {
    ($l0:expr, $l1:expr, $l2:expr, $l3:expr) => {
        concat!(
            "ldm r4!, {{r0, r1, r2, r3}}\n",
            row8!($l1, "r9"),
            row8!($l2, "r10"),
            row8!($l3, "r11"),
            row8!($l0, "r8"),
        )
    };
}

/// The `asm!` of [`dot4`]: `$l1..$l3` load rows 1..3 of a pass, `$l0` row 0 (advancing
/// `r5` by 8).
macro_rules! dot4_asm {
    ($l0:expr, $l1:expr, $l2:expr, $l3:expr, $xb:expr, $w:expr, $a:ident, $o:expr) => {{
        let loops = const { passes(I).1 };
        asm!(
            "push {{r6, r7}}",
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
            "pop {{r6, r7}}",
            rem = const passes(I).0,
            loops = const passes(I).1,
            half = const (I / 4) % 2,
            o1 = const $o * I,
            o2 = const $o * 2 * I,
            o3 = const $o * 3 * I,
            // Every operand in a named register: r6 and r7, used inside, are then not
            // allocated to any (the allocator may otherwise pick r6).
            inout("r4") $xb.as_ptr() => _,
            inout("r5") $w => _,
            inout("lr") loops => _,
            out("r12") _,
            inout("r8") $a[0],
            inout("r9") $a[1],
            inout("r10") $a[2],
            inout("r11") $a[3],
            out("r0") _,
            out("r1") _,
            out("r2") _,
            out("r3") _,
            options(readonly),
        );
    }};
}

/// `bias[k] + sum_i g[k][i] x[i]` for the four rows `g` (wrapping).
///
/// `LDRD`: the rows are word-aligned and `3 I <= 1020` (the caller checks; else
/// `LDRD = false`, two `LDR`s). Callers check [`fits`](super::fits).
#[inline]
pub(super) fn dot4<const I: usize, const LDRD: bool>(
    xb: &XBuf<I>,
    x: &[i8; I],
    g: &[[i8; I]; 4],
    bias: &[i32; 4],
) -> [i32; 4] {
    let mut a = *bias;
    let w = g.as_ptr().cast::<i8>();
    if I >= 4 {
        // Never taken with offsets that do not encode (`fits`, and the caller's `LDRD`
        // check); 0 keeps the other variant assembling.
        let ldrd_ok = const { I.is_multiple_of(4) && 3 * I <= 1020 };
        // SAFETY: `xp` walks the first `4 (I / 4)` halfwords of `xb` (written by
        // `XBuf::new`): `I / 8` passes of 16 bytes by `LDM` and, if `I / 4` is odd, 8 more by
        // `LDRD` (word-aligned: `XBuf` is). `wp` walks row 0 of `g`, 8 bytes per pass (4 in
        // the half pass), and each load reads 4 or 8 bytes at `wp + k I` (row `k` of the
        // contiguous `[[i8; I]; 4]`, k in 0..4) within the first `4 (I / 4) <= I` bytes of
        // the row: every byte read is an element of `g`. `LDRD` is used only on word-aligned
        // rows (`I mod 4 = 0`, `g` word-aligned: the caller's check); unaligned `LDR` is
        // architectural on ARMv7E-M. The pointers end at most one past the end of the
        // buffer and of row 0 (inside `g`). No memory is written; r6 and r7 (which cannot be
        // operands) are pushed and popped, 8 bytes of stack. `SMLAD` may set the sticky `Q`
        // flag (an intermediate overflow; the wrapped sum is still exact), which only makes
        // the output stage take its exact fallback.
        unsafe {
            if LDRD && ldrd_ok {
                dot4_asm!(
                    "ldrd r12, r6, [r5], #8\n",
                    "ldrd r12, r6, [r5, #{o1}]\n",
                    "ldrd r12, r6, [r5, #{o2}]\n",
                    "ldrd r12, r6, [r5, #{o3}]\n",
                    xb,
                    w,
                    a,
                    ((I.is_multiple_of(4) && 3 * I <= 1020) as usize)
                );
            } else {
                dot4_asm!(
                    "ldr r6, [r5, #4]\nldr r12, [r5], #8\n",
                    "ldr r12, [r5, #{o1}]\nldr r6, [r5, #{o1}+4]\n",
                    "ldr r12, [r5, #{o2}]\nldr r6, [r5, #{o2}+4]\n",
                    "ldr r12, [r5, #{o3}]\nldr r6, [r5, #{o3}+4]\n",
                    xb,
                    w,
                    a,
                    (super::fits(I) as usize)
                );
            }
        }
    }
    let [g0, g1, g2, g3] = g;
    for i in 4 * (I / 4)..I {
        // `i < I`: no bounds check.
        let xi = i32::from(x[i]);
        a[0] = a[0].wrapping_add(xi * i32::from(g0[i]));
        a[1] = a[1].wrapping_add(xi * i32::from(g1[i]));
        a[2] = a[2].wrapping_add(xi * i32::from(g2[i]));
        a[3] = a[3].wrapping_add(xi * i32::from(g3[i]));
    }
    a
}

/// `bias + sum_i w[i] x[i]` for one row (wrapping); `aligned`: `w` is word-aligned and
/// `I mod 4 = 0` (`LDRD`).
#[inline]
pub(super) fn dot1<const I: usize>(
    xb: &XBuf<I>,
    x: &[i8; I],
    w: &[i8; I],
    bias: i32,
    aligned: bool,
) -> i32 {
    let mut acc = bias;
    let loops = const { passes(I).1 };
    macro_rules! dot1_asm {
        ($load:expr) => {
            asm!(
                ".rept {rem}",
                "ldm {xp}!, {{r0, r1, r2, r3}}",
                $load,
                "sxtb16 {u}, {t}, ror #8",
                "sxtb16 {t}, {t}",
                "smlad {acc}, r0, {t}, {acc}",
                "smlad {acc}, r1, {u}, {acc}",
                "sxtb16 {u}, {v}, ror #8",
                "sxtb16 {v}, {v}",
                "smlad {acc}, r2, {v}, {acc}",
                "smlad {acc}, r3, {u}, {acc}",
                ".endr",
                ".if {loops}",
                "2:",
                ".rept 8",
                "ldm {xp}!, {{r0, r1, r2, r3}}",
                $load,
                "sxtb16 {u}, {t}, ror #8",
                "sxtb16 {t}, {t}",
                "smlad {acc}, r0, {t}, {acc}",
                "smlad {acc}, r1, {u}, {acc}",
                "sxtb16 {u}, {v}, ror #8",
                "sxtb16 {v}, {v}",
                "smlad {acc}, r2, {v}, {acc}",
                "smlad {acc}, r3, {u}, {acc}",
                ".endr",
                "subs {n}, #1",
                "bne 2b",
                ".endif",
                ".if {half}",
                "ldrd r0, r1, [{xp}]",
                "ldr {t}, [{wp}]",
                "sxtb16 {u}, {t}, ror #8",
                "sxtb16 {t}, {t}",
                "smlad {acc}, r0, {t}, {acc}",
                "smlad {acc}, r1, {u}, {acc}",
                ".endif",
                xp = inout(reg) xb.as_ptr() => _,
                wp = inout(reg) w.as_ptr() => _,
                n = inout(reg) loops => _,
                t = out(reg) _,
                u = out(reg) _,
                v = out(reg) _,
                acc = inout(reg) acc,
                out("r0") _,
                out("r1") _,
                out("r2") _,
                out("r3") _,
                rem = const passes(I).0,
                loops = const passes(I).1,
                half = const (I / 4) % 2,
                options(readonly, nostack),
            )
        };
    }
    if I >= 4 {
        // SAFETY: as in `dot4`, for the one row `w`: `xp` walks the written words of `xb`
        // (word-aligned), `wp` walks `w[0..4 (I / 4)]`, 8 bytes per pass and 4 in the half
        // pass; `LDRD` only if `w` is word-aligned (the caller's `aligned`), else unaligned
        // `LDR`s (architectural on ARMv7E-M). No memory is written, the stack is not
        // touched; `Q` may be set, as in `dot4`.
        unsafe {
            if aligned {
                dot1_asm!("ldrd {t}, {v}, [{wp}], #8");
            } else {
                dot1_asm!("ldr {v}, [{wp}, #4]\nldr {t}, [{wp}], #8");
            }
        }
    }
    for i in 4 * (I / 4)..I {
        // `i < I`: no bounds check.
        acc = acc.wrapping_add(i32::from(x[i]) * i32::from(w[i]));
    }
    acc
}
