//! Weights files of [`Seq`] networks, format version 2: the header records the layer list.
//!
//! ```text
//! offset      size  field
//!      0         4  magic "CTNS"
//!      4         2  format version (u16): 2
//!      6         1  scalar tag (u8): 1 = f32, 2 = f64
//!      7         1  reserved (u8): 0
//!      8         4  n, the number of layers (u32; ReLU and dropout layers count)
//!     12      12 n  one record per layer: kind (u32: 1 = Dense, 2 = Relu, 3 = DropoutLayer),
//!                   inputs (u32), outputs (u32)
//! 12+12n       P s  the P parameters, layer by layer, each layer's tensors in order
//!                   (a Dense: W, inputs x outputs, row-major, then b), each s bytes, finite
//!    end         4  CRC-32 of everything before it
//! ```
//! Everything is little-endian. A version-1 file (an [`Mlp`](crate::Mlp)'s, header
//! `D, H, K`) is read as the layer list `Dense<D, H>, Relu<H>, Dense<H, K>`: it loads into
//! the [`MlpSeq`](crate::MlpSeq) of that shape. The checks and their order are those of
//! version 1 (magic; length and CRC before any header field is trusted; version, reserved
//! byte, scalar type; then the layer count and each layer, so that a file of another
//! architecture is refused with the first layer that differs; finite values), and the
//! compile-time decoder ([`seq_from_bytes_const!`](crate::seq_from_bytes_const)) makes them
//! with the same code.

use super::seq_check::{LAYER_RECORD_LEN, SEQ_HEADER_FIXED, SeqLayout, check_seq_file};
use super::{CHECKSUM_LEN, MAGIC, SEQ_FORMAT_VERSION, crc32};
use crate::nn::layer::Forward;
use crate::nn::params::Params;
use crate::{Error, Result, Scalar, Seq};

impl<L: Forward + Params> Seq<L> {
    /// The exact length in bytes of this network's weights file:
    /// `12 + 12 LAYERS + PARAMS * s + 4` (`s` = 4 for `f32`, 8 for `f64`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>;
    /// assert_eq!(Net::BYTE_LEN, 12 + 12 * 3 + 4 * (64 * 32 + 32 + 32 * 10 + 10) + 4);
    /// static FILE: [u8; Net::BYTE_LEN] = [0; Net::BYTE_LEN];
    /// ```
    pub const BYTE_LEN: usize = {
        assert!(
            L::LEN == L::ARCH.param_len(),
            "the layers' Params and their ARCH disagree on the number of parameters"
        );
        SEQ_HEADER_FIXED
            + LAYER_RECORD_LEN * L::ARCH.len()
            + L::LEN * <L::Scalar as Scalar>::BYTES
            + CHECKSUM_LEN
    };

    const HEADER_LEN: usize = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * L::ARCH.len();

    /// What this network's weights file must be.
    const fn layout() -> SeqLayout {
        SeqLayout {
            byte_len: Self::BYTE_LEN,
            scalar_bytes: <L::Scalar as Scalar>::BYTES,
            tag: <L::Scalar as Scalar>::TAG,
            name: <L::Scalar as Scalar>::NAME,
            arch: L::ARCH,
        }
    }

    /// Checks a weights file against this network type, as [`Seq::validate_bytes`], in a
    /// `const fn` (the compile-time decoder's checks); returns the offset of the first
    /// parameter (20 in a version-1 file, `12 + 12 LAYERS` in a version-2 file).
    ///
    /// # Errors
    /// As [`Seq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// const OFFSET: Result<usize, ctensor::Error> = Net::validate_bytes_const(b"CTNS");
    /// assert!(OFFSET.is_err());
    /// let file: [u8; Net::BYTE_LEN] = Net::zeros().to_bytes();
    /// assert_eq!(Net::validate_bytes_const(&file), Ok(12 + 12 * 3));
    /// ```
    pub const fn validate_bytes_const(bytes: &[u8]) -> Result<usize> {
        check_seq_file(bytes, &Self::layout())
    }

    /// Checks a weights file against this network type: magic, length, checksum, version
    /// (1 or 2), reserved byte, scalar type, layer count, each layer, finite values, in
    /// that order. Reads nothing into a network.
    ///
    /// # Errors
    /// The first check that fails: [`Error::WeightsMagic`], [`Error::WeightsLength`],
    /// [`Error::WeightsChecksum`], [`Error::WeightsVersion`], [`Error::WeightsReserved`],
    /// [`Error::WeightsScalar`], [`Error::WeightsLayerCount`], [`Error::WeightsLayer`],
    /// [`Error::WeightsLayerNonFinite`]. An intact file of another length (its own checksum
    /// is right) gets the header error that explains the difference.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Error, Relu, Seq};
    /// type Net = Seq<(Dense<64, 128>, Relu<128>, Dense<128, 8>)>;
    /// type Other = Seq<(Dense<64, 128>, Relu<128>, Dense<128, 16>)>;
    /// let file: [u8; Other::BYTE_LEN] = Other::zeros().to_bytes();
    /// let err = Net::validate_bytes(&file).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "weights file is for another architecture: layer 2 differs: \
    ///      expected Dense<128, 8>, found Dense<128, 16>"
    /// );
    /// assert!(Other::validate_bytes(&file).is_ok());
    /// ```
    pub fn validate_bytes(bytes: &[u8]) -> Result<()> {
        Self::validate_bytes_const(bytes).map(|_| ())
    }

    /// Replaces this network's parameters with those of a weights file (version 2, or an
    /// [`Mlp`](crate::Mlp)'s version-1 file for an [`MlpSeq`](crate::MlpSeq)), after checking
    /// it whole ([`Seq::validate_bytes`]): on error the network is unchanged. No stack
    /// temporary of the network's size is made.
    ///
    /// # Errors
    /// As [`Seq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Error, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3, f64>, Relu<3, f64>, Dense<3, 1, f64>)>;
    /// let mut a = Net::zeros();
    /// a.layers.2.b[0] = 1.5;
    /// let mut file: [u8; Net::BYTE_LEN] = a.to_bytes();
    /// let mut b = Net::zeros();
    /// b.read_bytes(&file)?;
    /// assert_eq!(a, b);
    /// file[60] ^= 1;
    /// assert!(matches!(b.read_bytes(&file), Err(Error::WeightsChecksum { .. })));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn read_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let mut at = Self::validate_bytes_const(bytes)?;
        let size = <L::Scalar as Scalar>::BYTES;
        for i in 0..L::TENSORS {
            for x in self.layers.tensor_mut(i) {
                *x = <L::Scalar as Scalar>::read_le(&bytes[at..at + size]);
                at += size;
            }
        }
        Ok(())
    }

    /// Writes the weights file (version 2) into `out`, which must be exactly
    /// [`Seq::BYTE_LEN`] long.
    ///
    /// # Errors
    /// [`Error::WeightsLength`] if `out` has another length,
    /// [`Error::WeightsLayerNonFinite`] if a parameter is NaN or infinite (a file no loader
    /// would accept). Then nothing is written.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let mut buf = [0u8; Net::BYTE_LEN];
    /// Net::zeros().write_bytes(&mut buf)?;
    /// assert_eq!(&buf[..4], b"CTNS");
    /// assert_eq!(buf[8], 3); // layers
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<()> {
        if out.len() != Self::BYTE_LEN {
            return Err(Error::WeightsLength {
                expected: Self::BYTE_LEN,
                found: out.len(),
            });
        }
        if let Some((info, index)) = self.layers.first_non_finite() {
            return Err(Error::WeightsLayerNonFinite {
                layer: info.layer,
                tensor: info.name,
                index,
            });
        }
        self.write_bytes_unchecked(out);
        Ok(())
    }

    /// [`Seq::write_bytes`] into a buffer of the right length, whatever the parameters.
    pub(crate) fn write_bytes_unchecked(&self, out: &mut [u8]) {
        let u32_at = |out: &mut [u8], at: usize, v: u32| {
            out[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        out[..4].copy_from_slice(&MAGIC);
        out[4..6].copy_from_slice(&SEQ_FORMAT_VERSION.to_le_bytes());
        out[6] = <L::Scalar as Scalar>::TAG;
        out[7] = 0;
        // At most `MAX_LAYERS` (64) layers.
        u32_at(out, 8, L::ARCH.len() as u32);
        for (i, spec) in L::ARCH.as_slice().iter().enumerate() {
            let at = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * i;
            u32_at(out, at, spec.kind.code());
            u32_at(out, at + 4, spec.inputs);
            u32_at(out, at + 8, spec.outputs);
        }
        let size = <L::Scalar as Scalar>::BYTES;
        let mut at = Self::HEADER_LEN;
        for i in 0..L::TENSORS {
            for &x in self.layers.tensor(i) {
                x.write_le(&mut out[at..at + size]);
                at += size;
            }
        }
        let body = Self::BYTE_LEN - CHECKSUM_LEN;
        let crc = crc32(&out[..body]);
        out[body..].copy_from_slice(&crc.to_le_bytes());
    }

    /// The weights file as an array whose length `N` must be [`Seq::BYTE_LEN`]: a wrong
    /// length does not compile. Parameters are written as they are (see
    /// [`Seq::write_bytes`], which refuses NaN and infinities).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let bytes: [u8; Net::BYTE_LEN] = Net::zeros().to_bytes();
    /// assert_eq!(Net::from_bytes(&bytes)?, Net::zeros());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn to_bytes<const N: usize>(&self) -> [u8; N] {
        const {
            assert!(
                N == Self::BYTE_LEN,
                "byte array length must be Seq::BYTE_LEN"
            );
        };
        let mut out = [0u8; N];
        self.write_bytes_unchecked(&mut out);
        out
    }

    /// The weights file as a `Vec`, parameters written as they are.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// assert_eq!(Net::zeros().to_vec().len(), Net::BYTE_LEN);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0u8; Self::BYTE_LEN];
        self.write_bytes_unchecked(&mut out);
        out
    }
}

impl<L: Forward + Params + crate::nn::layer::Zeros> Seq<L> {
    /// A network from a weights file held in an array of exactly [`Seq::BYTE_LEN`] bytes (a
    /// version-2 file; read others with [`Seq::read_bytes`]).
    ///
    /// # Errors
    /// As [`Seq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let mut net = Net::zeros();
    /// net.layers.0.w[(1, 2)] = -0.5;
    /// let bytes: [u8; Net::BYTE_LEN] = net.to_bytes();
    /// assert_eq!(Net::from_bytes(&bytes)?, net);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn from_bytes<const N: usize>(bytes: &[u8; N]) -> Result<Self> {
        const {
            assert!(
                N == Self::BYTE_LEN,
                "byte array length must be Seq::BYTE_LEN"
            );
        };
        let mut net = Self::zeros();
        net.read_bytes(bytes)?;
        Ok(net)
    }
}
