//! [`QLayer`]: what an int8 layer (or chain) tells about the quantization of its ends, and
//! its one-row inference (rows written only where a layer changes them).

use crate::nn::layer::Forward;
use crate::quant::params::QuantParams;

/// An int8 layer or chain of them: its input and output quantization, which a
/// [`QSeq`](crate::quant::QSeq) uses to quantize real inputs and dequantize outputs, its
/// file records, and one-row inference ([`QLayer::row`], what
/// [`QSeq::logits_q`](crate::quant::QSeq::logits_q) runs): a row is written (and cleared
/// first) only by a layer that changes its input, and a ReLU whose input provably is at
/// least its zero point (after a dense layer whose clamp already is that ReLU) passes its
/// input on.
/// Implemented by [`QDense`](crate::quant::QDense), [`QRelu`](crate::quant::QRelu),
/// [`QDropout`](crate::quant::QDropout) and tuples of up to 8 of them.
///
/// # Examples
/// ```
/// use ctensor::quant::{QLayer, QRelu, QuantParams};
/// let p = QuantParams::new(0.5, -3)?;
/// let chain = (QRelu::<2>::new(p), QRelu::<2>::new(p));
/// assert_eq!(chain.output_params(), p);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub trait QLayer: Forward {
    /// The rows one-row inference ([`QLayer::row`]) writes inside this layer or chain: an
    /// `Option<RowBuf<N>>` ([`RowBuf`]) for a layer of `N` outputs (left `None`, never
    /// cleared nor written, by a layer that passes its input on), a tuple of them for a
    /// chain. [`Default`] is all `None`: nothing to clear before the call.
    type RowBufs: Default;
    /// The quantization of the first layer's input.
    fn input_params(&self) -> QuantParams;
    /// The quantization of the last layer's output.
    fn output_params(&self) -> QuantParams;
    /// Writes this layer's (or chain's) records of the int8 weights file (see
    /// [`io::int8`](crate::io::int8)) at the start of `out`; returns the bytes written.
    ///
    /// # Panics
    /// If `out` is shorter than the records.
    fn write_records(&self, out: &mut [u8]) -> usize;
    /// Reads this layer's (or chain's) records from the start of `bytes`, which a weights
    /// file check has accepted; returns the bytes read.
    ///
    /// # Panics
    /// If `bytes` is shorter than the records.
    fn read_records(&mut self, bytes: &[u8]) -> usize;
    /// A lower bound of every output value, given `floor`, a lower bound of every input
    /// value (`i8::MIN` when nothing is known): a dense layer's clamp bound `act_min`, a
    /// ReLU's `max(floor, zero_point)`, a dropout layer's `floor`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QLayer, QRelu, QuantParams};
    /// let p = QuantParams::new(0.5, -3)?;
    /// let dense = QDense::<2, 2>::new([[1, 0], [0, 1]], [1.0; 2], [0; 2], p, p, -3)?; // fused ReLU
    /// assert_eq!(dense.output_floor(i8::MIN), -3);
    /// assert_eq!(QRelu::<2>::new(p).output_floor(i8::MIN), -3);
    /// assert_eq!((dense, QRelu::<2>::new(p)).output_floor(i8::MIN), -3);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn output_floor(&self, floor: i8) -> i8;
    /// The output of one row `x`, every value of which is at least `floor`: written into
    /// `bufs`, or `x` itself where the layer is the identity on such rows (a ReLU whose
    /// zero point is at most `floor`, as after a dense layer whose clamp is that ReLU; a
    /// dropout layer). The same values as [`Forward::forward`] of the row when `floor`
    /// holds; if a value of `x` is below `floor`, a ReLU may pass it on (wrong values,
    /// nothing unsound): `i8::MIN` is always right.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QLayer, QRelu, QuantParams};
    /// let relu = QRelu::<2>::new(QuantParams::new(0.5, -3)?);
    /// let mut bufs = Default::default();
    /// assert_eq!(relu.row(&[-8, 5], i8::MIN, &mut bufs), &[-3, 5]);
    /// let x = [-1, 5];
    /// assert!(core::ptr::eq(relu.row(&x, -3, &mut bufs), &x)); // the identity: not copied
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn row<'a>(&self, x: &'a Self::In, floor: i8, bufs: &'a mut Self::RowBufs) -> &'a Self::Out;
}

/// A row of `N` int8 values on a 4-byte boundary, so that it is cleared a word at a time:
/// where one-row inference ([`QLayer::row`]) writes a layer's output (its
/// [`QLayer::RowBufs`] is an `Option<RowBuf<N>>`).
///
/// # Examples
/// ```
/// use ctensor::quant::RowBuf;
/// let row = RowBuf([1_i8, -2, 3]);
/// assert_eq!(core::mem::align_of_val(&row), 4);
/// assert_eq!(row.0, [1, -2, 3]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(C, align(4))]
pub struct RowBuf<const N: usize>(pub [i8; N]);

/// [`QLayer`] of a tuple of 2 to 8 layers: the first layer, the middle ones (each with the
/// one before it), the last (with the one before it).
macro_rules! tuple_qlayer {
    (first: $F:ident $f:tt; middle: [$($M:ident $m:tt after $MP:ident),*]; last: $Z:ident $z:tt after $ZP:ident;) => {
        #[allow(unused_mut)]
        impl<
            $F: QLayer,
            $($M: QLayer<In = <$MP as Forward>::Out>,)*
            $Z: QLayer<In = <$ZP as Forward>::Out>,
        > QLayer for ($F, $($M,)* $Z)
        {
            type RowBufs = ($F::RowBufs, $($M::RowBufs,)* $Z::RowBufs);

            fn input_params(&self) -> QuantParams {
                self.$f.input_params()
            }

            fn output_params(&self) -> QuantParams {
                self.$z.output_params()
            }

            fn write_records(&self, out: &mut [u8]) -> usize {
                let mut at = self.$f.write_records(out);
                $(at += self.$m.write_records(&mut out[at..]);)*
                at + self.$z.write_records(&mut out[at..])
            }

            fn read_records(&mut self, bytes: &[u8]) -> usize {
                let mut at = self.$f.read_records(bytes);
                $(at += self.$m.read_records(&bytes[at..]);)*
                at + self.$z.read_records(&bytes[at..])
            }

            #[inline]
            fn output_floor(&self, floor: i8) -> i8 {
                let floor = self.$f.output_floor(floor);
                $(let floor = self.$m.output_floor(floor);)*
                self.$z.output_floor(floor)
            }

            #[inline]
            fn row<'a>(
                &self,
                x: &'a Self::In,
                floor: i8,
                bufs: &'a mut Self::RowBufs,
            ) -> &'a Self::Out {
                let x = self.$f.row(x, floor, &mut bufs.$f);
                let floor = self.$f.output_floor(floor);
                $(
                    let x = self.$m.row(x, floor, &mut bufs.$m);
                    let floor = self.$m.output_floor(floor);
                )*
                self.$z.row(x, floor, &mut bufs.$z)
            }
        }
    };
}

/// A chain of one layer is that layer.
impl<L0: QLayer> QLayer for (L0,) {
    type RowBufs = (L0::RowBufs,);

    fn input_params(&self) -> QuantParams {
        self.0.input_params()
    }

    fn output_params(&self) -> QuantParams {
        self.0.output_params()
    }

    fn write_records(&self, out: &mut [u8]) -> usize {
        self.0.write_records(out)
    }

    fn read_records(&mut self, bytes: &[u8]) -> usize {
        self.0.read_records(bytes)
    }

    #[inline]
    fn output_floor(&self, floor: i8) -> i8 {
        self.0.output_floor(floor)
    }

    #[inline]
    fn row<'a>(&self, x: &'a L0::In, floor: i8, bufs: &'a mut Self::RowBufs) -> &'a L0::Out {
        self.0.row(x, floor, &mut bufs.0)
    }
}

tuple_qlayer! { first: L0 0; middle: []; last: L1 1 after L0; }
tuple_qlayer! { first: L0 0; middle: [L1 1 after L0]; last: L2 2 after L1; }
tuple_qlayer! { first: L0 0; middle: [L1 1 after L0, L2 2 after L1]; last: L3 3 after L2; }
tuple_qlayer! {
    first: L0 0;
    middle: [L1 1 after L0, L2 2 after L1, L3 3 after L2];
    last: L4 4 after L3;
}
tuple_qlayer! {
    first: L0 0;
    middle: [L1 1 after L0, L2 2 after L1, L3 3 after L2, L4 4 after L3];
    last: L5 5 after L4;
}
tuple_qlayer! {
    first: L0 0;
    middle: [L1 1 after L0, L2 2 after L1, L3 3 after L2, L4 4 after L3, L5 5 after L4];
    last: L6 6 after L5;
}
tuple_qlayer! {
    first: L0 0;
    middle: [
        L1 1 after L0, L2 2 after L1, L3 3 after L2, L4 4 after L3, L5 5 after L4, L6 6 after L5
    ];
    last: L7 7 after L6;
}
