//! [`QRelu<N>`]: ReLU on int8 rows, `y = max(x, zero_point)`.

use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::layer::{Forward, Zeros};
use crate::quant::layer::{QLayer, RowBuf};
use crate::quant::params::QuantParams;

/// ReLU on int8 rows: `y = max(x, z)`, with `z` the zero point (the real 0); input and output
/// share `params`. After a [`QDense`](crate::quant::QDense) whose clamp already is the ReLU
/// (what post-training quantization makes), it changes nothing; it is kept so that the int8
/// network has the float network's layer list, and one-row inference
/// ([`QSeq::logits_q`](crate::quant::QSeq::logits_q)) skips it there: it knows a lower
/// bound of its input (the dense layer's `act_min`, [`QLayer::output_floor`]), and a ReLU
/// whose zero point is at most that bound is the identity.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::Forward;
/// use ctensor::quant::{QRelu, QuantParams};
/// let relu = QRelu::<3>::new(QuantParams::new(0.1, -20)?);
/// let mut y = [[0; 3]];
/// relu.forward::<1>(&[[-128, -20, 5]], &mut y, &mut ());
/// assert_eq!(y, [[-20, -20, 5]]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct QRelu<const N: usize> {
    /// The quantization of the input and of the output.
    pub params: QuantParams,
}

impl<const N: usize> QRelu<N> {
    /// A ReLU for rows quantized by `params`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QRelu, QuantParams};
    /// let r = QRelu::<4>::new(QuantParams::new(1.0, 0)?);
    /// assert_eq!(r.params.zero_point, 0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn new(params: QuantParams) -> Self {
        Self { params }
    }
}

impl<const N: usize> Zeros for QRelu<N> {
    const ZEROS: Self = Self {
        params: QuantParams {
            scale: 0.0,
            zero_point: 0,
        },
    };
}

impl<const N: usize> Forward for QRelu<N> {
    type In = [i8; N];
    type Out = [i8; N];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::ReluI8, N, N));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[i8; N]], y: &mut [[i8; N]], (): &mut ()) {
        assert!(x.len() <= B, "more rows than the batch size");
        assert_eq!(x.len(), y.len(), "x and y need the same number of rows");
        let z = self.params.zero_point;
        for (xr, yr) in x.iter().zip(y) {
            crate::kernels::int8::relu(xr, z, yr);
        }
    }
}

impl<const N: usize> QLayer for QRelu<N> {
    type RowBufs = Option<RowBuf<N>>;

    fn input_params(&self) -> QuantParams {
        self.params
    }

    fn output_params(&self) -> QuantParams {
        self.params
    }

    fn write_records(&self, out: &mut [u8]) -> usize {
        self.write_le(out)
    }

    fn read_records(&mut self, bytes: &[u8]) -> usize {
        let mut at = 0;
        *self = Self::read_le_const(bytes, &mut at);
        at
    }

    /// `max(floor, zero_point)`.
    #[inline]
    fn output_floor(&self, floor: i8) -> i8 {
        floor.max(self.params.zero_point)
    }

    #[inline]
    fn row<'a>(&self, x: &'a [i8; N], floor: i8, buf: &'a mut Option<RowBuf<N>>) -> &'a [i8; N] {
        let z = self.params.zero_point;
        if floor >= z {
            return x;
        }
        let y = &mut buf.insert(RowBuf([0; N])).0;
        crate::kernels::int8::relu(x, z, y);
        y
    }
}
