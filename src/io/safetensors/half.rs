//! Half-precision values (`F16`, IEEE 754 binary16, and `BF16`, bfloat16) to `f32`: both are
//! exact, every half value is an `f32`.

/// The `f32` value of an IEEE 754 binary16 number given by its bits (exact: subnormals,
/// infinities and NaN included).
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::f16_to_f32;
/// assert_eq!(f16_to_f32(0x3C00), 1.0);
/// assert_eq!(f16_to_f32(0xC000), -2.0);
/// assert_eq!(f16_to_f32(0x7BFF), 65504.0); // the largest finite
/// assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24)); // the smallest subnormal
/// assert!(f16_to_f32(0x7C00).is_infinite() && f16_to_f32(0x7E00).is_nan());
/// ```
#[must_use]
pub fn f16_to_f32(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = u32::from((bits >> 10) & 0x1F);
    let mantissa = u32::from(bits & 0x3FF);
    match exponent {
        // Subnormal (and zero): mantissa * 2^-24, exact in f32.
        0 => sign * mantissa as f32 * f32::from_bits((127 - 24) << 23),
        0x1F if mantissa == 0 => sign * f32::INFINITY,
        0x1F => f32::NAN,
        // Normal: rebias the exponent (15 -> 127) and widen the mantissa (10 -> 23 bits).
        e => {
            let sign_bit = u32::from(bits & 0x8000) << 16;
            f32::from_bits(sign_bit | ((e + 127 - 15) << 23) | (mantissa << 13))
        }
    }
}

/// The `f32` value of a bfloat16 number given by its bits: the top half of an `f32`.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::bf16_to_f32;
/// assert_eq!(bf16_to_f32(0x3F80), 1.0);
/// assert_eq!(bf16_to_f32(0xC040), -3.0);
/// ```
#[must_use]
pub fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}
