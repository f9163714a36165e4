//! [`QDropout<N>`]: a dropout layer of an int8 network, the identity (dropout acts only in
//! training).

use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::layer::{Forward, Zeros};
use crate::quant::layer::{QLayer, RowBuf};
use crate::quant::params::QuantParams;

/// The int8 form of a [`DropoutLayer`](crate::DropoutLayer): `y = x` (inference), input and
/// output quantized by `params`. Kept so that the int8 network has the float network's layer
/// list (and layer numbers).
///
/// # Examples
/// ```
/// use ctensor::nn::layer::Forward;
/// use ctensor::quant::{QDropout, QuantParams};
/// let d = QDropout::<2>::new(QuantParams::new(0.5, 1)?);
/// let mut y = [[0; 2]];
/// d.forward::<1>(&[[-5, 7]], &mut y, &mut ());
/// assert_eq!(y, [[-5, 7]]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct QDropout<const N: usize> {
    /// The quantization of the input and of the output.
    pub params: QuantParams,
}

impl<const N: usize> QDropout<N> {
    /// An identity layer for rows quantized by `params`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDropout, QuantParams};
    /// assert_eq!(QDropout::<3>::new(QuantParams::new(2.0, 0)?).params.scale, 2.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn new(params: QuantParams) -> Self {
        Self { params }
    }
}

impl<const N: usize> Zeros for QDropout<N> {
    const ZEROS: Self = Self {
        params: QuantParams {
            scale: 0.0,
            zero_point: 0,
        },
    };
}

impl<const N: usize> Forward for QDropout<N> {
    type In = [i8; N];
    type Out = [i8; N];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::DropoutI8, N, N));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[i8; N]], y: &mut [[i8; N]], (): &mut ()) {
        assert!(x.len() <= B, "more rows than the batch size");
        assert_eq!(x.len(), y.len(), "x and y need the same number of rows");
        y.copy_from_slice(x);
    }
}

impl<const N: usize> QLayer for QDropout<N> {
    type RowBufs = Option<RowBuf<N>>;

    fn input_params(&self) -> QuantParams {
        self.params
    }

    fn output_params(&self) -> QuantParams {
        self.params
    }

    fn write_records(&self, out: &mut [u8]) -> usize {
        crate::quant::relu::QRelu::<N>::new(self.params).write_records(out)
    }

    fn read_records(&mut self, bytes: &[u8]) -> usize {
        let mut at = 0;
        *self = Self::read_le_const(bytes, &mut at);
        at
    }

    /// `floor`: the identity.
    #[inline]
    fn output_floor(&self, floor: i8) -> i8 {
        floor
    }

    #[inline]
    fn row<'a>(&self, x: &'a [i8; N], _floor: i8, _: &'a mut Option<RowBuf<N>>) -> &'a [i8; N] {
        x
    }
}

impl<const N: usize> QDropout<N> {
    /// Reads this layer's record (as a [`QRelu`](crate::quant::QRelu)'s: scale, zero point,
    /// 3 reserved bytes) from `bytes` at `*at`, advancing `*at`.
    ///
    /// # Panics
    /// If `bytes` ends before the record does.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDropout, QLayer, QuantParams};
    /// let d = QDropout::<5>::new(QuantParams::new(0.125, -7)?);
    /// let mut bytes = [0; 8];
    /// d.write_records(&mut bytes);
    /// let mut at = 0;
    /// assert_eq!(QDropout::<5>::read_le_const(&bytes, &mut at), d);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn read_le_const(bytes: &[u8], at: &mut usize) -> Self {
        Self::new(crate::quant::relu::QRelu::<N>::read_le_const(bytes, at).params)
    }
}
