//! [`QLayer`]: what an int8 layer (or chain) tells about the quantization of its ends.

use crate::nn::layer::Forward;
use crate::quant::params::QuantParams;

/// An int8 layer or chain of them: its input and output quantization, which a
/// [`QSeq`](crate::quant::QSeq) uses to quantize real inputs and dequantize outputs.
/// Implemented by [`QDense`](crate::quant::QDense), [`QRelu`](crate::quant::QRelu) and
/// tuples of up to 8 of them.
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
}

macro_rules! tuple_qlayer {
    ($F:ident $f:tt $(, $L:ident $i:tt)*; $Z:tt) => {
        #[allow(unused_mut)]
        impl<$F: QLayer $(, $L: QLayer)*> QLayer for ($F, $($L,)*)
        where
            ($F, $($L,)*): Forward,
        {
            fn input_params(&self) -> QuantParams {
                self.$f.input_params()
            }

            fn output_params(&self) -> QuantParams {
                self.$Z.output_params()
            }

            fn write_records(&self, out: &mut [u8]) -> usize {
                let mut at = self.$f.write_records(out);
                $(at += self.$i.write_records(&mut out[at..]);)*
                at
            }

            fn read_records(&mut self, bytes: &[u8]) -> usize {
                let mut at = self.$f.read_records(bytes);
                $(at += self.$i.read_records(&bytes[at..]);)*
                at
            }
        }
    };
}
tuple_qlayer!(L0 0; 0);
tuple_qlayer!(L0 0, L1 1; 1);
tuple_qlayer!(L0 0, L1 1, L2 2; 2);
tuple_qlayer!(L0 0, L1 1, L2 2, L3 3; 3);
tuple_qlayer!(L0 0, L1 1, L2 2, L3 3, L4 4; 4);
tuple_qlayer!(L0 0, L1 1, L2 2, L3 3, L4 4, L5 5; 5);
tuple_qlayer!(L0 0, L1 1, L2 2, L3 3, L4 4, L5 5, L6 6; 6);
tuple_qlayer!(L0 0, L1 1, L2 2, L3 3, L4 4, L5 5, L6 6, L7 7; 7);
