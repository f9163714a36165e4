//! `x86_64` with `std`: the block kernel compiled for AVX2 + FMA, chosen at run time.

use core::any::TypeId;
use core::sync::atomic::{AtomicU8, Ordering};

use super::block::{self, Fused, Operands, Source};
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
        alpha: U::from_f64(o.alpha.to_f64()),
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

/// Block shapes: 6 x 16 `f32` (12 of the 16 `ymm` registers), 6 x 8 `f64`; a single
/// leftover row uses 128 (`f32`) or 64 (`f64`) columns, 16 registers (it streams whole rows
/// of `B`, which is what one row is bound by); packed panels are 256 x 16 / 256 x 8 (16 KiB).
const MR: usize = 6;

#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_f32<const N: usize>(o: Operands<f32>, accumulate: bool) {
    let o = Operands { n: N, ..o };
    // SAFETY: forwarded contract.
    unsafe {
        if block::worth_packing(&o, MR) {
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
        if block::worth_packing(&o, MR) {
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
