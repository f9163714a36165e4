//! The Cortex-M0 (ARMv6-M, Thumb-1) loops of [`soft`](super::soft): `acc[j] += x * w[j]`
//! ([`axpy`]) and `acc[j] += b[j]` ([`add`]), each product and each sum rounded to `f32` (to
//! nearest, ties to even), in two naked functions written for Thumb-1.
//!
//! The compiler's loop (the same arithmetic, `soft_float::Factor::mul_add_to` inlined) spilled most of
//! its values: Thumb-1 has eight low registers, and `muls`, `orrs`, `adcs` take no others.
//! Here `r0`-`r7` hold the two pointers and the temporaries, the end of the row is in `lr`,
//! and the factor (its significand, the significand's top 8 and low 16 bits, `x`) is in
//! four stack slots, its exponent term in `r8`.
//!
//! The loops compute only the common case, as `soft_float` does: `x` and `w` (or `b`)
//! normal, the product normal and not near overflow, `acc` zero or normal, the sum normal
//! and not near overflow. At anything else they stop before writing that element and return
//! how many elements remain (that one included); the caller computes it with the compiler's
//! `f32` routines (IEEE 754's bits, as the loop's) and calls the loop again for the rest. A
//! zero `x` adds nothing (its products are skipped, as everywhere in `soft`).
//!
//! Every result is IEEE 754's: the product's 48 bits are three 32-bit `muls` (16-bit halves),
//! rounded with a sticky bit for what lies below the rounding bit; the sum aligns the smaller
//! operand with six guard bits and a sticky bit (the arithmetic of `soft_float`, which the
//! host's tests check against native `f32`). The boards' `kernel_check` checks these loops
//! against the compiler's `f32` on random and edge values (`tools/firmware.sh`).
//!
//! Per multiply-add of the common case: about 70 instructions (the compiler's loop: 95).

/// `sum_tail!()`: the sum and the store, `asm` text shared by the two loops.
#[macro_use]
mod sum;
mod naked;

use naked::{add_row, row};

/// `acc[j] += x * w[j]` for every `j` (`n` the shorter length), the product and the sum each
/// rounded to `f32`; nothing if `x` is `+0` or `-0`.
#[inline(always)]
pub(super) fn axpy(x: f32, w: &[f32], acc: &mut [f32]) {
    let n = w.len().min(acc.len());
    // SAFETY: `w.as_ptr()` and `acc.as_mut_ptr()` point to `n` elements of `w` and of `acc`
    // (`n` is the shorter length), which is all `row` reads (`w`) and reads and writes
    // (`acc`, borrowed mutably: nothing else reads or writes it meanwhile).
    let left = unsafe { row(x.to_bits(), w.as_ptr(), acc.as_mut_ptr(), n) };
    if left != 0 {
        axpy_rest(x, w, acc, n - left.min(n));
    }
}

/// [`axpy`] from element `i` on, which the Thumb-1 loop left: that element by the compiler's
/// `f32` routines (the same bits: IEEE 754), then the loop again, and so on. Out of line
/// (rare), and with a small frame: the stack the loop's caller has left is small.
#[cold]
#[inline(never)]
fn axpy_rest(x: f32, w: &[f32], acc: &mut [f32], mut i: usize) {
    let n = w.len().min(acc.len());
    while i < n {
        if let (Some(a), Some(&w)) = (acc.get_mut(i), w.get(i)) {
            *a += x * w;
        }
        i += 1;
        if i < n {
            let rest = n - i;
            // SAFETY: `i < n`: `w.as_ptr().add(i)` and `acc.as_mut_ptr().add(i)` point into
            // `w` and `acc`, with `rest` elements each from there to the end of the shorter,
            // which is all `row` reads and writes (`acc` borrowed mutably).
            let left = unsafe {
                row(
                    x.to_bits(),
                    w.as_ptr().add(i),
                    acc.as_mut_ptr().add(i),
                    rest,
                )
            };
            i = n - left.min(rest);
        }
    }
}

/// `acc[j] += b[j]` for every `j` (`n` the shorter length), each sum rounded to `f32`.
#[inline(always)]
pub(super) fn add(acc: &mut [f32], b: &[f32]) {
    let n = b.len().min(acc.len());
    let mut i = 0;
    while i < n {
        let rest = n - i;
        // SAFETY: `i < n`: `b.as_ptr().add(i)` and `acc.as_mut_ptr().add(i)` point into `b`
        // and `acc`, with `rest` elements each from there to the end of the shorter, which is
        // all `add_row` reads (`b`) and reads and writes (`acc`, borrowed mutably).
        let left = unsafe { add_row(b.as_ptr().add(i), acc.as_mut_ptr().add(i), rest) };
        if left == 0 {
            return;
        }
        i = n - left.min(rest);
        if let (Some(a), Some(&b)) = (acc.get_mut(i), b.get(i)) {
            add_one(a, b);
        }
        i += 1;
    }
}

/// `*acc += b` by the compiler's `f32` routine, out of line: the element the Thumb-1 loop
/// leaves (`b` zero or not normal, or the sum not the common case).
#[cold]
#[inline(never)]
fn add_one(acc: &mut f32, b: f32) {
    *acc += b;
}
