//! `x86_64` with `std`: the block kernel compiled for AVX2 + FMA, chosen at run time.
//!
//! The dispatch asks `is_x86_feature_detected!` once (cached in an atomic). That macro is
//! `true` at compile time when the features are enabled (`-C target-feature=+avx2,+fma`),
//! which is how Miri runs this path (`tools/miri.sh`); under Miri without those flags it
//! reports neither, and the portable path runs.
//!
//! # What each pointer may reach
//!
//! The same operands as `block.rs` (whose module docs list them), cast from `T` to `f32` or
//! `f64` only once `T` is known to be that type. The AVX2 tile (`avx2_tile!`) reads row `p`
//! of `B'` at `b + p * ldb` as two vectors of `lanes` (8 `f32`, 4 `f64`): both with plain
//! loads for a full panel (`load_cols == 2 * lanes`, both in the row); for a partial panel
//! the first with a masked load (or a plain one if the panel has more than `lanes`
//! columns), and the second from `b + p * ldb + lanes` with a masked load only if the panel
//! has a column there (`load_cols > lanes`), else zero without forming that pointer. Masked
//! lanes are not accessed. `C` is written with two whole vectors only for a full panel
//! (`store_cols == 2 * lanes`), else element by element (`j < store_cols`) from a stack copy;
//! the packed panel `pack + p * NR + [0, NR)` is the caller's buffer of `k * NR` elements.

use core::any::TypeId;
use core::sync::atomic::{AtomicU8, Ordering};

use core::arch::x86_64::{
    __m256, __m256d, __m256i, _mm256_add_pd, _mm256_add_ps, _mm256_broadcast_sd,
    _mm256_broadcast_ss, _mm256_fmadd_pd, _mm256_fmadd_ps, _mm256_loadu_pd, _mm256_loadu_ps,
    _mm256_maskload_pd, _mm256_maskload_ps, _mm256_mul_pd, _mm256_mul_ps, _mm256_set1_pd,
    _mm256_set1_ps, _mm256_setzero_pd, _mm256_setzero_ps, _mm256_storeu_pd, _mm256_storeu_ps,
};

use super::block::{self, MulAdd, Operands, Source, Tile};
use crate::Scalar;

const UNKNOWN: u8 = 0;
const ABSENT: u8 = 1;
const PRESENT: u8 = 2;

/// Whether AVX2 and FMA are available, detected once.
static AVX2_FMA: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether the CPU has AVX2 and FMA (cached after the first call).
#[inline]
pub(super) fn has_avx2_fma() -> bool {
    match AVX2_FMA.load(Ordering::Relaxed) {
        PRESENT => true,
        ABSENT => false,
        _ => detect(),
    }
}

#[cold]
fn detect() -> bool {
    let yes = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
    AVX2_FMA.store(if yes { PRESENT } else { ABSENT }, Ordering::Relaxed);
    yes
}

/// `o` with its pointers cast to `U`, if `T` is `U`.
#[inline(always)]
fn cast<T: Scalar, U: Scalar>(o: Operands<T>) -> Option<Operands<U>> {
    (TypeId::of::<T>() == TypeId::of::<U>()).then_some(Operands {
        m: o.m,
        n: o.n,
        k: o.k,
        a: o.a.cast(),
        rsa: o.rsa,
        csa: o.csa,
        b: o.b.cast(),
        ldb: o.ldb,
        c: o.c.cast(),
        ldc: o.ldc,
        // Exact: `U` is `T`.
        alpha: U::from_f64(o.alpha.as_f64()),
    })
}

/// Runs `C (+)= A' B'` on the AVX2 + FMA kernel if the CPU has it; returns whether it did.
///
/// # Safety
/// As [`block::gemm`], with `o.n == N`.
#[inline(always)]
pub(super) unsafe fn gemm<T: Scalar, const N: usize>(o: Operands<T>, accumulate: bool) -> bool {
    if !has_avx2_fma() {
        return false;
    }
    if let Some(o) = cast::<T, f32>(o) {
        // SAFETY: the CPU has AVX2 and FMA; `T` is `f32`, so the cast pointers are the same
        // memory with the same type; forwarded contract.
        unsafe { gemm_f32::<N>(o, accumulate) };
        true
    } else if let Some(o) = cast::<T, f64>(o) {
        // SAFETY: as above, for `f64`.
        unsafe { gemm_f64::<N>(o, accumulate) };
        true
    } else {
        false
    }
}

/// Runs `C (+)= A' B'` with `B'` packed from `src` on the AVX2 + FMA kernel if the CPU has
/// it; returns whether it did.
///
/// # Safety
/// As [`block::gemm_packed`], with `o.n == N`.
#[inline(always)]
pub(super) unsafe fn gemm_packed<T: Scalar, const N: usize>(
    o: Operands<T>,
    src: Source<T>,
    accumulate: bool,
) -> bool {
    if !has_avx2_fma() {
        return false;
    }
    if let Some(o) = cast::<T, f32>(o) {
        // SAFETY: the CPU has AVX2 and FMA; `T` is `f32`; forwarded contract.
        unsafe { packed_f32::<N>(o, cast_source(src), accumulate) };
        true
    } else if let Some(o) = cast::<T, f64>(o) {
        // SAFETY: as above, for `f64`.
        unsafe { packed_f64::<N>(o, cast_source(src), accumulate) };
        true
    } else {
        false
    }
}

/// `src` with its pointer cast (only called once `T` is known to be `U`).
#[inline(always)]
fn cast_source<T: Scalar, U: Scalar>(src: Source<T>) -> Source<U> {
    match src {
        Source::Rows { b, ld } => Source::Rows { b: b.cast(), ld },
        Source::Transposed { b, ld } => Source::Transposed { b: b.cast(), ld },
    }
}

/// AVX2 + FMA: fused multiply-adds, and a micro-kernel written with `core::arch` intrinsics
/// for the two-register-wide tiles (16 `f32`, 8 `f64` columns). Only for functions compiled
/// with `#[target_feature(enable = "avx2,fma")]` (the kernels below), where every
/// intrinsic and `mul_add` is one instruction.
pub(crate) struct Fused;

/// Lane masks for `_mm256_maskload_ps` / `_pd`.
#[inline(always)]
fn mask_f32(lanes: [i32; 8]) -> __m256i {
    // SAFETY: `[i32; 8]` and `__m256i` have the same size; every bit pattern is valid.
    unsafe { core::mem::transmute(lanes) }
}

#[inline(always)]
fn mask_f64(lanes: [i64; 4]) -> __m256i {
    // SAFETY: as above.
    unsafe { core::mem::transmute(lanes) }
}

/// The AVX2 micro-kernel: `MR x 2` vector accumulators (`KU` sets), one broadcast of `A'`
/// and two vector loads of `B'` per step, fused multiply-adds. The same algorithm as
/// `block::portable_tile`, with the registers spelled out: LLVM's SLP vectorizer does not
/// reliably map every `[[T; NR]; MR]` shape (the 4- and 5-row tiles, the packing tile) onto
/// whole registers.
macro_rules! avx2_tile {
    ($name:ident, $t:ty, $v:ty, $lanes:expr, $setzero:ident, $load:ident, $store:ident,
     $bcast:ident, $fmadd:ident, $mul:ident, $add:ident, $set1:ident, $int:ty, $mask:ident,
     $maskload:ident) => {
        /// # Safety
        /// As `block::portable_tile` with `NR = 2 * lanes` (`1 <= load_cols <= NR`,
        /// `store_cols <= NR`); the CPU has AVX2 and FMA.
        #[inline(always)]
        unsafe fn $name<const MR: usize, const KU: usize, const PACK: bool>(t: Tile<$t>) {
            const NR: usize = 2 * $lanes;
            // SAFETY: the caller runs on a CPU with AVX2 and FMA. The pointers formed below
            // (the caller's contract says these elements exist): `t.a + r * rsa + p * csa`
            // (`A'(r, p)`, `r < MR`, `p < k`); `t.b + p * ldb` (row `p < k` of `B'`, at least
            // one column), `+ lanes` only if `load_cols > lanes`, read as at most
            // `load_cols` columns; `t.pack + p * NR (+ lanes)` (the `k x NR` panel, if
            // `PACK`); `t.c + r * ldc` (row `r < MR` of `C`), `+ h * lanes` only if
            // `store_cols == NR`, else `+ j` for `j < store_cols`; `tmp` (`NR` elements).
            unsafe {
                let mut acc: [[[$v; 2]; MR]; KU] = [[[$setzero(); 2]; MR]; KU];
                // A partial row of `B'` is read with masked loads (lanes past `load_cols`
                // read as zero and never touch memory); only loads are masked, never stores.
                let mut m0 = [0 as $int; $lanes];
                let mut m1 = [0 as $int; $lanes];
                for j in 0..$lanes {
                    if j < t.load_cols {
                        m0[j] = -1;
                    }
                    if j + $lanes < t.load_cols {
                        m1[j] = -1;
                    }
                }
                let (m0, m1) = ($mask(m0), $mask(m1));
                // One step: `acc[r] += A'(r, p) * B'(p, ..)` (a macro, not a closure: a
                // closure would be a separate function without the AVX2 target feature).
                macro_rules! step {
                    ($acc:expr, $p:expr) => {{
                        let p = $p;
                        let row = t.b.add(p * t.ldb);
                        // `row + lanes` is formed only if that column is in the
                        // panel: past it, it could point past the end of `B`.
                        let (b0, b1) = if t.load_cols == NR {
                            ($load(row), $load(row.add($lanes)))
                        } else if t.load_cols > $lanes {
                            ($load(row), $maskload(row.add($lanes), m1))
                        } else {
                            ($maskload(row, m0), $setzero())
                        };
                        if PACK {
                            $store(t.pack.add(p * NR), b0);
                            $store(t.pack.add(p * NR + $lanes), b1);
                        }
                        let acc: &mut [[$v; 2]; MR] = $acc;
                        for (r, acc) in acc.iter_mut().enumerate() {
                            let a = $bcast(&*t.a.add(r * t.rsa + p * t.csa));
                            acc[0] = $fmadd(a, b0, acc[0]);
                            acc[1] = $fmadd(a, b1, acc[1]);
                        }
                    }};
                }
                let mut p = 0;
                while p + KU <= t.k {
                    for (u, acc) in acc.iter_mut().enumerate() {
                        step!(acc, p + u);
                    }
                    p += KU;
                }
                while p < t.k {
                    step!(&mut acc[0], p);
                    p += 1;
                }
                let mut sum = acc[0];
                for part in &acc[1..] {
                    for (s, x) in sum.iter_mut().zip(part) {
                        s[0] = $add(s[0], x[0]);
                        s[1] = $add(s[1], x[1]);
                    }
                }
                let alpha = $set1(t.alpha);
                for (r, s) in sum.iter().enumerate() {
                    let c = t.c.add(r * t.ldc);
                    if t.store_cols == NR {
                        for h in 0..2 {
                            let ch = c.add(h * $lanes);
                            let out = if t.accumulate {
                                $fmadd(alpha, s[h], $load(ch))
                            } else {
                                $mul(alpha, s[h])
                            };
                            $store(ch, out);
                        }
                    } else {
                        let mut tmp = [0.0 as $t; NR];
                        $store(tmp.as_mut_ptr(), s[0]);
                        $store(tmp.as_mut_ptr().add($lanes), s[1]);
                        for (j, &x) in tmp.iter().enumerate().take(t.store_cols) {
                            let cj = c.add(j);
                            *cj = if t.accumulate {
                                t.alpha.mul_add(x, *cj)
                            } else {
                                t.alpha * x
                            };
                        }
                    }
                }
            }
        }
    };
}

avx2_tile!(
    tile_f32,
    f32,
    __m256,
    8,
    _mm256_setzero_ps,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_broadcast_ss,
    _mm256_fmadd_ps,
    _mm256_mul_ps,
    _mm256_add_ps,
    _mm256_set1_ps,
    i32,
    mask_f32,
    _mm256_maskload_ps
);
avx2_tile!(
    tile_f64,
    f64,
    __m256d,
    4,
    _mm256_setzero_pd,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_broadcast_sd,
    _mm256_fmadd_pd,
    _mm256_mul_pd,
    _mm256_add_pd,
    _mm256_set1_pd,
    i64,
    mask_f64,
    _mm256_maskload_pd
);

impl MulAdd<f32> for Fused {
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }

    #[inline(always)]
    unsafe fn tile<const MR: usize, const NR: usize, const KU: usize, const PACK: bool>(
        t: Tile<f32>,
    ) {
        if NR == 16 {
            // SAFETY: forwarded contract; `Fused` only runs in AVX2 + FMA functions.
            unsafe { tile_f32::<MR, KU, PACK>(t) };
        } else {
            // SAFETY: forwarded contract.
            unsafe { block::portable_tile::<f32, Self, MR, NR, KU, PACK>(t) };
        }
    }
}

impl MulAdd<f64> for Fused {
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }

    #[inline(always)]
    unsafe fn tile<const MR: usize, const NR: usize, const KU: usize, const PACK: bool>(
        t: Tile<f64>,
    ) {
        if NR == 8 {
            // SAFETY: forwarded contract; `Fused` only runs in AVX2 + FMA functions.
            unsafe { tile_f64::<MR, KU, PACK>(t) };
        } else {
            // SAFETY: forwarded contract.
            unsafe { block::portable_tile::<f64, Self, MR, NR, KU, PACK>(t) };
        }
    }
}

/// Block shapes: 6 x 16 `f32` (12 of the 16 `ymm` registers), 6 x 8 `f64`; a single
/// leftover row uses 128 (`f32`) or 64 (`f64`) columns, 16 registers (it streams whole rows
/// of `B`, which is what one row is bound by); packed panels are 256 x 16 / 256 x 8 (16 KiB).
const MR: usize = 6;

#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_f32<const N: usize>(o: Operands<f32>, accumulate: bool) {
    let o = Operands { n: N, ..o };
    // SAFETY: forwarded contract.
    unsafe {
        if block::worth_packing(&o, MR, 16) {
            let src = Source::Rows { b: o.b, ld: o.ldb };
            block::gemm_packed::<f32, Fused, MR, 16, 4096>(o, src, accumulate);
        } else {
            block::gemm::<f32, Fused, MR, 16, 128, 4>(o, accumulate);
        }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_f64<const N: usize>(o: Operands<f64>, accumulate: bool) {
    let o = Operands { n: N, ..o };
    // SAFETY: forwarded contract.
    unsafe {
        if block::worth_packing(&o, MR, 8) {
            let src = Source::Rows { b: o.b, ld: o.ldb };
            block::gemm_packed::<f64, Fused, MR, 8, 2048>(o, src, accumulate);
        } else {
            block::gemm::<f64, Fused, MR, 8, 64, 4>(o, accumulate);
        }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn packed_f32<const N: usize>(o: Operands<f32>, src: Source<f32>, accumulate: bool) {
    // SAFETY: forwarded contract.
    unsafe {
        block::gemm_packed::<f32, Fused, MR, 16, 4096>(Operands { n: N, ..o }, src, accumulate);
    };
}

#[target_feature(enable = "avx2,fma")]
unsafe fn packed_f64<const N: usize>(o: Operands<f64>, src: Source<f64>, accumulate: bool) {
    // SAFETY: forwarded contract.
    unsafe {
        block::gemm_packed::<f64, Fused, MR, 8, 2048>(Operands { n: N, ..o }, src, accumulate);
    };
}
