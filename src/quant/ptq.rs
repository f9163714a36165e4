//! Post-training quantization (host, feature `alloc`): a trained float network and a
//! calibration set give an int8 network.
//!
//! The calibration rows go through the float network once, layer by layer; each
//! activation's quantization is the **min/max** of its values over all calibration rows and
//! all its features ([`QuantParams::from_range`]: widened to contain 0, 256 levels).
//! Outliers are **not clipped**: every calibration value is representable, and an outlier
//! widens the step of the whole tensor (TFLite's default converter does the same). Choose a
//! calibration set without corrupt rows; a few hundred typical rows are enough.
//!
//! A dense layer followed by a ReLU is calibrated on its values *after* the ReLU (range
//! `[0, max]`, zero point -128) and gets the ReLU as its clamp's lower bound (`act_min`), as
//! TFLite fuses it; the [`QRelu`] that follows then changes nothing. Weights: per output
//! channel, `s_w = max |w| / 127`, `q = round(w / s_w)` (ties away from zero); biases:
//! `round(b / (s_x s_w))`, minus `z_x sum q` (folded). A channel whose weights are so small
//! that its bias would not fit in int32 at scale `s_x s_w` (a unit that L2 switched off)
//! gets a larger `s_w` instead, as in TFLite's converter.

use alloc::vec::Vec;

use crate::nn::layer::Forward;
use crate::quant::dense::QDense;
use crate::quant::dropout::QDropout;
use crate::quant::layer::QLayer;
use crate::quant::net::QSeq;
use crate::quant::params::{QuantParams, round_half_away};
use crate::quant::relu::QRelu;
use crate::{Dense, DropoutLayer, Error, Mlp, MlpSeq, Relu, Result, Scalar, Seq, relu};

/// Rows per call of the float forward pass during calibration.
const CHUNK: usize = 64;

/// A float layer (or chain) that post-training quantization turns into int8 layers:
/// [`Dense`] into [`QDense`], [`Relu`] into [`QRelu`], [`DropoutLayer`] into [`QDropout`]
/// (the identity), tuples element by element. Use it
/// through [`Seq::quantize`].
///
/// # Examples
/// ```
/// use ctensor::quant::{QDense, QRelu, Quantize};
/// use ctensor::{Dense, Relu};
/// fn same<A, B>() -> bool { core::any::type_name::<A>() == core::any::type_name::<B>() }
/// type Q = <(Dense<4, 3>, Relu<3>) as Quantize>::Quantized;
/// assert!(same::<Q, (QDense<4, 3>, QRelu<3>)>());
/// ```
pub trait Quantize: Forward {
    /// The int8 layer (or chain).
    type Quantized: QLayer;
    /// Whether the first layer is a ReLU (so that the layer before it fuses it).
    const STARTS_WITH_RELU: bool;

    /// The int8 layer for inputs quantized by `input`, calibrated on the float rows `x`,
    /// whose float outputs are appended to `y` (for the next layer's calibration).
    /// `relu_follows`: the layer after this one is a ReLU; `layer`: this layer's position in
    /// the network (for errors).
    ///
    /// # Errors
    /// [`Error::InvalidQuantizedLayer`] or [`Error::InvalidHyperParameter`] if a constant
    /// does not fit (a bias beyond int32, a requantization multiplier beyond `2^31`, a
    /// non-finite activation).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QuantParams, Quantize};
    /// use ctensor::{Dense, Matrix, Vector};
    /// let layer = Dense::<2, 1>::from_parts(Matrix::from_array([[1.0], [-1.0]]), Vector::from_array([0.5]));
    /// let x = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5]];
    /// let input = QuantParams::from_range(-1.0, 1.0)?;
    /// let mut y = Vec::new();
    /// let q = layer.quantize_layer(&x, input, true, &mut y, 0)?;
    /// assert_eq!(y, [[1.5], [-0.5], [-1.0]]); // the float outputs, for the next layer
    /// // A ReLU follows: the output range is [0, 1.5], and the ReLU is the clamp's lower bound.
    /// assert_eq!((q.output.zero_point, q.act_min), (-128, -128));
    /// assert_eq!(q.w, [[127, -127]]); // per channel, s_w = max |w| / 127
    /// let out = q.logits_q(&[input.quantize(1.0), input.quantize(0.0)]);
    /// assert!((q.output.dequantize(out[0]) - 1.5).abs() < 0.02);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn quantize_layer(
        &self,
        x: &[Self::In],
        input: QuantParams,
        relu_follows: bool,
        y: &mut Vec<Self::Out>,
        layer: usize,
    ) -> Result<Self::Quantized>;
}

/// The min/max of every value of `rows` (with `max(v, 0)` if `relu`), in `f64`.
fn range<T: Scalar, const N: usize>(rows: &[[T; N]], relu: bool) -> Result<(f64, f64)> {
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for (row, r) in rows.iter().enumerate() {
        for (col, v) in r.iter().enumerate() {
            let v = v.as_f64();
            if !v.is_finite() {
                return Err(Error::NonFiniteOutput {
                    index: row * N + col,
                });
            }
            let v = if relu { v.max(0.0) } else { v };
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    Ok((lo, hi))
}

impl<const I: usize, const O: usize, T: Scalar> Quantize for Dense<I, O, T> {
    type Quantized = QDense<I, O>;
    const STARTS_WITH_RELU: bool = false;

    fn quantize_layer(
        &self,
        x: &[[T; I]],
        input: QuantParams,
        relu_follows: bool,
        y: &mut Vec<[T; O]>,
        layer: usize,
    ) -> Result<QDense<I, O>> {
        let start = y.len();
        y.resize(start + x.len(), [T::ZERO; O]);
        for (xs, ys) in x.chunks(CHUNK).zip(y[start..].chunks_mut(CHUNK)) {
            self.forward::<CHUNK>(xs, ys, &mut ());
        }
        let (lo, hi) = range(&y[start..], relu_follows)?;
        let output = QuantParams::from_range(lo, hi)?;
        let bad = |what: &'static str, channel: usize| Error::InvalidQuantizedLayer {
            layer,
            what,
            channel,
        };
        let mut q = QDense::<I, O>::zeros();
        let s_x = f64::from(input.scale);
        for o in 0..O {
            let wmax = (0..I)
                .map(|i| self.w[(i, o)].as_f64().abs())
                .fold(0.0, f64::max);
            // The bias must fit in int32 at scale s_x s_w, with room for the folded
            // `-z_x sum q` and the accumulator (each up to 127 128 I): for a channel of tiny
            // weights and a large bias, the weight scale grows (TFLite's converter does the
            // same), at the cost of the precision of those tiny weights.
            let room = (f64::from(i32::MAX) - 2.0 * 127.0 * 128.0 * I as f64) / 2.0;
            let for_bias = if room > 0.0 {
                self.b[o].as_f64().abs() / (s_x * room)
            } else {
                0.0
            };
            let s_w = (wmax / 127.0).max(for_bias) as f32;
            // All-zero (or subnormal) weights and bias: any scale gives q = 0.
            let s_w = if s_w > 0.0 && s_w.is_finite() {
                s_w
            } else {
                1.0
            };
            q.w_scale[o] = s_w;
            let mut sum = 0_i64;
            for i in 0..I {
                let v = round_half_away(self.w[(i, o)].as_f64() / f64::from(s_w)).clamp(-127, 127);
                q.w[o][i] = v as i8;
                sum += v;
            }
            let b = round_half_away(self.b[o].as_f64() / (s_x * f64::from(s_w)));
            let folded = i128::from(b) - i128::from(input.zero_point) * i128::from(sum);
            let folded = i32::try_from(folded)
                .map_err(|_| bad("bias (beyond int32 at scale s_x s_w)", o))?;
            q.bias[o] = folded;
        }
        let act_min = if relu_follows {
            output.zero_point
        } else {
            -128
        };
        QDense::new(q.w, q.w_scale, q.bias, input, output, act_min).map_err(|e| match e {
            Error::InvalidQuantizedLayer { what, channel, .. } => bad(what, channel),
            other => other,
        })
    }
}

impl<const N: usize, T: Scalar> Quantize for Relu<N, T> {
    type Quantized = QRelu<N>;
    const STARTS_WITH_RELU: bool = true;

    fn quantize_layer(
        &self,
        x: &[[T; N]],
        input: QuantParams,
        _: bool,
        y: &mut Vec<[T; N]>,
        _: usize,
    ) -> Result<QRelu<N>> {
        y.extend(x.iter().map(|r| r.map(relu)));
        Ok(QRelu::new(input))
    }
}

impl<const N: usize, T: Scalar> Quantize for DropoutLayer<N, T> {
    type Quantized = QDropout<N>;
    const STARTS_WITH_RELU: bool = false;

    fn quantize_layer(
        &self,
        x: &[[T; N]],
        input: QuantParams,
        _: bool,
        y: &mut Vec<[T; N]>,
        _: usize,
    ) -> Result<QDropout<N>> {
        y.extend_from_slice(x);
        Ok(QDropout::new(input))
    }
}

/// [`Quantize`] of a tuple: each layer in turn, on the previous one's float outputs.
macro_rules! tuple_quantize {
    (
        first: $F:ident $f:tt $qf:ident $yf:ident;
        rest: [$($L:ident $i:tt $q:ident $y:ident from $p:ident after $P:ident),*];
        last: $Z:ident $z:tt $qz:ident from $pz:ident after $PZ:ident;
    ) => {
        impl<$F: Quantize, $($L: Quantize<In = <$P as Forward>::Out>,)* $Z: Quantize<In = <$PZ as Forward>::Out>> Quantize for ($F, $($L,)* $Z)
        where
            ($F, $($L,)* $Z): Forward<In = $F::In, Out = $Z::Out>,
            ($F::Quantized, $($L::Quantized,)* $Z::Quantized): QLayer,
        {
            type Quantized = ($F::Quantized, $($L::Quantized,)* $Z::Quantized);
            const STARTS_WITH_RELU: bool = $F::STARTS_WITH_RELU;

            #[allow(unused_mut, unused_assignments)]
            fn quantize_layer(
                &self,
                x: &[Self::In],
                input: QuantParams,
                relu_follows: bool,
                y: &mut Vec<Self::Out>,
                layer: usize,
            ) -> Result<Self::Quantized> {
                let next = [$($L::STARTS_WITH_RELU,)* $Z::STARTS_WITH_RELU, relu_follows];
                let mut at = layer;
                let mut $yf = Vec::new();
                let $qf = self.$f.quantize_layer(x, input, next[0], &mut $yf, at)?;
                let mut params = $qf.output_params();
                at += $F::ARCH.len();
                $(
                    let mut $y = Vec::new();
                    let $q = self.$i.quantize_layer(&$p, params, next[$i], &mut $y, at)?;
                    drop($p);
                    params = $q.output_params();
                    at += $L::ARCH.len();
                )*
                let $qz = self.$z.quantize_layer(&$pz, params, relu_follows, y, at)?;
                let _ = next;
                Ok(($qf, $($q,)* $qz))
            }
        }
    };
}

impl<F: Quantize> Quantize for (F,)
where
    (F,): Forward<In = F::In, Out = F::Out>,
    (F::Quantized,): QLayer,
{
    type Quantized = (F::Quantized,);
    const STARTS_WITH_RELU: bool = F::STARTS_WITH_RELU;

    fn quantize_layer(
        &self,
        x: &[F::In],
        input: QuantParams,
        relu_follows: bool,
        y: &mut Vec<F::Out>,
        layer: usize,
    ) -> Result<(F::Quantized,)> {
        Ok((self.0.quantize_layer(x, input, relu_follows, y, layer)?,))
    }
}
tuple_quantize!(first: L0 0 q0 y0; rest: []; last: L1 1 q1 from y0 after L0;);
tuple_quantize!(first: L0 0 q0 y0; rest: [L1 1 q1 y1 from y0 after L0]; last: L2 2 q2 from y1 after L1;);
tuple_quantize!(
    first: L0 0 q0 y0; rest: [L1 1 q1 y1 from y0 after L0, L2 2 q2 y2 from y1 after L1]; last: L3 3 q3 from y2 after L2;
);
tuple_quantize!(
    first: L0 0 q0 y0;
    rest: [L1 1 q1 y1 from y0 after L0, L2 2 q2 y2 from y1 after L1, L3 3 q3 y3 from y2 after L2];
    last: L4 4 q4 from y3 after L3;
);
tuple_quantize!(
    first: L0 0 q0 y0;
    rest: [L1 1 q1 y1 from y0 after L0, L2 2 q2 y2 from y1 after L1, L3 3 q3 y3 from y2 after L2, L4 4 q4 y4 from y3 after L3];
    last: L5 5 q5 from y4 after L4;
);
tuple_quantize!(
    first: L0 0 q0 y0;
    rest: [
        L1 1 q1 y1 from y0 after L0, L2 2 q2 y2 from y1 after L1, L3 3 q3 y3 from y2 after L2, L4 4 q4 y4 from y3 after L3,
        L5 5 q5 y5 from y4 after L4
    ];
    last: L6 6 q6 from y5 after L5;
);
tuple_quantize!(
    first: L0 0 q0 y0;
    rest: [
        L1 1 q1 y1 from y0 after L0, L2 2 q2 y2 from y1 after L1, L3 3 q3 y3 from y2 after L2, L4 4 q4 y4 from y3 after L3,
        L5 5 q5 y5 from y4 after L4, L6 6 q6 y6 from y5 after L5
    ];
    last: L7 7 q7 from y6 after L6;
);

impl<L: Quantize> Seq<L> {
    /// The int8 network of this trained one (post-training quantization, see
    /// [`quant::ptq`](crate::quant::ptq)), calibrated on `calibration` (the input's range is
    /// the min/max of all its values; no clipping).
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] for no rows; [`Error::NonFiniteInput`] for a NaN or infinite
    /// calibration value; [`Error::NonFiniteOutput`] if an activation overflows; and as
    /// [`Quantize::quantize_layer`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// use rand::SeedableRng;
    /// let net = Seq::<(Dense<3, 8>, Relu<8>, Dense<8, 2>)>::glorot(&mut rand::rngs::StdRng::seed_from_u64(1));
    /// let calibration = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [-2.0, 1.5, 0.25]];
    /// let q = net.quantize(&calibration)?;
    /// let (f, i) = (net.logits(&calibration[0]), q.predict(&calibration[0])?);
    /// assert!((f[0] - i[0]).abs() < 0.05 && (f[1] - i[1]).abs() < 0.05);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn quantize(&self, calibration: &[L::In]) -> Result<QSeq<L::Quantized>>
    where
        L::In: Calibration,
    {
        if calibration.is_empty() {
            return Err(Error::EmptyDataset);
        }
        let (lo, hi) = Calibration::range(calibration)?;
        let input = QuantParams::from_range(lo, hi)?;
        let mut y = Vec::new();
        let q = self
            .layers
            .quantize_layer(calibration, input, false, &mut y, 0)?;
        Ok(QSeq::new(q))
    }
}

/// A float row type whose values a calibration set's range can be taken over (`[T; N]`).
///
/// # Examples
/// ```
/// use ctensor::quant::{Calibration, QuantParams};
/// let rows = [[0.5_f32, 2.0], [1.0, 2.55]];
/// let (lo, hi) = Calibration::range(&rows)?; // widened to contain 0
/// assert_eq!((lo, hi), (0.0, f64::from(2.55_f32)));
/// assert_eq!(QuantParams::from_range(lo, hi)?.zero_point, -128); // the input quantization
/// # Ok::<(), ctensor::Error>(())
/// ```
pub trait Calibration: Sized {
    /// The min/max of every value (widened to contain 0).
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] at the first NaN or infinite value.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, quant::Calibration};
    /// assert_eq!(<[f64; 2]>::range(&[[-1.0, 2.0], [0.5, -3.0]])?, (-3.0, 2.0));
    /// let bad = [[1.0_f32, 2.0], [f32::NAN, 0.0]];
    /// assert_eq!(<[f32; 2]>::range(&bad), Err(Error::NonFiniteInput { row: 1, col: 0 }));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn range(rows: &[Self]) -> Result<(f64, f64)>;
}

impl<T: Scalar, const N: usize> Calibration for [T; N] {
    fn range(rows: &[Self]) -> Result<(f64, f64)> {
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for (row, r) in rows.iter().enumerate() {
            for (col, v) in r.iter().enumerate() {
                let v = v.as_f64();
                if !v.is_finite() {
                    return Err(Error::NonFiniteInput { row, col });
                }
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        Ok((lo, hi))
    }
}

/// The int8 network of an [`Mlp`]: `QDense<D, H>`, `QRelu<H>`, `QDense<H, K>`.
pub type QMlp<const D: usize, const H: usize, const K: usize> =
    QSeq<(QDense<D, H>, QRelu<H>, QDense<H, K>)>;

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// The int8 network of this trained `Mlp` (as [`Seq::quantize`] of its
    /// [`MlpSeq`]).
    ///
    /// # Errors
    /// As [`Seq::quantize`].
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mlp = ctensor::Mlp::<2, 4, 2>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
    /// let q = mlp.quantize(&[[0.0, 1.0], [1.0, -1.0]])?;
    /// assert_eq!(q.classify(&[0.0, 1.0])?, mlp.classify(&[0.0, 1.0])?);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn quantize(&self, calibration: &[[T; D]]) -> Result<QMlp<D, H, K>> {
        MlpSeq::from_mlp(self).quantize(calibration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_calibration_is_refused() {
        let net = MlpSeq::<2, 3, 1>::zeros();
        assert_eq!(net.quantize(&[]).unwrap_err(), Error::EmptyDataset);
    }
}
