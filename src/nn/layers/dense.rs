//! [`Dense<I, O, T>`]: the affine layer `y = x W + b`.

use rand::Rng;

use crate::kernels;
use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::init::glorot_uniform;
use crate::nn::layer::{Forward, Train, TrainContext, Zeros};
use crate::nn::params::{Params, TensorInfo};
use crate::{Matrix, Scalar, Vector};

/// A dense (fully connected) layer with `I` inputs and `O` outputs: `y = x W + b` for each
/// row `x`.
///
/// `W` is stored `I x O` (inputs x outputs, row-major), as a Keras `Dense` kernel and as
/// [`Mlp`](crate::Mlp)'s `w1`; a PyTorch `nn.Linear(I, O).weight` is `O x I`, its transpose.
/// Its parameter names are `"weight"` and `"bias"`.
///
/// # Examples
/// ```
/// use ctensor::{Dense, Matrix, Relu, Seq, Vector};
/// let layer = Dense::<2, 1>::from_parts(Matrix::from_array([[2.0], [3.0]]), Vector::from_array([1.0]));
/// let net = Seq::new((layer, Relu::<1>::new()));
/// assert_eq!(net.logits(&[1.0, 1.0]), [6.0]);
/// assert_eq!(net.logits(&[-1.0, -1.0]), [0.0]);
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct Dense<const I: usize, const O: usize, T = f32> {
    /// Weights, `I x O`.
    pub w: Matrix<I, O, T>,
    /// Biases.
    pub b: Vector<O, T>,
}

impl<const I: usize, const O: usize, T: Scalar> Dense<I, O, T> {
    /// A layer from its parameters (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Matrix, Vector};
    /// static L: Dense<1, 2> = Dense::from_parts(Matrix::from_array([[1.0, 2.0]]), Vector::from_array([0.0, 0.5]));
    /// assert_eq!(L.b[1], 0.5);
    /// ```
    #[must_use]
    pub const fn from_parts(w: Matrix<I, O, T>, b: Vector<O, T>) -> Self {
        Self { w, b }
    }

    /// All zeros (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// static L: ctensor::Dense<3, 2> = ctensor::Dense::zeros();
    /// assert_eq!(L.w, ctensor::Matrix::zeros());
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            w: Matrix::zeros(),
            b: Vector::zeros(),
        }
    }

    /// Glorot-uniform weights (fan-in `I`, fan-out `O`), zero biases.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let l = ctensor::Dense::<4, 3>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
    /// let bound = ctensor::glorot_bound(4, 3) as f32;
    /// assert!(l.w.as_flattened().iter().all(|w| w.abs() <= bound && *w != 0.0));
    /// ```
    #[must_use]
    pub fn glorot<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut layer = Self::zeros();
        glorot_uniform(&mut layer.w, rng);
        layer
    }
}

impl<const I: usize, const O: usize, T: Scalar> Zeros for Dense<I, O, T> {
    const ZEROS: Self = Self::zeros();
}

impl<const I: usize, const O: usize, T: Scalar> Forward for Dense<I, O, T> {
    type In = [T; I];
    type Out = [T; O];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::Dense, I, O));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[T; I]], y: &mut [[T; O]], (): &mut ()) {
        assert!(x.len() <= B, "more rows than the batch size");
        // On a Cortex-M: the one-sample kernel, row by row (each sum in order, as the
        // portable path's full row blocks and one-row products).
        #[cfg(target_arch = "arm")]
        if kernels::cortex_m::dense_rows(x, self.w.as_array(), self.b.as_array(), y).is_some() {
            return;
        }
        kernels::matmul(x, self.w.as_array(), y, false);
        for row in y {
            for (v, &b) in row.iter_mut().zip(self.b.iter()) {
                *v += b;
            }
        }
    }
}

impl<const I: usize, const O: usize, T: Scalar> Train for Dense<I, O, T> {
    type Cache<const B: usize> = ();

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        x: &[[T; I]],
        y: &mut [[T; O]],
        (): &mut (),
        _: &mut TrainContext<'_>,
    ) {
        self.forward::<B>(x, y, &mut ());
    }

    /// `dW = x^T dy`, `db = sum over rows of dy`, `dx = dy W^T`.
    #[inline]
    fn backward<const B: usize>(
        &self,
        x: &[[T; I]],
        (): &mut (),
        dy: &mut [[T; O]],
        dx: Option<&mut [[T; I]]>,
        grads: &mut Self,
    ) {
        assert!(x.len() <= B, "more rows than the batch size");
        kernels::matmul_tn(x, dy, grads.w.as_array_mut(), false);
        grads.b = Vector::zeros();
        for row in dy.iter() {
            for (g, &d) in grads.b.iter_mut().zip(row) {
                *g += d;
            }
        }
        if let Some(dx) = dx {
            kernels::matmul_nt(dy, self.w.as_array(), dx, false);
        }
    }

    fn init_glorot(&mut self, rng: &mut dyn Rng) {
        glorot_uniform(&mut self.w, rng);
        self.b = Vector::zeros();
    }
}

impl<const I: usize, const O: usize, T: Scalar> Params for Dense<I, O, T> {
    type Scalar = T;
    const TENSORS: usize = 2;
    const LEN: usize = I * O + O;

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.w.as_flattened(),
            1 => self.b.as_slice(),
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => self.w.as_flattened_mut(),
            1 => self.b.as_mut_slice(),
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        let (name, rows, is_bias) = match i {
            0 => ("weight", I, false),
            1 => ("bias", 1, true),
            _ => return None,
        };
        Some(TensorInfo {
            layer: 0,
            name,
            rows,
            cols: O,
            is_bias,
        })
    }
}
