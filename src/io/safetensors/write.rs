//! A network's parameters as a safetensors file, in PyTorch's names and layout.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use safetensors::tensor::{Dtype, View};

use super::expected_of;
use crate::nn::arch::Arch;
use crate::nn::params::Params;
use crate::{Error, ImportError, Scalar};

/// One tensor to write: little-endian bytes and a shape.
struct Owned {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl View for &Owned {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// The safetensors file of `params` (whose layer list is `arch`).
pub(super) fn encode<P: Params>(params: &P, arch: &Arch) -> Result<Vec<u8>, ImportError> {
    if let Some((info, index)) = params.first_non_finite() {
        return Err(ImportError::Weights(Error::WeightsLayerNonFinite {
            layer: info.layer,
            tensor: if info.is_bias { "bias" } else { "weight" },
            index,
        }));
    }
    let size = <P::Scalar as Scalar>::BYTES;
    let dtype = if size == 8 { Dtype::F64 } else { Dtype::F32 };
    let tensors: Vec<(String, Owned)> = expected_of::<P>()
        .into_iter()
        .enumerate()
        .map(|(t, e)| {
            let values = params.tensor(t);
            let mut data = vec![0u8; values.len() * size];
            // ctensor's `in x out` becomes PyTorch's `[out, in]`: value (i, o) goes to (o, i).
            for (index, &x) in values.iter().enumerate() {
                let at = if e.is_bias {
                    index
                } else {
                    (index % e.cols) * e.rows + index / e.cols
                };
                x.write_le(&mut data[at * size..(at + 1) * size]);
            }
            let shape = if e.is_bias {
                vec![e.cols]
            } else {
                vec![e.cols, e.rows]
            };
            (e.name, Owned { dtype, shape, data })
        })
        .collect();
    // Collected into whichever map the `safetensors` crate is built with (std's or
    // hashbrown's, by its features). One entry: the crate writes a map in its (random)
    // iteration order, and the file must be the same bytes on every run.
    let metadata = [("ctensor_arch".to_string(), arch.to_string())]
        .into_iter()
        .collect();
    safetensors::serialize(tensors.iter().map(|(n, t)| (n.as_str(), t)), Some(metadata))
        .map_err(|e| ImportError::Format(e.to_string()))
}
