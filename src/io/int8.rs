//! Weights files of int8 networks ([`QSeq`]): format version 2 with scalar tag 3 (`i8`),
//! the same family as [`Seq`](crate::Seq)'s files (same magic, header, layer records, CRC).
//!
//! ```text
//! offset   size  field
//!      0      4  magic "CTNS"
//!      4      2  format version (u16): 2
//!      6      1  scalar tag (u8): 3 = i8 (int8, TFLite's scheme)
//!      7      1  reserved (u8): 0
//!      8      4  n, the number of layers (u32)
//!     12   12 n  one record per layer: kind (u32: 4 = QDense, 5 = QRelu), inputs, outputs
//!  12+12n   ...  each layer's records, in order:
//!                QDense<I, O>: input scale (f32), output scale (f32), input zero point (i8),
//!                  output zero point (i8), act_min (i8), reserved (u8, 0); then per output
//!                  channel: weight scale (f32), bias (i32), multiplier (i32), shift (i32);
//!                  then the O x I weights (i8), output channel by output channel
//!                QRelu<N>, QDropout<N>: scale (f32), zero point (i8), 3 reserved bytes (0)
//!    end      4  CRC-32 of everything before it
//! ```
//!
//! Little-endian. Checks, in order (the first that fails is the error): magic; length and
//! CRC before any header field is believed (an intact file of another length reports the
//! header field that explains it); version, reserved byte, scalar tag; the layer count, then
//! the first layer that differs (`layer 2 differs: expected QDense<32, 10>, found
//! QDense<32, 8>`); then each layer's values, naming layer, field and output channel
//! ([`Error::InvalidQuantizedLayer`]): scales finite and > 0, reserved bytes 0, `act_min`,
//! each multiplier the one of its scales, biases that cannot overflow an accumulator,
//! weights in `[-127, 127]`, and each layer's input quantization equal to the previous
//! layer's output quantization. The same `const fn`s serve
//! [`QSeq::validate_bytes`] and [`qseq_from_bytes_const!`](crate::qseq_from_bytes_const).

use super::seq_check::{LAYER_RECORD_LEN, SEQ_HEADER_FIXED, SeqLayout, check_seq_file};
use super::{CHECKSUM_LEN, MAGIC, SEQ_FORMAT_VERSION, crc32};
use crate::nn::arch::{Arch, LayerKind};
use crate::nn::layer::Zeros;
use crate::quant::check::{WEIGHT_MIN, check_channel, check_layer, check_relu};
use crate::quant::records::{DENSE_CHANNEL, DENSE_HEAD, read_f32, read_i32, record_len};
use crate::quant::requant::QuantizedMultiplier;
use crate::quant::{QLayer, QSeq};
use crate::{Error, Result};

/// The scalar tag of an int8 network's weights file.
///
/// # Examples
/// ```
/// assert_eq!(ctensor::io::int8::I8_TAG, 3);
/// ```
pub const I8_TAG: u8 = 3;

/// The length of the int8 weights file of a network with these layers.
///
/// # Panics
/// If a layer is not an int8 layer (at compile time, where it is used, an error).
const fn byte_len(arch: &Arch) -> usize {
    let layers = arch.as_slice();
    let mut len = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * layers.len() + CHECKSUM_LEN;
    let mut i = 0;
    while i < layers.len() {
        match record_len(&layers[i]) {
            Some(n) => len += n,
            None => panic!("an int8 network has only int8 layers"),
        }
        i += 1;
    }
    len
}

/// The error for `layer`.
const fn bad(layer: usize, what: &'static str, channel: usize) -> Error {
    Error::InvalidQuantizedLayer {
        layer,
        what,
        channel,
    }
}

/// The values of every layer (after the header checks); `start` is the first record.
const fn check_records(bytes: &[u8], start: usize, arch: &Arch) -> Result<()> {
    let layers = arch.as_slice();
    let mut at = start;
    // The previous layer's output quantization: (scale bits, zero point).
    let mut prev: Option<(u32, u8)> = None;
    let mut layer = 0;
    while layer < layers.len() {
        let spec = layers[layer];
        let (input, output) = match spec.kind {
            LayerKind::DenseI8 => {
                let (sx, sy) = (read_f32(bytes, at), read_f32(bytes, at + 4));
                let (zx, zy, act_min) = (bytes[at + 8], bytes[at + 9], bytes[at + 10]);
                if bytes[at + 11] != 0 {
                    return Err(bad(layer, "reserved byte (not 0)", 0));
                }
                if let Some(what) = check_layer(sx, sy, zy.cast_signed(), act_min.cast_signed()) {
                    return Err(bad(layer, what, 0));
                }
                let (inputs, outputs) = (spec.inputs as usize, spec.outputs as usize);
                let mut o = 0;
                while o < outputs {
                    let c = at + DENSE_HEAD + DENSE_CHANNEL * o;
                    let m = QuantizedMultiplier {
                        multiplier: read_i32(bytes, c + 8),
                        shift: read_i32(bytes, c + 12),
                    };
                    let (sw, bias) = (read_f32(bytes, c), read_i32(bytes, c + 4));
                    if let Some(what) = check_channel(sx, sy, sw, m, bias, inputs) {
                        return Err(bad(layer, what, o));
                    }
                    let w = at + DENSE_HEAD + DENSE_CHANNEL * outputs + o * inputs;
                    let mut i = 0;
                    while i < inputs {
                        if bytes[w + i] == 0x80 {
                            return Err(bad(layer, WEIGHT_MIN, o));
                        }
                        i += 1;
                    }
                    o += 1;
                }
                ((sx.to_bits(), zx), (sy.to_bits(), zy))
            }
            LayerKind::ReluI8 | LayerKind::DropoutI8 => {
                let s = read_f32(bytes, at);
                if bytes[at + 5] != 0 || bytes[at + 6] != 0 || bytes[at + 7] != 0 {
                    return Err(bad(layer, "reserved byte (not 0)", 0));
                }
                if let Some(what) = check_relu(s) {
                    return Err(bad(layer, what, 0));
                }
                ((s.to_bits(), bytes[at + 4]), (s.to_bits(), bytes[at + 4]))
            }
            // The header check compared the layer list with the network's: not reached.
            _ => return Err(bad(layer, "layer kind (not an int8 layer)", 0)),
        };
        if let Some(p) = prev
            && (p.0 != input.0 || p.1 != input.1)
        {
            return Err(bad(
                layer,
                "input quantization (not the previous layer's output)",
                0,
            ));
        }
        prev = Some(output);
        at += match record_len(&spec) {
            Some(n) => n,
            None => 0,
        };
        layer += 1;
    }
    Ok(())
}

impl<L: QLayer> QSeq<L> {
    /// The exact length in bytes of this network's weights file: `12 + 12 LAYERS`, the
    /// layers' records (a `QDense<I, O>`: `12 + 16 O + I O`; a `QRelu` or `QDropout`: 8),
    /// and 4.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QRelu, QSeq};
    /// type Net = QSeq<(QDense<64, 32>, QRelu<32>, QDense<32, 10>)>;
    /// assert_eq!(Net::BYTE_LEN, 12 + 36 + (12 + 16 * 32 + 64 * 32) + 8 + (12 + 16 * 10 + 320) + 4);
    /// ```
    pub const BYTE_LEN: usize = byte_len(&L::ARCH);

    /// What this network's weights file must be.
    const fn layout() -> SeqLayout {
        SeqLayout {
            byte_len: Self::BYTE_LEN,
            scalar_bytes: 1,
            tag: I8_TAG,
            name: "i8",
            arch: L::ARCH,
        }
    }

    /// Checks a weights file against this network type, as [`QSeq::validate_bytes`], in a
    /// `const fn`; returns the offset of the first layer record.
    ///
    /// # Errors
    /// As [`QSeq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq};
    /// type Net = QSeq<(QDense<2, 1>,)>;
    /// assert!(Net::validate_bytes_const(b"CTNS").is_err());
    /// ```
    pub const fn validate_bytes_const(bytes: &[u8]) -> Result<usize> {
        let layout = Self::layout();
        // An int8 file is version 2 only (version 1 is an `Mlp`'s float file).
        if bytes.len() >= 6 && bytes[4] == 1 && bytes[5] == 0 {
            let mut i = 0;
            while i < 4 {
                if bytes[i] != MAGIC[i] {
                    return Err(Error::WeightsMagic);
                }
                i += 1;
            }
            return Err(Error::WeightsVersion(1));
        }
        let start = match check_seq_file(bytes, &layout) {
            Ok(start) => start,
            Err(e) => return Err(e),
        };
        match check_records(bytes, start, &layout.arch) {
            Ok(()) => Ok(start),
            Err(e) => Err(e),
        }
    }

    /// Checks a weights file against this network type (see the [module](self) for the
    /// checks and their order).
    ///
    /// # Errors
    /// [`Error::WeightsMagic`], [`Error::WeightsLength`], [`Error::WeightsChecksum`],
    /// [`Error::WeightsVersion`], [`Error::WeightsReserved`], [`Error::WeightsScalar`],
    /// [`Error::WeightsLayerCount`], [`Error::WeightsLayer`], or
    /// [`Error::InvalidQuantizedLayer`]: the first check that fails.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(0.5, 0)?;
    /// let net = QSeq::new((QDense::<2, 1>::new([[1, 2]], [0.1], [3], p, p, -128)?,));
    /// let mut bytes = [0; QSeq::<(QDense<2, 1>,)>::BYTE_LEN];
    /// net.write_bytes(&mut bytes)?;
    /// assert!(QSeq::<(QDense<2, 1>,)>::validate_bytes(&bytes).is_ok());
    /// bytes[20] ^= 1;
    /// assert!(QSeq::<(QDense<2, 1>,)>::validate_bytes(&bytes).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn validate_bytes(bytes: &[u8]) -> Result<()> {
        Self::validate_bytes_const(bytes).map(|_| ())
    }

    /// Writes the weights file into `out`, which must be [`QSeq::BYTE_LEN`] bytes long, and
    /// checks it as a loader would (so a network with an invalid layer is refused here,
    /// not on the device).
    ///
    /// # Errors
    /// [`Error::WeightsLength`] if `out` has another length (nothing written); as
    /// [`QSeq::validate_bytes`] if a layer is invalid (then `out` holds the bytes, with the
    /// error).
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq};
    /// type Net = QSeq<(QDense<2, 1>,)>;
    /// let mut out = [0; Net::BYTE_LEN];
    /// assert!(Net::new((QDense::zeros(),)).write_bytes(&mut out).is_err()); // scales 0
    /// ```
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<()> {
        if out.len() != Self::BYTE_LEN {
            return Err(Error::WeightsLength {
                expected: Self::BYTE_LEN,
                found: out.len(),
            });
        }
        out[..4].copy_from_slice(&MAGIC);
        out[4..6].copy_from_slice(&SEQ_FORMAT_VERSION.to_le_bytes());
        out[6] = I8_TAG;
        out[7] = 0;
        let layers = L::ARCH;
        let layers = layers.as_slice();
        out[8..12].copy_from_slice(&(layers.len() as u32).to_le_bytes());
        for (i, spec) in layers.iter().enumerate() {
            let at = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * i;
            out[at..at + 4].copy_from_slice(&spec.kind.code().to_le_bytes());
            out[at + 4..at + 8].copy_from_slice(&spec.inputs.to_le_bytes());
            out[at + 8..at + 12].copy_from_slice(&spec.outputs.to_le_bytes());
        }
        let start = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * layers.len();
        let written = self.layers.write_records(&mut out[start..]);
        debug_assert_eq!(start + written + CHECKSUM_LEN, Self::BYTE_LEN);
        let end = Self::BYTE_LEN - CHECKSUM_LEN;
        let crc = crc32(&out[..end]);
        out[end..].copy_from_slice(&crc.to_le_bytes());
        Self::validate_bytes(out)
    }

    /// The weights file as a `Vec`.
    ///
    /// # Errors
    /// As [`QSeq::write_bytes`] for an invalid layer.
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let net = QSeq::new((QDense::<3, 2>::new([[1, 2, 3], [4, 5, 6]], [0.5; 2], [0; 2], p, p, -128)?,));
    /// assert_eq!(net.to_vec()?.len(), 12 + 12 + 12 + 32 + 6 + 4);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        let mut out = alloc::vec![0u8; Self::BYTE_LEN];
        self.write_bytes(&mut out)?;
        Ok(out)
    }

    /// Replaces the layers with those of a weights file, after every check; on `Err`,
    /// `self` is unchanged.
    ///
    /// # Errors
    /// As [`QSeq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::quant::{QDense, QSeq, QuantParams};
    /// let p = QuantParams::new(1.0, 0)?;
    /// let net = QSeq::new((QDense::<1, 1>::new([[7]], [0.5], [1], p, p, -128)?,));
    /// let mut other = QSeq::new((QDense::<1, 1>::ZEROS,));
    /// let mut bytes = [0; QSeq::<(QDense<1, 1>,)>::BYTE_LEN];
    /// net.write_bytes(&mut bytes)?;
    /// other.read_bytes(&bytes)?;
    /// assert_eq!(other, net);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn read_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let start = Self::validate_bytes_const(bytes)?;
        self.layers.read_records(&bytes[start..]);
        Ok(())
    }
}

impl<L: QLayer + Zeros> QSeq<L> {
    /// A network from a weights file (checked).
    ///
    /// # Errors
    /// As [`QSeq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::quant::{QDense, QRelu, QSeq};
    /// type Net = QSeq<(QDense<2, 2>, QRelu<2>)>;
    /// let err = Net::from_bytes(&[0; 20]).unwrap_err();
    /// assert_eq!(err, ctensor::Error::WeightsMagic);
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut net = Self::new(L::ZEROS);
        net.read_bytes(bytes)?;
        Ok(net)
    }
}

/// Decodes an int8 weights file into a [`QSeq`] in a `const` context (a `static` in flash
/// from `include_bytes!`), after the checks of [`QSeq::validate_bytes`] (the same code).
/// `qseq_from_bytes_const!(BYTES => [layers..])` takes the flat layer list, nested as
/// [`network!`](crate::network) nests it, and evaluates to `Result<QSeq<..>, Error>`.
///
/// # Examples
/// ```
/// use ctensor::quant::{QDense, QRelu, QSeq, QuantParams};
/// use ctensor::qseq_from_bytes_const;
/// type Net = QSeq<(QDense<2, 2>, QRelu<2>, QDense<2, 1>)>;
/// # let p = QuantParams::new(0.5, -128)?;
/// # let net = Net::new((
/// #     QDense::new([[1, 2], [3, 4]], [0.1; 2], [5, 6], p, p, -128)?,
/// #     QRelu::new(p),
/// #     QDense::new([[7, -8]], [0.2], [9], p, p, -128)?,
/// # ));
/// # let mut bytes = [0; Net::BYTE_LEN];
/// # net.write_bytes(&mut bytes)?;
/// # assert_eq!(bytes.len(), 12 + 36 + 12 + 32 + 4 + 8 + 12 + 16 + 2 + 4);
/// // In firmware: `static FILE: &[u8] = include_bytes!("net_int8.bin");` and a `static`.
/// let decoded = qseq_from_bytes_const!(&bytes => [QDense<2, 2>, QRelu<2>, QDense<2, 1>]);
/// assert_eq!(decoded?, net);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[macro_export]
macro_rules! qseq_from_bytes_const {
    ($bytes:expr => [$($layer:ty),+ $(,)?]) => {{
        type Net = $crate::quant::QSeq<$crate::__layer_tuple!($($layer),+)>;
        const fn decode(bytes: &[u8]) -> ::core::result::Result<Net, $crate::Error> {
            match Net::validate_bytes_const(bytes) {
                ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                ::core::result::Result::Ok(start) => {
                    let mut at = start;
                    ::core::result::Result::Ok($crate::quant::QSeq::new(
                        $crate::__layer_values!([bytes, at]; $($layer),+)
                    ))
                }
            }
        }
        decode($bytes)
    }};
}
