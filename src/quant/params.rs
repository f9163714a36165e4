//! [`QuantParams`]: the affine map between an int8 tensor and the reals it stands for,
//! `real = scale (q - zero_point)`.

use crate::{Error, Result};

/// The quantization of one tensor: `real = scale * (q - zero_point)`, `q` an `i8`.
///
/// Activations have one per tensor (any zero point); weights have one scale per output
/// channel and zero point 0 (symmetric, stored in the layer).
///
/// # Examples
/// ```
/// use ctensor::quant::QuantParams;
/// let p = QuantParams::from_range(-1.0, 3.0)?; // 256 levels over [-1, 3]
/// assert_eq!(p.zero_point, -64);
/// assert_eq!(p.quantize(0.0), -64);
/// assert!((p.dequantize(p.quantize(1.0)) - 1.0).abs() <= p.scale / 2.0);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct QuantParams {
    /// The real step between two consecutive int8 values (finite, > 0).
    pub scale: f32,
    /// The int8 value that stands for the real 0.
    pub zero_point: i8,
}

impl QuantParams {
    /// Parameters from a scale and a zero point.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] if `scale` is not finite and > 0.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::QuantParams;
    /// const P: QuantParams = match QuantParams::new(0.5, 3) { Ok(p) => p, Err(_) => panic!() };
    /// assert_eq!(P.dequantize(5), 1.0);
    /// assert!(QuantParams::new(0.0, 0).is_err());
    /// ```
    pub const fn new(scale: f32, zero_point: i8) -> Result<Self> {
        if !(scale > 0.0 && scale <= f32::MAX) {
            return Err(Error::InvalidHyperParameter {
                name: "quantization scale",
                value: scale as f64,
                expected: "finite and > 0",
            });
        }
        Ok(Self { scale, zero_point })
    }

    /// The parameters that map `[min, max]`, widened to contain 0 (so that 0, ReLU's bound
    /// and zero padding, is exact), onto the 256 int8 values: `scale = (max - min) / 255`,
    /// `zero_point = round(-128 - min / scale)` (TFLite's asymmetric activation scheme). A
    /// range of width 0 (all values 0) gets scale 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] if `min` or `max` is not finite, `min > max`, or the
    /// scale does not fit in `f32`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::QuantParams;
    /// let p = QuantParams::from_range(0.0, 2.55)?; // after a ReLU: zero point -128
    /// assert_eq!(p.zero_point, -128);
    /// assert!((p.scale - 0.01).abs() < 1e-9);
    /// assert_eq!(QuantParams::from_range(0.0, 0.0)?.scale, 1.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn from_range(min: f64, max: f64) -> Result<Self> {
        if !(min.is_finite() && max.is_finite() && min <= max) {
            return Err(Error::InvalidHyperParameter {
                name: "calibration range",
                value: if min.is_finite() { max } else { min },
                expected: "finite, with min <= max",
            });
        }
        let (min, max) = (min.min(0.0), max.max(0.0));
        if max - min == 0.0 {
            return Self::new(1.0, 0);
        }
        let scale = ((max - min) / 255.0) as f32;
        let check = Self::new(scale, 0)?;
        let zp = round_half_away(-128.0 - min / f64::from(check.scale)).clamp(-128, 127);
        Self::new(scale, zp as i8)
    }

    /// `clamp(round(v / scale) + zero_point, -128, 127)`, the division in `f32` and the
    /// rounding half away from zero, as TFLite's reference `Quantize`. NaN gives the zero
    /// point (check inputs first: [`QSeq`](crate::quant::QSeq) does).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::QuantParams;
    /// let p = QuantParams::new(0.5, 0)?;
    /// assert_eq!((p.quantize(0.25), p.quantize(-0.25), p.quantize(1e9)), (1, -1, 127));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn quantize(self, v: f32) -> i8 {
        let q = round_half_away(f64::from(v / self.scale));
        q.saturating_add(i64::from(self.zero_point))
            .clamp(-128, 127) as i8
    }

    /// `scale * (q - zero_point)`.
    ///
    /// # Examples
    /// ```
    /// let p = ctensor::quant::QuantParams::new(0.25, -128)?;
    /// assert_eq!(p.dequantize(-124), 1.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn dequantize(self, q: i8) -> f32 {
        self.scale * (i32::from(q) - i32::from(self.zero_point)) as f32
    }
}

/// `v` rounded to the nearest integer, ties away from zero, saturated to `i64` (NaN: 0).
/// Exact: the truncation `t` of `|v|` and `|v| - t` are exact in `f64` (no `|v| + 0.5`,
/// which rounds `0.5 - 2^-54` up to 1).
pub(crate) fn round_half_away(v: f64) -> i64 {
    let a = v.abs();
    let t = a as i64; // truncates; saturates above 2^63 (NaN: 0)
    let r = if a < 9.0e15 && a - t as f64 >= 0.5 {
        t + 1
    } else {
        t
    };
    if v < 0.0 { -r } else { r }
}
