//! The Cortex-M4 int8 kernel (ARMv7E-M with the DSP extension; built for the `eabihf`
//! Cortex-M target, the Cortex-M4F, as `cortex_m.rs` is): four output channels' dot products
//! in one `asm!` loop, two multiply-adds per `SMLAD`.
//!
//! Per four inputs: one unaligned word load of `x`, split by `SXTB16` into the
//! sign-extended pairs `(x0, x2)` and (rotated by 8) `(x1, x3)`; then per channel one word
//! of weights, split the same way, and two `SMLAD`s (`acc += a.lo b.lo + a.hi b.hi`). The
//! rows of a group of four are `I` bytes apart, read at immediate offsets `I`, `2I`, `3I`
//! from row 0's pointer (so `3I <= 4095`, the largest immediate offset; wider layers take
//! the portable path). The loop does two words of `x` per pass: 48 instructions per 32
//! multiply-adds (an odd word first, outside it); the `I mod 4` last inputs are
//! added in Rust. `SMLAD` wraps (it only flags overflow), as the portable kernel's
//! `wrapping_add` does: the same bits.

use core::arch::asm;

/// Whether [`dot4`] takes a layer of `I` inputs (the immediate offsets `I`, `2I`, `3I`).
pub(crate) const fn fits(inputs: usize) -> bool {
    3 * inputs <= 4095
}

/// The `asm!` lines of one step of [`dot4`]: four inputs (one word of `x`) into the four
/// accumulators.
macro_rules! dot4_step {
    () => {
        concat!(
            "ldr {xa}, [{x}], #4\n",
            "sxtb16 {xb}, {xa}, ror #8\n",
            "sxtb16 {xa}, {xa}\n",
            "ldr {t}, [{w}, #{o1}]\n",
            "sxtb16 {tb}, {t}, ror #8\n",
            "sxtb16 {t}, {t}\n",
            "smlad {a1}, {xa}, {t}, {a1}\n",
            "smlad {a1}, {xb}, {tb}, {a1}\n",
            "ldr {t}, [{w}, #{o2}]\n",
            "sxtb16 {tb}, {t}, ror #8\n",
            "sxtb16 {t}, {t}\n",
            "smlad {a2}, {xa}, {t}, {a2}\n",
            "smlad {a2}, {xb}, {tb}, {a2}\n",
            "ldr {t}, [{w}, #{o3}]\n",
            "sxtb16 {tb}, {t}, ror #8\n",
            "sxtb16 {t}, {t}\n",
            "smlad {a3}, {xa}, {t}, {a3}\n",
            "smlad {a3}, {xb}, {tb}, {a3}\n",
            "ldr {t}, [{w}], #4\n",
            "sxtb16 {tb}, {t}, ror #8\n",
            "sxtb16 {t}, {t}\n",
            "smlad {a0}, {xa}, {t}, {a0}\n",
            "smlad {a0}, {xb}, {tb}, {a0}\n",
        )
    };
}

/// The dot products of `x` with the four rows of `g`.
///
/// Callers check [`fits`] first: for a wider layer the offsets are replaced by 0 (so that
/// it assembles) and the result would be wrong.
#[inline]
pub(crate) fn dot4<const I: usize>(x: &[i8; I], g: &[[i8; I]; 4]) -> [i32; 4] {
    let steps = I / 4;
    let (mut a0, mut a1, mut a2, mut a3) = (0_i32, 0_i32, 0_i32, 0_i32);
    if steps > 0 {
        // SAFETY: `x` walks `x[0..4 steps]` and `w` walks row 0 of `g`, four bytes per
        // step, each load reading 4 bytes at `x + 4s` and at `w + 4s + k I` (row `k` of the
        // contiguous `[[i8; I]; 4]`, k in 0..4) for s in 0..steps, with 4 steps <= I: every
        // byte read is an element of `x` or `g`. The post-incremented pointers end at most
        // one past the end of `x` and of row 0 (still inside `g`). Unaligned word loads are
        // architectural on ARMv7E-M. No memory is written, the stack is not touched; the
        // flags are clobbered (default).
        unsafe {
            asm!(
                // n = steps / 2 (Z if 0), C = steps mod 2: an odd step first, then the
                // loop two steps per pass (the body sets no flags).
                "lsrs {n}, {n}, #1",
                "bcc 3f",
                dot4_step!(),
                "3:",
                "beq 4f",
                "2:",
                dot4_step!(),
                dot4_step!(),
                "subs {n}, #1",
                "bne 2b",
                "4:",
                x = inout(reg) x.as_ptr() => _,
                w = inout(reg) g.as_ptr().cast::<i8>() => _,
                n = inout(reg) steps => _,
                xa = out(reg) _,
                xb = out(reg) _,
                t = out(reg) _,
                tb = out(reg) _,
                a0 = inout(reg) a0,
                a1 = inout(reg) a1,
                a2 = inout(reg) a2,
                a3 = inout(reg) a3,
                // Never taken for a layer that does not fit (`fits`); 0 keeps it assembling.
                o1 = const if fits(I) { I } else { 0 },
                o2 = const if fits(I) { 2 * I } else { 0 },
                o3 = const if fits(I) { 3 * I } else { 0 },
                options(pure, readonly, nostack),
            );
        }
    }
    let [g0, g1, g2, g3] = g;
    for i in 4 * steps..I {
        // `i < I`: no bounds check.
        let xi = i32::from(x[i]);
        a0 = a0.wrapping_add(xi * i32::from(g0[i]));
        a1 = a1.wrapping_add(xi * i32::from(g1[i]));
        a2 = a2.wrapping_add(xi * i32::from(g2[i]));
        a3 = a3.wrapping_add(xi * i32::from(g3[i]));
    }
    [a0, a1, a2, a3]
}

/// The dot product of `x` with one row `w` (the rows left over after the groups of four):
/// per four inputs one word of each, split by `SXTB16` as in [`dot4`], and two `SMLAD`s
/// (10 instructions per four multiply-adds); the `I mod 4` last inputs in Rust.
#[inline]
pub(crate) fn dot1<const I: usize>(x: &[i8; I], w: &[i8; I]) -> i32 {
    let steps = I / 4;
    let mut acc = 0_i32;
    if steps > 0 {
        // SAFETY: `x` and `w` walk `x[0..4 steps]` and `w[0..4 steps]`, four bytes per step
        // (4 steps <= I): every byte read is an element of `x` or of `w`; the
        // post-incremented pointers end at most one past the end of each array. Unaligned
        // word loads are architectural on ARMv7E-M. No memory is written, the stack is not
        // touched; the flags are clobbered (default).
        unsafe {
            asm!(
                "2:",
                "ldr {xa}, [{x}], #4",
                "ldr {wa}, [{w}], #4",
                "sxtb16 {xb}, {xa}, ror #8",
                "sxtb16 {xa}, {xa}",
                "sxtb16 {wb}, {wa}, ror #8",
                "sxtb16 {wa}, {wa}",
                "smlad {acc}, {xa}, {wa}, {acc}",
                "smlad {acc}, {xb}, {wb}, {acc}",
                "subs {n}, #1",
                "bne 2b",
                x = inout(reg) x.as_ptr() => _,
                w = inout(reg) w.as_ptr() => _,
                n = inout(reg) steps => _,
                xa = out(reg) _,
                xb = out(reg) _,
                wa = out(reg) _,
                wb = out(reg) _,
                acc = inout(reg) acc,
                options(pure, readonly, nostack),
            );
        }
    }
    for i in 4 * steps..I {
        // `i < I`: no bounds check.
        acc = acc.wrapping_add(i32::from(x[i]) * i32::from(w[i]));
    }
    acc
}
