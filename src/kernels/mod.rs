//! The hot path: the three matrix products of training and inference.
//!
//! - [`matmul`]: `C = A B` (forward pass),
//! - [`matmul_tn`]: `C = A^T B` (weight gradients),
//! - [`matmul_nt`]: `C = A B^T` (gradient flowing into the hidden layer).
//!
//! The batch dimension is a slice of rows, so a partial last batch uses the first `n` rows of
//! a `Matrix<B, _>` with no copy; every other dimension is a const generic, so inner loops
//! have fixed trip counts. The loops are written in the forms LLVM vectorizes: the axpy form
//! `c[i, :] += a[i, k] * b[k, :]` for `A B` and `A^T B`, and dot products with eight
//! independent accumulators for `A B^T` (float additions are never reordered by the
//! compiler, so one accumulator would be a serial dependency chain).
//!
//! Every function overwrites `C` when `accumulate` is `false` and adds to it when `true`.

/// One-sample inference on Cortex-M (the hook is in `Mlp::logits`).
#[cfg(target_arch = "arm")]
pub(crate) mod cortex_m;

use crate::Scalar;

/// `C = A B` (or `C += A B`): `A` is `n x K`, `B` is `K x N`, `C` is `n x N`, with `n` the
/// number of rows of `a` and `c`.
///
/// # Panics
/// If `a` and `c` have different numbers of rows.
///
/// # Examples
/// ```
/// let a = [[1.0_f32, 2.0]];
/// let b = [[3.0, 0.0], [4.0, 1.0]];
/// let mut c = [[0.0; 2]];
/// ctensor::kernels::matmul(&a, &b, &mut c, false);
/// assert_eq!(c, [[11.0, 2.0]]);
/// ```
pub fn matmul<T: Scalar, const K: usize, const N: usize>(
    a: &[[T; K]],
    b: &[[T; N]; K],
    c: &mut [[T; N]],
    accumulate: bool,
) {
    assert_eq!(
        a.len(),
        c.len(),
        "matmul: A and C need the same number of rows"
    );
    for (a_row, c_row) in a.iter().zip(c.iter_mut()) {
        if !accumulate {
            *c_row = [T::ZERO; N];
        }
        for (&a_ik, b_row) in a_row.iter().zip(b.iter()) {
            axpy(a_ik, b_row, c_row);
        }
    }
}

/// `C = A^T B` (or `C += A^T B`): `A` is `n x M`, `B` is `n x N`, `C` is `M x N`; the sum runs
/// over the `n` rows of `a` and `b`.
///
/// # Panics
/// If `a` and `b` have different numbers of rows.
///
/// # Examples
/// ```
/// let a = [[1.0_f32, 2.0], [3.0, 4.0]];
/// let b = [[1.0_f32], [1.0]];
/// let mut c = [[0.0; 1]; 2];
/// ctensor::kernels::matmul_tn(&a, &b, &mut c, false);
/// assert_eq!(c, [[4.0], [6.0]]);
/// ```
pub fn matmul_tn<T: Scalar, const M: usize, const N: usize>(
    a: &[[T; M]],
    b: &[[T; N]],
    c: &mut [[T; N]; M],
    accumulate: bool,
) {
    assert_eq!(
        a.len(),
        b.len(),
        "matmul_tn: A and B need the same number of rows"
    );
    if !accumulate {
        *c = [[T::ZERO; N]; M];
    }
    for (a_row, b_row) in a.iter().zip(b.iter()) {
        for (&a_sm, c_row) in a_row.iter().zip(c.iter_mut()) {
            // ReLU activations are often exactly zero: skipping them is free and exact.
            if a_sm != T::ZERO {
                axpy(a_sm, b_row, c_row);
            }
        }
    }
}

/// `C = A B^T` (or `C += A B^T`): `A` is `n x K`, `B` is `N x K`, `C` is `n x N`.
///
/// # Panics
/// If `a` and `c` have different numbers of rows.
///
/// # Examples
/// ```
/// let a = [[1.0_f32, 2.0]];
/// let b = [[3.0, 4.0], [1.0, 0.0]];
/// let mut c = [[0.0; 2]];
/// ctensor::kernels::matmul_nt(&a, &b, &mut c, false);
/// assert_eq!(c, [[11.0, 1.0]]);
/// ```
pub fn matmul_nt<T: Scalar, const K: usize, const N: usize>(
    a: &[[T; K]],
    b: &[[T; K]; N],
    c: &mut [[T; N]],
    accumulate: bool,
) {
    assert_eq!(
        a.len(),
        c.len(),
        "matmul_nt: A and C need the same number of rows"
    );
    for (a_row, c_row) in a.iter().zip(c.iter_mut()) {
        for (b_row, c_ij) in b.iter().zip(c_row.iter_mut()) {
            let d = dot(a_row, b_row);
            *c_ij = if accumulate { *c_ij + d } else { d };
        }
    }
}

/// `y += alpha * x`, element by element.
#[inline(always)]
fn axpy<T: Scalar, const N: usize>(alpha: T, x: &[T; N], y: &mut [T; N]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = alpha.mul_add_fast(x, *y);
    }
}

/// Dot product with eight independent partial sums.
#[inline(always)]
fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    const LANES: usize = 8;
    let mut acc = [T::ZERO; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let (a_tail, b_tail) = (a_chunks.remainder(), b_chunks.remainder());
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for l in 0..LANES {
            acc[l] = ca[l].mul_add_fast(cb[l], acc[l]);
        }
    }
    let mut tail = T::ZERO;
    for (&x, &y) in a_tail.iter().zip(b_tail) {
        tail = x.mul_add_fast(y, tail);
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}
