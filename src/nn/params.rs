//! [`Params`]: a network's parameters as a list of named tensors, the one visitor that
//! optimizers, the L2 penalty, the weights file (and, later, imports by name) go through.
//!
//! Tensors are numbered `0..TENSORS` in file order; each has a [`TensorInfo`] (its layer,
//! name, shape, and whether it is a bias). The same numbering serves the parameters, their
//! gradients and an optimizer's state, which all have the same type, so walking them
//! together is a loop over the index.

use crate::Scalar;
use crate::nn::mlp::{Gradients, Mlp};

/// Where a parameter tensor sits and what it is.
///
/// # Examples
/// ```
/// use ctensor::nn::params::Params;
/// type Net = (ctensor::Dense<4, 3>, ctensor::Relu<3>, ctensor::Dense<3, 2>);
/// let info = Net::tensor_info(2).unwrap();
/// assert_eq!((info.layer, info.name, info.rows, info.cols), (2, "weight", 3, 2));
/// assert_eq!(info.to_string(), "2.weight");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TensorInfo {
    /// The index of its layer in the network (ReLU and dropout layers count, as in a PyTorch
    /// `nn.Sequential`).
    pub layer: usize,
    /// Its name in the layer: `"weight"` or `"bias"` (an [`Mlp`]'s are `"w1"`, `"b1"`,
    /// `"w2"`, `"b2"`).
    pub name: &'static str,
    /// Rows (a dense weight is `inputs x outputs`, row-major; a bias is `1 x outputs`).
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Whether it is a bias (not penalized by L2 unless asked).
    pub is_bias: bool,
}

impl TensorInfo {
    /// The number of scalars, `rows * cols`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::params::Params;
    /// assert_eq!(ctensor::Dense::<4, 3>::tensor_info(0).unwrap().len(), 12);
    /// ```
    #[must_use]
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(&self) -> usize {
        self.rows * self.cols
    }
}

impl core::fmt::Display for TensorInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}", self.layer, self.name)
    }
}

/// A set of parameter tensors, numbered `0..TENSORS` in file order.
///
/// Implemented by every layer and chain (their parameters, and their gradients and
/// optimizer state, which have the same type), and by [`Mlp`] and [`Gradients`].
///
/// # Examples
/// ```
/// use ctensor::nn::params::Params;
/// use ctensor::nn::layer::Zeros;
/// type Net = (ctensor::Dense<4, 3, f64>, ctensor::Relu<3, f64>, ctensor::Dense<3, 2, f64>);
/// assert_eq!((Net::TENSORS, Net::LEN), (4, 4 * 3 + 3 + 3 * 2 + 2));
/// let mut net = Net::ZEROS;
/// net.tensor_mut(3)[1] = 0.5; // the last bias
/// assert_eq!(net.2.b[1], 0.5);
/// let mut names = Vec::new();
/// net.visit(|info, values| names.push(format!("{info}: {}", values.len())));
/// assert_eq!(names, ["0.weight: 12", "0.bias: 3", "2.weight: 6", "2.bias: 2"]);
/// ```
pub trait Params {
    /// The scalar type of every tensor.
    type Scalar: Scalar;
    /// The number of tensors.
    const TENSORS: usize;
    /// The number of scalars in all tensors.
    const LEN: usize;

    /// Tensor `i` as a flat, row-major slice (empty if `i >= TENSORS`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::params::Params;
    /// use ctensor::{Dense, Matrix, Vector};
    /// let l = Dense::<2, 1>::from_parts(Matrix::from_array([[1.0], [2.0]]), Vector::from_array([3.0]));
    /// assert_eq!((l.tensor(0), l.tensor(1)), (&[1.0, 2.0][..], &[3.0][..]));
    /// assert!(l.tensor(2).is_empty());
    /// ```
    fn tensor(&self, i: usize) -> &[Self::Scalar];
    /// Tensor `i` as a flat, row-major mutable slice (empty if `i >= TENSORS`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::nn::params::Params;
    /// use ctensor::{Dense, Relu};
    /// let mut net = <(Dense<2, 2>, Relu<2>, Dense<2, 1>)>::ZEROS;
    /// net.tensor_mut(2).copy_from_slice(&[1.0, 2.0]); // the weight of layer 2
    /// assert_eq!(net.2.w.as_flattened(), &[1.0, 2.0]);
    /// assert!(net.tensor_mut(4).is_empty());
    /// ```
    fn tensor_mut(&mut self, i: usize) -> &mut [Self::Scalar];
    /// What tensor `i` is (`None` if `i >= TENSORS`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::params::Params;
    /// type Net = ctensor::Mlp<4, 8, 3>;
    /// let info = Net::tensor_info(2).unwrap();
    /// assert_eq!((info.layer, info.name, info.rows, info.cols, info.is_bias), (2, "w2", 8, 3, false));
    /// assert!(Net::tensor_info(3).unwrap().is_bias);
    /// assert_eq!(Net::tensor_info(4), None);
    /// ```
    fn tensor_info(i: usize) -> Option<TensorInfo>;

    /// Calls `f` with every tensor in order.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::params::Params;
    /// let g = ctensor::Gradients::<3, 4, 2>::zeros();
    /// let (mut scalars, mut biases) = (0, Vec::new());
    /// g.visit(|info, values| {
    ///     assert_eq!(values.len(), info.len());
    ///     scalars += values.len();
    ///     if info.is_bias {
    ///         biases.push(info.name);
    ///     }
    /// });
    /// assert_eq!((scalars, biases), (ctensor::Gradients::<3, 4, 2>::LEN, vec!["b1", "b2"]));
    /// ```
    fn visit(&self, mut f: impl FnMut(TensorInfo, &[Self::Scalar])) {
        for i in 0..Self::TENSORS {
            if let Some(info) = Self::tensor_info(i) {
                f(info, self.tensor(i));
            }
        }
    }

    /// The first parameter that is NaN or infinite: its tensor and its row-major index there.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::nn::params::Params;
    /// use ctensor::{Dense, Relu};
    /// let mut net = <(Dense<2, 3>, Relu<3>, Dense<3, 2>)>::ZEROS;
    /// assert_eq!(net.first_non_finite(), None);
    /// net.2.w[(1, 0)] = f32::INFINITY;
    /// net.2.b[1] = f32::NAN;
    /// let (info, index) = net.first_non_finite().unwrap();
    /// assert_eq!((info.to_string(), index), ("2.weight".to_string(), 2)); // row 1, column 0
    /// ```
    fn first_non_finite(&self) -> Option<(TensorInfo, usize)> {
        (0..Self::TENSORS).find_map(|i| {
            let index = self
                .tensor(i)
                .iter()
                .position(|&x| !num_traits::float::FloatCore::is_finite(x))?;
            Some((Self::tensor_info(i)?, index))
        })
    }
}

/// The [`TensorInfo`]s of an [`Mlp<D, H, K>`]'s tensors `w1, b1, w2, b2` (layers 0 and 2 of
/// the equivalent `(Dense<D, H>, Relu<H>, Dense<H, K>)`).
const fn mlp_info(i: usize, d: usize, h: usize, k: usize) -> Option<TensorInfo> {
    let (layer, name, rows, cols, is_bias) = match i {
        0 => (0, "w1", d, h, false),
        1 => (0, "b1", 1, h, true),
        2 => (2, "w2", h, k, false),
        3 => (2, "b2", 1, k, true),
        _ => return None,
    };
    Some(TensorInfo {
        layer,
        name,
        rows,
        cols,
        is_bias,
    })
}

macro_rules! mlp_params {
    ($Ty:ident) => {
        impl<const D: usize, const H: usize, const K: usize, T: Scalar> Params for $Ty<D, H, K, T> {
            type Scalar = T;
            const TENSORS: usize = 4;
            const LEN: usize = Self::LEN;

            fn tensor(&self, i: usize) -> &[T] {
                self.tensors().get(i).copied().unwrap_or(&[])
            }

            fn tensor_mut(&mut self, i: usize) -> &mut [T] {
                match i {
                    0 => self.w1.as_flattened_mut(),
                    1 => self.b1.as_mut_slice(),
                    2 => self.w2.as_flattened_mut(),
                    3 => self.b2.as_mut_slice(),
                    _ => &mut [],
                }
            }

            fn tensor_info(i: usize) -> Option<TensorInfo> {
                mlp_info(i, D, H, K)
            }
        }
    };
}
mlp_params!(Mlp);
mlp_params!(Gradients);
