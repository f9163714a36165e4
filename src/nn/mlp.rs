//! [`Mlp<D, H, K, T>`]: one ReLU hidden layer, `K` outputs; inference, training forward,
//! backward, and the lean step's workspace. The training steps, which take an optimizer, are
//! in [`crate::nn::optim`] (`mlp_step`, `lean_step`): optimizers depend on the model, not the
//! other way round.

mod backward;
mod batch;
mod config;
mod infer;
mod lean;
mod no_randomness;
mod workspace;

pub(crate) use backward::grad_w1;
pub use batch::{Batch, Targets};
pub use config::{StepStats, TrainConfig};
pub use lean::LeanWorkspace;
pub(crate) use lean::{all_within, grad_w1_row, lean_d_logits, max_abs, sgd_row};
pub(crate) use no_randomness::NoRandomness;
pub use workspace::Workspace;

use rand::Rng;

use crate::nn::init::glorot_uniform;
#[cfg(doc)]
use crate::nn::loss::Loss;
use crate::{Matrix, Scalar, Vector};

/// A multilayer perceptron: `D` inputs, `H` ReLU hidden units, `K` outputs (logits).
///
/// ```text
/// Z1 = X W1 + b1     A1 = relu(Z1)     Z2 = A1 W2 + b2     (row by row, X is B x D)
/// ```
/// The output activation belongs to the loss: softmax for [`Loss::SoftmaxCrossEntropy`],
/// sigmoid for [`Loss::SigmoidCrossEntropy`], none for [`Loss::MeanSquaredError`].
///
/// Shapes are in the type: a batch of the wrong width, gradients of another shape or labels
/// of another class count do not compile. The fields are public and the constructors are
/// `const fn`, so trained weights can be a `static` in flash.
///
/// # Examples
/// ```
/// use ctensor::{Label, Matrix, Mlp};
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let net = Mlp::<4, 8, 3>::glorot(&mut rng);
/// let x = Matrix::from_array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, -1.0, 0.5]]);
/// let logits: Matrix<2, 3> = net.forward(&x);
/// let class: Label<3> = net.classify(&[0.1, 0.2, 0.3, 0.4])?;
/// assert_eq!(class, Label::argmax(&logits[0])?);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct Mlp<const D: usize, const H: usize, const K: usize, T = f32> {
    /// Input-to-hidden weights, `D x H`.
    pub w1: Matrix<D, H, T>,
    /// Hidden biases.
    pub b1: Vector<H, T>,
    /// Hidden-to-output weights, `H x K`.
    pub w2: Matrix<H, K, T>,
    /// Output biases.
    pub b2: Vector<K, T>,
}

/// The gradients of an [`Mlp<D, H, K, T>`]'s parameters, field for field. Filled by
/// [`Mlp::backward`]; consumed by an [`Optimizer`](crate::nn::optim::Optimizer).
///
/// # Examples
/// ```
/// let g = ctensor::Gradients::<2, 3, 1, f64>::zeros();
/// assert_eq!(g.w1.as_flattened().len(), 6);
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
pub struct Gradients<const D: usize, const H: usize, const K: usize, T = f32> {
    /// `dJ/dW1`, `D x H`.
    pub w1: Matrix<D, H, T>,
    /// `dJ/db1`.
    pub b1: Vector<H, T>,
    /// `dJ/dW2`, `H x K`.
    pub w2: Matrix<H, K, T>,
    /// `dJ/db2`.
    pub b2: Vector<K, T>,
}

macro_rules! parameter_set {
    ($Ty:ident) => {
        impl<const D: usize, const H: usize, const K: usize, T: Scalar> $Ty<D, H, K, T> {
            /// Number of scalars: `D H + H + H K + K`.
            pub const LEN: usize = D * H + H + H * K + K;

            #[doc = concat!(
                "All zeros (usable in `const` and `static` items).\n\n",
                "# Examples\n",
                "```\n",
                "use ctensor::", stringify!($Ty), ";\n",
                "static P: ", stringify!($Ty), "<2, 3, 1> = ", stringify!($Ty), "::zeros();\n",
                "assert!(P.tensors().iter().all(|t| t.iter().all(|&x| x == 0.0)));\n",
                "assert_eq!(", stringify!($Ty), "::<2, 3, 1>::LEN, 2 * 3 + 3 + 3 * 1 + 1);\n",
                "```"
            )]
            #[must_use]
            pub const fn zeros() -> Self {
                Self {
                    w1: Matrix::zeros(),
                    b1: Vector::zeros(),
                    w2: Matrix::zeros(),
                    b2: Vector::zeros(),
                }
            }

            #[doc = concat!(
                "All zeros, built directly on the heap (no stack temporary, whatever the size).\n\n",
                "# Examples\n",
                "```\n",
                "// 1.6 MB of f32: too large for a stack temporary on some threads.\n",
                "let p = ctensor::", stringify!($Ty), "::<784, 512, 10>::boxed_zeros();\n",
                "assert_eq!(p.w1.as_flattened().len(), 784 * 512);\n",
                "assert!(p.tensors().iter().all(|t| t.iter().all(|&x| x == 0.0)));\n",
                "```"
            )]
            #[cfg(feature = "alloc")]
            #[must_use]
            pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
                bytemuck::zeroed_box()
            }

            #[doc = concat!(
                "The four tensors as flat slices, in the order `w1, b1, w2, b2`.\n\n",
                "# Examples\n",
                "```\n",
                "let mut p = ctensor::", stringify!($Ty), "::<2, 3, 1>::zeros();\n",
                "p.b1[2] = 1.0;\n",
                "assert_eq!(p.tensors().map(|t| t.len()), [6, 3, 3, 1]);\n",
                "assert_eq!(p.tensors()[1], &[0.0, 0.0, 1.0]);\n",
                "```"
            )]
            #[must_use]
            pub fn tensors(&self) -> [&[T]; 4] {
                [
                    self.w1.as_flattened(),
                    self.b1.as_slice(),
                    self.w2.as_flattened(),
                    self.b2.as_slice(),
                ]
            }

            #[doc = concat!(
                "The four tensors as mutable flat slices, in the order `w1, b1, w2, b2`.\n\n",
                "# Examples\n",
                "```\n",
                "let mut p = ctensor::", stringify!($Ty), "::<2, 3, 1>::zeros();\n",
                "for (i, t) in p.tensors_mut().into_iter().enumerate() {\n",
                "    t.fill(i as f32);\n",
                "}\n",
                "assert_eq!((p.w1[(1, 2)], p.b1[0], p.w2[(2, 0)], p.b2[0]), (0.0, 1.0, 2.0, 3.0));\n",
                "```"
            )]
            pub fn tensors_mut(&mut self) -> [&mut [T]; 4] {
                [
                    self.w1.as_flattened_mut(),
                    self.b1.as_mut_slice(),
                    self.w2.as_flattened_mut(),
                    self.b2.as_mut_slice(),
                ]
            }
        }

        impl<const D: usize, const H: usize, const K: usize, T: Scalar> crate::nn::layer::Zeros
            for $Ty<D, H, K, T>
        {
            const ZEROS: Self = Self::zeros();
        }
    };
}
parameter_set!(Mlp);
parameter_set!(Gradients);

/// Which of [`Mlp::tensors`]' four tensors are biases.
pub(crate) const IS_BIAS: [bool; 4] = [false, true, false, true];
/// The names of [`Mlp::tensors`]' four tensors, for errors (and PyTorch-style exports).
pub(crate) const TENSOR_NAMES: [&str; 4] = ["w1", "b1", "w2", "b2"];

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// The first parameter that is NaN or infinite, as its tensor's name and its row-major
    /// index in that tensor.
    pub(crate) fn first_non_finite(&self) -> Option<(&'static str, usize)> {
        self.tensors()
            .into_iter()
            .zip(TENSOR_NAMES)
            .find_map(|(t, name)| t.iter().position(|x| !x.is_finite()).map(|i| (name, i)))
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Default for Mlp<D, H, K, T> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// A network from its parameters (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, Mlp, Vector};
    /// static NET: Mlp<1, 1, 1> = Mlp::from_parts(
    ///     Matrix::from_array([[2.0]]), Vector::from_array([0.0]),
    ///     Matrix::from_array([[3.0]]), Vector::from_array([1.0]),
    /// );
    /// assert_eq!(NET.logits(&[1.0]), [7.0]);
    /// ```
    #[must_use]
    pub const fn from_parts(
        w1: Matrix<D, H, T>,
        b1: Vector<H, T>,
        w2: Matrix<H, K, T>,
        b2: Vector<K, T>,
    ) -> Self {
        Self { w1, b1, w2, b2 }
    }

    /// A network with Glorot-uniform weights and zero biases.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = ctensor::Mlp::<3, 5, 2, f64>::glorot(&mut rng);
    /// assert!(net.b1.iter().all(|&b| b == 0.0));
    /// ```
    #[must_use]
    pub fn glorot<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut net = Self::zeros();
        net.init_glorot(rng);
        net
    }

    /// A Glorot-initialized network built directly on the heap (for large shapes).
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = ctensor::Mlp::<784, 128, 10>::boxed_glorot(&mut rng);
    /// assert!(net.w1[(0, 0)] != 0.0);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_glorot<R: Rng + ?Sized>(rng: &mut R) -> alloc::boxed::Box<Self> {
        let mut net = Self::boxed_zeros();
        net.init_glorot(rng);
        net
    }

    /// Re-initializes in place: Glorot-uniform weights (`W1` first, then `W2`), zero biases.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut net = ctensor::Mlp::<2, 2, 2>::zeros();
    /// net.init_glorot(&mut rand::rngs::StdRng::seed_from_u64(1));
    /// assert!(net.w2.as_flattened().iter().any(|&w| w != 0.0));
    /// ```
    pub fn init_glorot<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        glorot_uniform(&mut self.w1, rng);
        glorot_uniform(&mut self.w2, rng);
        self.b1 = Vector::zeros();
        self.b2 = Vector::zeros();
    }
}
