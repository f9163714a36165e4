//! A ctensor weights file read without knowing its network at compile time: version 1 (an
//! `Mlp`'s) or 2 (a `Seq`'s), with the checks of the library's loader (magic, length and
//! CRC-32, version, reserved byte, scalar tag, layer kinds, length) except finite values,
//! which `inspect` counts and `convert` refuses.

use ctensor::io::{CHECKSUM_LEN, MAGIC, crc32};
use ctensor::nn::arch::{Arch, LayerKind, LayerSpec, MAX_LAYERS};

use crate::Result;

/// One parameter tensor, in ctensor's layout (a dense weight `inputs x outputs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Its PyTorch name, e.g. `"0.weight"`.
    pub name: String,
    /// Rows (`1` for a bias).
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// The values, row-major, widened to `f64` (exact).
    pub values: Vec<f64>,
}

/// A parsed weights file.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// Format version, 1 or 2.
    pub version: u16,
    /// Bytes per scalar: 4 (`f32`) or 8 (`f64`).
    pub scalar_bytes: usize,
    /// The layer list (version 1: `Dense<D, H>, Relu<H>, Dense<H, K>`).
    pub arch: Arch,
    /// The parameter tensors in file order.
    pub tensors: Vec<Tensor>,
    /// The file's length.
    pub byte_len: usize,
}

impl Weights {
    /// `"f32"` or `"f64"`.
    #[must_use]
    pub fn scalar_name(&self) -> &'static str {
        if self.scalar_bytes == 8 { "f64" } else { "f32" }
    }

    /// The number of parameters.
    #[must_use]
    pub fn params(&self) -> usize {
        self.tensors.iter().map(|t| t.values.len()).sum()
    }
}

/// Whether `bytes` start as a ctensor weights file.
#[must_use]
pub fn is_weights(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("the file ends at byte {}, inside its header", bytes.len()))
}

/// Parses and checks a weights file.
///
/// # Errors
/// A message naming the first check that fails.
pub fn parse(bytes: &[u8]) -> Result<Weights> {
    if !is_weights(bytes) {
        return Err("not a ctensor weights file (it does not start with \"CTNS\")".into());
    }
    if bytes.len() < 12 + CHECKSUM_LEN {
        return Err(format!(
            "a weights file of {} bytes is too short",
            bytes.len()
        ));
    }
    let body = bytes.len() - CHECKSUM_LEN;
    let stored = u32_at(bytes, body)?;
    let computed = crc32(&bytes[..body]);
    if stored != computed {
        return Err(format!(
            "weights file is damaged: checksum {computed:#010x} != stored {stored:#010x}"
        ));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if bytes[7] != 0 {
        return Err(format!("header byte 7 is {:#04x}, expected 0", bytes[7]));
    }
    let scalar_bytes = match bytes[6] {
        1 => 4,
        2 => 8,
        tag => return Err(format!("unknown scalar tag {tag} (1 = f32, 2 = f64)")),
    };
    let (arch, mut at) = match version {
        1 => {
            let [d, h, k] = [u32_at(bytes, 8)?, u32_at(bytes, 12)?, u32_at(bytes, 16)?];
            let arch = Arch::one(LayerSpec::new(LayerKind::Dense, d as usize, h as usize))
                .then(&Arch::one(LayerSpec::new(
                    LayerKind::Relu,
                    h as usize,
                    h as usize,
                )))
                .then(&Arch::one(LayerSpec::new(
                    LayerKind::Dense,
                    h as usize,
                    k as usize,
                )));
            (arch, 20)
        }
        2 => {
            let n = u32_at(bytes, 8)? as usize;
            if n > MAX_LAYERS {
                return Err(format!("{n} layers, at most {MAX_LAYERS}"));
            }
            let mut arch = Arch::EMPTY;
            for i in 0..n {
                let at = 12 + 12 * i;
                let kind = LayerKind::from_code(u32_at(bytes, at)?);
                if let LayerKind::Unknown(code) = kind {
                    return Err(format!("layer {i} has an unknown kind {code}"));
                }
                let (inputs, outputs) = (u32_at(bytes, at + 4)?, u32_at(bytes, at + 8)?);
                let spec = LayerSpec::new(kind, inputs as usize, outputs as usize);
                arch = arch.then(&Arch::one(spec));
            }
            (arch, 12 + 12 * n)
        }
        v => {
            return Err(format!(
                "weights format version {v} is not supported (1 and 2 are)"
            ));
        }
    };
    // Checked: the header's widths are any u32 (the CRC can be forged).
    let expected = arch
        .as_slice()
        .iter()
        .filter(|l| l.kind == LayerKind::Dense)
        .try_fold(0usize, |n, l| {
            let (i, o) = (l.inputs as usize, l.outputs as usize);
            n.checked_add(i.checked_mul(o)?.checked_add(o)?)
        })
        .and_then(|p| p.checked_mul(scalar_bytes))
        .and_then(|p| p.checked_add(at + CHECKSUM_LEN));
    let Some(expected) = expected else {
        return Err(format!(
            "the header [{arch}] describes more parameters than memory holds"
        ));
    };
    if expected != bytes.len() {
        return Err(format!(
            "the header [{arch}] needs {expected} bytes, the file has {}",
            bytes.len()
        ));
    }
    let mut tensors = Vec::new();
    for (layer, spec) in arch.as_slice().iter().enumerate() {
        if spec.kind != LayerKind::Dense {
            continue;
        }
        let (i, o) = (spec.inputs as usize, spec.outputs as usize);
        for (name, rows, cols) in [("weight", i, o), ("bias", 1, o)] {
            let values: Vec<f64> = bytes[at..at + rows * cols * scalar_bytes]
                .chunks_exact(scalar_bytes)
                .map(|b| match b.try_into() {
                    Ok(b8) => f64::from_le_bytes(b8),
                    Err(_) => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                })
                .collect();
            at += rows * cols * scalar_bytes;
            tensors.push(Tensor {
                name: format!("{layer}.{name}"),
                rows,
                cols,
                values,
            });
        }
    }
    Ok(Weights {
        version,
        scalar_bytes,
        arch,
        tensors,
        byte_len: bytes.len(),
    })
}
