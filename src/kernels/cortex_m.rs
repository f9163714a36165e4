//! Cortex-M kernels for one sample: a row of a dense layer, `y = x W + b`
//! ([`dense_row`], hooked in `Dense`'s forward pass for one row, so in every `Seq`), and
//! the whole of [`Mlp`](crate::Mlp)'s inference, `relu(x W1 + b1) W2 + b2`
//! ([`mlp_logits`], hooked in `Mlp::logits`). No heap; a stack buffer of `H` scalars.
//!
//! Selected by `target_arch = "arm"`; every other target, and every scalar type but `f32`,
//! takes the portable path. Every shape is served (any `D`, `H`, `K`, `I`, `O`, including 1
//! and 0): the remainders of columns and rows are handled inside the kernels.
//!
//! - [`hard`] (`target_abi = "eabihf"`: Cortex-M4F, M7, M33 with an FPU): `asm!` with
//!   `VLDM` and `VMLA.F32`; `Mlp` is two dense rows, the first with ReLU (in registers,
//!   before the store).
//! - [`soft`] (`thumbv6m`, Cortex-M0/M0+, and the other `eabi` targets): skips exact zeros
//!   (inputs, and hidden units ReLU sets to zero) and multiplies-adds with integer fast
//!   paths: on ARMv6-M (Cortex-M0/M0+) `thumb1`'s naked Thumb-1 loops, elsewhere (and on
//!   the host, for its tests) `soft_float`'s safe Rust.
//!
//! Both compute each sum in the order of the portable path on these targets (one
//! accumulator per output: `0 + x_0 w_0j + x_1 w_1j + ...`, then the bias; see `KU1` in
//! `kernels/mod.rs`), with `f32` products and sums each rounded (no fused multiply-add), so
//! for finite weights they give the portable path's bits on the device exactly. Skipping a
//! zero term is exact: `s + (+-0) = s` for every sum `s` these loops can hold (a sum that
//! starts at `+0` is never `-0`). It differs only if a weight is infinite or NaN
//! (`0 * inf`).
//!
//! # What each pointer may reach
//!
//! - [`hard`]: see its documentation: each `asm!` block reads only within the borrowed
//!   operands (`x`, the rows of `W` it serves, `b`) and writes only its columns of `y`.
//! - [`soft`]: safe code on arrays. The `unsafe` here: `assume_init` of values a kernel
//!   wrote in full, and viewing an initialized `&mut [f32; O]` as a
//!   `&mut MaybeUninit<[f32; O]>` (same layout) that the kernel only writes valid `f32`s to.

#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::any::Any;
use core::mem::MaybeUninit;

use crate::Scalar;

#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
mod hard;
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
use hard as imp;

#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
mod soft;
#[cfg(not(any(
    all(target_arch = "arm", target_abi = "eabihf"),
    all(target_arch = "arm", not(target_has_atomic = "32"))
)))]
pub(crate) mod soft_float;
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
use soft as imp;
/// The Thumb-1 loops of `soft` on ARMv6-M (Cortex-M0/M0+), in place of `soft_float`.
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
mod thumb1;

/// `A B^T` (the training step's gradient into the hidden layer) on the one-row kernel.
mod nt;
#[cfg_attr(not(target_arch = "arm"), allow(unused_imports))]
pub(crate) use nt::nt_rows;

/// `relu(x W1 + b1) W2 + b2` for one sample, or `None` when `T` is not `f32` (the caller
/// then takes the portable path).
#[inline(always)]
pub(crate) fn mlp_logits<T: Scalar, const D: usize, const H: usize, const K: usize>(
    w1: &[[T; H]; D],
    b1: &[T; H],
    w2: &[[T; K]; H],
    b2: &[T; K],
    x: &[T; D],
) -> Option<[T; K]> {
    // Only `f32` has a kernel: the downcasts succeed exactly when `T` is `f32`, and fold to
    // constants after monomorphization.
    let w1 = (w1 as &dyn Any).downcast_ref::<[[f32; H]; D]>()?;
    let b1 = (b1 as &dyn Any).downcast_ref::<[f32; H]>()?;
    let w2 = (w2 as &dyn Any).downcast_ref::<[[f32; K]; H]>()?;
    let b2 = (b2 as &dyn Any).downcast_ref::<[f32; K]>()?;
    let x = (x as &dyn Any).downcast_ref::<[f32; D]>()?;
    let mut out = MaybeUninit::<[T; K]>::uninit();
    let logits = (&mut out as &mut dyn Any).downcast_mut::<MaybeUninit<[f32; K]>>()?;
    mlp_f32(w1, b1, w2, b2, x, logits);
    // SAFETY: `mlp_f32` wrote all `K` logits.
    Some(unsafe { out.assume_init() })
}

/// `y = x W + b` for one row, or `None` (nothing written) when `T` is not `f32` (the caller
/// then takes the portable path).
#[inline(always)]
pub(crate) fn dense_row<T: Scalar, const I: usize, const O: usize>(
    x: &[T; I],
    w: &[[T; O]; I],
    b: &[T; O],
    y: &mut [T; O],
) -> Option<()> {
    let x = (x as &dyn Any).downcast_ref::<[f32; I]>()?;
    let w = (w as &dyn Any).downcast_ref::<[[f32; O]; I]>()?;
    let b = (b as &dyn Any).downcast_ref::<[f32; O]>()?;
    let y = (y as &mut dyn Any).downcast_mut::<[f32; O]>()?;
    // SAFETY: `MaybeUninit<[f32; O]>` has the layout of `[f32; O]`; `dense_f32` writes only
    // valid `f32`s through it (all `O` of them), so `y` stays initialized.
    let y = unsafe { &mut *core::ptr::from_mut(y).cast::<MaybeUninit<[f32; O]>>() };
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    imp::dense_f32(x, w, b, y, false);
    #[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
    imp::dense_f32(x, w, b, y);
    Some(())
}

/// `y = x W + b` for every row of `x` and `y` (the rows both have), one row at a time, or
/// `None` (nothing written) when `T` is not `f32`.
#[inline(always)]
pub(crate) fn dense_rows<T: Scalar, const I: usize, const O: usize>(
    x: &[[T; I]],
    w: &[[T; O]; I],
    b: &[T; O],
    y: &mut [[T; O]],
) -> Option<()> {
    // The type test once (it folds to a constant), then the rows.
    (w as &dyn Any).downcast_ref::<[[f32; O]; I]>()?;
    for (x, y) in x.iter().zip(y) {
        dense_row(x, w, b, y)?;
    }
    Some(())
}

/// `C += alpha A^T B` (or, unless `accumulate`, `C = A^T B`) for `A` (`R x M`) and `B`
/// (`R x N`) of exactly `R` rows (a weight gradient of a full batch, or the fused SGD update
/// of `W1`), a row of `C` at a time: column `p` of `A` is gathered (`R` values),
/// `s = a_p^T B` is one dense row over the `R` rows of `B` (summed in order, plus a zero
/// bias), then `c_pj += alpha s_j` (product and sum each rounded, as the portable path's
/// epilogue) or `c_pj = s_j`. Differs from the portable path only in the sign of an exact
/// zero: a sum of `-0` terms becomes `+0` with the zero bias. `None` (nothing written) when
/// `T` is not `f32` or the rows are not `R`.
#[inline(always)]
pub(crate) fn tn_rows<T: Scalar, const R: usize, const M: usize, const N: usize>(
    a: &[[T; M]],
    b: &[[T; N]],
    c: &mut [[T; N]; M],
    alpha: T,
    accumulate: bool,
) -> Option<()> {
    let a: &[[T; M]; R] = a.try_into().ok()?;
    let b: &[[T; N]; R] = b.try_into().ok()?;
    let a = (a as &dyn Any).downcast_ref::<[[f32; M]; R]>()?;
    let b = (b as &dyn Any).downcast_ref::<[[f32; N]; R]>()?;
    let c = (c as &mut dyn Any).downcast_mut::<[[f32; N]; M]>()?;
    let alpha = *(&alpha as &dyn Any).downcast_ref::<f32>()?;
    let zeros = [0.0f32; N];
    let mut s = MaybeUninit::<[f32; N]>::uninit();
    for (p, c) in c.iter_mut().enumerate() {
        let column: [f32; R] = core::array::from_fn(|i| a[i].get(p).copied().unwrap_or(0.0));
        #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
        imp::dense_f32(&column, b, &zeros, &mut s, false);
        #[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
        imp::dense_f32(&column, b, &zeros, &mut s);
        // SAFETY: `dense_f32` wrote all `N` sums.
        let s = unsafe { s.assume_init_ref() };
        if accumulate {
            for (c, &s) in c.iter_mut().zip(s) {
                *c += alpha * s;
            }
        } else {
            *c = *s;
        }
    }
    Some(())
}

/// Hard float: two dense rows with ReLU between them.
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
#[inline(always)]
fn mlp_f32<const D: usize, const H: usize, const K: usize>(
    w1: &[[f32; H]; D],
    b1: &[f32; H],
    w2: &[[f32; K]; H],
    b2: &[f32; K],
    x: &[f32; D],
    out: &mut MaybeUninit<[f32; K]>,
) {
    let mut hidden = MaybeUninit::<[f32; H]>::uninit();
    imp::dense_f32(x, w1, b1, &mut hidden, true);
    // SAFETY: `dense_f32` wrote all `H` activations.
    let hidden = unsafe { hidden.assume_init_ref() };
    imp::dense_f32(hidden, w2, b2, out, false);
}

#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
use soft::mlp_f32;

#[cfg(test)]
mod tests;
