//! Weights to and from bytes: a versioned, little-endian, checksummed format whose length is
//! a compile-time constant of the network's type.
//!
//! ```text
//! offset  size  field
//!      0     4  magic "CTNS"
//!      4     2  format version (u16 LE), currently 1
//!      6     1  scalar tag: 1 = f32, 2 = f64
//!      7     1  reserved, 0
//!      8    12  D, H, K (u32 LE each)
//!     20     *  W1 (D x H, row-major), b1 (H), W2 (H x K, row-major), b2 (K), LE scalars
//!    end-4   4  CRC-32 (IEEE) of every byte before it (u32 LE)
//! ```

#[cfg(feature = "std")]
use crate::FileError;
use crate::{Error, Matrix, Mlp, Result, Scalar, Vector};

/// The magic bytes a weights file starts with.
pub const MAGIC: [u8; 4] = *b"CTNS";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Bytes before the parameters.
pub const HEADER_LEN: usize = 20;
/// Bytes of the trailing checksum.
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

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
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

    /// Writes the weights file into `out`, which must be exactly [`Mlp::BYTE_LEN`] long.
    ///
    /// # Errors
    /// [`Error::WeightsLength`] if `out` has another length (then nothing is written).
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
        Ok(())
    }

    /// The weights file as an array whose length `N` must be [`Mlp::BYTE_LEN`]: a wrong
    /// length does not compile.
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
        // Cannot fail: the length was checked at compile time.
        let _ = self.write_bytes(&mut out);
        out
    }

    /// Checks a weights file against this network type: length, magic, version, scalar
    /// type, shape and checksum, in that order. Reads nothing into a network.
    ///
    /// # Errors
    /// The first check that fails: [`Error::WeightsLength`], [`Error::WeightsMagic`],
    /// [`Error::WeightsVersion`], [`Error::WeightsScalar`], [`Error::WeightsShape`],
    /// [`Error::WeightsChecksum`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Mlp};
    /// let bytes: [u8; Mlp::<2, 3, 1>::BYTE_LEN] = Mlp::<2, 3, 1>::zeros().to_bytes();
    /// assert!(Mlp::<2, 3, 1>::validate_bytes(&bytes).is_ok());
    /// assert!(matches!(Mlp::<3, 2, 1>::validate_bytes(&bytes), Err(Error::WeightsShape { .. })));
    /// ```
    pub fn validate_bytes(bytes: &[u8]) -> Result<()> {
        if bytes.len() != Self::BYTE_LEN {
            // A file of another shape has another length: say which shape when we can.
            if bytes.len() >= HEADER_LEN && bytes[..4] == MAGIC {
                Self::check_header(bytes)?;
            }
            return Err(Error::WeightsLength {
                expected: Self::BYTE_LEN,
                found: bytes.len(),
            });
        }
        Self::check_header(bytes)?;
        let stored = read_u32(bytes, Self::BYTE_LEN - CHECKSUM_LEN);
        let computed = crc32(&bytes[..Self::BYTE_LEN - CHECKSUM_LEN]);
        if stored != computed {
            return Err(Error::WeightsChecksum { stored, computed });
        }
        Ok(())
    }

    fn check_header(bytes: &[u8]) -> Result<()> {
        if bytes[..4] != MAGIC {
            return Err(Error::WeightsMagic);
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != FORMAT_VERSION {
            return Err(Error::WeightsVersion(version));
        }
        if bytes[6] != T::TAG {
            return Err(Error::WeightsScalar {
                expected: T::NAME,
                found_tag: bytes[6],
            });
        }
        let found = [read_u32(bytes, 8), read_u32(bytes, 12), read_u32(bytes, 16)];
        if found.map(|d| d as usize) != [D, H, K] {
            return Err(Error::WeightsShape {
                expected: [D, H, K],
                found,
            });
        }
        Ok(())
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
    /// use ctensor::Mlp;
    /// let mut a = Mlp::<2, 3, 1, f64>::zeros();
    /// a.b2[0] = 1.5;
    /// let mut buf = vec![0u8; Mlp::<2, 3, 1, f64>::BYTE_LEN];
    /// a.write_bytes(&mut buf)?;
    /// let mut b = Mlp::<2, 3, 1, f64>::zeros();
    /// b.read_bytes(&buf)?;
    /// assert_eq!(a, b);
    /// buf[30] ^= 1;
    /// assert!(b.read_bytes(&buf).is_err());
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

    /// The weights file as a `Vec`.
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
        // Cannot fail: the buffer has the right length.
        let _ = self.write_bytes(&mut out);
        out
    }

    /// Saves the weights file to `path`.
    ///
    /// # Errors
    /// A [`FileError`] naming the file if it cannot be written.
    ///
    /// # Examples
    /// ```
    /// let path = std::env::temp_dir().join("ctensor-doc-save.bin");
    /// ctensor::Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), FileError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_vec()).map_err(|e| FileError::io("write", path, &e))?;
        Ok(())
    }

    /// Loads a weights file from `path` into a network built on the heap.
    ///
    /// # Errors
    /// A [`FileError`] naming the file: the system's error if it cannot be read, else the
    /// error of [`Mlp::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// let path = std::env::temp_dir().join("ctensor-doc-load.bin");
    /// Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// let net = Mlp::<2, 3, 1>::load(&path)?;
    /// assert!(Mlp::<3, 3, 1>::load(&path).is_err());
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<alloc::boxed::Box<Self>, FileError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| FileError::io("read", path, &e))?;
        let mut net = Self::boxed_zeros();
        net.read_bytes(&bytes)
            .map_err(|e| FileError::content("read", path, e))?;
        Ok(net)
    }
}

/// The header checks of [`Mlp::validate_bytes`] (magic, version, scalar tag, shape), usable
/// in `const` items. `bytes` must be at least [`HEADER_LEN`] long.
const fn check_header_const(
    bytes: &[u8],
    tag: u8,
    name: &'static str,
    expected: [usize; 3],
) -> Result<()> {
    if bytes[0] != MAGIC[0] || bytes[1] != MAGIC[1] || bytes[2] != MAGIC[2] || bytes[3] != MAGIC[3]
    {
        return Err(Error::WeightsMagic);
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(Error::WeightsVersion(version));
    }
    if bytes[6] != tag {
        return Err(Error::WeightsScalar {
            expected: name,
            found_tag: bytes[6],
        });
    }
    let found = [
        read_u32_const(bytes, 8),
        read_u32_const(bytes, 12),
        read_u32_const(bytes, 16),
    ];
    if found[0] as usize != expected[0]
        || found[1] as usize != expected[1]
        || found[2] as usize != expected[2]
    {
        return Err(Error::WeightsShape { expected, found });
    }
    Ok(())
}

const fn read_u32_const(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// [`Mlp::validate_bytes`] for `const` items: the same checks in the same order, with the
/// same errors. `byte_len` is the network's [`Mlp::BYTE_LEN`].
const fn validate_bytes_const(
    bytes: &[u8],
    byte_len: usize,
    tag: u8,
    name: &'static str,
    expected: [usize; 3],
) -> Result<()> {
    if bytes.len() != byte_len {
        if bytes.len() >= HEADER_LEN
            && bytes[0] == MAGIC[0]
            && bytes[1] == MAGIC[1]
            && bytes[2] == MAGIC[2]
            && bytes[3] == MAGIC[3]
            && let Err(e) = check_header_const(bytes, tag, name, expected)
        {
            return Err(e);
        }
        return Err(Error::WeightsLength {
            expected: byte_len,
            found: bytes.len(),
        });
    }
    if let Err(e) = check_header_const(bytes, tag, name, expected) {
        return Err(e);
    }
    let stored = read_u32_const(bytes, byte_len - CHECKSUM_LEN);
    let (body, _) = bytes.split_at(byte_len - CHECKSUM_LEN);
    let computed = crc32(body);
    if stored != computed {
        return Err(Error::WeightsChecksum { stored, computed });
    }
    Ok(())
}

/// A `const fn` weights decoder for one concrete scalar type (`const fn`s cannot call the
/// [`Scalar`] trait's methods, so there is one per type).
macro_rules! const_decoder {
    ($t:ident, $tag:expr, $read:ident) => {
        /// Reads the little-endian scalar at `bytes[at..]`.
        const fn $read(bytes: &[u8], at: usize) -> $t {
            let mut raw = [0u8; core::mem::size_of::<$t>()];
            let mut i = 0;
            while i < raw.len() {
                raw[i] = bytes[at + i];
                i += 1;
            }
            <$t>::from_le_bytes(raw)
        }

        impl<const D: usize, const H: usize, const K: usize> Mlp<D, H, K, $t> {
            #[doc = concat!(
                "A network decoded from a weights file at compile time: a `const fn`, so that a ",
                "model can be a `static` in flash built from `include_bytes!`, with no copy in ",
                "RAM and no parsing code in the firmware.\n\n",
                "It makes the checks of [`Mlp::validate_bytes`] (length, magic, version, scalar ",
                "type, shape, CRC-32) in the same order, with the same errors. In a `static` or ",
                "`const` item, turn an `Err` into a compile error with `panic!` (see the ",
                "example). At run time prefer [`Mlp::read_bytes`] into an existing network: this ",
                "returns the network by value, which puts it on the stack.\n\n",
                "Defined for `f32` and `f64` (this one reads `", stringify!($t), "` files).\n\n",
                "# Errors\n",
                "As [`Mlp::validate_bytes`].\n\n",
                "# Examples\n",
                "```\n",
                "use ctensor::{Error, Mlp};\n",
                "type Net = Mlp<2, 3, 1, ", stringify!($t), ">;\n",
                "# // A valid file with all parameters zero, made in a `const fn`.\n",
                "# const fn file() -> [u8; Net::BYTE_LEN] {\n",
                "#     let mut f = [0u8; Net::BYTE_LEN];\n",
                "#     let head = *b\"CTNS\\x01\\x00\\x00\\x00\\x02\\0\\0\\0\\x03\\0\\0\\0\\x01\\0\\0\\0\";\n",
                "#     let mut i = 0;\n",
                "#     while i < 20 { f[i] = head[i]; i += 1; }\n",
                "#     f[6] = ", stringify!($tag), ";\n",
                "#     let crc = ctensor::io::crc32(f.split_at(Net::BYTE_LEN - 4).0).to_le_bytes();\n",
                "#     let mut i = 0;\n",
                "#     while i < 4 { f[Net::BYTE_LEN - 4 + i] = crc[i]; i += 1; }\n",
                "#     f\n",
                "# }\n",
                "// In firmware: `const FILE: &[u8] = include_bytes!(\"net.bin\");`\n",
                "const FILE: [u8; Net::BYTE_LEN] = file();\n",
                "static NET: Net = match Net::from_bytes_const(&FILE) {\n",
                "    Ok(net) => net,\n",
                "    Err(_) => panic!(\"bad weights file\"), // a compile error, never a run-time panic\n",
                "};\n",
                "assert_eq!(NET, Net::zeros());\n",
                "const SHORT: Result<Net, Error> = Net::from_bytes_const(b\"CTNS\");\n",
                "assert!(matches!(SHORT, Err(Error::WeightsLength { found: 4, .. })));\n",
                "```"
            )]
            pub const fn from_bytes_const(bytes: &[u8]) -> Result<Self> {
                const SIZE: usize = core::mem::size_of::<$t>();
                if let Err(e) = validate_bytes_const(bytes, Self::BYTE_LEN, $tag, stringify!($t), [D, H, K]) {
                    return Err(e);
                }
                let mut at = HEADER_LEN;
                let mut w1 = [[0.0; H]; D];
                let mut i = 0;
                while i < D {
                    let mut j = 0;
                    while j < H {
                        w1[i][j] = $read(bytes, at);
                        at += SIZE;
                        j += 1;
                    }
                    i += 1;
                }
                let mut b1 = [0.0; H];
                let mut j = 0;
                while j < H {
                    b1[j] = $read(bytes, at);
                    at += SIZE;
                    j += 1;
                }
                let mut w2 = [[0.0; K]; H];
                let mut i = 0;
                while i < H {
                    let mut j = 0;
                    while j < K {
                        w2[i][j] = $read(bytes, at);
                        at += SIZE;
                        j += 1;
                    }
                    i += 1;
                }
                let mut b2 = [0.0; K];
                let mut j = 0;
                while j < K {
                    b2[j] = $read(bytes, at);
                    at += SIZE;
                    j += 1;
                }
                Ok(Self::from_parts(
                    Matrix::from_array(w1),
                    Vector::from_array(b1),
                    Matrix::from_array(w2),
                    Vector::from_array(b2),
                ))
            }
        }
    };
}
const_decoder!(f32, 1, read_f32_const);
const_decoder!(f64, 2, read_f64_const);

#[cfg(test)]
mod tests {
    use super::*;

    type Net = Mlp<3, 4, 2>;

    fn sample<T: Scalar>() -> Mlp<3, 4, 2, T> {
        let mut net = Mlp::<3, 4, 2, T>::zeros();
        for (k, tensor) in net.tensors_mut().into_iter().enumerate() {
            for (i, x) in tensor.iter_mut().enumerate() {
                *x = T::from_f64((k as f64 + 1.0) * 0.37 - i as f64 * 1.3e-3);
            }
        }
        net
    }

    // A `static` decoded at compile time from bytes made at compile time.
    const SAMPLE_F32: [u8; Net::BYTE_LEN] = {
        let mut f = [0u8; Net::BYTE_LEN];
        let head = *b"CTNS\x01\x00\x01\x00\x03\0\0\0\x04\0\0\0\x02\0\0\0";
        let mut i = 0;
        while i < HEADER_LEN {
            f[i] = head[i];
            i += 1;
        }
        // b2[1] = 1.5 (the last scalar before the checksum).
        let v = 1.5f32.to_le_bytes();
        let mut i = 0;
        while i < 4 {
            f[Net::BYTE_LEN - 8 + i] = v[i];
            i += 1;
        }
        let crc = crc32(f.split_at(Net::BYTE_LEN - CHECKSUM_LEN).0).to_le_bytes();
        let mut i = 0;
        while i < 4 {
            f[Net::BYTE_LEN - 4 + i] = crc[i];
            i += 1;
        }
        f
    };
    static STATIC_NET: Net = match Net::from_bytes_const(&SAMPLE_F32) {
        Ok(net) => net,
        Err(_) => panic!("bad weights"),
    };

    #[test]
    fn const_decoder_in_a_static() {
        let mut expected = Net::zeros();
        expected.b2[1] = 1.5;
        assert_eq!(STATIC_NET, expected);
        assert_eq!(Net::from_bytes(&SAMPLE_F32).unwrap(), expected);
    }

    #[test]
    fn const_decoder_matches_runtime_decoder_bit_for_bit() {
        let a = sample::<f32>();
        let bytes: [u8; Net::BYTE_LEN] = a.to_bytes();
        assert_eq!(Net::from_bytes_const(&bytes).unwrap(), a);
        let b = sample::<f64>();
        let bytes: [u8; Mlp::<3, 4, 2, f64>::BYTE_LEN] = b.to_bytes();
        let c = Mlp::<3, 4, 2, f64>::from_bytes_const(&bytes).unwrap();
        for (x, y) in b
            .tensors()
            .into_iter()
            .flatten()
            .zip(c.tensors().into_iter().flatten())
        {
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }

    /// The const decoders give the run-time checks' verdict on `bytes`, as `f32` and `f64`.
    fn check_same_verdict(bytes: &[u8]) {
        let runtime = Net::validate_bytes(bytes);
        let constant = Net::from_bytes_const(bytes).map(|_| ());
        assert_eq!(runtime, constant, "{} bytes", bytes.len());
        let runtime = Mlp::<3, 4, 2, f64>::validate_bytes(bytes);
        let constant = Mlp::<3, 4, 2, f64>::from_bytes_const(bytes).map(|_| ());
        assert_eq!(runtime, constant, "{} bytes as f64", bytes.len());
    }

    #[test]
    fn const_decoder_errors_equal_validate_bytes_errors() {
        let good: [u8; Net::BYTE_LEN] = sample::<f32>().to_bytes();
        let f64_file: [u8; Mlp::<3, 4, 2, f64>::BYTE_LEN] = sample::<f64>().to_bytes();
        for bytes in [
            &good[..],
            &good[..10],
            &good[..good.len() - 1],
            &f64_file,
            &[],
        ] {
            check_same_verdict(bytes);
        }
        // Every single-byte corruption of the header, one body byte and the checksum.
        for at in (0..HEADER_LEN).chain([HEADER_LEN + 5, good.len() - 1]) {
            let mut bad = good;
            bad[at] ^= 0x40;
            check_same_verdict(&bad);
        }
        // Other shapes of the same scalar type.
        let other: [u8; Mlp::<4, 3, 2>::BYTE_LEN] = Mlp::<4, 3, 2>::zeros().to_bytes();
        check_same_verdict(&other);
        let other: [u8; Mlp::<3, 4, 1>::BYTE_LEN] = Mlp::<3, 4, 1>::zeros().to_bytes();
        check_same_verdict(&other);
        assert!(matches!(
            Net::from_bytes_const(&f64_file),
            Err(Error::WeightsScalar {
                expected: "f32",
                found_tag: 2
            })
        ));
    }
}
