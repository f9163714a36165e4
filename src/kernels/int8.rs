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

use crate::quant::requant::{
    QuantizedMultiplier, multiply_by_quantized_multiplier, rounding_divide_by_pot,
};

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
        let v = scale(acc, m).saturating_add(i32::from(self.zero_point));
        v.clamp(i32::from(self.min), i32::from(self.max)) as i8
    }
}

/// [`multiply_by_quantized_multiplier`], same bits for every input, with the common case
/// (`shift <= 0`, `M < 1`) in a straight line: no left shift, and the high multiply cannot
/// saturate when the multiplier is not `i32::MIN` (a valid one is below `2^31`), so it is
/// `floor((acc q + 2^30) / 2^31)`, then the rounding right shift by `-shift`. Anything else
/// takes the general function, out of line.
#[inline]
fn scale(acc: i32, m: QuantizedMultiplier) -> i32 {
    if m.shift <= 0 && m.multiplier != i32::MIN {
        let right = (m.shift.wrapping_neg() & 31).cast_unsigned();
        rounding_divide_by_pot(high_mul(acc, m.multiplier), right)
    } else {
        scale_general(acc, m)
    }
}

/// `floor((a b + 2^30) / 2^31)` for `b != i32::MIN` (it fits `i32`): a widening multiply.
/// |a b| <= 2^31 (2^31 - 1) < 2^62: no overflow.
#[inline]
fn high_mul(a: i32, b: i32) -> i32 {
    ((i64::from(a) * i64::from(b) + (1 << 30)) >> 31) as i32
}

/// The rare case of [`scale`] (`M >= 1`, or an invalid multiplier), kept out of the loop.
#[cold]
#[inline(never)]
fn scale_general(acc: i32, m: QuantizedMultiplier) -> i32 {
    multiply_by_quantized_multiplier(acc, m)
}

/// One row through an int8 dense layer on the portable path (see the [module](self)).
///
/// Output channels go in groups of four (the Cortex-M0 has its own kernel, with the same
/// bits: `int8_cortex_m.rs`): each input value is loaded once
/// for the group's dot products, with independent accumulators; the remaining channels one
/// at a time. Integer sums are exact, so
/// the grouping does not change any bit.
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
    #[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
    return super::int8_cortex_m::dense_row(x, w, r, y);
    #[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
    grouped(x, w, r, y);
}

/// [`dense_row`] everywhere but on the Cortex-M0 (`int8_cortex_m.rs`).
#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
#[inline]
fn grouped<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    // `as_chunks`: groups of G and the rest, with no bounds check and no panic path.
    let (wg, w_rest) = w.as_chunks::<G>();
    let (yg, y_rest) = y.as_chunks_mut::<G>();
    let (bg, b_rest) = r.bias.as_chunks::<G>();
    let (mg, m_rest) = r.multiplier.as_chunks::<G>();
    for (((g, yg), bg), mg) in wg.iter().zip(yg).zip(bg).zip(mg) {
        let d = dot_group(x, g);
        // Indices below the arrays' constant length `G`: no bounds check, unrolled (a
        // zipped array iterator kept its state on the stack).
        *yg = core::array::from_fn(|k| r.finish(bg[k], mg[k], d[k]));
    }
    for (((wo, yo), &b), &m) in w_rest.iter().zip(y_rest).zip(b_rest).zip(m_rest) {
        *yo = r.finish(b, m, dot_one(x, wo));
    }
}

/// Output channels per group: each input load serves four multiply-adds (the Cortex-M0 has
/// its own grouping, `int8_cortex_m.rs`).
#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
const G: usize = 4;

/// `G` dot products of `x` with the rows of `g`, sharing each load of `x`.
#[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
#[inline]
fn dot_group<const I: usize>(x: &[i8; I], g: &[[i8; I]; 4]) -> [i32; 4] {
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    if const { super::int8_cortex_m4::fits(I) } {
        return super::int8_cortex_m4::dot4(x, g);
    }
    dot4(x, g)
}

/// The dot product of `x` with one row: on the Cortex-M4, the `SMLAD` loop of
/// `int8_cortex_m4.rs`; elsewhere [`dot`].
#[cfg_attr(
    all(target_arch = "arm", not(target_has_atomic = "32")),
    allow(dead_code)
)]
#[inline]
fn dot_one<const I: usize>(x: &[i8; I], w: &[i8; I]) -> i32 {
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    return super::int8_cortex_m4::dot1(x, w);
    #[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
    dot(x, w)
}

/// Four dot products of `x` with the rows of `g`, sharing each load of `x`.
#[cfg_attr(
    all(target_arch = "arm", not(target_has_atomic = "32")),
    allow(dead_code)
)]
#[inline]
fn dot4<const I: usize>(x: &[i8; I], g: &[[i8; I]; 4]) -> [i32; 4] {
    let [g0, g1, g2, g3] = g;
    let mut acc = [0_i32; 4];
    for ((((&xi, &w0), &w1), &w2), &w3) in x.iter().zip(g0).zip(g1).zip(g2).zip(g3) {
        let xi = i32::from(xi);
        acc[0] = acc[0].wrapping_add(xi * i32::from(w0));
        acc[1] = acc[1].wrapping_add(xi * i32::from(w1));
        acc[2] = acc[2].wrapping_add(xi * i32::from(w2));
        acc[3] = acc[3].wrapping_add(xi * i32::from(w3));
    }
    acc
}
