//! Weights to and from bytes: a versioned, little-endian, checksummed format whose length is
//! a compile-time constant of the network's type.
//!
//! # Format
//!
//! The weights file of an `Mlp<D, H, K, T>` is exactly [`Mlp::BYTE_LEN`] bytes:
//! `20 + (D*H + H + H*K + K) * s + 4`, where `s` is 4 for `f32` and 8 for `f64`. Every integer
//! and every scalar in it is **little-endian**; there is no padding.
//!
//! ```text
//! offset  size  field
//!      0     4  magic: the ASCII bytes "CTNS" (0x43 0x54 0x4E 0x53)
//!      4     2  format version (u16): 1
//!      6     1  scalar tag (u8): 1 = f32 (IEEE 754 binary32), 2 = f64 (binary64)
//!      7     1  reserved (u8): must be 0
//!      8     4  D, inputs (u32)
//!     12     4  H, hidden units (u32)
//!     16     4  K, outputs (u32)
//!     20   P*s  the P = D*H + H + H*K + K parameters, each s bytes, all finite, in this order:
//!                 W1, D x H, row-major: W1[0][0], W1[0][1], .., W1[0][H-1], W1[1][0], ..
//!                 b1, H
//!                 W2, H x K, row-major
//!                 b2, K
//! 20+P*s     4  CRC-32 of bytes 0 .. 20+P*s, i.e. of everything before it (u32)
//! ```
//!
//! - The network computes `relu(x W1 + b1) W2 + b2` for a row `x` of `D` inputs, so `W1` is
//!   inputs x hidden. A PyTorch `nn.Linear(D, H)` stores `weight` as `H x D`: write its
//!   transpose (the same for the second layer).
//! - The CRC-32 is the common one (IEEE 802.3 polynomial `0xEDB88320` reflected, initial
//!   value and final XOR `0xFFFFFFFF`): zlib's `crc32`, Python's `zlib.crc32`, the one of PNG
//!   and gzip. [`crc32`]`(b"123456789")` is `0xCBF4_3926`.
//! - NaN and infinities are not allowed: a network with one cannot be used. Writing never
//!   fails on them ([`Mlp::write_bytes`] stores the bits as they are); reading rejects them
//!   ([`Error::WeightsNonFinite`]). This also catches most files written with big-endian
//!   scalars, but not all: a byte-swapped trained weight is NaN or infinite with a chance of
//!   about 1 in 256 (`f32`) or 1 in 2,048 (`f64`), so a firmware-sized `f32` model (thousands
//!   of parameters) is caught all but certainly, a model of a few dozen is likely not. The
//!   byte order is the exporter's job.
//!
//! An exporter in Python, with nothing but the standard library (`w1` is a list of `D`
//! rows of `H` floats, `w2` of `H` rows of `K`; for PyTorch,
//! `w1 = fc1.weight.detach().T.tolist()`):
//!
//! ```python
//! import struct, zlib
//!
//! def save_ctensor(path, w1, b1, w2, b2):
//!     d, h, k = len(w1), len(b1), len(b2)
//!     values = [x for row in w1 for x in row] + list(b1) + [x for row in w2 for x in row] + list(b2)
//!     data = b"CTNS" + struct.pack("<HBB3I", 1, 1, 0, d, h, k)  # version 1, f32, reserved 0
//!     data += struct.pack(f"<{len(values)}f", *values)  # "<...d" and tag 2 for f64
//!     data += struct.pack("<I", zlib.crc32(data))
//!     with open(path, "wb") as f:
//!         f.write(data)
//! ```
//!
//! # Checks, in order
//!
//! Reading a file ([`Mlp::validate_bytes`], [`Mlp::read_bytes`], [`Mlp::from_bytes`],
//! `Mlp::load`, and `Mlp::from_bytes_const` at compile time: the same code) makes these
//! checks in this order and returns the first that fails. On an error nothing is read into
//! the network.
//!
//! 1. **Magic**: the first 4 bytes are `CTNS`, else [`Error::WeightsMagic`] (whatever the
//!    length; a file shorter than 4 bytes that is the start of `CTNS` goes on to step 2).
//! 2. **Length and checksum.** If the length is [`Mlp::BYTE_LEN`], the last 4 bytes must be
//!    the CRC-32 of the others, else [`Error::WeightsChecksum`]. This comes before any other
//!    header field is trusted: a damaged version, tag or dimension is reported as damage,
//!    not as a file of another version, type or shape.
//!
//!    If the length is another, the error is [`Error::WeightsLength`], unless the file is
//!    at least 24 bytes and its own last 4 bytes are the CRC-32 of the bytes before them (an
//!    intact file, written for another network): then the first header check of step 3 that
//!    fails is reported, which says what the file is for (e.g. [`Error::WeightsShape`] with
//!    its `D, H, K`, or [`Error::WeightsScalar`] for an `f64` file read as `f32`). If its
//!    header matches this network, the error is `WeightsLength`.
//! 3. **Header**, field by field: version ([`Error::WeightsVersion`]), reserved byte
//!    ([`Error::WeightsReserved`]), scalar tag ([`Error::WeightsScalar`]), `D, H, K`
//!    ([`Error::WeightsShape`]).
//! 4. **Values**: every parameter is finite, else [`Error::WeightsNonFinite`] naming the
//!    first one that is not (tensor `"w1"`, `"b1"`, `"w2"` or `"b2"`, and its row-major index
//!    in that tensor).
//!
//! CRC-32 detects every single-bit error and every burst of up to 32 bits, so every
//! single-bit flip of a valid file is an error: a flip in the magic is `WeightsMagic`, any
//! other is `WeightsChecksum`.
//!
//! # Networks of any depth
//!
//! [`Seq`](crate::Seq) networks write format version 2, whose header records the layer list
//! (see [`Seq::BYTE_LEN`](crate::Seq::BYTE_LEN) and the `seq` module's source docs for the
//! layout), and read versions 1 and 2 (an `Mlp`'s file loads into the
//! [`MlpSeq`](crate::MlpSeq) of its shape), with the checks above in the same order, the
//! layer list taking the place of the shape.
//!
//! # Saving
//!
//! `Mlp::save` (feature `std`) never leaves a half-written model: it writes a temporary
//! file in the target's folder and renames it over the target once all bytes are on disk.

#[cfg(feature = "std")]
mod file;

mod check;
mod decode;
pub mod int8;
#[cfg(feature = "safetensors")]
pub mod safetensors;
mod seq;
mod seq_check;
pub mod seq_const;
#[cfg(feature = "std")]
mod seq_file;

use crate::{Error, Mlp, Result, Scalar};
use check::{Layout, check_file};

/// The magic bytes a weights file starts with.
///
/// # Examples
/// ```
/// let bytes: [u8; ctensor::Mlp::<2, 3, 1>::BYTE_LEN] = ctensor::Mlp::<2, 3, 1>::zeros().to_bytes();
/// assert_eq!(bytes[..4], ctensor::io::MAGIC);
/// ```
pub const MAGIC: [u8; 4] = *b"CTNS";
/// The format version this build writes and reads (bytes 4 and 5, little-endian).
///
/// # Examples
/// ```
/// let bytes: [u8; ctensor::Mlp::<2, 3, 1>::BYTE_LEN] = ctensor::Mlp::<2, 3, 1>::zeros().to_bytes();
/// assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), ctensor::io::FORMAT_VERSION);
/// ```
pub const FORMAT_VERSION: u16 = 1;
/// The format version [`Seq`](crate::Seq) networks write (they read 1 and 2); version 2
/// records the layer list.
///
/// # Examples
/// ```
/// use ctensor::{Dense, Relu, Seq};
/// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
/// let bytes: [u8; Net::BYTE_LEN] = Net::zeros().to_bytes();
/// assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), ctensor::io::SEQ_FORMAT_VERSION);
/// ```
pub const SEQ_FORMAT_VERSION: u16 = 2;
/// Bytes before the parameters: magic, version, scalar tag, reserved byte, `D, H, K`.
///
/// # Examples
/// ```
/// use ctensor::io::HEADER_LEN;
/// let mut net = ctensor::Mlp::<2, 3, 1>::zeros();
/// net.w1[(0, 0)] = 0.5;
/// let bytes: [u8; ctensor::Mlp::<2, 3, 1>::BYTE_LEN] = net.to_bytes();
/// assert_eq!(bytes[HEADER_LEN..HEADER_LEN + 4], 0.5f32.to_le_bytes());
/// ```
pub const HEADER_LEN: usize = 20;
/// Bytes of the trailing checksum, the CRC-32 of all the bytes before it.
///
/// # Examples
/// ```
/// use ctensor::io::{CHECKSUM_LEN, crc32};
/// let bytes: [u8; ctensor::Mlp::<2, 3, 1>::BYTE_LEN] = ctensor::Mlp::<2, 3, 1>::zeros().to_bytes();
/// let (body, stored) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
/// assert_eq!(stored, crc32(body).to_le_bytes());
/// ```
pub const CHECKSUM_LEN: usize = 4;

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE 802.3, as zlib and PNG) of `bytes`.
///
/// # Examples
/// ```
/// assert_eq!(ctensor::io::crc32(b"123456789"), 0xCBF4_3926);
/// ```
#[must_use]
pub const fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    let mut i = 0;
    while i < bytes.len() {
        crc = CRC_TABLE[((crc ^ bytes[i] as u32) & 0xFF) as usize] ^ (crc >> 8);
        i += 1;
    }
    !crc
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// The exact length in bytes of this network's weights file.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// assert_eq!(Mlp::<64, 32, 10>::BYTE_LEN, 20 + 4 * (64 * 32 + 32 + 32 * 10 + 10) + 4);
    /// static BUF: [u8; Mlp::<2, 2, 2>::BYTE_LEN] = [0; Mlp::<2, 2, 2>::BYTE_LEN];
    /// ```
    pub const BYTE_LEN: usize = HEADER_LEN + Self::LEN * T::BYTES + CHECKSUM_LEN;

    /// What this network's weights file must be, for the checks in [`check`].
    const LAYOUT: Layout = Layout {
        byte_len: Self::BYTE_LEN,
        scalar_bytes: T::BYTES,
        tag: T::TAG,
        name: T::NAME,
        dims: [D, H, K],
    };

    /// Writes the weights file into `out`, which must be exactly [`Mlp::BYTE_LEN`] long.
    ///
    /// # Errors
    /// [`Error::WeightsLength`] if `out` has another length, [`Error::WeightsNonFinite`] if a
    /// parameter is NaN or infinite (a file that no loader would accept). Then nothing is
    /// written.
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 1>::zeros();
    /// let mut buf = [0u8; ctensor::Mlp::<2, 3, 1>::BYTE_LEN];
    /// net.write_bytes(&mut buf)?;
    /// assert_eq!(&buf[..4], b"CTNS");
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<()> {
        if out.len() != Self::BYTE_LEN {
            return Err(Error::WeightsLength {
                expected: Self::BYTE_LEN,
                found: out.len(),
            });
        }
        if let Some((tensor, index)) = self.first_non_finite() {
            return Err(Error::WeightsNonFinite { tensor, index });
        }
        self.write_bytes_unchecked(out);
        Ok(())
    }

    /// [`Mlp::write_bytes`] into a buffer of the right length, whatever the parameters.
    fn write_bytes_unchecked(&self, out: &mut [u8]) {
        out[..4].copy_from_slice(&MAGIC);
        out[4..6].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        out[6] = T::TAG;
        out[7] = 0;
        for (i, dim) in [D, H, K].into_iter().enumerate() {
            // Shapes above u32::MAX cannot exist in memory as arrays of f32 on any target
            // this crate supports; saturate rather than wrap if one ever does.
            let dim = u32::try_from(dim).unwrap_or(u32::MAX);
            out[8 + 4 * i..12 + 4 * i].copy_from_slice(&dim.to_le_bytes());
        }
        let body = &mut out[HEADER_LEN..Self::BYTE_LEN - CHECKSUM_LEN];
        let values = self.tensors().into_iter().flatten();
        for (chunk, &x) in body.chunks_exact_mut(T::BYTES).zip(values) {
            x.write_le(chunk);
        }
        let crc = crc32(&out[..Self::BYTE_LEN - CHECKSUM_LEN]);
        out[Self::BYTE_LEN - CHECKSUM_LEN..].copy_from_slice(&crc.to_le_bytes());
    }

    /// The weights file as an array whose length `N` must be [`Mlp::BYTE_LEN`]: a wrong
    /// length does not compile.
    ///
    /// The parameters are written as they are; a NaN or infinite one makes a file that every
    /// loader rejects ([`Error::WeightsNonFinite`]). [`Mlp::write_bytes`] refuses such a
    /// network instead.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// let bytes: [u8; Mlp::<2, 3, 1>::BYTE_LEN] = Mlp::<2, 3, 1>::zeros().to_bytes();
    /// assert_eq!(bytes[6], 1); // f32
    /// ```
    #[must_use]
    pub fn to_bytes<const N: usize>(&self) -> [u8; N] {
        const {
            assert!(
                N == Self::BYTE_LEN,
                "byte array length must be Mlp::BYTE_LEN"
            );
        };
        let mut out = [0u8; N];
        self.write_bytes_unchecked(&mut out);
        out
    }

    /// Checks a weights file against this network type: magic, length, checksum, version,
    /// reserved byte, scalar type, shape and finite values, in the order given in the
    /// [module docs](crate::io#checks-in-order). Reads nothing into a network.
    ///
    /// # Errors
    /// The first check that fails: [`Error::WeightsMagic`], [`Error::WeightsLength`],
    /// [`Error::WeightsChecksum`], [`Error::WeightsVersion`], [`Error::WeightsReserved`],
    /// [`Error::WeightsScalar`], [`Error::WeightsShape`], [`Error::WeightsNonFinite`]. A file
    /// of another length whose own checksum is right (an intact file for another network)
    /// gets the header error that explains the difference, e.g. `WeightsShape`; one whose
    /// checksum is wrong gets `WeightsLength`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Mlp};
    /// let bytes: [u8; Mlp::<2, 3, 1>::BYTE_LEN] = Mlp::<2, 3, 1>::zeros().to_bytes();
    /// assert!(Mlp::<2, 3, 1>::validate_bytes(&bytes).is_ok());
    /// // A file for another shape says which.
    /// assert_eq!(
    ///     Mlp::<3, 2, 1>::validate_bytes(&bytes),
    ///     Err(Error::WeightsShape { expected: [3, 2, 1], found: [2, 3, 1] })
    /// );
    /// // A damaged byte, even in the header, is reported as damage.
    /// let mut damaged = bytes;
    /// damaged[12] ^= 0x01; // H: 3 -> 2
    /// let err = Mlp::<2, 3, 1>::validate_bytes(&damaged).unwrap_err();
    /// assert!(matches!(err, Error::WeightsChecksum { .. }));
    /// ```
    pub fn validate_bytes(bytes: &[u8]) -> Result<()> {
        check_file(bytes, Self::LAYOUT)
    }

    /// Replaces this network's parameters with those of a weights file, after checking it
    /// whole ([`Mlp::validate_bytes`]): on error the network is unchanged. No stack
    /// temporary of the network's size is made, so this suits large models.
    ///
    /// # Errors
    /// As [`Mlp::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Mlp};
    /// let mut a = Mlp::<2, 3, 1, f64>::zeros();
    /// a.b2[0] = 1.5;
    /// let mut buf = [0u8; Mlp::<2, 3, 1, f64>::BYTE_LEN];
    /// a.write_bytes(&mut buf)?;
    /// let mut b = Mlp::<2, 3, 1, f64>::zeros();
    /// b.read_bytes(&buf)?;
    /// assert_eq!(a, b);
    /// buf[30] ^= 1;
    /// assert!(b.read_bytes(&buf).is_err());
    /// // A NaN is refused by `write_bytes`; written anyway (`to_bytes` writes the bits as they
    /// // are), it is rejected when read: `b` keeps its parameters.
    /// a.w2[(1, 0)] = f64::NAN;
    /// assert!(a.write_bytes(&mut buf).is_err());
    /// let buf: [u8; Mlp::<2, 3, 1, f64>::BYTE_LEN] = a.to_bytes();
    /// assert_eq!(b.read_bytes(&buf), Err(Error::WeightsNonFinite { tensor: "w2", index: 1 }));
    /// assert_eq!(b.w2[(1, 0)], 0.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn read_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        Self::validate_bytes(bytes)?;
        let body = &bytes[HEADER_LEN..Self::BYTE_LEN - CHECKSUM_LEN];
        let values = self.tensors_mut().into_iter().flatten();
        for (x, chunk) in values.zip(body.chunks_exact(T::BYTES)) {
            *x = T::read_le(chunk);
        }
        Ok(())
    }

    /// A network from a weights file held in an array of exactly [`Mlp::BYTE_LEN`] bytes
    /// (e.g. `include_bytes!` or a `static` in flash); a wrong length does not compile.
    ///
    /// # Errors
    /// As [`Mlp::validate_bytes`] (all but the length, which is checked at compile time).
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// let bytes: [u8; Mlp::<2, 3, 1>::BYTE_LEN] = Mlp::<2, 3, 1>::zeros().to_bytes();
    /// assert_eq!(Mlp::<2, 3, 1>::from_bytes(&bytes)?, Mlp::zeros());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn from_bytes<const N: usize>(bytes: &[u8; N]) -> Result<Self> {
        const {
            assert!(
                N == Self::BYTE_LEN,
                "byte array length must be Mlp::BYTE_LEN"
            );
        };
        let mut net = Self::zeros();
        net.read_bytes(bytes)?;
        Ok(net)
    }

    /// The weights file as a `Vec`. Like [`Mlp::to_bytes`], it writes NaN or infinite
    /// parameters as they are ([`Mlp::save`] refuses them).
    ///
    /// # Examples
    /// ```
    /// let v = ctensor::Mlp::<2, 3, 1>::zeros().to_vec();
    /// assert_eq!(v.len(), ctensor::Mlp::<2, 3, 1>::BYTE_LEN);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0u8; Self::BYTE_LEN];
        self.write_bytes_unchecked(&mut out);
        out
    }
}
