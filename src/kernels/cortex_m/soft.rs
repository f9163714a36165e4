//! Soft float (`thumbv6m`, Cortex-M0/M0+, and the other `eabi` targets), `f32`: every
//! multiply and add is software, so skipping work pays: inputs that are exactly zero (about
//! half the pixels of a digit) and hidden units that ReLU sets to zero are skipped. The
//! multiply-adds and bias adds are correctly rounded integer fast paths for normal numbers,
//! with the factor of a row unpacked once (everything else goes to the compiler's `f32`
//! routines): on ARMv6-M (Cortex-M0/M0+) the naked Thumb-1 loops of
//! `thumb1`, elsewhere `soft_float`'s safe Rust, also
//! compiled on the host, whose tests compare it with the definition summed in order, bit for
//! bit, for every remainder size.

use core::mem::MaybeUninit;

#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
use super::soft_float::Factor;
#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
use super::soft_float::add;

/// `acc[j] += x * w[j]` for every `j`, rounding each product and each sum as `f32` does;
/// nothing if `x` is `+0` or `-0` (its products add nothing). Cortex-M0: the Thumb-1 loop,
/// inlined (a call of the loop). Else not inlined: its many live values then spill in its
/// own frame, once, not in the caller's.
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
#[inline(always)]
fn axpy<const N: usize>(x: f32, w: &[f32; N], acc: &mut [f32; N]) {
    super::thumb1::axpy(x, w, acc);
}

/// `acc[j] += x * w[j]` for every `j`, rounding each product and each sum as `f32` does;
/// nothing if `x` is `+0` or `-0` (its products add nothing). Not inlined: its many live
/// values then spill in its own frame, once, not in the caller's.
#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
#[inline(never)]
fn axpy<const N: usize>(x: f32, w: &[f32; N], acc: &mut [f32; N]) {
    if let Some(f) = Factor::new(x) {
        for (a, &w) in acc.iter_mut().zip(w) {
            f.mul_add_to(a, w);
        }
    } else if x.to_bits() << 1 != 0 {
        for (a, &w) in acc.iter_mut().zip(w) {
            *a += x * w;
        }
    }
}

/// Writes `relu(x W1 + b1) W2 + b2` into all of `out`.
#[inline(always)]
pub(super) fn mlp_f32<const D: usize, const H: usize, const K: usize>(
    w1: &[[f32; H]; D],
    b1: &[f32; H],
    w2: &[[f32; K]; H],
    b2: &[f32; K],
    x: &[f32; D],
    out: &mut MaybeUninit<[f32; K]>,
) {
    let mut hidden = [0.0f32; H];
    for (&xi, row) in x.iter().zip(w1) {
        axpy(xi, row, &mut hidden);
    }
    add_bias(&mut hidden, b1);
    let out = out.write([0.0; K]);
    for (&h, row) in hidden.iter().zip(w2) {
        // ReLU: active iff `0 < bits <= 0x7f800000` (positive, not zero, not NaN).
        if h.to_bits().wrapping_sub(1) < 0x7f80_0000 {
            axpy(h, row, out);
        }
    }
    add_bias(out, b2);
}

/// Writes `y = x W + b` (one row of a dense layer, `I x O`, any sizes) into all of `y`.
#[inline(always)]
pub(super) fn dense_f32<const I: usize, const O: usize>(
    x: &[f32; I],
    w: &[[f32; O]; I],
    b: &[f32; O],
    y: &mut MaybeUninit<[f32; O]>,
) {
    let y = y.write([0.0; O]);
    for (&xi, row) in x.iter().zip(w) {
        axpy(xi, row, y);
    }
    add_bias(y, b);
}

/// `acc[j] += b[j]` for every `j`. Not inlined, as [`axpy`].
#[inline(never)]
fn add_bias<const N: usize>(acc: &mut [f32; N], b: &[f32; N]) {
    // Cortex-M0: the Thumb-1 loop.
    #[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
    super::thumb1::add(acc, b);
    #[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
    for (a, &b) in acc.iter_mut().zip(b) {
        *a = add(*a, b);
    }
}
