//! The int8 layers' records in a weights file (see [`io::int8`](crate::io::int8) for the
//! layout): writing, and decoding in a `const fn` (`read_le_const`, for
//! [`qseq_from_bytes_const!`](crate::qseq_from_bytes_const)).

use crate::nn::arch::{LayerKind, LayerSpec};
use crate::quant::dense::QDense;
use crate::quant::params::QuantParams;
use crate::quant::relu::QRelu;
use crate::quant::requant::QuantizedMultiplier;

/// Bytes of a dense layer's fixed fields: input and output scales (`f32`), input and output
/// zero points, `act_min`, a reserved byte.
pub(crate) const DENSE_HEAD: usize = 12;
/// Bytes per output channel: weight scale (`f32`), bias, multiplier, shift (`i32`).
pub(crate) const DENSE_CHANNEL: usize = 16;
/// Bytes of a ReLU's (or dropout layer's) record: scale (`f32`), zero point, three reserved
/// bytes.
pub(crate) const RELU_LEN: usize = 8;

/// The bytes of one layer's records; `None` for a kind that has no int8 records.
///
/// # Examples
/// ```
/// use ctensor::nn::arch::{LayerKind, LayerSpec};
/// use ctensor::quant::record_len;
/// assert_eq!(record_len(&LayerSpec::new(LayerKind::DenseI8, 3, 2)), Some(12 + 16 * 2 + 6));
/// assert_eq!(record_len(&LayerSpec::new(LayerKind::Dense, 3, 2)), None);
/// ```
#[must_use]
pub const fn record_len(spec: &LayerSpec) -> Option<usize> {
    let (i, o) = (spec.inputs as usize, spec.outputs as usize);
    match spec.kind {
        LayerKind::DenseI8 => Some(DENSE_HEAD + DENSE_CHANNEL * o + i * o),
        LayerKind::ReluI8 | LayerKind::DropoutI8 => Some(RELU_LEN),
        _ => None,
    }
}

/// Little-endian `u32` at `at`.
pub(crate) const fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Little-endian `f32` at `at`.
pub(crate) const fn read_f32(bytes: &[u8], at: usize) -> f32 {
    f32::from_bits(read_u32(bytes, at))
}

/// Little-endian `i32` at `at`.
pub(crate) const fn read_i32(bytes: &[u8], at: usize) -> i32 {
    read_u32(bytes, at).cast_signed()
}

impl<const I: usize, const O: usize> QDense<I, O> {
    /// Reads this layer's records from `bytes` at `*at`, advancing `*at`: a step of
    /// [`qseq_from_bytes_const!`](crate::qseq_from_bytes_const), after the file's checks.
    ///
    /// # Panics
    /// If `bytes` ends before the records do (at compile time, an error).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QLayer, QuantParams};
    /// let p = QuantParams::new(0.5, 3)?;
    /// let l = QDense::<2, 1>::new([[4, -5]], [0.25], [17], p, p, 3)?;
    /// let mut bytes = [0; 12 + 16 + 2];
    /// assert_eq!(l.write_records(&mut bytes), bytes.len());
    /// let mut at = 0;
    /// assert_eq!(QDense::<2, 1>::read_le_const(&bytes, &mut at), l);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn read_le_const(bytes: &[u8], at: &mut usize) -> Self {
        let mut l = Self::zeros();
        let a = *at;
        l.input = QuantParams {
            scale: read_f32(bytes, a),
            zero_point: bytes[a + 8].cast_signed(),
        };
        l.output = QuantParams {
            scale: read_f32(bytes, a + 4),
            zero_point: bytes[a + 9].cast_signed(),
        };
        l.act_min = bytes[a + 10].cast_signed();
        let mut o = 0;
        while o < O {
            let c = a + DENSE_HEAD + DENSE_CHANNEL * o;
            l.w_scale[o] = read_f32(bytes, c);
            l.bias[o] = read_i32(bytes, c + 4);
            l.multiplier[o] = QuantizedMultiplier {
                multiplier: read_i32(bytes, c + 8),
                shift: read_i32(bytes, c + 12),
            };
            o += 1;
        }
        let w = a + DENSE_HEAD + DENSE_CHANNEL * O;
        let mut o = 0;
        while o < O {
            let mut i = 0;
            while i < I {
                l.w[o][i] = bytes[w + o * I + i].cast_signed();
                i += 1;
            }
            o += 1;
        }
        *at = w + O * I;
        l
    }

    /// Writes the records (see [`QLayer::write_records`](crate::quant::QLayer)).
    pub(crate) fn write_le(&self, out: &mut [u8]) -> usize {
        out[..4].copy_from_slice(&self.input.scale.to_le_bytes());
        out[4..8].copy_from_slice(&self.output.scale.to_le_bytes());
        out[8..12].copy_from_slice(&[
            self.input.zero_point.cast_unsigned(),
            self.output.zero_point.cast_unsigned(),
            self.act_min.cast_unsigned(),
            0,
        ]);
        for o in 0..O {
            let c = DENSE_HEAD + DENSE_CHANNEL * o;
            out[c..c + 4].copy_from_slice(&self.w_scale[o].to_le_bytes());
            out[c + 4..c + 8].copy_from_slice(&self.bias[o].to_le_bytes());
            out[c + 8..c + 12].copy_from_slice(&self.multiplier[o].multiplier.to_le_bytes());
            out[c + 12..c + 16].copy_from_slice(&self.multiplier[o].shift.to_le_bytes());
        }
        let w = DENSE_HEAD + DENSE_CHANNEL * O;
        for (dst, &v) in out[w..w + O * I].iter_mut().zip(self.w.as_flattened()) {
            *dst = v.cast_unsigned();
        }
        w + O * I
    }
}

impl<const N: usize> QRelu<N> {
    /// Reads this layer's record from `bytes` at `*at`, advancing `*at` (see
    /// [`QDense::read_le_const`]).
    ///
    /// # Panics
    /// If `bytes` ends before the record does.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QLayer, QRelu, QuantParams};
    /// let r = QRelu::<5>::new(QuantParams::new(0.125, -7)?);
    /// let mut bytes = [0; 8];
    /// r.write_records(&mut bytes);
    /// let mut at = 0;
    /// assert_eq!(QRelu::<5>::read_le_const(&bytes, &mut at), r);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn read_le_const(bytes: &[u8], at: &mut usize) -> Self {
        let a = *at;
        *at = a + RELU_LEN;
        Self::new(QuantParams {
            scale: read_f32(bytes, a),
            zero_point: bytes[a + 4].cast_signed(),
        })
    }

    /// Writes the record.
    pub(crate) fn write_le(self, out: &mut [u8]) -> usize {
        out[..4].copy_from_slice(&self.params.scale.to_le_bytes());
        out[4..8].copy_from_slice(&[self.params.zero_point.cast_unsigned(), 0, 0, 0]);
        RELU_LEN
    }
}
