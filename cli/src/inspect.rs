//! `ctensor inspect`: what a weights file or a safetensors file holds, and what its network
//! costs.

use std::fmt::Write as _;

use ctensor::io::safetensors::{Layout, arch_from_safetensors, bf16_to_f32, f16_to_f32};
use ctensor::nn::arch::{Arch, LayerKind};
use safetensors::tensor::Dtype;

use crate::Result;
use crate::convert::recorded_arch;
use crate::weights;

/// Min, max, mean of the finite values, and the count of the others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// The smallest finite value (NaN if none).
    pub min: f64,
    /// The largest finite value (NaN if none).
    pub max: f64,
    /// The mean of the finite values (NaN if none).
    pub mean: f64,
    /// NaN and infinite values.
    pub non_finite: usize,
}

/// The statistics of `values`.
#[must_use]
pub fn stats(values: &[f64]) -> Stats {
    let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let (min, max, mean) = if finite.is_empty() {
        (f64::NAN, f64::NAN, f64::NAN)
    } else {
        (
            finite.iter().copied().fold(f64::INFINITY, f64::min),
            finite.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            finite.iter().sum::<f64>() / finite.len() as f64,
        )
    };
    Stats {
        min,
        max,
        mean,
        non_finite: values.len() - finite.len(),
    }
}

/// The bytes a network of `arch` in scalars of `s` bytes needs in RAM at batch `b`:
/// `(forward, training)`.
///
/// - forward: the scratch of `Seq::forward_into` (the rows between the layers,
///   `Seq::scratch_bytes::<B>()`) plus the input and output rows;
/// - training: `SeqWorkspace::<L, B>::BYTES` (the rows between the layers and their
///   gradients, the dropout masks, the outputs, the parameter gradients, a `usize`) plus the
///   input rows; the optimizer's state comes on top (Adam: two copies of the parameters).
///
/// `None` if a size does not fit in a `usize` (a huge batch or widths).
#[must_use]
pub fn ram_bytes(arch: &Arch, s: usize, b: usize) -> Option<(usize, usize)> {
    let layers = arch.as_slice();
    let (Some(first), Some(last)) = (layers.first(), layers.last()) else {
        return Some((0, 0));
    };
    // At most 64 layers of u32 widths: these sums fit in a 64-bit usize.
    let mids: usize = layers[..layers.len() - 1]
        .iter()
        .map(|l| l.outputs as usize)
        .sum();
    let dropout: usize = layers
        .iter()
        .filter(|l| l.kind == LayerKind::Dropout)
        .map(|l| l.outputs as usize)
        .sum();
    let params = layers
        .iter()
        .filter(|l| l.kind == LayerKind::Dense)
        .try_fold(0usize, |n, l| {
            let (i, o) = (l.inputs as usize, l.outputs as usize);
            n.checked_add(i.checked_mul(o)?.checked_add(o)?)
        })?;
    let (inputs, outputs) = (first.inputs as usize, last.outputs as usize);
    let rows = |n: usize| b.checked_mul(s)?.checked_mul(n);
    let forward = rows(inputs + mids + outputs)?;
    let workspace = rows(2 * mids + dropout + outputs)?
        .checked_add(params.checked_mul(s)?)?
        .checked_add(8)?
        .checked_next_multiple_of(8)?;
    Some((forward, workspace.checked_add(rows(inputs)?)?))
}

fn costs(out: &mut String, arch: &Arch, s: usize, flash: usize, batch: usize) {
    let Some((forward, train)) = ram_bytes(arch, s, batch) else {
        let _ = writeln!(out, "RAM: more bytes than a usize holds at batch {batch}");
        return;
    };
    let params = arch.param_len();
    let _ = writeln!(
        out,
        "flash: {flash} bytes (the weights file: {params} parameters x {s} B + header)"
    );
    let _ = writeln!(
        out,
        "RAM, forward pass of {batch} rows: {forward} bytes (input, rows between layers, output)"
    );
    let _ = writeln!(
        out,
        "RAM, training step of {batch} rows: {train} bytes (SeqWorkspace + input rows); \
         Adam adds {} bytes, SGD 0",
        2 * params * s
    );
}

fn tensor_line(out: &mut String, name: &str, kind: &str, shape: &[usize], values: Option<&[f64]>) {
    let shape = format!("{shape:?}");
    match values {
        Some(v) => {
            let st = stats(v);
            let _ = writeln!(
                out,
                "  {name:<10} {kind:<5} {shape:<12} min {:>11.4e}  max {:>11.4e}  mean {:>11.4e}  non-finite {}",
                st.min, st.max, st.mean, st.non_finite
            );
        }
        None => {
            let _ = writeln!(out, "  {name:<10} {kind:<5} {shape:<12} (not a float type)");
        }
    }
}

/// The report on `bytes` (a weights file or a safetensors file), RAM at batch `batch`.
///
/// # Errors
/// A message if the file is neither, or a damaged one.
pub fn inspect(bytes: &[u8], batch: usize) -> Result<String> {
    let mut out = String::new();
    if weights::is_weights(bytes) {
        let w = weights::parse(bytes)?;
        let _ = writeln!(
            out,
            "ctensor weights file, format version {}, {} ({} bytes, CRC-32 ok)",
            w.version,
            w.scalar_name(),
            w.byte_len
        );
        let _ = writeln!(out, "layers ({}): {}", w.arch.len(), w.arch);
        let _ = writeln!(out, "tensors (ctensor layout, [in, out]):");
        for t in &w.tensors {
            let shape = if t.name.ends_with(".bias") {
                vec![t.cols]
            } else {
                vec![t.rows, t.cols]
            };
            tensor_line(&mut out, &t.name, w.scalar_name(), &shape, Some(&t.values));
        }
        costs(&mut out, &w.arch, w.scalar_bytes, w.byte_len, batch);
        return Ok(out);
    }
    let file = safetensors::SafeTensors::deserialize(bytes)
        .map_err(|e| format!("neither a ctensor weights file nor safetensors: {e}"))?;
    let (header_len, meta) =
        safetensors::SafeTensors::read_metadata(bytes).map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "safetensors file ({} bytes, header {header_len} bytes), {} tensors",
        bytes.len(),
        file.len()
    );
    if let Some(m) = meta.metadata() {
        let mut keys: Vec<_> = m.iter().collect();
        keys.sort();
        for (k, v) in keys {
            let _ = writeln!(out, "metadata {k}: {v}");
        }
    }
    let mut names = file.names();
    names.sort_unstable();
    for name in names {
        let Ok(view) = file.tensor(name) else {
            continue;
        };
        let data = view.data();
        let values: Option<Vec<f64>> = match view.dtype() {
            Dtype::F32 => Some(
                data.chunks_exact(4)
                    .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                    .collect(),
            ),
            Dtype::F64 => Some(
                data.chunks_exact(8)
                    .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                    .collect(),
            ),
            Dtype::F16 => Some(
                data.chunks_exact(2)
                    .map(|b| f64::from(f16_to_f32(u16::from_le_bytes([b[0], b[1]]))))
                    .collect(),
            ),
            Dtype::BF16 => Some(
                data.chunks_exact(2)
                    .map(|b| f64::from(bf16_to_f32(u16::from_le_bytes([b[0], b[1]]))))
                    .collect(),
            ),
            _ => None,
        };
        tensor_line(
            &mut out,
            name,
            &view.dtype().to_string(),
            view.shape(),
            values.as_deref(),
        );
    }
    let arch = match recorded_arch(bytes) {
        Some(arch) => Ok((arch, "recorded in the metadata".to_string())),
        None => arch_from_safetensors(bytes, Layout::Auto).map(|(arch, layout)| {
            (
                arch,
                format!("told by the tensors, {} layout", layout.name()),
            )
        }),
    };
    match arch {
        Ok((arch, how)) => {
            let _ = writeln!(out, "layers ({how}): {arch}");
            let flash = 16 + 12 * arch.len() + 4 * arch.param_len();
            costs(&mut out, &arch, 4, flash, batch);
        }
        Err(e) => {
            let _ = writeln!(out, "layers: not told ({e})");
        }
    }
    Ok(out)
}
