//! [`QDense<I, O>`]: the int8 dense layer.

use crate::kernels::int8::{Requant, dense_row};
use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::layer::{Forward, Zeros};
use crate::quant::check::{WEIGHT_MIN, check_channel, check_layer};
use crate::quant::layer::{QLayer, RowBuf};
use crate::quant::params::QuantParams;
use crate::quant::requant::{QuantizedMultiplier, quantize_multiplier};
use crate::{Error, Result};

/// An int8 dense layer with `I` inputs and `O` outputs, TFLite's scheme:
///
/// ```text
/// acc[o] = bias[o] + sum_i w[o][i] x[i]                 (int32; bias holds -z_x sum_i w[o][i])
/// y[o]   = clamp(z_y + acc[o] * M[o], act_min, 127),    M[o] = s_x s_w[o] / s_y
/// ```
///
/// with `x` quantized by `input` (`s_x`, `z_x`), `y` by `output` (`s_y`, `z_y`), the weights
/// symmetric per output channel (`w` in `[-127, 127]`, real weight `s_w[o] w[o][i]`), the
/// biases `int32` with scale `s_x s_w[o]`, and `M[o]` applied in fixed point
/// ([`requant`](crate::quant::requant)). A ReLU is the clamp's lower bound: `act_min` is the
/// output zero point after a ReLU, -128 otherwise.
///
/// Unlike [`Dense`](crate::Dense), `w` is stored per output channel, `O x I` (as TFLite's
/// fully-connected weights and PyTorch's `Linear.weight`): each output is a contiguous int8
/// dot product.
///
/// # Examples
/// ```
/// use ctensor::quant::{QDense, QuantParams};
/// let p = QuantParams::new(0.5, 0)?;
/// let layer = QDense::<2, 1>::new([[64, -127]], [1.0 / 128.0], [0], p, p, -128)?;
/// // M = s_x s_w / s_y = 1/128. x = q (2, 1): acc = 128 - 127 = 1, y = round(1/128) = 0.
/// assert_eq!(layer.logits_q(&[2, 1]), [0]);
/// assert_eq!(layer.logits_q(&[100, 0]), [50]); // 50 * 0.5 = 25 = 0.5 * 50
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct QDense<const I: usize, const O: usize> {
    /// Weights, one row of `I` per output channel, in `[-127, 127]`.
    pub w: [[i8; I]; O],
    /// The scale of each output channel's weights.
    pub w_scale: [f32; O],
    /// int32 biases (scale `s_x s_w[o]`), with `-z_x sum_i w[o][i]` folded in.
    pub bias: [i32; O],
    /// `M[o] = s_x s_w[o] / s_y` in fixed point.
    pub multiplier: [QuantizedMultiplier; O],
    /// The input's quantization.
    pub input: QuantParams,
    /// The output's quantization.
    pub output: QuantParams,
    /// The clamp's lower bound: `output.zero_point` for a fused ReLU, else -128.
    pub act_min: i8,
}

impl<const I: usize, const O: usize> QDense<I, O> {
    /// All zeros (scales 0: not a usable layer; a placeholder for `static` storage).
    ///
    /// # Examples
    /// ```
    /// static L: ctensor::quant::QDense<3, 2> = ctensor::quant::QDense::zeros();
    /// assert_eq!(L.bias, [0, 0]);
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            w: [[0; I]; O],
            w_scale: [0.0; O],
            bias: [0; O],
            multiplier: [QuantizedMultiplier {
                multiplier: 0,
                shift: 0,
            }; O],
            input: QuantParams {
                scale: 0.0,
                zero_point: 0,
            },
            output: QuantParams {
                scale: 0.0,
                zero_point: 0,
            },
            act_min: -128,
        }
    }

    /// A layer from its int8 weights, their per-channel scales, the int32 biases (with
    /// `-z_x sum w` already folded in) and the input and output quantization; the
    /// multipliers are computed (`quantize_multiplier(s_x s_w[o] / s_y)`, in `f64`).
    ///
    /// # Errors
    /// As [`QDense::validate`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// assert!(QDense::<1, 1>::new([[-128]], [1.0], [0], p, p, -128).is_err()); // -128 is not a weight
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn new(
        w: [[i8; I]; O],
        w_scale: [f32; O],
        bias: [i32; O],
        input: QuantParams,
        output: QuantParams,
        act_min: i8,
    ) -> Result<Self> {
        let mut layer = Self {
            w,
            w_scale,
            bias,
            multiplier: [QuantizedMultiplier::default(); O],
            input,
            output,
            act_min,
        };
        for o in 0..O {
            layer.multiplier[o] = layer.expected_multiplier(o)?;
        }
        layer.validate()?;
        Ok(layer)
    }

    /// `quantize_multiplier(s_x s_w[o] / s_y)`.
    fn expected_multiplier(&self, o: usize) -> Result<QuantizedMultiplier> {
        let real =
            f64::from(self.input.scale) * f64::from(self.w_scale[o]) / f64::from(self.output.scale);
        quantize_multiplier(real)
    }

    /// Checks what inference relies on: scales finite and > 0; weights in `[-127, 127]`;
    /// each multiplier the one of its scales; `act_min` the output zero point or -128; and
    /// no accumulator can overflow `i32` (`|bias| + 127 * 128 * I <= i32::MAX`).
    ///
    /// # Errors
    /// [`Error::InvalidQuantizedLayer`] naming the field and output channel.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let mut l = QDense::<1, 1>::new([[3]], [0.5], [7], p, p, -128)?;
    /// l.act_min = 5;
    /// assert!(l.validate().unwrap_err().to_string().contains("act_min"));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &'static str, channel: usize| Error::InvalidQuantizedLayer {
            layer: 0,
            what,
            channel,
        };
        let (sx, sy) = (self.input.scale, self.output.scale);
        if let Some(what) = check_layer(sx, sy, self.output.zero_point, self.act_min) {
            return Err(bad(what, 0));
        }
        for o in 0..O {
            if let Some(what) =
                check_channel(sx, sy, self.w_scale[o], self.multiplier[o], self.bias[o], I)
            {
                return Err(bad(what, o));
            }
            if self.w[o].contains(&-128) {
                return Err(bad(WEIGHT_MIN, o));
            }
        }
        Ok(())
    }

    /// One row through the layer (the portable kernel).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let l = QDense::<2, 1>::new([[1, 1]], [1.0], [0], p, p, 0)?; // with ReLU
    /// assert_eq!(l.logits_q(&[-3, 1]), [0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn logits_q(&self, x: &[i8; I]) -> [i8; O] {
        let mut y = [0; O];
        dense_row(x, &self.w, &self.requant(), &mut y);
        y
    }

    /// The constants of the output stage, for the kernels.
    #[inline]
    fn requant(&self) -> Requant<'_, O> {
        Requant {
            bias: &self.bias,
            multiplier: &self.multiplier,
            zero_point: self.output.zero_point,
            min: self.act_min,
            max: i8::MAX,
        }
    }
}

impl<const I: usize, const O: usize> Zeros for QDense<I, O> {
    const ZEROS: Self = Self::zeros();
}

impl<const I: usize, const O: usize> Forward for QDense<I, O> {
    type In = [i8; I];
    type Out = [i8; O];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::DenseI8, I, O));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[i8; I]], y: &mut [[i8; O]], (): &mut ()) {
        assert!(x.len() <= B, "more rows than the batch size");
        assert_eq!(x.len(), y.len(), "x and y need the same number of rows");
        let r = self.requant();
        for (xr, yr) in x.iter().zip(y) {
            dense_row(xr, &self.w, &r, yr);
        }
    }
}

impl<const I: usize, const O: usize> QLayer for QDense<I, O> {
    type RowBufs = Option<RowBuf<O>>;

    fn input_params(&self) -> QuantParams {
        self.input
    }

    fn output_params(&self) -> QuantParams {
        self.output
    }

    fn write_records(&self, out: &mut [u8]) -> usize {
        self.write_le(out)
    }

    fn read_records(&mut self, bytes: &[u8]) -> usize {
        let mut at = 0;
        *self = Self::read_le_const(bytes, &mut at);
        at
    }

    /// `act_min`: every output is clamped to `[act_min, 127]`, whatever the input.
    #[inline]
    fn output_floor(&self, _floor: i8) -> i8 {
        self.act_min
    }

    #[inline]
    fn row<'a>(&self, x: &'a [i8; I], _floor: i8, buf: &'a mut Option<RowBuf<O>>) -> &'a [i8; O] {
        let y = &mut buf.insert(RowBuf([0; O])).0;
        dense_row(x, &self.w, &self.requant(), y);
        y
    }
}
