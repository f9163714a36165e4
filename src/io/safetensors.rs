//! Weights in and out as [safetensors](https://github.com/huggingface/safetensors) (feature
//! `safetensors`): the format `safetensors.torch.save_file(model.state_dict(), ..)` and
//! `safetensors.numpy.save_file` write.
//!
//! - **In**: [`Seq::read_safetensors`](crate::Seq::read_safetensors) (and
//!   [`Mlp::read_safetensors`](crate::Mlp::read_safetensors)) match the file's tensors by
//!   name and shape. Names are PyTorch's `nn.Sequential` ones: `"{layer}.weight"`,
//!   `"{layer}.bias"`, with ReLU and dropout layers counted (an `Mlp<D, H, K>` is
//!   `Sequential(Linear(D, H), ReLU(), Linear(H, K))`: `0.weight`, `0.bias`, `2.weight`,
//!   `2.bias`). A `Dense<I, O>` weight is `[O, I]` in PyTorch's layout ([`Layout::PyTorch`],
//!   `nn.Linear.weight`) and `[I, O]` in Keras' ([`Layout::Keras`], a `Dense` kernel);
//!   [`Layout::Auto`] tells them apart by shape and asks the user when every weight is square.
//!   A bias is `[O]`. Values may be `F32` or `F64` (converted to the network's scalar type),
//!   or `F16`/`BF16` when [`ImportOptions::convert_half`] asks for it.
//! - **Every detectable mistake is an [`ImportError`]** naming the tensor and both shapes:
//!   a missing tensor, an extra one, another shape, a weight that matches only transposed
//!   (with a layout given), weights that disagree on the layout, a square network with
//!   `Auto`, another dtype, half precision not asked for, a NaN or infinity (in the file or
//!   once converted to `f32`). On an error the network is unchanged.
//! - **Out**: [`Seq::to_safetensors`](crate::Seq::to_safetensors) writes PyTorch's names
//!   and layout, so `model.load_state_dict(safetensors.torch.load_file(path))` takes it.
//! - **At build time**: [`weights_from_safetensors`] turns a safetensors file into a
//!   network's weights file (format version 2) for `from_bytes_const` /
//!   [`seq_from_bytes_const!`](crate::seq_from_bytes_const), and [`build_weights`] does it
//!   from a `build.rs` into `OUT_DIR`.
//!
//! # Examples
//! ```
//! use ctensor::io::safetensors::{ImportOptions, Layout};
//! use ctensor::{Dense, Relu, Seq};
//! type Net = Seq<(Dense<3, 2>, Relu<2>, Dense<2, 1>)>;
//! let mut a = Net::zeros();
//! a.layers.0.w[(2, 1)] = 0.5; // input 2 -> output 1
//! let file = a.to_safetensors()?; // "0.weight" is [2, 3]: PyTorch's [out, in]
//! let mut b = Net::zeros();
//! b.read_safetensors(&file, ImportOptions::new())?; // the layout is told by the shapes
//! assert_eq!(a, b);
//! let err = b.read_safetensors(&file, ImportOptions::new().layout(Layout::Keras)).unwrap_err();
//! assert!(err.to_string().contains("matches only transposed"));
//! # Ok::<(), ctensor::ImportError>(())
//! ```

mod convert;
#[cfg(feature = "std")]
mod file;
mod half;
mod read;
mod write;

#[cfg(feature = "std")]
pub use convert::build_weights;
pub use convert::{arch_from_safetensors, weights_from_safetensors};
pub use half::{bf16_to_f32, f16_to_f32};

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ImportError;
use crate::nn::arch::{Arch, LayerKind};
use crate::nn::layer::Forward;
use crate::nn::params::Params;
use crate::{Mlp, Scalar, Seq};

/// How a dense weight is stored in the file.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::Layout;
/// assert_eq!(Layout::default(), Layout::Auto);
/// assert_eq!(Layout::PyTorch.name(), "PyTorch");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Layout {
    /// Told by the shapes: a non-square weight is `[out, in]` or `[in, out]`, and all must
    /// agree; a network whose weights are all square is an error
    /// ([`ImportError::AmbiguousLayout`]) until the layout is given.
    #[default]
    Auto,
    /// `[out, in]`, as PyTorch's `nn.Linear.weight`.
    PyTorch,
    /// `[in, out]`, as a Keras `Dense` kernel (and ctensor's own `Dense::w`).
    Keras,
}

impl Layout {
    /// `"Auto"`, `"PyTorch"` or `"Keras"`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::io::safetensors::Layout::Keras.name(), "Keras");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Layout::Auto => "Auto",
            Layout::PyTorch => "PyTorch",
            Layout::Keras => "Keras",
        }
    }
}

/// What an import accepts: the layout of the weights and whether half-precision values may
/// be converted.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::{ImportOptions, Layout};
/// let opts = ImportOptions::new().layout(Layout::PyTorch).convert_half(true);
/// assert_eq!((opts.layout, opts.convert_half), (Layout::PyTorch, true));
/// assert_eq!(ImportOptions::default(), ImportOptions::new());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ImportOptions {
    /// The weights' layout ([`Layout::Auto`] by default).
    pub layout: Layout,
    /// Accept `F16` and `BF16` tensors (converted exactly); `false` by default, so that a
    /// half-precision export is not taken for the trained model unnoticed.
    pub convert_half: bool,
}

impl ImportOptions {
    /// [`Layout::Auto`], no half precision.
    ///
    /// # Examples
    /// ```
    /// let opts = ctensor::io::safetensors::ImportOptions::new();
    /// assert!(!opts.convert_half);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            layout: Layout::Auto,
            convert_half: false,
        }
    }

    /// These options with `layout`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::{ImportOptions, Layout};
    /// assert_eq!(ImportOptions::new().layout(Layout::Keras).layout, Layout::Keras);
    /// ```
    #[must_use]
    pub const fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// These options, accepting `F16`/`BF16` tensors if `yes`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::ImportOptions;
    /// assert!(ImportOptions::new().convert_half(true).convert_half);
    /// ```
    #[must_use]
    pub const fn convert_half(mut self, yes: bool) -> Self {
        self.convert_half = yes;
        self
    }
}

/// One tensor a network expects, in ctensor's layout (`rows x cols`, a weight `in x out`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Expected {
    /// Its PyTorch name, e.g. `"0.weight"`.
    pub name: String,
    pub rows: usize,
    pub cols: usize,
    pub is_bias: bool,
}

/// The tensors of a [`Params`] type, named as in PyTorch (an `Mlp`'s `w1` is `0.weight`).
fn expected_of<P: Params>() -> Vec<Expected> {
    (0..P::TENSORS)
        .filter_map(P::tensor_info)
        .map(|info| Expected {
            name: format!(
                "{}.{}",
                info.layer,
                if info.is_bias { "bias" } else { "weight" }
            ),
            rows: info.rows,
            cols: info.cols,
            is_bias: info.is_bias,
        })
        .collect()
}

/// The tensors of an architecture, in file order.
pub(crate) fn expected_of_arch(arch: &Arch) -> Vec<Expected> {
    let mut out = Vec::new();
    for (layer, spec) in arch.as_slice().iter().enumerate() {
        if spec.kind == LayerKind::Dense {
            let (i, o) = (spec.inputs as usize, spec.outputs as usize);
            out.push(Expected {
                name: format!("{layer}.weight"),
                rows: i,
                cols: o,
                is_bias: false,
            });
            out.push(Expected {
                name: format!("{layer}.bias"),
                rows: 1,
                cols: o,
                is_bias: true,
            });
        }
    }
    out
}

/// Reads `bytes` into `params` (all or nothing).
fn read_into<P: Params>(
    params: &mut P,
    bytes: &[u8],
    opts: ImportOptions,
) -> Result<(), ImportError> {
    let values = read::decode::<P::Scalar>(bytes, &expected_of::<P>(), opts)?;
    for (i, v) in values.iter().enumerate() {
        params.tensor_mut(i).copy_from_slice(v);
    }
    Ok(())
}

impl<L: Forward + Params> Seq<L> {
    /// Replaces the parameters with those of a safetensors file, matched by name and shape
    /// (see the [module](crate::io::safetensors)); `F32`/`F64` values are converted to the
    /// network's scalar type. On error the network is unchanged.
    ///
    /// # Errors
    /// An [`ImportError`] naming the tensor (and both shapes) for every mistake listed in
    /// the [module](crate::io::safetensors) documentation.
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::ImportOptions;
    /// use ctensor::{Dense, ImportError, Relu, Seq};
    /// type Net = Seq<(Dense<4, 3>, Relu<3>, Dense<3, 2>)>;
    /// let file = Net::zeros().to_safetensors()?;
    /// let mut small = Seq::<(Dense<4, 3>,)>::zeros();
    /// let err = small.read_safetensors(&file, ImportOptions::new()).unwrap_err();
    /// assert!(matches!(err, ImportError::Extra { tensor, .. } if tensor == "2.bias"));
    /// # Ok::<(), ImportError>(())
    /// ```
    pub fn read_safetensors(
        &mut self,
        bytes: &[u8],
        opts: ImportOptions,
    ) -> Result<(), ImportError> {
        read_into(&mut self.layers, bytes, opts)
    }

    /// The network as a safetensors file with PyTorch's names and layout (weights
    /// `[out, in]`, biases `[out]`), in the network's scalar type (`F32` or `F64`), with the
    /// metadata `"ctensor_arch"` (the layer list, e.g.
    /// `"Dense<64, 32>, Relu<32>, Dense<32, 10>"`). The same network gives the same bytes.
    ///
    /// # Errors
    /// [`ImportError::Weights`] with [`Error::WeightsLayerNonFinite`](crate::Error) if a
    /// parameter is NaN or infinite (no loader would accept the file).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// let file = Seq::<(Dense<4, 3>, Relu<3>, Dense<3, 2>)>::zeros().to_safetensors()?;
    /// assert_eq!(&file[8..9], b"{"); // after the header's length
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn to_safetensors(&self) -> Result<Vec<u8>, ImportError> {
        write::encode(&self.layers, &L::ARCH)
    }
}

/// The layer list an `Mlp<D, H, K>` is equivalent to.
fn mlp_arch<const D: usize, const H: usize, const K: usize, T: Scalar>() -> Arch {
    <(
        crate::Dense<D, H, T>,
        crate::Relu<H, T>,
        crate::Dense<H, K, T>,
    ) as Forward>::ARCH
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// [`Seq::read_safetensors`] for an `Mlp`: the tensors of
    /// `Sequential(Linear(D, H), ReLU(), Linear(H, K))`, `0.weight`, `0.bias`, `2.weight`,
    /// `2.bias`. On error the network is unchanged.
    ///
    /// # Errors
    /// As [`Seq::read_safetensors`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::ImportOptions;
    /// use ctensor::Mlp;
    /// let mut a = Mlp::<3, 4, 2>::zeros();
    /// a.w2[(3, 1)] = 2.0; // hidden 3 -> output 1
    /// let file = a.to_safetensors()?;
    /// let mut b = Mlp::<3, 4, 2>::zeros();
    /// b.read_safetensors(&file, ImportOptions::new())?;
    /// assert_eq!(b.w2[(3, 1)], 2.0);
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn read_safetensors(
        &mut self,
        bytes: &[u8],
        opts: ImportOptions,
    ) -> Result<(), ImportError> {
        read_into(self, bytes, opts)
    }

    /// [`Seq::to_safetensors`] for an `Mlp`: PyTorch's names and layout for
    /// `Sequential(Linear(D, H), ReLU(), Linear(H, K))`.
    ///
    /// # Errors
    /// [`ImportError::Weights`] if a parameter is NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// let file = ctensor::Mlp::<3, 4, 2>::zeros().to_safetensors()?;
    /// assert!(file.len() > 4 * (3 * 4 + 4 + 4 * 2 + 2));
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn to_safetensors(&self) -> Result<Vec<u8>, ImportError> {
        write::encode(self, &mlp_arch::<D, H, K, T>())
    }
}
