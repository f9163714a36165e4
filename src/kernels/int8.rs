//! int8 dense-layer kernels (issue 11): one row `x` (`I` int8 values) through a dense layer
//! whose weights are stored per output channel (`w[o]` is the `I` weights of output `o`):
//!
//! ```text
//! acc[o] = bias[o] + sum_i w[o][i] x[i]                       (int32)
//! y[o]   = clamp(z_y + multiply_by_quantized_multiplier(acc[o], m[o]), lo, hi)
//! ```
//!
//! `bias` already holds `-z_x sum_i w[o][i]` (folded offline), so the inner loop is a plain
//! int8 dot product. Products and sums are int32 with wrapping adds: the quantizer (and the
//! loaders) guarantee that the exact `acc` fits in `i32`, so the wrapped sum is the exact sum
//! whatever the order of the additions; every path gives the same bits.
//!
//! This file is the portable path (safe code, which LLVM vectorizes on the host).

use crate::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};

/// The int8 dot product `sum_i a[i] b[i]` in `i32`, wrapping (exact when the true sum fits).
///
/// # Examples
/// ```
/// use ctensor::kernels::int8::dot;
/// assert_eq!(dot(&[1, -2, 3], &[127, 127, -128]), 127 - 254 - 384);
/// ```
#[inline]
#[must_use]
pub fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &w)| i32::from(x) * i32::from(w))
        .fold(0_i32, i32::wrapping_add)
}

/// The per-output-channel constants of an int8 dense layer, and its output's zero point and
/// clamp (ReLU is the clamp's lower bound).
///
/// # Examples
/// ```
/// use ctensor::kernels::int8::Requant;
/// use ctensor::quant::requant::quantize_multiplier;
/// let r = Requant { bias: &[0], multiplier: &[quantize_multiplier(0.5)?], zero_point: 0, min: -128, max: 127 };
/// assert_eq!(r.output(0, 9), 5); // 4.5 rounds away from zero
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Requant<'a, const O: usize> {
    /// int32 biases, `-z_x sum w` folded in.
    pub bias: &'a [i32; O],
    /// `s_x s_w[o] / s_y` per output channel.
    pub multiplier: &'a [QuantizedMultiplier; O],
    /// The output's zero point.
    pub zero_point: i8,
    /// The clamp's lower bound (the zero point for a fused ReLU, else -128).
    pub min: i8,
    /// The clamp's upper bound.
    pub max: i8,
}

impl<const O: usize> Requant<'_, O> {
    /// Output `o` from the dot product `dot` of its weights with the input row.
    ///
    /// # Panics
    /// If `o >= O`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::kernels::int8::Requant;
    /// use ctensor::quant::requant::quantize_multiplier;
    /// let r = Requant { bias: &[10], multiplier: &[quantize_multiplier(1.0)?], zero_point: -5, min: -5, max: 127 };
    /// assert_eq!(r.output(0, -100), -5); // -90 - 5 clamped to the ReLU's bound
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[inline]
    #[must_use]
    pub fn output(&self, o: usize, dot: i32) -> i8 {
        self.finish(self.bias[o], self.multiplier[o], dot)
    }

    #[inline]
    fn finish(&self, bias: i32, m: QuantizedMultiplier, dot: i32) -> i8 {
        let acc = bias.wrapping_add(dot);
        let v = multiply_by_quantized_multiplier(acc, m).saturating_add(i32::from(self.zero_point));
        v.clamp(i32::from(self.min), i32::from(self.max)) as i8
    }
}

/// One row through an int8 dense layer on the portable path (see the [module](self)).
///
/// # Examples
/// ```
/// use ctensor::kernels::int8::{Requant, dense_row};
/// use ctensor::quant::requant::quantize_multiplier;
/// let w = [[1, 2], [3, -4]];
/// let m = [quantize_multiplier(1.0)?; 2];
/// let r = Requant { bias: &[0, 1], multiplier: &m, zero_point: 0, min: -128, max: 127 };
/// let mut y = [0; 2];
/// dense_row(&[5, 6], &w, &r, &mut y);
/// assert_eq!(y, [17, -8]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[inline]
pub fn dense_row<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    for (((yo, wo), &b), &m) in y.iter_mut().zip(w).zip(r.bias).zip(r.multiplier) {
        *yo = r.finish(b, m, dot(x, wo));
    }
}
