//! The one register-blocked kernel behind all three products, generic over the element type,
//! the multiply-add flavor and the block shape.
//!
//! Every product is computed as `C (+)= A' B'` where
//! - `A'(i, p) = a[i * rsa + p * csa]` is read one scalar at a time (broadcast), so `A` and
//!   `A^T` cost the same;
//! - row `p` of `B'` is read `NR` elements at a time, either in place (`b[p * ldb..]`) or from
//!   a packed panel;
//! - `C(i, j) = c[i * ldc + j]`.
//!
//! The micro-kernel keeps an `MR x NR` block of `C` in registers (`[[T; NR]; MR]`, fixed trip
//! counts, the axpy form `acc[r][..] += a(r, p) * b(p, ..)`): independent accumulators, so
//! LLVM turns each row of the block into SIMD registers and each step into broadcasts and
//! multiply-adds. Rows left over after the `MR`-row blocks use a narrower kernel with more
//! independent partial sums over `p` (`KU` of them), so the last rows are not a chain of
//! dependent multiply-adds either.
//!
//! When a panel of `B'` is reused by many row blocks, it is first packed (copied, zero-padded
//! to `NR` columns) into an aligned stack buffer of `KC x NR` elements: the panel then stays
//! in L1 whatever the row stride of `B` (a stride of 512 bytes maps a column panel of `B` onto
//! 8 of L1's 64 sets), the loads are aligned, and `A B^T` becomes `A B` (the packing reads
//! `B^T`).
//!
//! # What each pointer may reach
//!
//! The raw parts of [`Operands`] come from the slices of one product (see `mod.rs`), so each
//! pointer may reach its own operand only, and the functions here form a pointer (`add`)
//! only to an element that exists: never to one past the end of an operand, or beyond.
//! - `a`: `A'(i, p) = a + i * rsa + p * csa` for `i < m`, `p < k`: `A` (`n x K`, `rsa = K`,
//!   `csa = 1`) or `A^T` (`A` is `k x M`, `rsa = 1`, `csa = M`);
//! - `b`: `B'(p, j) = b + p * ldb + j` ([`Source::Rows`]) or `b + j * ld + p`
//!   ([`Source::Transposed`]) for `p < k`, `j < n`. A tile reads the `load_cols` columns of
//!   its panel and no more: a partial row goes through a zero-padded copy (portable) or masked
//!   loads, and the second vector of a row is formed only when the panel has a column there
//!   (`x86.rs`);
//! - `c`: `C(i, j) = c + i * ldc + j` for `i < m`, `j < n`, written through the exclusive
//!   borrow of `C`, which no other pointer reaches;
//! - a packed panel: `buf + p * NR + j` for `p < kb <= LEN / NR`, `j < NR`, in this
//!   function's own stack array, written before it is read.
//!
//! Row and column offsets are formed at the start of a row block or column panel, only when
//! that block or panel has at least one row or column. Where `m`, `n` or `k` is zero an
//! operand may have no elements (its pointer is then a slice's dangling pointer), so
//! [`gemm`] and [`gemm_packed`] return before forming any pointer ([`empty`]).

use core::mem::MaybeUninit;
use core::ptr;

use crate::Scalar;

/// The instruction set a kernel is compiled for: how a multiply-add is computed, and the
/// micro-kernel that computes one tile of `C` (the portable [`portable_tile`] by default).
pub(crate) trait MulAdd<T: Scalar>: Sized {
    /// `a * b + c`.
    fn mul_add(a: T, b: T, c: T) -> T;

    /// Computes one tile (see [`Tile`]) with `MR` rows, `NR` columns, `KU` partial sums per
    /// element; if `PACK`, also writes the rows of `B'` it reads to `t.pack`.
    ///
    /// # Safety
    /// As [`portable_tile`].
    #[inline(always)]
    unsafe fn tile<const MR: usize, const NR: usize, const KU: usize, const PACK: bool>(
        t: Tile<T>,
    ) {
        // SAFETY: forwarded contract.
        unsafe { portable_tile::<T, Self, MR, NR, KU, PACK>(t) }
    }
}

/// `a * b + c` as the target compiled for: fused only where FMA is a compile-time feature
/// (see [`Scalar::mul_add_fast`]); never a software `fma` call.
pub(crate) struct Plain;

impl<T: Scalar> MulAdd<T> for Plain {
    #[inline(always)]
    fn mul_add(a: T, b: T, c: T) -> T {
        a.mul_add_fast(b, c)
    }
}

/// The operands of one product, as raw parts (see the module docs for the layout).
#[derive(Clone, Copy)]
pub(crate) struct Operands<T> {
    /// Rows of `C` (and of `A'`).
    pub m: usize,
    /// Columns of `C` (and of `B'`).
    pub n: usize,
    /// The inner dimension.
    pub k: usize,
    pub a: *const T,
    pub rsa: usize,
    pub csa: usize,
    /// `B'` in place: `B'(p, j) = b[p * ldb + j]` (unused if `B` is packed from elsewhere).
    pub b: *const T,
    pub ldb: usize,
    pub c: *mut T,
    pub ldc: usize,
    /// The product is scaled by `alpha`: `C = alpha A' B'` or `C += alpha A' B'` (1 for the
    /// public products: exact, the same bits as no scaling).
    pub alpha: T,
}

/// Where the panels of `B'` come from, for [`gemm_packed`].
#[derive(Clone, Copy)]
pub(crate) enum Source<T> {
    /// `B'(p, j) = b[p * ld + j]`: the `B` of `A B` and `A^T B`.
    Rows { b: *const T, ld: usize },
    /// `B'(p, j) = b[j * ld + p]`: the `B` of `A B^T`.
    Transposed { b: *const T, ld: usize },
}

/// An aligned buffer for packed panels.
#[repr(C, align(64))]
pub(crate) struct Panel<T, const LEN: usize>([MaybeUninit<T>; LEN]);

/// `C (+)= A' B'` reading `B'` in place: `MR x NR` blocks for full row blocks, `NR1`-wide
/// blocks for a single leftover row (`KU1` partial sums per element if `n <= NR`). Best when
/// each panel of `B'` is used by few row blocks.
///
/// # Safety
/// For every `i < m`, `j < n`, `p < k`: `a + i * rsa + p * csa` and `b + p * ldb + j` are
/// readable, `c + i * ldc + j` is writable, and no other reference to `C` is live.
#[inline(always)]
pub(crate) unsafe fn gemm<
    T: Scalar,
    F: MulAdd<T>,
    const MR: usize,
    const NR: usize,
    const NR1: usize,
    const KU1: usize,
>(
    o: Operands<T>,
    accumulate: bool,
) {
    // SAFETY: forwarded contract.
    if unsafe { empty(o, accumulate) } {
        return;
    }
    if o.k == 1 && o.m > 1 {
        // SAFETY: forwarded contract.
        unsafe { rank_one::<T, F>(o, accumulate) };
        return;
    }
    let full = o.m / MR;
    for ib in 0..full {
        // SAFETY: rows `ib * MR..(ib + 1) * MR <= m` exist; forwarded contract.
        unsafe { row_block::<T, F, MR, NR, 1>(o, ib * MR, accumulate) };
    }
    let i = full * MR;
    // SAFETY: (all arms) the `m % MR` rows `i..m` exist; forwarded contract. (`m % MR < MR`
    // makes the last arm provably unreachable: no panic is linked.)
    unsafe {
        match o.m % MR {
            0 => {}
            1 if o.n <= NR => row_block::<T, F, 1, NR, KU1>(o, i, accumulate),
            1 => row_block::<T, F, 1, NR1, 1>(o, i, accumulate),
            2 if MR > 2 => row_block::<T, F, 2, NR, 2>(o, i, accumulate),
            3 if MR > 3 => row_block::<T, F, 3, NR, 2>(o, i, accumulate),
            4 if MR > 4 => row_block::<T, F, 4, NR, 1>(o, i, accumulate),
            5 if MR > 5 => row_block::<T, F, 5, NR, 1>(o, i, accumulate),
            6 if MR > 6 => row_block::<T, F, 6, NR, 1>(o, i, accumulate),
            7 if MR > 7 => row_block::<T, F, 7, NR, 1>(o, i, accumulate),
            _ => unreachable!("row blocks have at most 8 rows"),
        }
    }
}

/// The products with nothing to compute: no rows or columns (nothing to do), or an empty
/// inner dimension (`C = 0`, or `C` unchanged if `accumulate`). Returns whether it was one.
/// After `false`, `m`, `n` and `k` are all at least 1, so `A'(0, 0)`, `B'(0, 0)` and
/// `C(0, 0)` exist: the pointers of an empty operand may be dangling, and are never
/// offset.
///
/// # Safety
/// As [`gemm`].
#[inline(always)]
unsafe fn empty<T: Scalar>(o: Operands<T>, accumulate: bool) -> bool {
    if o.m == 0 || o.n == 0 {
        return true;
    }
    if o.k == 0 {
        if !accumulate {
            for i in 0..o.m {
                // SAFETY: row `i < m` of `C`: `c + i * ldc .. + n`, writable.
                unsafe { ptr::write_bytes(o.c.add(i * o.ldc), 0, o.n) };
            }
        }
        return true;
    }
    false
}

/// `C (+)= alpha a' b'^T` for an inner dimension of 1 (the update of a weight matrix by one
/// sample): one pass over `C`, row by row, each row an axpy with `alpha a'(i)` and the one
/// row of `B'`. Tiles would spend more on their set-up and epilogue than on the single step.
///
/// # Safety
/// As [`gemm`], with `k == 1`.
#[inline(always)]
unsafe fn rank_one<T: Scalar, F: MulAdd<T>>(o: Operands<T>, accumulate: bool) {
    for i in 0..o.m {
        // SAFETY: `A'(i, 0)` and row `i` of `C` (`n` elements) are in range, as is the one
        // row of `B'`; `C` does not overlap them (it is exclusively borrowed).
        unsafe {
            let s = o.alpha * *o.a.add(i * o.rsa);
            let c = core::slice::from_raw_parts_mut(o.c.add(i * o.ldc), o.n);
            let b = core::slice::from_raw_parts(o.b, o.n);
            if accumulate {
                for (c, &b) in c.iter_mut().zip(b) {
                    *c = F::mul_add(s, b, *c);
                }
            } else {
                for (c, &b) in c.iter_mut().zip(b) {
                    *c = s * b;
                }
            }
        }
    }
}

/// `C (+)= alpha A' B^T` for a few rows and a short inner dimension, directly: for each
/// row of `C` and each `p`, an axpy down column `p` of `B` (`b[j * ld + p]`), the columns of
/// `C` being independent sums.
///
/// # Safety
/// As [`gemm_packed`] with `src = Source::Transposed { b, ld }`.
#[inline(always)]
unsafe fn few_rows_transposed<T: Scalar, F: MulAdd<T>>(
    o: Operands<T>,
    b: *const T,
    ld: usize,
    accumulate: bool,
) {
    for i in 0..o.m {
        // SAFETY: row `i` of `C` has `n` elements; `A'(i, p)` and `B(j, p)` for `j < n`,
        // `p < k` are in range (the caller's contract); `C` overlaps neither.
        unsafe {
            let c = core::slice::from_raw_parts_mut(o.c.add(i * o.ldc), o.n);
            if !accumulate {
                c.fill(T::ZERO);
            }
            for p in 0..o.k {
                let s = o.alpha * *o.a.add(i * o.rsa + p * o.csa);
                for (j, c) in c.iter_mut().enumerate() {
                    *c = F::mul_add(s, *b.add(j * ld + p), *c);
                }
            }
        }
    }
}

/// Rows `i0..i0 + MR` of `C`, all columns, `B'` in place: full `NR`-wide panels, then one
/// narrower panel.
///
/// # Safety
/// As [`gemm`], with `i0 + MR <= m`.
#[inline(always)]
unsafe fn row_block<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize, const KU: usize>(
    o: Operands<T>,
    i0: usize,
    accumulate: bool,
) {
    // SAFETY: row `i0` of `A'` and of `C` are in range (i0 < m).
    let (a, c) = unsafe { (o.a.add(i0 * o.rsa), o.c.add(i0 * o.ldc)) };
    let full = o.n / NR;
    for jp in 0..full {
        let j = jp * NR;
        // SAFETY: columns `j..j + NR` are in range; forwarded contract.
        unsafe {
            micro::<T, F, MR, NR, KU>(o, a, o.b.add(j), o.ldb, NR, c.add(j), NR, accumulate);
        }
    }
    let rest = o.n - full * NR;
    if rest != 0 {
        let j = full * NR;
        // SAFETY: columns `j..j + rest` are in range; forwarded contract.
        unsafe {
            micro::<T, F, MR, NR, KU>(o, a, o.b.add(j), o.ldb, rest, c.add(j), rest, accumulate);
        }
    }
}

/// Whether [`gemm_packed`] pays off over [`gemm`]: packing a panel costs a copy and makes the
/// pass over `C` go panel by panel (strided), which pays only if several row blocks reuse a
/// deep panel and `B'` would not stay in L1 by itself, or if the last panel is partial (its
/// rows are then padded once, not at every step). With a shallow inner dimension (an
/// update `W += x^T d` from a few samples), streaming `C` row by row is what matters.
#[inline(always)]
pub(crate) fn worth_packing<T>(o: &Operands<T>, mr: usize, nr: usize) -> bool {
    o.m >= 2 * mr
        && o.k >= 16
        && (o.k * o.n * size_of::<T>() > 16 * 1024 || !o.n.is_multiple_of(nr))
}

/// `C (+)= A' B'` with `B'` packed, `KC x NR` at a time (`LEN = KC * NR`), into an aligned
/// stack buffer that every row block then reads from L1.
///
/// # Safety
/// As [`gemm`] for `A'` and `C`; for every `j < n`, `p < k`, the element of `B'(p, j)` in
/// `src` is readable.
#[inline(always)]
pub(crate) unsafe fn gemm_packed<
    T: Scalar,
    F: MulAdd<T>,
    const MR: usize,
    const NR: usize,
    const LEN: usize,
>(
    o: Operands<T>,
    src: Source<T>,
    accumulate: bool,
) {
    // SAFETY: forwarded contract.
    if unsafe { empty(o, accumulate) } {
        return;
    }
    if let Source::Transposed { b, ld } = src
        && o.m < MR
        && o.k <= 16
    {
        // A few rows times a short `B^T` (the gradient into the hidden layer of one sample):
        // packing `B^T` would cost more than the product.
        // SAFETY: forwarded contract.
        unsafe { few_rows_transposed::<T, F>(o, b, ld, accumulate) };
        return;
    }
    // Split the inner dimension into equal blocks of at most `LEN / NR`.
    let kc_max = LEN / NR;
    let blocks = o.k.div_ceil(kc_max);
    let kc = o.k.div_ceil(blocks);
    let mut storage = Panel::<T, LEN>([const { MaybeUninit::uninit() }; LEN]);
    let buf = storage.0.as_mut_ptr().cast::<T>();
    let full = o.n / NR;
    let mut k0 = 0;
    while k0 < o.k {
        let kb = kc.min(o.k - k0);
        let acc = accumulate || k0 > 0;
        // SAFETY: column `k0 < k` of `A'` is in range.
        let a = unsafe { o.a.add(k0 * o.csa) };
        for jp in 0..full {
            let j = jp * NR;
            // SAFETY: `kb * NR <= LEN`; the source block is in range; columns `j..j + NR`
            // of `C` are in range.
            unsafe { panel::<T, F, MR, NR>(o, src, a, k0, kb, j, NR, buf, acc) };
        }
        let rest = o.n - full * NR;
        if rest != 0 {
            let j = full * NR;
            // SAFETY: as above, for the last `rest` columns.
            unsafe { panel::<T, F, MR, NR>(o, src, a, k0, kb, j, rest, buf, acc) };
        }
        k0 += kb;
    }
}

/// Packs the panel `B'[k0..k0 + kb][j0..j0 + cols]` into `buf` and multiplies every row block
/// by it. `B'` in rows is packed by the first row block as it goes (its loads are needed
/// anyway); `B^T` is packed first.
///
/// # Safety
/// As [`gemm_packed`]; `a` points at `A'(0, k0)`; `buf` has `kb * NR` writable elements.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn panel<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize>(
    o: Operands<T>,
    src: Source<T>,
    a: *const T,
    k0: usize,
    kb: usize,
    j0: usize,
    cols: usize,
    buf: *mut T,
    accumulate: bool,
) {
    // SAFETY: column `j0 < n` of `C`.
    let c = unsafe { o.c.add(j0) };
    match src {
        Source::Rows { b, ld } if o.m >= MR => {
            // SAFETY: `B'(k0, j0)` and the `kb x cols` block from it are in range; rows
            // `0..MR` of `A'` and `C` are; `buf` has room for `kb * NR`.
            unsafe {
                let b = b.add(k0 * ld + j0);
                let ok = Operands { k: kb, ..o };
                micro_pack::<T, F, MR, NR>(ok, a, b, ld, cols, c, accumulate, buf);
                panel_rows::<T, F, MR, NR>(o, MR, a, kb, buf, c, cols, accumulate);
            }
        }
        _ => {
            // SAFETY: forwarded contract.
            unsafe {
                pack::<T, NR>(src, k0, kb, j0, cols, buf);
                panel_rows::<T, F, MR, NR>(o, 0, a, kb, buf, c, cols, accumulate);
            }
        }
    }
}

/// Copies `B'[k0..k0 + kb][j0..j0 + cols]` into `buf` as `kb` rows of `NR`, zero-padded.
///
/// # Safety
/// `buf` has `kb * NR` writable elements; the source block is readable.
#[inline(always)]
unsafe fn pack<T: Scalar, const NR: usize>(
    src: Source<T>,
    k0: usize,
    kb: usize,
    j0: usize,
    cols: usize,
    buf: *mut T,
) {
    match src {
        Source::Rows { b, ld } => {
            for p in 0..kb {
                // SAFETY: row `k0 + p` of `B'`, columns `j0..j0 + cols`, is readable; row `p`
                // of the panel is writable.
                unsafe {
                    let from = b.add((k0 + p) * ld + j0);
                    let to = buf.add(p * NR);
                    if cols == NR {
                        ptr::write(to.cast::<[T; NR]>(), ptr::read_unaligned(from.cast()));
                    } else {
                        let mut row = [T::ZERO; NR];
                        for (j, x) in row.iter_mut().enumerate().take(cols) {
                            *x = *from.add(j);
                        }
                        ptr::write(to.cast::<[T; NR]>(), row);
                    }
                }
            }
        }
        Source::Transposed { b, ld } => {
            for j in 0..NR {
                if j < cols {
                    // SAFETY: row `j0 + j` of `B`, elements `k0..k0 + kb`, is readable;
                    // `p * NR + j < kb * NR`.
                    unsafe {
                        let from = b.add((j0 + j) * ld + k0);
                        for p in 0..kb {
                            *buf.add(p * NR + j) = *from.add(p);
                        }
                    }
                } else {
                    for p in 0..kb {
                        // SAFETY: `p * NR + j < kb * NR`.
                        unsafe { *buf.add(p * NR + j) = T::ZERO };
                    }
                }
            }
        }
    }
}

/// Row blocks `i0..` of `C` against one packed panel (`kb x NR`, `cols` of them valid).
///
/// # Safety
/// As [`gemm_packed`]; `a` points at `A'(0, k0)`, `c` at `C(0, j0)`, `b` at `kb * NR`
/// initialized elements.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn panel_rows<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize>(
    o: Operands<T>,
    i0: usize,
    a: *const T,
    kb: usize,
    b: *const T,
    c: *mut T,
    cols: usize,
    accumulate: bool,
) {
    let o = Operands { k: kb, ..o };
    // `i0 <= m`: 0, or the `MR` rows that the packing tile computed.
    let full = (o.m - i0) / MR;
    for ib in 0..full {
        let i = i0 + ib * MR;
        // SAFETY: rows `i..i + MR <= m` of `A'` and `C` exist: `a + i * rsa` is `A'(i, k0)`,
        // `c + i * ldc` is `C(i, j0)`.
        unsafe {
            let (a, c) = (a.add(i * o.rsa), c.add(i * o.ldc));
            micro::<T, F, MR, NR, 1>(o, a, b, NR, NR, c, cols, accumulate);
        }
    }
    let i = i0 + full * MR;
    let rest = (o.m - i0) % MR;
    if rest == 0 {
        // No rows left: `a + i * rsa` and `c + i * ldc` would point past `A'` and `C`, so
        // they are not formed.
        return;
    }
    // SAFETY: `i < m`: `a + i * rsa` is `A'(i, k0)` and `c + i * ldc` is `C(i, j0)`; the
    // `rest` rows `i..m` exist.
    unsafe {
        let (a, c) = (a.add(i * o.rsa), c.add(i * o.ldc));
        match rest {
            1 => micro::<T, F, 1, NR, 4>(o, a, b, NR, NR, c, cols, accumulate),
            2 if MR > 2 => micro::<T, F, 2, NR, 2>(o, a, b, NR, NR, c, cols, accumulate),
            3 if MR > 3 => micro::<T, F, 3, NR, 2>(o, a, b, NR, NR, c, cols, accumulate),
            4 if MR > 4 => micro::<T, F, 4, NR, 1>(o, a, b, NR, NR, c, cols, accumulate),
            5 if MR > 5 => micro::<T, F, 5, NR, 1>(o, a, b, NR, NR, c, cols, accumulate),
            6 if MR > 6 => micro::<T, F, 6, NR, 1>(o, a, b, NR, NR, c, cols, accumulate),
            7 if MR > 7 => micro::<T, F, 7, NR, 1>(o, a, b, NR, NR, c, cols, accumulate),
            _ => unreachable!("row blocks have at most 8 rows"),
        }
    }
}

/// One micro-kernel call: an `MR x store_cols` block of `C` (`store_cols <= NR`) over the
/// inner dimension `k`.
#[derive(Clone, Copy)]
pub(crate) struct Tile<T> {
    pub k: usize,
    /// `A'(i0, 0)`; `A'(i0 + r, p) = a[r * rsa + p * csa]`.
    pub a: *const T,
    pub rsa: usize,
    pub csa: usize,
    /// `B'(0, j0)`; row `p` is `b[p * ldb..][..load_cols]`, taken as zero beyond.
    pub b: *const T,
    pub ldb: usize,
    pub load_cols: usize,
    /// `C(i0, j0)`; row `r` is `c[r * ldc..][..store_cols]`.
    pub c: *mut T,
    pub ldc: usize,
    pub store_cols: usize,
    /// `C = alpha S` or, if `accumulate`, `C += alpha S`, for the block `S` of `A' B'`.
    pub accumulate: bool,
    pub alpha: T,
    /// With `PACK`: where the `k` rows of `B'` read, zero-padded to `NR`, are written.
    pub pack: *mut T,
}

/// One tile of `C` with `B'` read from `b` (stride `ldb`, `load_cols` valid columns).
///
/// # Safety
/// `a` points at `A'(i0, 0)`, `b` at `B'(0, j0)`, `c` at `C(i0, j0)`; the `MR x store_cols`
/// block of `C`, the `k x load_cols` block of `B'` and the `MR x k` block of `A'` are in
/// range, and `C` is not otherwise referenced.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn micro<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize, const KU: usize>(
    o: Operands<T>,
    a: *const T,
    b: *const T,
    ldb: usize,
    load_cols: usize,
    c: *mut T,
    store_cols: usize,
    accumulate: bool,
) {
    let t = Tile {
        k: o.k,
        a,
        rsa: o.rsa,
        csa: o.csa,
        b,
        ldb,
        load_cols,
        c,
        ldc: o.ldc,
        store_cols,
        accumulate,
        alpha: o.alpha,
        pack: ptr::null_mut(),
    };
    // SAFETY: forwarded contract.
    unsafe { F::tile::<MR, NR, KU, false>(t) };
}

/// [`micro`] that also writes each row of `B'` it reads, zero-padded to `NR`, into the
/// panel `pack` (`k x NR`).
///
/// # Safety
/// As [`micro`]; `pack` has `k * NR` writable elements.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn micro_pack<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize>(
    o: Operands<T>,
    a: *const T,
    b: *const T,
    ldb: usize,
    cols: usize,
    c: *mut T,
    accumulate: bool,
    pack: *mut T,
) {
    let t = Tile {
        k: o.k,
        a,
        rsa: o.rsa,
        csa: o.csa,
        b,
        ldb,
        load_cols: cols,
        c,
        ldc: o.ldc,
        store_cols: cols,
        accumulate,
        alpha: o.alpha,
        pack,
    };
    // SAFETY: forwarded contract.
    unsafe { F::tile::<MR, NR, 1, true>(t) };
}

/// The portable micro-kernel: `[[T; NR]; MR]` accumulators (`KU` sets of them) updated in
/// the axpy form, which LLVM maps onto the target's SIMD registers.
///
/// # Safety
/// The blocks described by `t` (see [`Tile`]) are in range; if `PACK`, `t.pack` has
/// `t.k * NR` writable elements.
#[inline(always)]
pub(crate) unsafe fn portable_tile<
    T: Scalar,
    F: MulAdd<T>,
    const MR: usize,
    const NR: usize,
    const KU: usize,
    const PACK: bool,
>(
    t: Tile<T>,
) {
    let mut acc = [[[T::ZERO; NR]; MR]; KU];
    let mut p = 0;
    while p + KU <= t.k {
        for (u, acc) in acc.iter_mut().enumerate() {
            // SAFETY: row `p + u < k` of `B'` and column `p + u` of `A'` are in range.
            let bv = unsafe { load_row::<T, NR>(t.b, t.ldb, p + u, t.load_cols) };
            if PACK {
                // SAFETY: row `p + u < k` of the panel is writable.
                unsafe { ptr::write(t.pack.add((p + u) * NR).cast::<[T; NR]>(), bv) };
            }
            // SAFETY: as above.
            unsafe { step::<T, F, MR, NR>(acc, t.a, t.rsa, t.csa, &bv, p + u) };
        }
        p += KU;
    }
    while p < t.k {
        // SAFETY: as above, `p < k`.
        let bv = unsafe { load_row::<T, NR>(t.b, t.ldb, p, t.load_cols) };
        if PACK {
            // SAFETY: as above.
            unsafe { ptr::write(t.pack.add(p * NR).cast::<[T; NR]>(), bv) };
        }
        // SAFETY: as above.
        unsafe { step::<T, F, MR, NR>(&mut acc[0], t.a, t.rsa, t.csa, &bv, p) };
        p += 1;
    }
    let alpha = t.alpha;
    let mut sum = acc[0];
    for part in &acc[1..] {
        for (s, x) in sum.iter_mut().zip(part) {
            for (s, &x) in s.iter_mut().zip(x) {
                *s += x;
            }
        }
    }
    for (r, sum) in sum.iter().enumerate() {
        // SAFETY: row `r < MR` of the block, columns `..store_cols`, are writable.
        let c_row = unsafe { t.c.add(r * t.ldc) };
        if t.store_cols == NR {
            // SAFETY: `NR` elements from `c_row` are in range; unaligned access is allowed.
            unsafe {
                let out = if t.accumulate {
                    let mut out = ptr::read_unaligned(c_row.cast::<[T; NR]>());
                    for (o, &s) in out.iter_mut().zip(sum) {
                        *o = F::mul_add(alpha, s, *o);
                    }
                    out
                } else {
                    sum.map(|s| alpha * s)
                };
                ptr::write_unaligned(c_row.cast::<[T; NR]>(), out);
            }
        } else {
            for (j, &s) in sum.iter().enumerate().take(t.store_cols) {
                // SAFETY: `j < store_cols`, in range.
                unsafe {
                    let cj = c_row.add(j);
                    *cj = if t.accumulate {
                        F::mul_add(alpha, s, *cj)
                    } else {
                        alpha * s
                    };
                }
            }
        }
    }
}

/// Row `p` of `B'` from `b` (stride `ldb`): `cols` elements, zero-padded to `NR`.
///
/// # Safety
/// `b + p * ldb + j` is readable for `j < cols`.
#[inline(always)]
unsafe fn load_row<T: Scalar, const NR: usize>(
    b: *const T,
    ldb: usize,
    p: usize,
    cols: usize,
) -> [T; NR] {
    // SAFETY: row `p` of `B'` has `cols` readable elements from `b`.
    let b_row = unsafe { b.add(p * ldb) };
    if cols == NR {
        // SAFETY: `NR` elements are readable; unaligned reads are allowed.
        unsafe { ptr::read_unaligned(b_row.cast::<[T; NR]>()) }
    } else {
        let mut v = [T::ZERO; NR];
        for (j, v) in v.iter_mut().enumerate().take(cols) {
            // SAFETY: `j < cols`.
            *v = unsafe { *b_row.add(j) };
        }
        v
    }
}

/// `acc[r][..] += A'(r, p) * bv` for the `MR` rows of a block.
///
/// # Safety
/// `A'(r, p)` is readable for `r < MR`.
#[inline(always)]
unsafe fn step<T: Scalar, F: MulAdd<T>, const MR: usize, const NR: usize>(
    acc: &mut [[T; NR]; MR],
    a: *const T,
    rsa: usize,
    csa: usize,
    bv: &[T; NR],
    p: usize,
) {
    for (r, acc) in acc.iter_mut().enumerate() {
        // SAFETY: `A'(r, p)` is readable.
        let ar = unsafe { *a.add(r * rsa + p * csa) };
        for (x, &y) in acc.iter_mut().zip(bv) {
            *x = F::mul_add(ar, y, *x);
        }
    }
}
