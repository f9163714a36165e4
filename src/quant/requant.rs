//! Requantization arithmetic: TFLite's fixed-point scheme for multiplying an `i32`
//! accumulator by a real number `M` (`0 < M < 2^31`) with integer operations only.
//!
//! `M` is written once, offline, as `M = q / 2^31 * 2^shift` with a Q31 multiplier
//! `q` in `[2^30, 2^31)` ([`quantize_multiplier`]). At run time `x * M` is
//! [`multiply_by_quantized_multiplier`]: a left shift by `max(shift, 0)`, the
//! [saturating rounding doubling high multiply](saturating_rounding_doubling_high_mul) by `q`,
//! then a [rounding right shift](rounding_divide_by_pot) by `max(-shift, 0)`.
//!
//! The rounding rules, each the one TFLite's reference kernels use (gemmlowp's
//! `SaturatingRoundingDoublingHighMul` and `RoundingDivideByPOT`, TFLite's
//! `QuantizeMultiplier` and `MultiplyByQuantizedMultiplier`), so that results can be checked
//! bit for bit against them:
//! - `quantize_multiplier`: `M = m 2^e` with `m` in `[0.5, 1)` (`frexp`), `q = round(m 2^31)`
//!   with ties away from zero (TFLite's `TfLiteRound`); if that rounds up to `2^31`, then
//!   `q = 2^30` and `e + 1`. `M` below `2^-32` (a shift below `-31`) becomes `q = 0, shift =
//!   0`, as in TFLite.
//! - the high multiply: `(a b + nudge) / 2^31`, with the quotient truncated toward zero and
//!   `nudge = 2^30` if `a b >= 0`, else `1 - 2^30`. That is `floor((a b + 2^30) / 2^31)`:
//!   round to nearest, ties toward **+infinity** (`1.5 -> 2`, `-1.5 -> -1`; the asymmetric
//!   nudge is gemmlowp's, kept for bit-exactness). The one case that overflows,
//!   `a = b = i32::MIN`, saturates to `i32::MAX`.
//! - the right shift: `x / 2^e` rounded to nearest, ties away from zero (the remainder is
//!   compared with half the divisor, one more for negative `x`).
//! - the left shift (only when `M >= 1`): saturating, where TFLite's `x * (1 << shift)`
//!   would overflow (undefined behaviour in C++). The saturated value still multiplies to a
//!   magnitude of at least `2^30`, so once clamped to `i8` the result is the exact one.
//!
//! # Examples
//! ```
//! use ctensor::quant::requant::{multiply_by_quantized_multiplier, quantize_multiplier};
//! let m = quantize_multiplier(0.25)?;
//! assert_eq!((m.multiplier, m.shift), (1 << 30, -1));
//! assert_eq!(multiply_by_quantized_multiplier(10, m), 3); // 2.5 rounds away from zero
//! assert_eq!(multiply_by_quantized_multiplier(-10, m), -3);
//! # Ok::<(), ctensor::Error>(())
//! ```

use crate::{Error, Result};

/// A real multiplier `M = multiplier / 2^31 * 2^shift` in TFLite's fixed-point form.
///
/// # Examples
/// ```
/// let m = ctensor::quant::requant::quantize_multiplier(0.75)?;
/// assert_eq!(m.to_f64(), 0.75);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, bytemuck_derive::Zeroable)]
pub struct QuantizedMultiplier {
    /// The Q31 multiplier: in `[2^30, 2^31)`, or 0 for `M = 0`.
    pub multiplier: i32,
    /// The power of two: positive is a left shift, negative a right shift; in `[-31, 30]`.
    pub shift: i32,
}

impl QuantizedMultiplier {
    /// The real number this stands for, `multiplier / 2^31 * 2^shift` (exact in `f64`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::requant::QuantizedMultiplier;
    /// let m = QuantizedMultiplier { multiplier: 1 << 30, shift: 2 };
    /// assert_eq!(m.to_f64(), 2.0);
    /// ```
    #[must_use]
    pub fn to_f64(self) -> f64 {
        f64::from(self.multiplier) * pow2(self.shift - 31)
    }

    /// Whether the fields are in range: `multiplier` in `[2^30, 2^31)` and `shift` in
    /// `[-31, 30]`, or both 0.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::requant::QuantizedMultiplier;
    /// assert!(QuantizedMultiplier { multiplier: 1 << 30, shift: -3 }.is_valid());
    /// assert!(!QuantizedMultiplier { multiplier: 5, shift: 0 }.is_valid());
    /// ```
    #[must_use]
    pub const fn is_valid(self) -> bool {
        (self.multiplier == 0 && self.shift == 0)
            || (self.multiplier >= 1 << 30 && self.shift >= -31 && self.shift <= 30)
    }
}

/// `2^e` for `e` in `[-1074, 1023]`, exactly.
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1_u64 << (e + 1074))
    }
}

/// TFLite's `QuantizeMultiplier`: the Q31 multiplier and shift of a real multiplier `real`
/// (see the [module](self) for the rounding).
///
/// `const`, with integer arithmetic on the bits of `real` (no float rounding mode, no
/// `libm`), so the same multiplier is computed on every target.
///
/// # Errors
/// [`Error::InvalidHyperParameter`] if `real` is negative, NaN, infinite or `>= 2^31` (the
/// shift would not fit in `[-31, 30]`).
///
/// # Examples
/// ```
/// use ctensor::quant::requant::quantize_multiplier;
/// let m = quantize_multiplier(0.1)?;
/// assert_eq!((m.multiplier, m.shift), (1_717_986_918, -3));
/// assert_eq!(quantize_multiplier(0.0)?.multiplier, 0);
/// assert!(quantize_multiplier(-1.0).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
pub const fn quantize_multiplier(real: f64) -> Result<QuantizedMultiplier> {
    // Not `!(real >= 0.0 && real < 2^31)` on floats alone: NaN fails every comparison.
    if !(real >= 0.0 && real < 2_147_483_648.0) {
        return Err(Error::InvalidHyperParameter {
            name: "requantization multiplier",
            value: real,
            expected: "finite, >= 0 and < 2^31",
        });
    }
    let bits = real.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        // Zero, or subnormal (below 2^-1022): shift < -31, so zero as in TFLite.
        return Ok(QuantizedMultiplier {
            multiplier: 0,
            shift: 0,
        });
    }
    // real = mant / 2^53 * 2^(biased - 1022), mant in [2^52, 2^53): frexp's m = mant / 2^53.
    let mant = frac | (1 << 52);
    let mut shift = biased - 1022;
    // q = round(m 2^31) = round(mant / 2^22), ties away from zero (mant > 0: ties up).
    let mut q = (mant + (1 << 21)) >> 22;
    if q == 1 << 31 {
        q /= 2;
        shift += 1;
    }
    if shift < -31 {
        return Ok(QuantizedMultiplier {
            multiplier: 0,
            shift: 0,
        });
    }
    Ok(QuantizedMultiplier {
        multiplier: q as i32,
        shift,
    })
}

/// gemmlowp's `SaturatingRoundingDoublingHighMul`: `floor((a b + 2^30) / 2^31)`, that is
/// `a b / 2^31` rounded to nearest with ties toward +infinity; `i32::MAX` for
/// `a = b = i32::MIN` (the only overflow).
///
/// # Examples
/// ```
/// use ctensor::quant::requant::saturating_rounding_doubling_high_mul as srdhm;
/// assert_eq!(srdhm(1 << 30, 1 << 30), 1 << 29);
/// assert_eq!(srdhm(3, 1 << 30), 2); // 1.5 -> 2
/// assert_eq!(srdhm(-3, 1 << 30), -1); // -1.5 -> -1: ties toward +infinity
/// assert_eq!(srdhm(i32::MIN, i32::MIN), i32::MAX);
/// ```
#[inline]
#[must_use]
pub const fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    // gemmlowp writes `(ab + nudge) / 2^31` with a truncating division and `nudge = 2^30`
    // for `ab >= 0`, `1 - 2^30` otherwise; that is exactly `floor((ab + 2^30) / 2^31)`, an
    // arithmetic shift (cheaper on 32-bit cores: no sign fix-up of a division). The result
    // fits: |ab| <= 2^62 when not both are `i32::MIN`.
    let ab = a as i64 * b as i64;
    ((ab + (1 << 30)) >> 31) as i32
}

/// gemmlowp's `RoundingDivideByPOT`: `x / 2^exponent` rounded to nearest, ties away from
/// zero.
///
/// # Panics
/// Not for `exponent` in `0..=31`; for others the result is the one for `exponent & 31`
/// (as a shift by a larger amount is undefined in C++, callers never pass one).
///
/// # Examples
/// ```
/// use ctensor::quant::requant::rounding_divide_by_pot as rdiv;
/// assert_eq!(rdiv(5, 1), 3); // 2.5 -> 3
/// assert_eq!(rdiv(-5, 1), -3); // -2.5 -> -3
/// assert_eq!(rdiv(-7, 2), -2); // -1.75 -> -2
/// assert_eq!(rdiv(i32::MIN, 31), -1);
/// ```
#[inline]
#[must_use]
pub const fn rounding_divide_by_pot(x: i32, exponent: u32) -> i32 {
    let exponent = exponent & 31;
    let mask = ((1_i64 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + if x < 0 { 1 } else { 0 };
    (x >> exponent) + if remainder > threshold { 1 } else { 0 }
}

/// TFLite's `MultiplyByQuantizedMultiplier`: `x * M`, rounded as the [module](self) says.
///
/// # Examples
/// ```
/// use ctensor::quant::requant::{multiply_by_quantized_multiplier, quantize_multiplier};
/// let m = quantize_multiplier(3.0)?; // shift 2: a left shift first
/// assert_eq!(multiply_by_quantized_multiplier(-7, m), -21);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[inline]
#[must_use]
pub const fn multiply_by_quantized_multiplier(x: i32, m: QuantizedMultiplier) -> i32 {
    let (left, right) = if m.shift > 0 {
        ((m.shift & 31) as u32, 0)
    } else {
        (0, (m.shift.wrapping_neg() & 31) as u32)
    };
    let shifted = if left == 0 {
        x
    } else {
        let wide = (x as i64) << left;
        if wide > i32::MAX as i64 {
            i32::MAX
        } else if wide < i32::MIN as i64 {
            i32::MIN
        } else {
            wide as i32
        }
    };
    rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(shifted, m.multiplier),
        right,
    )
}
