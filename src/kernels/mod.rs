//! The hot path: the three matrix products of training and inference.
//!
//! - [`matmul`]: `C = A B` (forward pass),
//! - [`matmul_tn`]: `C = A^T B` (weight gradients),
//! - [`matmul_nt`]: `C = A B^T` (gradient flowing into the hidden layer).
//!
//! The batch dimension is a slice of rows, so a partial last batch uses the first `n` rows of
//! a `Matrix<B, _>` with no copy; every other dimension is a const generic, so inner loops
//! have fixed trip counts.
//!
//! All three run one register-blocked micro-kernel (`block.rs`): an `MR x NR` block of `C`
//! lives in independent accumulators `[[T; NR]; MR]` and is updated in the axpy form
//! `acc[r][..] += a(r, p) * b(p, ..)`, which LLVM turns into broadcasts and SIMD
//! multiply-adds on any target (float additions are never reordered by the compiler, so the
//! independence has to be in the source). `A^T B` reads `A` transposed for free (the kernel
//! broadcasts one element of `A` at a time). Around it:
//! - deep products whose `B` would not stay in L1 copy `B` a panel (`256 x NR`) at a time
//!   into an aligned stack buffer, the first row block packing as it computes; `A B^T` packs
//!   `B^T` the same way;
//! - a single row (one-sample inference) streams whole rows of `B` with 16 accumulators;
//! - an inner dimension of 1 (the weight update of one sample) is one axpy pass over `C`;
//!   a few rows of `A B^T` with a short inner dimension skip the packing.
//!
//! Which instantiation runs:
//! - on `x86_64` with `std`: the first call checks for AVX2 and FMA
//!   (`is_x86_feature_detected!`, cached in an atomic); if present, the same algorithm
//!   compiled with `#[target_feature(enable = "avx2,fma")]`, fused multiply-adds, and a
//!   6 x 16 (`f32`) / 6 x 8 (`f64`) micro-kernel spelled out with `core::arch` intrinsics
//!   (`x86.rs`; LLVM's own vectorization of the generic tile spilled for some row counts).
//!   AVX-512 is not used: the VM this was tuned on does not expose it, and the masked
//!   stores it invites are a known trap; the only masked instructions are AVX2 masked
//!   *loads* of a partial last panel;
//! - otherwise: the portable instantiation, with block sizes for the target's registers and
//!   multiply-adds fused only where FMA is a compile-time target feature.
//!
//! [`portable`] exposes the portable path directly, for tests and benchmarks.
//!
//! Every function overwrites `C` when `accumulate` is `false` and adds to it when `true`.
//!
//! # Unsafe code: what each pointer may reach
//!
//! All of the crate's `unsafe` is in this module. Each product turns its three borrowed
//! slices into raw operands (`block::Operands`) with their own pointers
//! (`as_flattened().as_ptr()`, and `as_mut_ptr()` of the exclusive borrow of `C`), over the
//! rows the slices have (`operands_nn`, `operands_tn`, `operands_nt`: the public functions
//! first check that the row counts agree; `common_rows` takes the common rows). So:
//! - `a` may reach the elements of `A` and nothing else, `b` those of `B`, `c` those of `C`;
//!   `C` is written only through `c`, and no other pointer or reference reaches it during
//!   the call;
//! - the kernels form a pointer only to an element that exists (never one past the end of
//!   an operand, let alone further; never an offset of the dangling pointer of an empty
//!   slice): see `block.rs` and `x86.rs` for each offset, where the bounds are checked once
//!   per row block or column panel, never per element;
//! - the only other memory touched is the kernels' own stack: packed panels of `B` and the
//!   partial rows of a tile.
//!
//! `tests/miri_kernels.rs` reaches every path (portable and AVX2 + FMA, `f32` and `f64`,
//! every edge size) and `tools/miri.sh` runs it under Miri, which reports any pointer that
//! leaves its operand. `cortex_m.rs` reads its operands in `asm!` (Cortex-M4F) or through
//! safe slices (Cortex-M0, also built for the host's tests).
//!
//! The int8 kernels (issue 11): `int8.rs` is safe code (the host's path, and the fallback);
//! `int8_cortex_m4/` (`SMLAD`) and `int8_cortex_m.rs` (Thumb-1) read their operands in
//! `asm!`, only inside the arrays they are given (each block's `// SAFETY:` says which
//! bytes). They build for ARM only, so Miri cannot run them; the firmware's
//! `int8_kernel_check` compares them with a plain reference on the boards (QEMU) for input
//! and output widths of every remainder, and `int8_cost` checks the digits model's logits
//! against the host's bit for bit (`tools/firmware.sh`).

mod block;
/// One-sample inference on Cortex-M (the hook is in `Mlp::logits`; also built for tests).
#[cfg(any(test, target_arch = "arm"))]
pub(crate) mod cortex_m;
pub mod int8;
/// The Cortex-M0 int8 kernel (`asm!`, ARMv6-M only; its output stage also built for tests).
#[cfg(any(test, all(target_arch = "arm", not(target_has_atomic = "32"))))]
mod int8_cortex_m;
/// The Cortex-M4 int8 kernel (`asm!`, `SMLAD`; the `eabihf` Cortex-M target only).
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
mod int8_cortex_m4;
/// One-row products summed in order, the same bits on every target (the lean training step).
pub(crate) mod ordered;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod x86;

use crate::Scalar;
use block::Operands;

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
#[inline]
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
    common_rows::matmul(a, b, c, accumulate);
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
#[inline]
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
    common_rows::matmul_tn(a, b, c, accumulate);
}

/// `C += alpha A^T B`, the sum over the rows that `a` and `b` both have (as
/// [`common_rows`]: no check that can panic): the SGD update `W -= lr X^T dZ` applied as the
/// gradient is computed, without storing it.
#[inline]
pub(crate) fn matmul_tn_add_scaled<T: Scalar, const M: usize, const N: usize>(
    a: &[[T; M]],
    b: &[[T; N]],
    c: &mut [[T; N]; M],
    alpha: T,
) {
    debug_assert_eq!(a.len(), b.len(), "matmul_tn_add_scaled: rows of A and B");
    let o = Operands {
        alpha,
        ..operands_tn(a, b, c)
    };
    // SAFETY: (both calls) the operands reach only the rows of `a`, `b` and `c` (see
    // `operands_tn`); `C` is exclusively borrowed.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if unsafe { x86::gemm::<T, N>(o, true) } {
        return;
    }
    // SAFETY: as for the call above (its comment).
    unsafe { portable::gemm::<T, N>(o, true) };
}

/// Whether every element is finite, in one pass with no early exit (so that it vectorizes):
/// `x * 0` is 0 for a finite `x` and NaN for an infinite or NaN one.
#[must_use]
pub(crate) fn all_finite<T: Scalar>(xs: &[T]) -> bool {
    const LANES: usize = 16;
    let mut acc = [T::ZERO; LANES];
    let chunks = xs.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += x * T::ZERO;
        }
    }
    for (a, &x) in acc.iter_mut().zip(rest) {
        *a += x * T::ZERO;
    }
    acc.iter().all(|&a| a == T::ZERO)
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
#[inline]
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
    common_rows::matmul_nt(a, b, c, accumulate);
}

/// The three products for the crate's own callers (the training step), whose row counts
/// agree by construction: over the rows that both slices have, with no check that can
/// panic, so that a firmware's training step links without a panic handler
/// (`tools/firmware.sh`). A mismatch is a bug of the caller: `debug_assert!`ed, and in a
/// release build the product of the common rows (the extra rows are neither read nor
/// written). The public functions check and panic instead.
pub(crate) mod common_rows {
    use super::{block, operands_nn, operands_nt, operands_tn};
    use crate::Scalar;

    /// [`super::matmul`] over the first `min(a.len(), c.len())` rows.
    #[inline]
    pub(crate) fn matmul<T: Scalar, const K: usize, const N: usize>(
        a: &[[T; K]],
        b: &[[T; N]; K],
        c: &mut [[T; N]],
        accumulate: bool,
    ) {
        debug_assert_eq!(a.len(), c.len(), "matmul: rows of A and C");
        let o = operands_nn(a, b, c);
        // SAFETY: (both calls) the operands reach only the rows of `a` and `c` that both
        // have, and `b` (see `operands_nn`); `C` is exclusively borrowed.
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if unsafe { super::x86::gemm::<T, N>(o, accumulate) } {
            return;
        }
        // SAFETY: as for the call above (its comment).
        unsafe { super::portable::gemm::<T, N>(o, accumulate) };
    }

    /// [`super::matmul_tn`] summed over the first `min(a.len(), b.len())` rows.
    #[inline]
    pub(crate) fn matmul_tn<T: Scalar, const M: usize, const N: usize>(
        a: &[[T; M]],
        b: &[[T; N]],
        c: &mut [[T; N]; M],
        accumulate: bool,
    ) {
        debug_assert_eq!(a.len(), b.len(), "matmul_tn: rows of A and B");
        let o = operands_tn(a, b, c);
        // SAFETY: (both calls) the operands reach only the rows that `a` and `b` both have,
        // and `c` (see `operands_tn`); `C` is exclusively borrowed.
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if unsafe { super::x86::gemm::<T, N>(o, accumulate) } {
            return;
        }
        // SAFETY: as for the call above (its comment).
        unsafe { super::portable::gemm::<T, N>(o, accumulate) };
    }

    /// [`super::matmul_nt`] over the first `min(a.len(), c.len())` rows.
    #[inline]
    pub(crate) fn matmul_nt<T: Scalar, const K: usize, const N: usize>(
        a: &[[T; K]],
        b: &[[T; K]; N],
        c: &mut [[T; N]],
        accumulate: bool,
    ) {
        debug_assert_eq!(a.len(), c.len(), "matmul_nt: rows of A and C");
        let o = operands_nt(a, b, c);
        let src = block::Source::Transposed { b: o.b, ld: K };
        // SAFETY: (both calls) the operands reach only the rows of `a` and `c` that both
        // have, and `b`, read as `B^T` through `src` (see `operands_nt`); `C` is
        // exclusively borrowed.
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if unsafe { super::x86::gemm_packed::<T, N>(o, src, accumulate) } {
            return;
        }
        // SAFETY: as for the call above (its comment).
        unsafe { super::portable::gemm_packed::<T, N>(o, src, accumulate) };
    }
}

/// The raw operands of `C = A B` over the first `m = min(a.len(), c.len())` rows (the
/// callers check that the lengths are equal, or guarantee it): `a` reaches the `m x K`
/// elements of `A`, `b` the `K x N` of `B`, `c` the `m x N` of `C`.
#[inline(always)]
fn operands_nn<T: Scalar, const K: usize, const N: usize>(
    a: &[[T; K]],
    b: &[[T; N]; K],
    c: &mut [[T; N]],
) -> Operands<T> {
    Operands {
        m: a.len().min(c.len()),
        n: N,
        k: K,
        a: a.as_flattened().as_ptr(),
        rsa: K,
        csa: 1,
        b: b.as_flattened().as_ptr(),
        ldb: N,
        c: c.as_flattened_mut().as_mut_ptr(),
        ldc: N,
        alpha: T::ONE,
    }
}

/// The raw operands of `C = A^T B` (`A'(i, p) = A[p][i]`) summed over the first
/// `k = min(a.len(), b.len())` rows: `a` reaches the `k x M` elements of `A`, `b` the `k x N`
/// of `B`, `c` the `M x N` of `C`.
#[inline(always)]
fn operands_tn<T: Scalar, const M: usize, const N: usize>(
    a: &[[T; M]],
    b: &[[T; N]],
    c: &mut [[T; N]; M],
) -> Operands<T> {
    Operands {
        m: M,
        n: N,
        k: a.len().min(b.len()),
        a: a.as_flattened().as_ptr(),
        rsa: 1,
        csa: M,
        b: b.as_flattened().as_ptr(),
        ldb: N,
        c: c.as_flattened_mut().as_mut_ptr(),
        ldc: N,
        alpha: T::ONE,
    }
}

/// The raw operands of `C = A B^T` (`B` is read through [`block::Source::Transposed`]) over
/// the first `m = min(a.len(), c.len())` rows: `a` reaches the `m x K` elements of `A`, `b`
/// the `N x K` of `B`, `c` the `m x N` of `C`.
#[inline(always)]
fn operands_nt<T: Scalar, const K: usize, const N: usize>(
    a: &[[T; K]],
    b: &[[T; K]; N],
    c: &mut [[T; N]],
) -> Operands<T> {
    Operands {
        m: a.len().min(c.len()),
        n: N,
        k: K,
        a: a.as_flattened().as_ptr(),
        rsa: K,
        csa: 1,
        b: b.as_flattened().as_ptr(),
        ldb: K,
        c: c.as_flattened_mut().as_mut_ptr(),
        ldc: N,
        alpha: T::ONE,
    }
}

/// Block shapes of the portable kernel: `MR` rows, `NR32`/`NR64` columns for `f32`/`f64`, a
/// wider `NR1_*` for a single leftover row (`KU1` partial sums per element when it is
/// narrower than `NR`), and the packed panels' sizes (elements).
#[cfg(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64"))]
mod shape {
    pub const MR: usize = 6;
    pub const NR32: usize = 8;
    pub const NR1_32: usize = 64;
    pub const NR64: usize = 4;
    pub const NR1_64: usize = 32;
    /// Four partial sums with `std`; without it, one, as on the small cores: every one-row
    /// product then sums in order (`x_0 w_0j + x_1 w_1j + ...`), as the Cortex-M kernels
    /// do, so a host's `no_std` build (`libm`) gives a device's bits for any shape.
    #[cfg(feature = "std")]
    pub const KU1: usize = 4;
    #[cfg(not(feature = "std"))]
    pub const KU1: usize = 1;
    pub const LEN32: usize = 256 * NR32;
    pub const LEN64: usize = 256 * NR64;
}

/// Block shapes of the portable kernel on small cores (e.g. Cortex-M: 16 to 32 FPU
/// registers, small stacks).
#[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
mod shape {
    pub const MR: usize = 4;
    pub const NR32: usize = 4;
    pub const NR1_32: usize = 8;
    pub const NR64: usize = 4;
    pub const NR1_64: usize = 8;
    /// One partial sum per element: a one-row product sums in order, `x_0 w_0j + x_1 w_1j +
    /// ...`, as the Cortex-M inference kernels do (`cortex_m.rs`), so both give the same bits.
    pub const KU1: usize = 1;
    pub const LEN32: usize = 32 * NR32;
    pub const LEN64: usize = 32 * NR64;
}

/// The portable path, callable directly (for tests and benchmarks that compare it with the
/// dispatched one). Not part of the stable API.
#[doc(hidden)]
pub mod portable {
    use super::block::{self, Operands, Plain, Source};
    use super::shape::{KU1, LEN32, LEN64, MR, NR1_32, NR1_64, NR32, NR64};
    use crate::Scalar;

    /// [`super::matmul`] on the portable path.
    ///
    /// # Panics
    /// As [`super::matmul`].
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
        // SAFETY: the operands reach only the rows of `a` and `c`, and `b`; `C` is
        // exclusively borrowed.
        unsafe { gemm::<T, N>(super::operands_nn(a, b, c), accumulate) };
    }

    /// [`super::matmul_tn`] on the portable path.
    ///
    /// # Panics
    /// As [`super::matmul_tn`].
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
        // SAFETY: the operands reach only the rows of `a` and `b`, and `c`; `C` is
        // exclusively borrowed.
        unsafe { gemm::<T, N>(super::operands_tn(a, b, c), accumulate) };
    }

    /// [`super::matmul_nt`] on the portable path.
    ///
    /// # Panics
    /// As [`super::matmul_nt`].
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
        let o = super::operands_nt(a, b, c);
        // SAFETY: the operands reach only the rows of `a` and `c`, and `b` (read as `B^T`
        // through the source); `C` is exclusively borrowed.
        unsafe { gemm_packed::<T, N>(o, Source::Transposed { b: o.b, ld: K }, accumulate) };
    }

    /// `C (+)= A' B'` with `N` columns, `B'` in place: packed first if several row blocks
    /// reuse it.
    ///
    /// # Safety
    /// As [`block::gemm`], with `o.n == N`.
    #[inline(always)]
    pub(super) unsafe fn gemm<T: Scalar, const N: usize>(o: Operands<T>, accumulate: bool) {
        let o = Operands { n: N, ..o };
        // SAFETY: forwarded contract.
        unsafe {
            let nr = if size_of::<T>() == 4 { NR32 } else { NR64 };
            if block::worth_packing(&o, MR, nr) {
                gemm_packed::<T, N>(o, Source::Rows { b: o.b, ld: o.ldb }, accumulate);
            } else if size_of::<T>() == 4 {
                block::gemm::<T, Plain, MR, NR32, NR1_32, KU1>(o, accumulate);
            } else {
                block::gemm::<T, Plain, MR, NR64, NR1_64, KU1>(o, accumulate);
            }
        }
    }

    /// `C (+)= A' B'` with `N` columns, `B'` packed from `src`.
    ///
    /// # Safety
    /// As [`block::gemm_packed`], with `o.n == N`.
    #[inline(always)]
    pub(super) unsafe fn gemm_packed<T: Scalar, const N: usize>(
        o: Operands<T>,
        src: Source<T>,
        accumulate: bool,
    ) {
        let o = Operands { n: N, ..o };
        // SAFETY: forwarded contract.
        unsafe {
            if size_of::<T>() == 4 {
                block::gemm_packed::<T, Plain, MR, NR32, LEN32>(o, src, accumulate);
            } else {
                block::gemm_packed::<T, Plain, MR, NR64, LEN64>(o, src, accumulate);
            }
        }
    }
}
