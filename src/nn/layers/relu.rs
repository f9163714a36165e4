//! [`Relu<N, T>`]: `y = max(x, 0)`, element by element.

use core::marker::PhantomData;

use rand::Rng;

use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::layer::{Forward, Train, TrainContext, Zeros};
use crate::nn::params::{Params, TensorInfo};
use crate::{Scalar, relu, relu_derivative};

/// The rectified linear unit on rows of `N`: `y = max(x, 0)`; in training,
/// `dx = dy * [x > 0]` (so `relu'(0) = 0`, as in PyTorch). No parameters.
///
/// # Examples
/// ```
/// use ctensor::{Relu, Seq};
/// let net = Seq::new((Relu::<3>::new(),));
/// assert_eq!(net.logits(&[-1.0, 0.0, 2.0]), [0.0, 0.0, 2.0]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct Relu<const N: usize, T = f32>(PhantomData<T>);

impl<const N: usize, T> Relu<N, T> {
    /// The layer (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// static R: ctensor::Relu<4> = ctensor::Relu::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<const N: usize, T: Scalar> Zeros for Relu<N, T> {
    const ZEROS: Self = Self::new();
}

impl<const N: usize, T: Scalar> Forward for Relu<N, T> {
    type In = [T; N];
    type Out = [T; N];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::Relu, N, N));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[T; N]], y: &mut [[T; N]], (): &mut ()) {
        assert!(x.len() == y.len() && x.len() <= B, "row counts differ");
        for (y, &x) in y.as_flattened_mut().iter_mut().zip(x.as_flattened()) {
            *y = relu(x);
        }
    }
}

impl<const N: usize, T: Scalar> Train for Relu<N, T> {
    type Cache<const B: usize> = ();

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        x: &[[T; N]],
        y: &mut [[T; N]],
        (): &mut (),
        _: &mut TrainContext<'_>,
    ) {
        self.forward::<B>(x, y, &mut ());
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        x: &[[T; N]],
        (): &mut (),
        dy: &mut [[T; N]],
        dx: Option<&mut [[T; N]]>,
        _: &mut Self,
    ) {
        if let Some(dx) = dx {
            assert!(
                x.len() == dx.len() && dy.len() == dx.len(),
                "row counts differ"
            );
            let dy = dy.as_flattened();
            for ((d, &x), &g) in dx
                .as_flattened_mut()
                .iter_mut()
                .zip(x.as_flattened())
                .zip(dy)
            {
                *d = g * relu_derivative(x);
            }
        }
    }

    fn init_glorot(&mut self, _: &mut dyn Rng) {}
}

impl<const N: usize, T: Scalar> Params for Relu<N, T> {
    type Scalar = T;
    const TENSORS: usize = 0;
    const LEN: usize = 0;

    fn tensor(&self, _: usize) -> &[T] {
        &[]
    }

    fn tensor_mut(&mut self, _: usize) -> &mut [T] {
        &mut []
    }

    fn tensor_info(_: usize) -> Option<TensorInfo> {
        None
    }
}
