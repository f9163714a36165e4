//! `ctensor convert`: safetensors <-> ctensor weights files.

use ctensor::io::safetensors::{
    ImportOptions, Layout, arch_from_safetensors, weights_from_safetensors,
};
use ctensor::nn::arch::{Arch, LayerKind, LayerSpec};
use safetensors::tensor::{Dtype, TensorView};

use crate::Result;
use crate::weights::{self, Weights};

/// The options of a conversion from safetensors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FromSafetensors {
    /// The weights' layout (`Auto` by default).
    pub layout: Layout,
    /// Accept `F16` / `BF16` tensors.
    pub convert_half: bool,
    /// Write an `f64` weights file (else `f32`).
    pub f64: bool,
}

/// A ctensor weights file (version 1 or 2) as safetensors with PyTorch's names and layout
/// (weights `[out, in]`, biases `[out]`, `F32` or `F64` as in the file), with the layer list
/// in the metadata `"ctensor_arch"`. Checked by converting it back with the library.
///
/// # Errors
/// A message if the file is not a valid weights file or holds NaN or infinities.
pub fn weights_to_safetensors(bytes: &[u8]) -> Result<Vec<u8>> {
    let w = weights::parse(bytes)?;
    for t in &w.tensors {
        if let Some(index) = t.values.iter().position(|x| !x.is_finite()) {
            return Err(format!(
                "{} holds a NaN or infinite value at index {index}: no loader would accept it",
                t.name
            ));
        }
    }
    let dtype = if w.scalar_bytes == 8 {
        Dtype::F64
    } else {
        Dtype::F32
    };
    let data: Vec<(String, Vec<usize>, Vec<u8>)> = w
        .tensors
        .iter()
        .map(|t| {
            let mut bytes = Vec::with_capacity(t.values.len() * w.scalar_bytes);
            // ctensor's `in x out` becomes PyTorch's `[out, in]`.
            for o in 0..t.cols {
                for i in 0..t.rows {
                    let x = t.values[i * t.cols + o];
                    if w.scalar_bytes == 8 {
                        bytes.extend_from_slice(&x.to_le_bytes());
                    } else {
                        // Exact: the value was read from an f32.
                        bytes.extend_from_slice(&(x as f32).to_le_bytes());
                    }
                }
            }
            let shape = if t.rows == 1 && t.name.ends_with(".bias") {
                vec![t.cols]
            } else {
                vec![t.cols, t.rows]
            };
            (t.name.clone(), shape, bytes)
        })
        .collect();
    let views = data
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(dtype, shape.clone(), bytes).map(|v| (name.as_str(), v))
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let metadata = [("ctensor_arch".to_string(), w.arch.to_string())]
        .into_iter()
        .collect();
    let out = safetensors::serialize(views, Some(metadata)).map_err(|e| e.to_string())?;
    // The way back must give the same parameters.
    let back = to_weights(
        &out,
        &w.arch,
        ImportOptions::new().layout(Layout::PyTorch),
        w.scalar_bytes == 8,
    )?;
    if weights::parse(&back)?.tensors != w.tensors {
        return Err("internal error: the safetensors file does not convert back".into());
    }
    Ok(out)
}

fn to_weights(bytes: &[u8], arch: &Arch, opts: ImportOptions, f64: bool) -> Result<Vec<u8>> {
    let result = if f64 {
        weights_from_safetensors::<f64>(bytes, arch, opts)
    } else {
        weights_from_safetensors::<f32>(bytes, arch, opts)
    };
    result.map_err(|e| format!("{e} (network [{arch}])"))
}

/// The layer list a safetensors file records in its `"ctensor_arch"` metadata (files ctensor
/// wrote), if it has one that parses: `"Dense<64, 32>, Relu<32>, DropoutLayer<32>, ..."`.
#[must_use]
pub fn recorded_arch(bytes: &[u8]) -> Option<Arch> {
    let (_, meta) = safetensors::SafeTensors::read_metadata(bytes).ok()?;
    parse_arch(meta.metadata().as_ref()?.get("ctensor_arch")?)
}

/// Parses a layer list as `Arch`'s `Display` writes it (square ReLU and dropout layers).
#[must_use]
pub fn parse_arch(text: &str) -> Option<Arch> {
    let mut arch = Arch::EMPTY;
    for item in text.split('>').map(|s| s.trim_start_matches([',', ' '])) {
        if item.is_empty() {
            continue;
        }
        let (kind, args) = item.split_once('<')?;
        // Widths are u32 in the weights format.
        let nums: Vec<usize> = args
            .split(',')
            .map(|n| n.trim().parse::<u32>().ok().map(|n| n as usize))
            .collect::<Option<_>>()?;
        let spec = match (kind, nums.as_slice()) {
            ("Dense", &[i, o]) => LayerSpec::new(LayerKind::Dense, i, o),
            ("Relu", &[n]) => LayerSpec::new(LayerKind::Relu, n, n),
            ("DropoutLayer", &[n]) => LayerSpec::new(LayerKind::Dropout, n, n),
            _ => return None,
        };
        if arch.len() == ctensor::nn::arch::MAX_LAYERS {
            return None;
        }
        arch = arch.then(&Arch::one(spec));
    }
    (!arch.is_empty()).then_some(arch)
}

/// A safetensors file as a ctensor weights file (format version 2), with the layer list it
/// records (`"ctensor_arch"` metadata), else the one its tensors tell
/// ([`arch_from_safetensors`]: ReLU between `Linear` layers). Returns the bytes and the
/// layer list.
///
/// # Errors
/// The library's [`ImportError`](ctensor::ImportError) message (tensor and shapes).
pub fn safetensors_to_weights(bytes: &[u8], opts: FromSafetensors) -> Result<(Vec<u8>, Arch)> {
    let (arch, layout) = match recorded_arch(bytes) {
        Some(arch) => (arch, opts.layout),
        None => arch_from_safetensors(bytes, opts.layout).map_err(|e| e.to_string())?,
    };
    let import = ImportOptions::new()
        .layout(layout)
        .convert_half(opts.convert_half);
    Ok((to_weights(bytes, &arch, import, opts.f64)?, arch))
}

/// Converts `bytes` whichever way they go: a weights file to safetensors, anything else
/// (safetensors) to a weights file. Returns the output and a one-line summary.
///
/// # Errors
/// As [`weights_to_safetensors`] and [`safetensors_to_weights`].
pub fn convert(bytes: &[u8], opts: FromSafetensors) -> Result<(Vec<u8>, String)> {
    if weights::is_weights(bytes) {
        let w: Weights = weights::parse(bytes)?;
        let out = weights_to_safetensors(bytes)?;
        let summary = format!(
            "ctensor weights (version {}, {}, [{}]) -> safetensors (PyTorch names and layout)",
            w.version,
            w.scalar_name(),
            w.arch
        );
        Ok((out, summary))
    } else {
        let (out, arch) = safetensors_to_weights(bytes, opts)?;
        let scalar = if opts.f64 { "f64" } else { "f32" };
        Ok((
            out,
            format!("safetensors -> ctensor weights (version 2, {scalar}, [{arch}])"),
        ))
    }
}
