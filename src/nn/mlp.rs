//! [`Mlp<D, H, K, T>`]: one ReLU hidden layer, `K` outputs; inference, training forward,
//! backward, and the one-call training step.

use rand::Rng;

mod lean;
pub use lean::LeanWorkspace;

use crate::kernels;
use crate::nn::dropout::Dropout;
use crate::nn::init::glorot_uniform;
use crate::nn::loss::{L2, LabelSmoothing, Loss, one_hot};
use crate::nn::optim::{
    Optimizer, all_finite_after, check_sgd_update, sgd_learning_rate, sgd_update,
};
use crate::{Error, Label, Matrix, Result, Scalar, Vector};

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
/// [`Mlp::backward`]; consumed by an [`Optimizer`].
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

/// What a loss is measured against, for each row of a batch.
///
/// # Examples
/// ```
/// use ctensor::{Label, Matrix, Targets};
/// let labels = [Label::<3>::new(2)?, Label::new(0)?];
/// let classes: Targets<'_, 2, 3> = Targets::Classes(&labels);
/// let values = Matrix::<2, 1>::from_array([[0.0], [1.0]]);
/// let binary: Targets<'_, 2, 1> = Targets::Values(&values);
/// # let _ = (classes, binary);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, const B: usize, const K: usize, T = f32> {
    /// One class per row (a one-hot target; smoothed if label smoothing is on).
    Classes(&'a [Label<K>; B]),
    /// One target vector per row: a distribution for softmax, probabilities for sigmoid,
    /// values for MSE.
    Values(&'a Matrix<B, K, T>),
}

impl<const B: usize, const K: usize, T: Scalar> Targets<'_, B, K, T> {
    pub(crate) fn row(&self, b: usize) -> [T; K] {
        match self {
            Targets::Classes(labels) => one_hot(labels[b]),
            Targets::Values(m) => m[b],
        }
    }
}

/// A batch of up to `B` samples: inputs `x` (`B x D`), their targets, and how many of the
/// rows are valid (`len`, so that a last, partial batch is trained on, not dropped).
///
/// Made once, at the edge: the inputs are checked to be finite here, so the training step
/// has nothing left to check about them.
///
/// # Examples
/// ```
/// use ctensor::{Batch, Label, Matrix, Targets};
/// let x = Matrix::<4, 2>::from_array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.0, 0.0]]);
/// let y = [Label::<2>::new(1)?, Label::new(0)?, Label::new(1)?, Label::new(0)?];
/// let full = Batch::new(&x, Targets::Classes(&y))?;
/// let first_three = Batch::partial(&x, Targets::Classes(&y), 3)?;
/// assert_eq!((full.len(), first_three.len()), (4, 3));
/// let bad = Matrix::<4, 2>::splat(f32::NAN);
/// assert!(Batch::new(&bad, Targets::Classes(&y)).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a, const B: usize, const D: usize, const K: usize, T = f32> {
    x: &'a Matrix<B, D, T>,
    pub(crate) targets: Targets<'a, B, K, T>,
    len: usize,
    /// The largest `|x|` of the valid rows (bounds the weight gradient in the fused SGD step).
    max_abs_input: T,
}

impl<'a, const B: usize, const D: usize, const K: usize, T: Scalar> Batch<'a, B, D, K, T> {
    /// A full batch: all `B` rows are valid.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite; [`Error::InvalidTarget`] if
    /// a target value is NaN or infinite; [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<1, 1>::splat(1.0);
    /// let batch = Batch::new(&x, Targets::Values(&x))?;
    /// assert_eq!(batch.len(), 1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn new(x: &'a Matrix<B, D, T>, targets: Targets<'a, B, K, T>) -> Result<Self> {
        Self::partial(x, targets, B)
    }

    /// A batch whose first `len` rows are valid; the others are ignored.
    ///
    /// # Errors
    /// As [`Batch::new`], and [`Error::BatchLength`] unless `1 <= len <= B`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<2, 1>::from_array([[1.0], [f32::NAN]]);
    /// assert!(Batch::partial(&x, Targets::Values(&x), 1).is_ok()); // row 1 is ignored
    /// assert!(Batch::partial(&x, Targets::Values(&x), 3).is_err());
    /// ```
    pub fn partial(
        x: &'a Matrix<B, D, T>,
        targets: Targets<'a, B, K, T>,
        len: usize,
    ) -> Result<Self> {
        if len == 0 || len > B {
            return Err(Error::BatchLength { len, capacity: B });
        }
        let mut max_abs_input = T::ZERO;
        for (row, xs) in x.rows().take(len).enumerate() {
            if !kernels::all_finite(xs) {
                let col = xs.iter().position(|v| !v.is_finite()).unwrap_or(0);
                return Err(Error::NonFiniteInput { row, col });
            }
            max_abs_input = xs.iter().fold(max_abs_input, |m, v| m.max(v.abs()));
        }
        if let Targets::Values(g) = targets {
            for (row, gs) in g.rows().take(len).enumerate() {
                if let Some(col) = gs.iter().position(|v| !v.is_finite()) {
                    return Err(Error::InvalidTarget {
                        row,
                        col,
                        value: gs[col].as_f64(),
                        why: "is not finite",
                    });
                }
            }
        }
        Ok(Self {
            x,
            targets,
            len,
            max_abs_input,
        })
    }

    /// The number of valid rows.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<3, 1>::zeros();
    /// assert_eq!(Batch::partial(&x, Targets::Values(&x), 2)?.len(), 2);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    #[allow(clippy::len_without_is_empty)] // a batch is never empty
    pub fn len(&self) -> usize {
        self.len.min(B) // `len <= B` (checked when made); `min` lets the optimizer see it
    }

    /// The valid input rows.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<3, 1>::zeros();
    /// assert_eq!(Batch::partial(&x, Targets::Values(&x), 2)?.inputs().len(), 2);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn inputs(&self) -> &'a [[T; D]] {
        &self.x.as_array()[..self.len()]
    }
}

/// How to train: the loss, and the optional L2 penalty, dropout on the hidden layer and
/// label smoothing. Every field is validated when made, so a config is always usable.
///
/// # Examples
/// ```
/// use ctensor::{Dropout, L2, LabelSmoothing, Loss, TrainConfig};
/// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
///     .with_l2(L2::new(1e-4)?)
///     .with_dropout(Dropout::new(0.1)?)
///     .with_label_smoothing(LabelSmoothing::new(0.05)?);
/// assert_eq!(cfg.dropout.rate(), 0.1);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrainConfig {
    /// The loss.
    pub loss: Loss,
    /// L2 penalty (none by default).
    pub l2: L2,
    /// Dropout on the hidden activations (none by default).
    pub dropout: Dropout,
    /// Label smoothing (none by default; cross-entropy losses only).
    pub smoothing: LabelSmoothing,
}

impl TrainConfig {
    /// A config with this loss and no regularization.
    ///
    /// # Examples
    /// ```
    /// let cfg = ctensor::TrainConfig::new(ctensor::Loss::MeanSquaredError);
    /// assert!(cfg.dropout.is_none());
    /// ```
    #[must_use]
    pub const fn new(loss: Loss) -> Self {
        Self {
            loss,
            l2: L2::NONE,
            dropout: Dropout::NONE,
            smoothing: LabelSmoothing::NONE,
        }
    }

    /// With an L2 penalty.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError).with_l2(L2::new(0.1)?);
    /// assert_eq!(cfg.l2.lambda(), 0.1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_l2(self, l2: L2) -> Self {
        Self { l2, ..self }
    }

    /// With dropout on the hidden layer.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError).with_dropout(Dropout::new(0.5)?);
    /// assert_eq!(cfg.dropout.rate(), 0.5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_dropout(self, dropout: Dropout) -> Self {
        Self { dropout, ..self }
    }

    /// With label smoothing (softmax: `alpha / K`; sigmoid: `alpha / 2`). Training with
    /// smoothing and [`Loss::MeanSquaredError`] returns [`Error::SmoothingNotApplicable`].
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let s = LabelSmoothing::new(0.1)?;
    /// let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy).with_label_smoothing(s);
    /// assert_eq!(cfg.smoothing.alpha(), 0.1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_label_smoothing(self, smoothing: LabelSmoothing) -> Self {
        Self { smoothing, ..self }
    }

    /// The smoothed target of a row.
    pub(crate) fn smooth<T: Scalar, const K: usize>(&self, g: [T; K]) -> [T; K] {
        match self.loss {
            _ if self.smoothing.alpha() == 0.0 => g,
            Loss::SoftmaxCrossEntropy => self.smoothing.smooth_distribution(&g),
            Loss::SigmoidCrossEntropy => g.map(|x| self.smoothing.smooth_binary(x)),
            Loss::MeanSquaredError => g,
        }
    }
}

/// What one training step measured: the mean data loss over the batch and the L2 penalty
/// (the objective minimized is their sum).
///
/// # Examples
/// ```
/// let s = ctensor::StepStats { loss: 0.5_f32, penalty: 0.25 };
/// assert_eq!(s.objective(), 0.75);
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct StepStats<T = f32> {
    /// Mean loss over the valid rows of the batch.
    pub loss: T,
    /// `lambda ||theta||^2` of the L2 penalty (0 without L2).
    pub penalty: T,
}

impl<T: Scalar> StepStats<T> {
    /// `loss + penalty`, the objective the gradients are of.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::StepStats { loss: 1.5_f64, penalty: 0.25 };
    /// assert_eq!(s.objective(), 1.75);
    /// ```
    #[must_use]
    pub fn objective(&self) -> T {
        self.loss + self.penalty
    }
}

/// The scratch memory of a training step with batches of up to `B` rows: activations kept
/// by [`Mlp::forward_train`] for [`Mlp::backward`], and the gradients it writes.
///
/// Make it once and reuse it: `Workspace::zeros()` for small shapes or a `static`,
/// `Workspace::boxed_zeros()` (feature `alloc`) for large ones.
///
/// # Examples
/// ```
/// let ws = ctensor::Workspace::<8, 16, 4, 2>::zeros();
/// assert_eq!(ws.grads.w1.as_flattened().len(), 16 * 4);
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
pub struct Workspace<const B: usize, const D: usize, const H: usize, const K: usize, T = f32> {
    /// Hidden activations after ReLU and dropout, `B x H`.
    pub hidden: Matrix<B, H, T>,
    /// `d hidden / d Z1` per element: `1 / (1 - p)` where the unit is active and kept, else 0.
    pub gate: Matrix<B, H, T>,
    /// Logits after the forward pass; `dJ/dZ2` after the backward pass. `B x K`.
    pub logits: Matrix<B, K, T>,
    /// `dJ/dZ1` after the backward pass, `B x H`.
    pub d_hidden: Matrix<B, H, T>,
    /// The gradients written by [`Mlp::backward`].
    pub grads: Gradients<D, H, K, T>,
    /// Rows filled by the last forward pass.
    len: usize,
}

impl<const B: usize, const D: usize, const H: usize, const K: usize, T: Scalar>
    Workspace<B, D, H, K, T>
{
    /// An empty workspace (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// static mut WS: ctensor::Workspace<1, 4, 4, 2> = ctensor::Workspace::zeros();
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            hidden: Matrix::zeros(),
            gate: Matrix::zeros(),
            logits: Matrix::zeros(),
            d_hidden: Matrix::zeros(),
            grads: Gradients::zeros(),
            len: 0,
        }
    }

    /// An empty workspace built directly on the heap.
    ///
    /// # Examples
    /// ```
    /// let ws = ctensor::Workspace::<128, 784, 128, 10>::boxed_zeros();
    /// assert_eq!(ws.hidden.as_flattened().len(), 128 * 128);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
        bytemuck::zeroed_box()
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

    /// Logits of a batch: `relu(X W1 + b1) W2 + b2`, `B x K`. Inference mode: no dropout.
    ///
    /// Its `B x H` hidden activations are a stack temporary; for large `B * H` use
    /// [`Mlp::forward_into`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, Mlp};
    /// let net = Mlp::<2, 3, 1>::zeros();
    /// assert_eq!(net.forward(&Matrix::<5, 2>::splat(1.0)), Matrix::zeros());
    /// ```
    #[must_use]
    pub fn forward<const B: usize>(&self, x: &Matrix<B, D, T>) -> Matrix<B, K, T> {
        let mut hidden = Matrix::zeros();
        let mut logits = Matrix::zeros();
        self.forward_into(x, &mut hidden, &mut logits);
        logits
    }

    /// Logits of a batch into `logits`, using `hidden` as the `B x H` scratch space.
    /// Inference mode: no dropout.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, Mlp};
    /// let net = Mlp::<2, 3, 1>::zeros();
    /// let (mut hidden, mut logits) = (Matrix::<4, 3>::zeros(), Matrix::<4, 1>::zeros());
    /// net.forward_into(&Matrix::splat(1.0), &mut hidden, &mut logits);
    /// assert_eq!(logits, Matrix::zeros());
    /// ```
    pub fn forward_into<const B: usize>(
        &self,
        x: &Matrix<B, D, T>,
        hidden: &mut Matrix<B, H, T>,
        logits: &mut Matrix<B, K, T>,
    ) {
        self.hidden_pre_activation(x.as_array(), hidden.as_array_mut());
        for h in hidden.as_flattened_mut() {
            *h = crate::relu(*h);
        }
        self.output_logits(hidden.as_array(), logits.as_array_mut());
    }

    /// Logits of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.logits(&[1.0, 2.0]), [0.0; 4]);
    /// ```
    #[must_use]
    pub fn logits(&self, x: &[T; D]) -> [T; K] {
        #[cfg(target_arch = "arm")]
        if let Some(out) = kernels::cortex_m::mlp_logits(
            self.w1.as_array(),
            self.b1.as_array(),
            self.w2.as_array(),
            self.b2.as_array(),
            x,
        ) {
            return out;
        }
        let mut hidden = [[T::ZERO; H]; 1];
        let mut out = [[T::ZERO; K]; 1];
        self.hidden_pre_activation(core::slice::from_ref(x), &mut hidden);
        for h in &mut hidden[0] {
            *h = crate::relu(*h);
        }
        self.output_logits(&hidden, &mut out);
        out[0]
    }

    /// Class probabilities `softmax(logits)` of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.probabilities(&[1.0, 2.0]), [0.25; 4]);
    /// ```
    #[must_use]
    pub fn probabilities(&self, x: &[T; D]) -> [T; K] {
        crate::softmax(&self.logits(x))
    }

    /// The most likely class of one sample (the argmax of its logits). Inference mode.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite (the answer would be
    /// meaningless), with `row` 0; [`Error::NonFiniteOutput`] if a logit is NaN or infinite
    /// (the parameters are not finite, or they overflow on this input).
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.classify(&[1.0, 2.0])?.get(), 0);
    /// assert!(net.classify(&[f32::NAN, 2.0]).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn classify(&self, x: &[T; D]) -> Result<Label<K>> {
        if let Some(col) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteInput { row: 0, col });
        }
        let logits = self.logits(x);
        if let Some(index) = logits.iter().position(|z| !z.is_finite()) {
            return Err(Error::NonFiniteOutput { index });
        }
        Label::argmax(&logits)
    }

    /// The prediction for one sample: the outputs through the output activation of `loss`,
    /// the loss the network was trained with. For [`Loss::MeanSquaredError`] the outputs
    /// themselves (a regression's predicted values); for [`Loss::SigmoidCrossEntropy`] the
    /// sigmoid of each (a probability per output); for [`Loss::SoftmaxCrossEntropy`] their
    /// softmax (class probabilities). Inference mode.
    ///
    /// # Errors
    /// As [`Mlp::classify`]: [`Error::NonFiniteInput`] (row 0) if an input is NaN or
    /// infinite, [`Error::NonFiniteOutput`] if an output is.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Loss, Matrix, Mlp, Vector};
    /// // y = 2 x + 1, as one hidden ReLU unit.
    /// let net = Mlp::<1, 1, 1>::from_parts(
    ///     Matrix::from_array([[2.0]]), Vector::from_array([0.0]),
    ///     Matrix::from_array([[1.0]]), Vector::from_array([1.0]),
    /// );
    /// assert_eq!(net.predict(&[3.0], Loss::MeanSquaredError)?, [7.0]);
    /// let p = net.predict(&[3.0], Loss::SigmoidCrossEntropy)?[0];
    /// assert!((p - 1.0 / (1.0 + (-7.0_f32).exp())).abs() < 1e-6);
    /// assert!(net.predict(&[f32::NAN], Loss::MeanSquaredError).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn predict(&self, x: &[T; D], loss: Loss) -> Result<[T; K]> {
        if let Some(col) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteInput { row: 0, col });
        }
        let z = self.logits(x);
        if let Some(index) = z.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteOutput { index });
        }
        Ok(match loss {
            Loss::MeanSquaredError => z,
            Loss::SigmoidCrossEntropy => z.map(crate::sigmoid),
            Loss::SoftmaxCrossEntropy => crate::softmax(&z),
        })
    }

    /// `out = X W1 + b1` for the rows of `x`.
    fn hidden_pre_activation(&self, x: &[[T; D]], out: &mut [[T; H]]) {
        // On a Cortex-M: the one-sample kernel, row by row (each sum in order, as the
        // portable path's full row blocks).
        #[cfg(target_arch = "arm")]
        if kernels::cortex_m::dense_rows(x, self.w1.as_array(), self.b1.as_array(), out).is_some() {
            return;
        }
        kernels::common_rows::matmul(x, self.w1.as_array(), out, false);
        add_bias(out, &self.b1);
    }

    /// `out = A1 W2 + b2` for the rows of `hidden`.
    fn output_logits(&self, hidden: &[[T; H]], out: &mut [[T; K]]) {
        #[cfg(target_arch = "arm")]
        if kernels::cortex_m::dense_rows(hidden, self.w2.as_array(), self.b2.as_array(), out)
            .is_some()
        {
            return;
        }
        kernels::common_rows::matmul(hidden, self.w2.as_array(), out, false);
        add_bias(out, &self.b2);
    }

    /// Training-mode forward pass of the valid rows of `batch`: keeps the hidden
    /// activations, the ReLU/dropout gate and the logits in `ws` for [`Mlp::backward`].
    /// Dropout (if any) draws one `next_u64` from `rng` per hidden unit per row.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<2, 4, 2>::glorot(&mut rng);
    /// let x = Matrix::<1, 2>::from_array([[1.0, -1.0]]);
    /// let y = [Label::new(1)?];
    /// let mut ws = Workspace::zeros();
    /// net.forward_train(&Batch::new(&x, Targets::Classes(&y))?, Dropout::NONE, &mut ws, &mut rng);
    /// assert_eq!(ws.logits[0], net.logits(&x[0]));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn forward_train<const B: usize, R: Rng + ?Sized>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        dropout: Dropout,
        ws: &mut Workspace<B, D, H, K, T>,
        rng: &mut R,
    ) {
        let n = batch.len();
        let hidden = &mut ws.hidden.as_array_mut()[..n];
        let gate = &mut ws.gate.as_array_mut()[..n];
        self.hidden_pre_activation(batch.inputs(), hidden);
        if dropout.is_none() {
            for (g, &z) in gate
                .as_flattened_mut()
                .iter_mut()
                .zip(hidden.as_flattened())
            {
                *g = crate::relu_derivative(z);
            }
        } else {
            dropout.sample_mask(gate.as_flattened_mut(), rng);
            for (g, &z) in gate
                .as_flattened_mut()
                .iter_mut()
                .zip(hidden.as_flattened())
            {
                *g *= crate::relu_derivative(z);
            }
        }
        for (h, &g) in hidden
            .as_flattened_mut()
            .iter_mut()
            .zip(gate.as_flattened())
        {
            // relu(z) * mask == z * gate, and exactly 0 where the gate is 0.
            *h = if g == T::ZERO { T::ZERO } else { *h * g };
        }
        self.output_logits(hidden, &mut ws.logits.as_array_mut()[..n]);
        ws.len = n;
    }

    /// Backward pass after [`Mlp::forward_train`] on the same batch: writes the gradients of
    /// the mean loss (plus the L2 penalty) with respect to `W1, b1, W2, b2` into `ws.grads`.
    ///
    /// ```text
    /// dZ2 = (O - G) / n     dW2 = A1^T dZ2    db2 = sum_rows dZ2
    /// dZ1 = (dZ2 W2^T) * gate                 (gate = relu'(Z1) * dropout mask)
    /// dW1 = X^T dZ1         db1 = sum_rows dZ1
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] if a target is outside the loss's domain,
    /// [`Error::SmoothingNotApplicable`] for smoothing with MSE, [`Error::NonFiniteLoss`] if
    /// the loss is NaN or infinite, [`Error::BatchLength`] if `ws` holds a forward pass of
    /// another length. The model is never changed.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<2, 4, 2, f64>::glorot(&mut rng);
    /// let x = Matrix::<1, 2, f64>::from_array([[1.0, -1.0]]);
    /// let y = [Label::new(1)?];
    /// let batch = Batch::new(&x, Targets::Classes(&y))?;
    /// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    /// let mut ws = Workspace::zeros();
    /// net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
    /// let stats = net.backward(&batch, &cfg, &mut ws)?;
    /// assert!(stats.loss > 0.0);
    /// assert!((ws.grads.b2[0] + ws.grads.b2[1]).abs() < 1e-15); // softmax gradients sum to 0
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn backward<const B: usize>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
    ) -> Result<StepStats<T>> {
        let loss = self.backward_to_hidden(batch, cfg, ws)?;
        let n = batch.len();
        grad_w1::<B, D, H, T>(
            batch.inputs(),
            &ws.d_hidden.as_array()[..n],
            ws.grads.w1.as_array_mut(),
        );
        self.finish_gradients(cfg, ws, loss)
    }

    /// The backward pass up to the hidden layer: checks, the loss, `dZ2` (in place of the
    /// logits), `dW2`, `db2`, `dZ1` (in `ws.d_hidden`) and `db1`. Everything but `dW1` and
    /// the L2 terms. Returns the mean loss.
    fn backward_to_hidden<const B: usize>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
    ) -> Result<T> {
        let n = batch.len();
        if ws.len != n {
            return Err(Error::WorkspaceMismatch {
                workspace_rows: ws.len,
                batch_rows: n,
            });
        }
        if cfg.loss == Loss::MeanSquaredError && cfg.smoothing.alpha() != 0.0 {
            return Err(Error::SmoothingNotApplicable);
        }
        // dZ2, in place of the logits.
        let inv_n = T::from_f64(1.0 / n as f64);
        let mut loss_sum = T::ZERO;
        for (row, z) in ws.logits.as_array_mut()[..n].iter_mut().enumerate() {
            // Check the target as given: smoothing could pull an invalid one (1.5 for BCE, a
            // negative "probability" for softmax) back into the loss's domain.
            let raw = batch.targets.row(row);
            cfg.loss.check_target(row, &raw)?;
            let g = cfg.smooth(raw);
            let lg = cfg.loss.evaluate(z, &g);
            loss_sum += lg.loss;
            *z = lg.grad.map(|d| d * inv_n);
        }
        let loss = loss_sum * inv_n;
        if !loss.is_finite() {
            return Err(Error::NonFiniteLoss);
        }
        let d_logits = &ws.logits.as_array()[..n];
        let hidden = &ws.hidden.as_array()[..n];
        let d_hidden = &mut ws.d_hidden.as_array_mut()[..n];
        let grads = &mut ws.grads;

        // On a Cortex-M, a full batch: the dense-row kernel, a row of `dW2` at a time.
        #[cfg(target_arch = "arm")]
        let done = kernels::cortex_m::tn_rows::<T, B, H, K>(
            hidden,
            d_logits,
            grads.w2.as_array_mut(),
            T::ONE,
            false,
        )
        .is_some();
        #[cfg(not(target_arch = "arm"))]
        let done = false;
        if !done {
            kernels::common_rows::matmul_tn(hidden, d_logits, grads.w2.as_array_mut(), false);
        }
        sum_rows(d_logits, &mut grads.b2);
        // On a Cortex-M: `dZ2 W2^T` on the dense-row kernel, a row of `W2` at a time.
        #[cfg(target_arch = "arm")]
        let done = kernels::cortex_m::nt_rows(d_logits, self.w2.as_array(), d_hidden).is_some();
        #[cfg(not(target_arch = "arm"))]
        let done = false;
        if !done {
            kernels::common_rows::matmul_nt(d_logits, self.w2.as_array(), d_hidden, false);
        }
        for (d, &g) in d_hidden
            .as_flattened_mut()
            .iter_mut()
            .zip(ws.gate.as_array()[..n].as_flattened())
        {
            *d *= g;
        }
        sum_rows(d_hidden, &mut grads.b1);
        Ok(loss)
    }

    /// Adds the L2 terms to the gradients in `ws.grads` and checks that they are finite.
    fn finish_gradients<const B: usize>(
        &self,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
        loss: T,
    ) -> Result<StepStats<T>> {
        let grads = &mut ws.grads;
        let mut penalty = T::ZERO;
        let l2 = cfg.l2;
        if l2.lambda() != 0.0 {
            for ((theta, grad), is_bias) in self
                .tensors()
                .into_iter()
                .zip(grads.tensors_mut())
                .zip(IS_BIAS)
            {
                if !is_bias || l2.includes_biases() {
                    penalty += l2.penalty(theta);
                    if theta.len() == grad.len() {
                        l2.add_gradient(theta, grad); // (equal: same shapes; no panic path)
                    }
                }
            }
        }
        // A finite loss can still have an infinite gradient (e.g. large inputs times a large
        // `dZ1` overflow `X^T dZ1`): applying it would poison the model.
        let grads_finite = grads.tensors().into_iter().all(kernels::all_finite);
        if !penalty.is_finite() || !grads_finite {
            return Err(Error::NonFiniteLoss);
        }
        Ok(StepStats { loss, penalty })
    }

    /// [`Mlp::train_step`] with plain SGD and no L2 penalty: `W1` is updated as its gradient
    /// `X^T dZ1` is computed (`W1 += (-lr) X^T dZ1`), never stored. That is one pass over
    /// `W1` instead of three (write the gradient, check it, apply it); at `B = 1` it is most
    /// of the step.
    ///
    /// The model must not change if a gradient is not finite, and a fused update cannot be
    /// undone, so it only runs when the gradient is provably finite: every element of
    /// `X^T dZ1` is at most `max |x| * sum over rows of max |dZ1|` in magnitude (and rounding
    /// adds a factor of at most `1 + n eps`), so that bound being far below the largest float
    /// is enough. Otherwise the step falls back to the general path, which computes and
    /// checks the gradient.
    fn sgd_step<const B: usize, O: Optimizer<D, H, K, T> + ?Sized>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
        optimizer: &mut O,
        lr: T,
    ) -> Result<StepStats<T>> {
        let loss = self.backward_to_hidden(batch, cfg, ws)?;
        let n = batch.len();
        let d_hidden = &ws.d_hidden.as_array()[..n];
        let g = &ws.grads;
        // A NaN or infinite `dZ1` makes `db1 = sum_rows dZ1` NaN or infinite.
        let small_finite = kernels::all_finite(g.b1.as_slice())
            && kernels::all_finite(g.w2.as_flattened())
            && kernels::all_finite(g.b2.as_slice());
        let mut sum_max = T::ZERO;
        for row in d_hidden {
            sum_max += row.iter().fold(T::ZERO, |m, d| m.max(d.abs()));
        }
        let bound = batch.max_abs_input * sum_max;
        let limit = T::max_value() / T::from_f64(1024.0);
        // `W1 - lr X^T dZ1` is finite if `|W1| <= max / 4` (`4 W1` is finite: one read pass,
        // cheaper than storing and checking the gradient) and `|lr X^T dZ1| < max / 1024`.
        let four = T::from_f64(4.0);
        let w1 = self.w1.as_flattened();
        // The kernel may scale either factor first (`(lr x) dZ1` in the rank-one path): bound
        // that intermediate too.
        if small_finite
            && bound < limit
            && bound * lr < limit
            && batch.max_abs_input * lr < limit
            && all_finite_after(w1, w1, w1, w1, |t, _, _, _| t * four)
        {
            let others = [
                &[][..],
                g.b1.as_slice(),
                g.w2.as_flattened(),
                g.b2.as_slice(),
            ];
            let [_, b1, w2, b2] = self.tensors();
            check_sgd_update(&[&[][..], b1, w2, b2], &others, lr)?;
            // On a Cortex-M, a full batch: the dense-row kernel, a row of `W1` at a time.
            #[cfg(target_arch = "arm")]
            let done = kernels::cortex_m::tn_rows::<T, B, D, H>(
                batch.inputs(),
                d_hidden,
                self.w1.as_array_mut(),
                -lr,
                true,
            )
            .is_some();
            #[cfg(not(target_arch = "arm"))]
            let done = false;
            if !done {
                kernels::matmul_tn_add_scaled(
                    batch.inputs(),
                    d_hidden,
                    self.w1.as_array_mut(),
                    -lr,
                );
            }
            let g = &ws.grads;
            sgd_update(self.b1.as_mut_slice(), g.b1.as_slice(), lr);
            sgd_update(self.w2.as_flattened_mut(), g.w2.as_flattened(), lr);
            sgd_update(self.b2.as_mut_slice(), g.b2.as_slice(), lr);
            return Ok(StepStats {
                loss,
                penalty: T::ZERO,
            });
        }
        grad_w1::<B, D, H, T>(batch.inputs(), d_hidden, ws.grads.w1.as_array_mut());
        let stats = self.finish_gradients(cfg, ws, loss)?;
        optimizer.update(self, &ws.grads)?;
        Ok(stats)
    }

    /// One training step: [`Mlp::forward_train`], [`Mlp::backward`], then the optimizer's
    /// update. Returns the step's loss (before the update).
    ///
    /// With [`Sgd`](crate::Sgd) and no L2 penalty, the update of `W1` is applied as its
    /// gradient is computed (one pass over `W1` instead of three), so `ws.grads.w1` is
    /// usually not written; the other gradients are. The result is the same update, up to
    /// rounding.
    ///
    /// # Errors
    /// As [`Mlp::backward`]; on error the model and the optimizer are unchanged.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut net = Mlp::<2, 8, 2>::glorot(&mut rng);
    /// let x = Matrix::from_array([[0.0, 1.0], [1.0, 0.0]]);
    /// let y = [Label::new(0)?, Label::new(1)?];
    /// let batch = Batch::new(&x, Targets::Classes(&y))?;
    /// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    /// let mut opt = Sgd::new(0.5)?;
    /// let mut ws = Workspace::zeros();
    /// let first = net.train_step(&batch, &cfg, &mut ws, &mut opt, &mut rng)?;
    /// for _ in 0..50 {
    ///     net.train_step(&batch, &cfg, &mut ws, &mut opt, &mut rng)?;
    /// }
    /// let last = net.train_step(&batch, &cfg, &mut ws, &mut opt, &mut rng)?;
    /// assert!(last.loss < first.loss / 10.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn train_step<const B: usize, O, R>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
        optimizer: &mut O,
        rng: &mut R,
    ) -> Result<StepStats<T>>
    where
        O: Optimizer<D, H, K, T> + ?Sized,
        R: Rng + ?Sized,
    {
        self.forward_train(batch, cfg.dropout, ws, rng);
        if cfg.l2.lambda() == 0.0
            && let Some(lr) = optimizer.plain_sgd_learning_rate()
        {
            let lr = sgd_learning_rate::<T>(lr)?;
            return self.sgd_step(batch, cfg, ws, optimizer, lr);
        }
        let stats = self.backward(batch, cfg, ws)?;
        optimizer.update(self, &ws.grads)?;
        Ok(stats)
    }

    /// [`Mlp::train_step`] without a random generator, for training without dropout (e.g.
    /// on a microcontroller with no source of randomness): nothing random happens in such a
    /// step.
    ///
    /// # Errors
    /// [`Error::DropoutNeedsRng`] if `cfg` has dropout (then nothing changes); otherwise as
    /// [`Mlp::train_step`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// let mut net = Mlp::<2, 3, 1, f64>::zeros();
    /// net.w1 = Matrix::splat(0.5);
    /// let x = Matrix::from_array([[1.0, 2.0]]);
    /// let y = Matrix::from_array([[1.0]]);
    /// let batch = Batch::new(&x, Targets::Values(&y))?;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError);
    /// let mut ws = Workspace::zeros();
    /// let first = net.train_step_deterministic(&batch, &cfg, &mut ws, &mut Sgd::new(0.05)?)?;
    /// let second = net.train_step_deterministic(&batch, &cfg, &mut ws, &mut Sgd::new(0.05)?)?;
    /// assert!(second.loss < first.loss);
    /// let with_dropout = cfg.with_dropout(Dropout::new(0.5)?);
    /// let err = net.train_step_deterministic(&batch, &with_dropout, &mut ws, &mut Sgd::new(0.05)?);
    /// assert_eq!(err.unwrap_err(), Error::DropoutNeedsRng);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn train_step_deterministic<const B: usize, O>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
        optimizer: &mut O,
    ) -> Result<StepStats<T>>
    where
        O: Optimizer<D, H, K, T> + ?Sized,
    {
        if !cfg.dropout.is_none() {
            return Err(Error::DropoutNeedsRng);
        }
        self.train_step(batch, cfg, ws, optimizer, &mut NoRandomness)
    }
}

/// A generator for steps without dropout, which draw nothing: it is never called, and would
/// give zeros if it were.
pub(crate) struct NoRandomness;

impl rand::TryRng for NoRandomness {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        dst.fill(0);
        Ok(())
    }
}

/// `dW1 = X^T dZ1` over the rows both have: on a Cortex-M with a full batch, the dense-row
/// kernel a row of `dW1` at a time; else the portable product.
fn grad_w1<const B: usize, const D: usize, const H: usize, T: Scalar>(
    x: &[[T; D]],
    d_hidden: &[[T; H]],
    out: &mut [[T; H]; D],
) {
    #[cfg(target_arch = "arm")]
    if kernels::cortex_m::tn_rows::<T, B, D, H>(x, d_hidden, out, T::ONE, false).is_some() {
        return;
    }
    kernels::common_rows::matmul_tn(x, d_hidden, out, false);
}

/// Adds `bias` to every row.
fn add_bias<T: Scalar, const N: usize>(rows: &mut [[T; N]], bias: &Vector<N, T>) {
    for row in rows {
        for (x, &b) in row.iter_mut().zip(bias.iter()) {
            *x += b;
        }
    }
}

/// `out = sum of the rows`.
fn sum_rows<T: Scalar, const N: usize>(rows: &[[T; N]], out: &mut Vector<N, T>) {
    *out = Vector::zeros();
    for row in rows {
        *out += &Vector::from_array(*row);
    }
}
