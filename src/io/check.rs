//! The checks of a weights file, written once as `const fn`s: [`Mlp::validate_bytes`] (and so
//! `read_bytes`, `from_bytes`, `load`) at run time and `from_bytes_const` at compile time
//! call the same code, so they give the same verdict on every input. The order is the one
//! documented in the [module docs](super#checks-in-order).

#[cfg(doc)]
use crate::Mlp;
use crate::{Error, Result};

use super::{CHECKSUM_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC, crc32};

/// What a weights file of one network type must be.
#[derive(Clone, Copy)]
pub(super) struct Layout {
    /// [`Mlp::BYTE_LEN`].
    pub byte_len: usize,
    /// Bytes per scalar: 4 (`f32`) or 8 (`f64`).
    pub scalar_bytes: usize,
    /// The scalar tag (`Scalar::TAG`).
    pub tag: u8,
    /// The scalar type's name (`Scalar::NAME`).
    pub name: &'static str,
    /// `[D, H, K]`.
    pub dims: [usize; 3],
}

/// The names of the four tensors, in file order.
use crate::nn::mlp::TENSOR_NAMES;

/// Every check of a weights file, in the documented order; the first that fails is returned.
pub(super) const fn check_file(bytes: &[u8], layout: Layout) -> Result<()> {
    // 1. The magic, or as much of it as there is.
    let mut i = 0;
    while i < bytes.len() && i < MAGIC.len() {
        if bytes[i] != MAGIC[i] {
            return Err(Error::WeightsMagic);
        }
        i += 1;
    }
    // 2. The length; then the checksum, before any other header field is trusted.
    if bytes.len() != layout.byte_len {
        // An intact file of another network (its own CRC is right): say why it does not fit.
        if bytes.len() >= HEADER_LEN + CHECKSUM_LEN
            && check_crc(bytes).is_ok()
            && let Err(e) = check_header(bytes, layout)
        {
            return Err(e);
        }
        return Err(Error::WeightsLength {
            expected: layout.byte_len,
            found: bytes.len(),
        });
    }
    if let Err(e) = check_crc(bytes) {
        return Err(e);
    }
    // 3. The header fields; 4. the values.
    if let Err(e) = check_header(bytes, layout) {
        return Err(e);
    }
    check_values(bytes, layout)
}

/// The CRC-32 in the last four bytes is that of the bytes before them.
/// `bytes` must be at least [`CHECKSUM_LEN`] long.
pub(super) const fn check_crc(bytes: &[u8]) -> Result<()> {
    let (body, _) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    let stored = read_u32(bytes, bytes.len() - CHECKSUM_LEN);
    let computed = crc32(body);
    if stored != computed {
        return Err(Error::WeightsChecksum { stored, computed });
    }
    Ok(())
}

/// Version, reserved byte, scalar tag, shape, in that order (the magic is already checked).
/// `bytes` must be at least [`HEADER_LEN`] long.
const fn check_header(bytes: &[u8], layout: Layout) -> Result<()> {
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(Error::WeightsVersion(version));
    }
    if bytes[7] != 0 {
        return Err(Error::WeightsReserved(bytes[7]));
    }
    if bytes[6] != layout.tag {
        return Err(Error::WeightsScalar {
            expected: layout.name,
            found_tag: bytes[6],
        });
    }
    let found = [read_u32(bytes, 8), read_u32(bytes, 12), read_u32(bytes, 16)];
    let expected = layout.dims;
    if found[0] as usize != expected[0]
        || found[1] as usize != expected[1]
        || found[2] as usize != expected[2]
    {
        return Err(Error::WeightsShape { expected, found });
    }
    Ok(())
}

/// Every parameter is finite; else the first one that is not, by tensor and row-major index.
/// `bytes` must have the layout's length.
const fn check_values(bytes: &[u8], layout: Layout) -> Result<()> {
    let [d, h, k] = layout.dims;
    let lens = [d * h, h, h * k, k];
    let mut at = HEADER_LEN;
    let mut t = 0;
    while t < lens.len() {
        let mut index = 0;
        while index < lens[t] {
            if !is_finite_le(bytes, at, layout.scalar_bytes) {
                return Err(Error::WeightsNonFinite {
                    tensor: TENSOR_NAMES[t],
                    index,
                });
            }
            at += layout.scalar_bytes;
            index += 1;
        }
        t += 1;
    }
    Ok(())
}

/// Whether the little-endian `f32` (`size` 4) or `f64` (`size` 8) at `bytes[at..]` is finite.
pub(super) const fn is_finite_le(bytes: &[u8], at: usize, size: usize) -> bool {
    if size == 4 {
        f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]).is_finite()
    } else {
        f64::from_le_bytes([
            bytes[at],
            bytes[at + 1],
            bytes[at + 2],
            bytes[at + 3],
            bytes[at + 4],
            bytes[at + 5],
            bytes[at + 6],
            bytes[at + 7],
        ])
        .is_finite()
    }
}

/// The little-endian `u32` at `bytes[at..]`.
pub(super) const fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
