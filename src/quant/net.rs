//! [`QSeq<L>`]: an int8 network of any depth.

use crate::quant::layer::QLayer;
use crate::{Error, Label, Result};

/// An int8 network: a chain `L` of int8 layers ([`QDense`](crate::quant::QDense),
/// [`QRelu`](crate::quant::QRelu), tuples of up to 8 of them, nested), whose type spells
/// every shape, as [`Seq`](crate::Seq) does for float networks. Build one from a trained
/// float network with `Seq::quantize` (host, feature `alloc`), or as a `static` from its
/// weights file (`qseq_from_bytes_const!`).
///
/// Inference is integer only: [`QSeq::logits_q`] maps an int8 row to int8 outputs;
/// [`QSeq::classify`] and [`QSeq::predict`] quantize a real input first (the one float step,
/// `D` divisions) and [`QSeq::predict`] dequantizes the outputs.
///
/// # Examples
/// ```
/// use ctensor::quant::{QDense, QRelu, QSeq, QuantParams};
/// let p = QuantParams::new(0.5, 0)?;
/// let l1 = QDense::<2, 2>::new([[127, 0], [0, 127]], [1.0 / 127.0; 2], [0; 2], p, p, 0)?;
/// let l2 = QDense::<2, 1>::new([[127, -127]], [1.0 / 127.0], [0], p, p, -128)?;
/// let net = QSeq::new((l1, QRelu::<2>::new(p), l2));
/// assert_eq!(net.logits_q(&[4, -6]), [4]); // relu(2, -3) = (2, 0): 2 - 0
/// assert_eq!(net.predict(&[2.0, -3.0])?, [2.0]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct QSeq<L>
where
    L: QLayer,
{
    /// The layers, in order.
    pub layers: L,
}

impl<L: QLayer> QSeq<L> {
    /// A network from its layers (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq};
    /// static NET: QSeq<(QDense<4, 2>,)> = QSeq::new((QDense::zeros(),));
    /// assert_eq!(NET.layers.0.bias, [0; 2]);
    /// ```
    #[must_use]
    pub const fn new(layers: L) -> Self {
        Self { layers }
    }

    /// The number of layers (ReLU included).
    pub const LAYERS: usize = L::ARCH.len();
}

impl<L, const D: usize, const K: usize> QSeq<L>
where
    L: QLayer<In = [i8; D], Out = [i8; K]>,
{
    /// `x` quantized with the first layer's input parameters.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] (row 0) at the first NaN or infinite feature.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(0.5, 1)?;
    /// let net = QSeq::new((QDense::<2, 1>::new([[1, 1]], [1.0], [0], p, p, -128)?,));
    /// assert_eq!(net.quantize_input(&[1.0, -100.0])?, [3, -128]);
    /// assert!(net.quantize_input(&[f32::NAN, 0.0]).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn quantize_input(&self, x: &[f32; D]) -> Result<[i8; D]> {
        let p = self.layers.input_params();
        let mut q = [0; D];
        for (col, (qi, &v)) in q.iter_mut().zip(x).enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFiniteInput { row: 0, col });
            }
            *qi = p.quantize(v);
        }
        Ok(q)
    }

    /// The int8 outputs of one int8 input row (integer arithmetic only), by [`QLayer::row`]:
    /// the rows between layers are on the stack, each written only by a layer that changes
    /// its input (a ReLU after a dense layer whose clamp already is that ReLU passes its
    /// input on).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let net = QSeq::new((QDense::<1, 1>::new([[2]], [1.0], [3], p, p, -128)?,));
    /// assert_eq!(net.logits_q(&[10]), [23]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn logits_q(&self, x: &[i8; D]) -> [i8; K] {
        let mut bufs = L::RowBufs::default();
        copy_row(self.layers.row(x, i8::MIN, &mut bufs))
    }

    /// The int8 outputs of up to `B` int8 rows (`y[r]` for `x[r]`), with caller-provided
    /// scratch (e.g. a `static` on a device: `<L as Forward>::Scratch::<B>::ZEROS`).
    ///
    /// # Panics
    /// If `x` and `y` differ in length or hold more than `B` rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let net = QSeq::new((QDense::<1, 1>::new([[2]], [1.0], [0], p, p, -128)?,));
    /// let mut y = [[0; 1]; 2];
    /// net.forward_q::<2>(&[[1], [-1]], &mut y, &mut Zeros::ZEROS);
    /// assert_eq!(y, [[2], [-2]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn forward_q<const B: usize>(
        &self,
        x: &[[i8; D]],
        y: &mut [[i8; K]],
        scratch: &mut L::Scratch<B>,
    ) {
        self.layers.forward::<B>(x, y, scratch);
    }

    /// The class of a real input: the argmax of the int8 outputs (ties: the lowest index).
    ///
    /// # Errors
    /// As [`QSeq::quantize_input`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let net = QSeq::new((QDense::<1, 2>::new([[1], [-1]], [1.0; 2], [0; 2], p, p, -128)?,));
    /// assert_eq!(net.classify(&[-3.0])?.get(), 1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn classify(&self, x: &[f32; D]) -> Result<Label<K>> {
        Label::argmax(&self.logits_q(&self.quantize_input(x)?))
    }

    /// The real outputs of a real input: quantize, int8 inference, dequantize.
    ///
    /// # Errors
    /// As [`QSeq::quantize_input`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(0.25, 0)?;
    /// let net = QSeq::new((QDense::<1, 1>::new([[127]], [1.0 / 127.0], [0], p, p, -128)?,));
    /// assert_eq!(net.predict(&[1.5])?, [1.5]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn predict(&self, x: &[f32; D]) -> Result<[f32; K]> {
        Ok(self.dequantize_output(&self.logits_q(&self.quantize_input(x)?)))
    }

    /// Real values of int8 outputs, with the last layer's output parameters.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(0.5, 2)?;
    /// let net = QSeq::new((QDense::<1, 1>::new([[1]], [1.0], [0], p, p, -128)?,));
    /// assert_eq!(net.dequantize_output(&[6]), [2.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn dequantize_output(&self, y: &[i8; K]) -> [f32; K] {
        let p = self.layers.output_params();
        y.map(|q| p.dequantize(q))
    }
}

/// `*r`, copied in pieces of 8, 4, 2 and 1 bytes: LLVM keeps a short row in registers
/// (on a Cortex-M4, 10 bytes are three loads and three stores), where a plain copy of more
/// than 8 bytes is a call of the byte-by-byte `memcpy` (about 60 instructions for 10 bytes).
#[inline]
fn copy_row<const K: usize>(r: &[i8; K]) -> [i8; K] {
    let mut y = [0; K];
    let (rest, r) = pieces::<8>(&mut y, r);
    let (rest, r) = pieces::<4>(rest, r);
    let (rest, r) = pieces::<2>(rest, r);
    pieces::<1>(rest, r);
    y
}

/// Copies the whole `N`-byte pieces of `r` (as long as `y`) into `y`; returns the rests.
#[inline]
fn pieces<'y, 'r, const N: usize>(y: &'y mut [i8], r: &'r [i8]) -> (&'y mut [i8], &'r [i8]) {
    let (yc, y_rest) = y.as_chunks_mut::<N>();
    let (rc, r_rest) = r.as_chunks::<N>();
    for (a, b) in yc.iter_mut().zip(rc) {
        *a = *b;
    }
    (y_rest, r_rest)
}
