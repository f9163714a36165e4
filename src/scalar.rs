//! The [`Scalar`] trait: the element types a tensor can hold (`f32` and `f64`).

use core::fmt::{Debug, Display};
use core::iter::Sum;
use num_traits::NumAssign;
use num_traits::float::FloatCore;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type: `f32` or `f64`.
///
/// The trait is sealed: its math (`exp`, `ln`, `ln_1p`, `sqrt`) comes from `std`, or from the
/// `libm` crate when the `libm` feature is on (then on every target, for bit-identical results
/// on a host and a microcontroller). Comparisons, `abs`, `max` and the like come from
/// [`num_traits::float::FloatCore`], which needs no math library.
///
/// # Examples
/// ```
/// use ctensor::Scalar;
/// fn softplus<T: Scalar>(x: T) -> T {
///     (T::ONE + x.exp()).ln()
/// }
/// assert!((softplus(0.0_f64) - 2.0_f64.ln()).abs() < 1e-15);
/// assert_eq!(f32::TAG, 1);
/// ```
pub trait Scalar:
    sealed::Sealed
    + FloatCore
    + NumAssign
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + bytemuck::Pod
    + 'static
{
    /// Zero, usable in `const` contexts.
    const ZERO: Self;
    /// One, usable in `const` contexts.
    const ONE: Self;
    /// Size in bytes.
    const BYTES: usize;
    /// The tag written in weights files: 1 for `f32`, 2 for `f64`.
    const TAG: u8;
    /// The type's name, for error messages: `"f32"` or `"f64"`.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` (exact). Named `as_f64`, not `to_f64`, so that it cannot resolve to
    /// `num_traits::ToPrimitive::to_f64` (which returns an `Option`) in generic code.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Scalar;
    /// fn mean<T: Scalar>(xs: &[T]) -> f64 {
    ///     xs.iter().map(|x| x.as_f64()).sum::<f64>() / xs.len() as f64
    /// }
    /// assert_eq!(mean(&[1.0_f32, 2.0]), 1.5);
    /// ```
    fn as_f64(self) -> f64;
    /// `e^self`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + self)`, accurate near zero.
    fn ln_1p(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// `self * a + b`: one fused instruction where the target has FMA at compile time,
    /// otherwise a plain multiply and add (never a slow software `fma` call).
    fn mul_add_fast(self, a: Self, b: Self) -> Self;
    /// Writes the little-endian bytes of `self` into `out[..Self::BYTES]`.
    ///
    /// # Panics
    /// If `out` is shorter than [`Scalar::BYTES`].
    fn write_le(self, out: &mut [u8]);
    /// Reads a value from the little-endian bytes `bytes[..Self::BYTES]`.
    ///
    /// # Panics
    /// If `bytes` is shorter than [`Scalar::BYTES`].
    fn read_le(bytes: &[u8]) -> Self;
}

macro_rules! impl_scalar {
    ($t:ident, $tag:expr, $exp:ident, $ln:ident, $ln1p:ident, $sqrt:ident) => {
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const BYTES: usize = core::mem::size_of::<$t>();
            const TAG: u8 = $tag;
            const NAME: &'static str = stringify!($t);

            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn as_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn exp(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$exp(self);
                #[cfg(not(feature = "libm"))]
                return <$t>::exp(self);
            }
            #[inline(always)]
            fn ln(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$ln(self);
                #[cfg(not(feature = "libm"))]
                return <$t>::ln(self);
            }
            #[inline(always)]
            fn ln_1p(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$ln1p(self);
                #[cfg(not(feature = "libm"))]
                return <$t>::ln_1p(self);
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$sqrt(self);
                #[cfg(not(feature = "libm"))]
                return <$t>::sqrt(self);
            }
            #[inline(always)]
            fn mul_add_fast(self, a: Self, b: Self) -> Self {
                #[cfg(all(target_feature = "fma", feature = "std"))]
                return <$t>::mul_add(self, a, b);
                #[cfg(not(all(target_feature = "fma", feature = "std")))]
                return self * a + b;
            }
            #[inline]
            fn write_le(self, out: &mut [u8]) {
                out[..Self::BYTES].copy_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn read_le(bytes: &[u8]) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                raw.copy_from_slice(&bytes[..Self::BYTES]);
                <$t>::from_le_bytes(raw)
            }
        }
    };
}

impl_scalar!(f32, 1, expf, logf, log1pf, sqrtf);
impl_scalar!(f64, 2, exp, log, log1p, sqrt);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_round_trip_is_bit_exact() {
        let mut buf = [0u8; 8];
        for x in [0.1_f64, -3.5e300, f64::MIN_POSITIVE] {
            x.write_le(&mut buf);
            assert_eq!(f64::read_le(&buf).to_bits(), x.to_bits());
        }
        1.5_f32.write_le(&mut buf);
        assert_eq!(&buf[..4], &[0, 0, 0xc0, 0x3f]);
    }

    #[test]
    fn math_matches_definitions() {
        assert!((Scalar::exp(1.0_f64) - core::f64::consts::E).abs() < 1e-15);
        assert!((Scalar::ln_1p(1e-10_f64) - (1e-10 - 5e-21)).abs() < 1e-30);
        assert_eq!(Scalar::sqrt(9.0_f32), 3.0);
    }
}
