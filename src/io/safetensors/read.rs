//! The checks and the decoding of an import: file tensors matched to the expected ones.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use super::half::{bf16_to_f32, f16_to_f32};
use super::{Expected, ImportOptions, Layout};
use crate::{ImportError, Scalar};

/// How a weight's shape in the file relates to the expected `in x out`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Orientation {
    /// `[out, in]`, `in != out`.
    PyTorch,
    /// `[in, out]`, `in != out`.
    Keras,
    /// `in == out`: either.
    Square,
}

/// The values of every expected tensor, in ctensor's layout and in the order of `expected`,
/// after every check. Nothing is returned unless all tensors pass.
pub(crate) fn decode<T: Scalar>(
    bytes: &[u8],
    expected: &[Expected],
    opts: ImportOptions,
) -> Result<Vec<Vec<T>>, ImportError> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| ImportError::Format(e.to_string()))?;
    let mut names: Vec<String> = file.names().into_iter().map(String::from).collect();
    names.sort();
    // 1. Presence, dtype and shape of each expected tensor, in order.
    let mut views = Vec::with_capacity(expected.len());
    let mut orientations = Vec::with_capacity(expected.len());
    for e in expected {
        let Ok(view) = file.tensor(&e.name) else {
            return Err(ImportError::Missing {
                tensor: e.name.clone(),
                expected: shape_in(e, opts.layout),
                found_names: names,
            });
        };
        check_dtype(e, &view, opts)?;
        orientations.push(orientation(e, view.shape(), opts.layout)?);
        views.push(view);
    }
    // 2. Nothing more.
    if let Some(extra) = names
        .iter()
        .find(|n| !expected.iter().any(|e| &e.name == *n))
    {
        let found = file
            .tensor(extra)
            .map(|v| v.shape().to_vec())
            .unwrap_or_default();
        return Err(ImportError::Extra {
            tensor: extra.clone(),
            found,
            expected_names: expected.iter().map(|e| e.name.clone()).collect(),
        });
    }
    // 3. One layout.
    let transpose = resolve_layout(expected, &views, &orientations, opts.layout)?;
    // 4. Values.
    expected
        .iter()
        .zip(&views)
        .map(|(e, view)| values::<T>(e, view, transpose && !e.is_bias))
        .collect()
}

/// The file's shape of `e` in `layout` (PyTorch's for `Auto`).
fn shape_in(e: &Expected, layout: Layout) -> Vec<usize> {
    if e.is_bias {
        vec![e.cols]
    } else if layout == Layout::Keras {
        vec![e.rows, e.cols]
    } else {
        vec![e.cols, e.rows]
    }
}

fn check_dtype(
    e: &Expected,
    view: &TensorView<'_>,
    opts: ImportOptions,
) -> Result<(), ImportError> {
    match view.dtype() {
        Dtype::F32 | Dtype::F64 => Ok(()),
        Dtype::F16 | Dtype::BF16 if opts.convert_half => Ok(()),
        Dtype::F16 => Err(ImportError::HalfPrecision {
            tensor: e.name.clone(),
            dtype: "F16",
        }),
        Dtype::BF16 => Err(ImportError::HalfPrecision {
            tensor: e.name.clone(),
            dtype: "BF16",
        }),
        other => Err(ImportError::Dtype {
            tensor: e.name.clone(),
            dtype: other.to_string(),
            found: view.shape().to_vec(),
        }),
    }
}

/// The orientation of a weight (`Square` for a bias), or the error its shape is.
fn orientation(e: &Expected, found: &[usize], layout: Layout) -> Result<Orientation, ImportError> {
    let shape_error = || ImportError::Shape {
        tensor: e.name.clone(),
        expected: shape_in(e, layout),
        found: found.to_vec(),
    };
    if e.is_bias {
        return if found == [e.cols] {
            Ok(Orientation::Square)
        } else {
            Err(shape_error())
        };
    }
    let (i, o) = (e.rows, e.cols);
    let o = if found == [i, o] && i == o {
        Orientation::Square
    } else if found == [o, i] {
        Orientation::PyTorch
    } else if found == [i, o] {
        Orientation::Keras
    } else {
        return Err(shape_error());
    };
    let wrong = match (layout, o) {
        (Layout::PyTorch, Orientation::Keras) => Some("PyTorch"),
        (Layout::Keras, Orientation::PyTorch) => Some("Keras"),
        _ => None,
    };
    if let Some(layout_name) = wrong {
        return Err(ImportError::Transposed {
            tensor: e.name.clone(),
            layout: layout_name,
            expected: shape_in(e, layout),
            found: found.to_vec(),
        });
    }
    Ok(o)
}

/// Whether the weights must be transposed (they are `[out, in]`).
fn resolve_layout(
    expected: &[Expected],
    views: &[TensorView<'_>],
    orientations: &[Orientation],
    layout: Layout,
) -> Result<bool, ImportError> {
    match layout {
        Layout::PyTorch => return Ok(true),
        Layout::Keras => return Ok(false),
        Layout::Auto => {}
    }
    let first = |o: Orientation| orientations.iter().position(|&x| x == o);
    let shape = |i: usize| views[i].shape().to_vec();
    match (first(Orientation::PyTorch), first(Orientation::Keras)) {
        (Some(p), Some(k)) => Err(ImportError::LayoutConflict {
            pytorch_tensor: expected[p].name.clone(),
            pytorch_shape: shape(p),
            keras_tensor: expected[k].name.clone(),
            keras_shape: shape(k),
        }),
        (Some(_), None) => Ok(true),
        (None, Some(_)) => Ok(false),
        (None, None) => match expected.iter().position(|e| !e.is_bias) {
            Some(w) => Err(ImportError::AmbiguousLayout {
                tensor: expected[w].name.clone(),
                found: shape(w),
            }),
            // No weights at all: nothing to transpose.
            None => Ok(false),
        },
    }
}

/// The values of one tensor (its dtype and shape checked) in ctensor's layout.
fn values<T: Scalar>(
    e: &Expected,
    view: &TensorView<'_>,
    transpose: bool,
) -> Result<Vec<T>, ImportError> {
    let data = view.data();
    let size = view.dtype().bitsize() / 8;
    let n = e.rows * e.cols;
    let mut out = vec![T::ZERO; n];
    for (index, raw) in data.chunks_exact(size).enumerate().take(n) {
        let value = match view.dtype() {
            Dtype::F64 => f64::from_le_bytes(raw.try_into().unwrap_or([0; 8])),
            Dtype::F32 => f64::from(f32::from_le_bytes(raw.try_into().unwrap_or([0; 4]))),
            Dtype::F16 => f64::from(f16_to_f32(u16::from_le_bytes([raw[0], raw[1]]))),
            // Dtype::BF16: the only other dtype `check_dtype` lets through.
            _ => f64::from(bf16_to_f32(u16::from_le_bytes([raw[0], raw[1]]))),
        };
        let x = T::from_f64(value);
        if !num_traits::float::FloatCore::is_finite(x) {
            return Err(ImportError::NonFinite {
                tensor: e.name.clone(),
                index,
                value,
                scalar: T::NAME,
            });
        }
        // The file's tensor is `[out, in]` when transposed: value (o, i) goes to (i, o).
        let at = if transpose {
            let (o, i) = (index / e.rows, index % e.rows);
            i * e.cols + o
        } else {
            index
        };
        out[at] = x;
    }
    Ok(out)
}
