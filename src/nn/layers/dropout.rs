//! [`DropoutLayer<N, T>`]: inverted dropout, training only.

use core::marker::PhantomData;

use rand::Rng;

use crate::nn::arch::{Arch, LayerKind, LayerSpec};
use crate::nn::layer::{Forward, Train, TrainContext, Zeros};
use crate::nn::params::{Params, TensorInfo};
use crate::{Matrix, Scalar};

/// Inverted dropout on rows of `N`, where it stands in a network: in training each element
/// is kept with probability `1 - p` and scaled by `1 / (1 - p)` (`dx = dy * mask`); at
/// inference it is the identity. No parameters.
///
/// The rate `p` is a training setting, not part of the model: it is
/// [`TrainConfig::dropout`](crate::TrainConfig::dropout), the same for every dropout layer
/// of the network (training a network that has none with a rate is an error,
/// [`Error::NoDropoutLayer`](crate::Error::NoDropoutLayer)). Each training row draws one
/// `next_u64` per element, as [`Dropout::sample_mask`](crate::Dropout::sample_mask); with
/// rate 0 nothing is drawn.
///
/// # Examples
/// ```
/// use ctensor::{Dense, DropoutLayer, Relu, Seq};
/// type Net = Seq<(Dense<4, 8>, Relu<8>, DropoutLayer<8>, Dense<8, 2>)>;
/// let net = Net::zeros();
/// assert_eq!(net.logits(&[1.0; 4]), [0.0; 2]); // inference: no dropout
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct DropoutLayer<const N: usize, T = f32>(PhantomData<T>);

impl<const N: usize, T> DropoutLayer<N, T> {
    /// The layer (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// static D: ctensor::DropoutLayer<4> = ctensor::DropoutLayer::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<const N: usize, T: Scalar> Zeros for DropoutLayer<N, T> {
    const ZEROS: Self = Self::new();
}

impl<const N: usize, T: Scalar> Forward for DropoutLayer<N, T> {
    type In = [T; N];
    type Out = [T; N];
    type Scratch<const B: usize> = ();
    const ARCH: Arch = Arch::one(LayerSpec::new(LayerKind::Dropout, N, N));

    #[inline]
    fn forward<const B: usize>(&self, x: &[[T; N]], y: &mut [[T; N]], (): &mut ()) {
        assert!(x.len() <= B, "more rows than the batch size");
        y.copy_from_slice(x);
    }
}

impl<const N: usize, T: Scalar> Train for DropoutLayer<N, T> {
    /// The mask of each row: `1 / (1 - p)` where kept, 0 where dropped.
    type Cache<const B: usize> = Matrix<B, N, T>;

    fn forward_train<const B: usize>(
        &self,
        x: &[[T; N]],
        y: &mut [[T; N]],
        mask: &mut Matrix<B, N, T>,
        ctx: &mut TrainContext<'_>,
    ) {
        let mask = &mut mask.as_array_mut()[..x.len()];
        let dropout = ctx.dropout();
        if dropout.is_none() {
            mask.as_flattened_mut().fill(T::ONE);
        } else {
            dropout.sample_mask(mask.as_flattened_mut(), ctx.rng());
        }
        let pairs = y.as_flattened_mut().iter_mut().zip(x.as_flattened());
        for ((y, &x), &m) in pairs.zip(mask.as_flattened()) {
            // Exactly 0 where dropped, even if `x` is infinite.
            *y = if m == T::ZERO { T::ZERO } else { x * m };
        }
    }

    fn backward<const B: usize>(
        &self,
        _: &[[T; N]],
        mask: &mut Matrix<B, N, T>,
        dy: &mut [[T; N]],
        dx: Option<&mut [[T; N]]>,
        _: &mut Self,
    ) {
        if let Some(dx) = dx {
            let mask = &mask.as_array()[..dy.len()];
            let pairs = dx.as_flattened_mut().iter_mut().zip(dy.as_flattened());
            for ((d, &g), &m) in pairs.zip(mask.as_flattened()) {
                *d = g * m;
            }
        }
    }

    fn init_glorot(&mut self, _: &mut dyn Rng) {}
}

impl<const N: usize, T: Scalar> Params for DropoutLayer<N, T> {
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
