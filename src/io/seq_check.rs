//! The checks of a [`Seq`](crate::Seq) weights file (version 2, or version 1 for an
//! `Mlp`-shaped network), written once as `const fn`s: `Seq::validate_bytes` (and so
//! `read_bytes`, `from_bytes`, `load`) at run time and the compile-time decoder
//! (`seq_from_bytes_const!`) call the same code, so they give the same verdict on every
//! input. The order is that of [`Mlp`](crate::Mlp)'s files (see the
//! [module docs](super#checks-in-order)): magic; length and CRC before any header field is
//! believed; version, reserved byte, scalar type; the layer list; finite values.

use super::check::{check_crc, is_finite_le, read_u32};
use super::{CHECKSUM_LEN, MAGIC};
use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::{Error, Result};

/// Bytes of a version-2 header before the layer records: magic, version, scalar tag,
/// reserved byte, layer count.
pub const SEQ_HEADER_FIXED: usize = 12;
/// Bytes of one layer record: kind, inputs, outputs (three `u32`).
pub const LAYER_RECORD_LEN: usize = 12;
/// Bytes of a version-1 (`Mlp`) header.
const V1_HEADER_LEN: usize = 20;

/// What a weights file of one `Seq` type must be.
pub(super) struct SeqLayout {
    /// `Seq::BYTE_LEN` (of a version-2 file).
    pub byte_len: usize,
    /// Bytes per scalar.
    pub scalar_bytes: usize,
    /// The scalar tag (`Scalar::TAG`).
    pub tag: u8,
    /// The scalar type's name.
    pub name: &'static str,
    /// The layers.
    pub arch: Arch,
}

/// Every check, in order; on success, the offset of the first parameter (the header's
/// length, which depends on the version).
pub(super) const fn check_seq_file(bytes: &[u8], layout: &SeqLayout) -> Result<usize> {
    // 1. The magic, or as much of it as there is.
    let mut i = 0;
    while i < bytes.len() && i < MAGIC.len() {
        if bytes[i] != MAGIC[i] {
            return Err(Error::WeightsMagic);
        }
        i += 1;
    }
    // 2. The length, then the checksum, before any other header field is trusted. A file of
    // another length is intact if its own checksum is right: then its header says why it
    // does not fit (another version, scalar type or layer list).
    let expected_len = match expected_len(bytes, layout) {
        Some(len) => len,
        None => layout.byte_len,
    };
    if bytes.len() != expected_len {
        if bytes.len() >= SEQ_HEADER_FIXED + CHECKSUM_LEN
            && check_crc(bytes).is_ok()
            && let Err(e) = check_header(bytes, layout)
        {
            return Err(e);
        }
        return Err(Error::WeightsLength {
            expected: expected_len,
            found: bytes.len(),
        });
    }
    if let Err(e) = check_crc(bytes) {
        return Err(e);
    }
    // 3. The header; 4. the values.
    let start = match check_header(bytes, layout) {
        Ok(start) => start,
        Err(e) => return Err(e),
    };
    match check_values(bytes, start, layout) {
        Ok(()) => Ok(start),
        Err(e) => Err(e),
    }
}

/// The length this network's file has in the version the bytes claim: a version-1 file
/// (an `Mlp`'s) has a shorter header. `None` if the version field is not there yet.
const fn expected_len(bytes: &[u8], layout: &SeqLayout) -> Option<usize> {
    if bytes.len() < 6 {
        return None;
    }
    if u16::from_le_bytes([bytes[4], bytes[5]]) == 1 {
        let records = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * layout.arch.len();
        Some(layout.byte_len - records + V1_HEADER_LEN)
    } else {
        None
    }
}

/// Version, reserved byte, scalar tag, then the layer list; returns the header's length.
/// `bytes` must be at least [`SEQ_HEADER_FIXED`] long and intact.
const fn check_header(bytes: &[u8], layout: &SeqLayout) -> Result<usize> {
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != 1 && version != super::SEQ_FORMAT_VERSION {
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
    let found_arch = if version == 1 {
        // An `Mlp<D, H, K>`: `(Dense<D, H>, Relu<H>, Dense<H, K>)`.
        if bytes.len() < V1_HEADER_LEN + CHECKSUM_LEN {
            return Err(length_error(bytes, layout));
        }
        let (d, h, k) = (read_u32(bytes, 8), read_u32(bytes, 12), read_u32(bytes, 16));
        let arch = Arch::one(spec(LayerKind::Dense, d, h));
        let arch = arch.then(&Arch::one(spec(LayerKind::Relu, h, h)));
        arch.then(&Arch::one(spec(LayerKind::Dense, h, k)))
    } else {
        let count = read_u32(bytes, 8);
        if count as usize != layout.arch.len() {
            return Err(Error::WeightsLayerCount {
                expected: layout.arch.len(),
                found: count,
            });
        }
        let records = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * layout.arch.len();
        if bytes.len() < records + CHECKSUM_LEN {
            return Err(length_error(bytes, layout));
        }
        let mut arch = Arch::EMPTY;
        let mut i = 0;
        while i < layout.arch.len() {
            let at = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * i;
            let kind = LayerKind::from_code(read_u32(bytes, at));
            let found = spec(kind, read_u32(bytes, at + 4), read_u32(bytes, at + 8));
            arch = arch.then(&Arch::one(found));
            i += 1;
        }
        arch
    };
    if let Err(e) = compare(&found_arch, &layout.arch) {
        return Err(e);
    }
    Ok(if version == 1 {
        V1_HEADER_LEN
    } else {
        SEQ_HEADER_FIXED + LAYER_RECORD_LEN * layout.arch.len()
    })
}

const fn spec(kind: LayerKind, inputs: u32, outputs: u32) -> LayerSpec {
    LayerSpec {
        kind,
        inputs,
        outputs,
    }
}

const fn length_error(bytes: &[u8], layout: &SeqLayout) -> Error {
    Error::WeightsLength {
        expected: layout.byte_len,
        found: bytes.len(),
    }
}

/// The layer count, then the first layer that differs.
const fn compare(found: &Arch, expected: &Arch) -> Result<()> {
    if found.len() != expected.len() {
        return Err(Error::WeightsLayerCount {
            expected: expected.len(),
            found: found.len() as u32,
        });
    }
    let (found, expected) = (found.as_slice(), expected.as_slice());
    let mut i = 0;
    while i < found.len() {
        if !found[i].same(&expected[i]) {
            return Err(Error::WeightsLayer {
                layer: i,
                expected: expected[i],
                found: found[i],
            });
        }
        i += 1;
    }
    Ok(())
}

/// Every parameter is finite; else the first that is not, by layer, tensor and index.
/// `bytes` must have the layout's length for its version, starting the values at `start`.
const fn check_values(bytes: &[u8], start: usize, layout: &SeqLayout) -> Result<()> {
    let layers = layout.arch.as_slice();
    let mut at = start;
    let mut layer = 0;
    while layer < layers.len() {
        let tensors = layers[layer].tensors();
        let mut t = 0;
        while t < tensors.len() {
            let (tensor, len) = tensors[t];
            let mut index = 0;
            while index < len {
                if !is_finite_le(bytes, at, layout.scalar_bytes) {
                    return Err(Error::WeightsLayerNonFinite {
                        layer,
                        tensor,
                        index,
                    });
                }
                at += layout.scalar_bytes;
                index += 1;
            }
            t += 1;
        }
        layer += 1;
    }
    Ok(())
}
