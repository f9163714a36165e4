//! [`Seq<L>`]: a network made of a chain of layers `L`, with shape-checked inference (this
//! module), training ([`train`]) and weights files ([`io`](crate::io)).

pub mod convert;
mod macros;
pub mod train;

use rand::Rng;

#[cfg(doc)]
use crate::Error;
use crate::nn::layer::{Forward, Train, Zeros};
use crate::nn::params::Params;
use crate::{Label, Matrix, Result, Scalar};

/// A feed-forward network: the chain of layers `L` (a tuple of up to 8 layers or chains,
/// see [`chain`](crate::nn::chain)), whose type spells every shape.
///
/// ```text
/// type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 8>, Relu<8>, Dense<8, 10>)>;
/// ```
/// A chain whose widths do not match does not compile, and neither does a batch of the wrong
/// width or labels of another class count. As for [`Mlp`](crate::Mlp), the output
/// activation belongs to the loss: the last layer's outputs are logits.
///
/// The constructors are `const fn`, so a trained network can be a `static` in flash (see
/// `seq_from_bytes_const!`); large ones are built directly on
/// the heap ([`Seq::boxed_glorot`]).
///
/// # Examples
/// ```
/// use ctensor::{Dense, Label, Matrix, Relu, Seq};
/// use rand::SeedableRng;
/// type Net = Seq<(Dense<4, 16>, Relu<16>, Dense<16, 8>, Relu<8>, Dense<8, 3>)>;
/// let net = Net::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
/// let x = Matrix::from_array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, -1.0, 0.5]]);
/// let logits: Matrix<2, 3> = net.forward(&x);
/// let class: Label<3> = net.classify(&[0.1, 0.2, 0.3, 0.4])?;
/// assert_eq!(class, Label::argmax(&logits[0])?);
/// assert_eq!(Net::PARAMS, 4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct Seq<L>
where
    L: Forward,
{
    /// The layers, in order (`net.layers.0` is the first).
    pub layers: L,
}

impl<L: Forward> Seq<L> {
    /// A network from its layers (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// static NET: Seq<(Dense<2, 3>, Relu<3>)> = Seq::new((Dense::zeros(), Relu::new()));
    /// assert_eq!(NET.logits(&[1.0, 2.0]), [0.0; 3]);
    /// ```
    #[must_use]
    pub const fn new(layers: L) -> Self {
        Self { layers }
    }
}

impl<L: Zeros + Forward> Seq<L> {
    /// All parameters zero (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// static NET: Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)> = Seq::zeros();
    /// assert_eq!(NET.logits(&[1.0, 2.0]), [0.0]);
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self { layers: L::ZEROS }
    }

    /// All parameters zero, built directly on the heap (no stack temporary, whatever the
    /// size).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// let net = Seq::<(Dense<784, 512>, Relu<512>, Dense<512, 10>)>::boxed_zeros();
    /// assert_eq!(net.layers.0.w[(783, 511)], 0.0);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
        bytemuck::zeroed_box()
    }
}

impl<L: Train> Seq<L> {
    /// Glorot-uniform weights (each dense layer in order), zero biases.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// use rand::SeedableRng;
    /// let net = Seq::<(Dense<3, 5>, Relu<5>, Dense<5, 2>)>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
    /// assert!(net.layers.2.w.as_flattened().iter().all(|&w| w != 0.0));
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
    /// use ctensor::{Dense, Relu, Seq};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Seq::<(Dense<784, 512>, Relu<512>, Dense<512, 10>)>::boxed_glorot(&mut rng);
    /// assert!(net.layers.0.w[(0, 0)] != 0.0);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_glorot<R: Rng + ?Sized>(rng: &mut R) -> alloc::boxed::Box<Self> {
        let mut net = Self::boxed_zeros();
        net.init_glorot(rng);
        net
    }

    /// Re-initializes in place: Glorot-uniform weights, each dense layer in order (drawing
    /// one `next_u64` per weight), zero biases.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// use rand::SeedableRng;
    /// let mut net = Seq::<(Dense<2, 2>, Relu<2>, Dense<2, 2>)>::zeros();
    /// net.init_glorot(&mut rand::rngs::StdRng::seed_from_u64(1));
    /// assert!(net.layers.0.w.as_flattened().iter().any(|&w| w != 0.0));
    /// ```
    pub fn init_glorot<R: Rng + ?Sized>(&mut self, mut rng: &mut R) {
        let rng: &mut dyn Rng = &mut rng;
        self.layers.init_glorot(rng);
    }
}

impl<L: Forward + Params> Seq<L> {
    /// The number of layers (ReLU and dropout layers included).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// assert_eq!(Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>::LAYERS, 3);
    /// ```
    pub const LAYERS: usize = L::ARCH.len();

    /// The number of parameters (scalars).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// assert_eq!(Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>::PARAMS, 2 * 3 + 3 + 3 * 1 + 1);
    /// ```
    pub const PARAMS: usize = L::LEN;

    /// The bytes of inference scratch memory for batches of up to `B` rows
    /// ([`Seq::forward_into`]).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// // The rows between the layers: 3 + 3 floats per row.
    /// assert_eq!(Net::scratch_bytes::<10>(), 10 * 6 * 4);
    /// ```
    #[must_use]
    pub const fn scratch_bytes<const B: usize>() -> usize {
        core::mem::size_of::<L::Scratch<B>>()
    }
}

impl<L: Forward> Seq<L> {
    /// Outputs (logits) of a batch. Inference mode: no dropout.
    ///
    /// Its scratch memory (the rows between the layers, [`Seq::scratch_bytes`]) is a stack
    /// temporary; for large batches use [`Seq::forward_into`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Matrix, Relu, Seq};
    /// let net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>::zeros();
    /// assert_eq!(net.forward(&Matrix::<5, 2>::splat(1.0)), Matrix::zeros());
    /// ```
    #[must_use]
    pub fn forward<const B: usize, const D: usize, const K: usize, T: Scalar>(
        &self,
        x: &Matrix<B, D, T>,
    ) -> Matrix<B, K, T>
    where
        L: Forward<In = [T; D], Out = [T; K]>,
    {
        let mut out = Matrix::zeros();
        let mut scratch = L::Scratch::<B>::ZEROS;
        self.forward_into(x, &mut out, &mut scratch);
        out
    }

    /// Outputs of a batch into `out`, with `scratch` as the memory between layers (any
    /// content; e.g. `Zeros::ZEROS`, or [`Seq::boxed_scratch`]). Inference mode.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::{Dense, Matrix, Relu, Seq};
    /// let net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>::zeros();
    /// let (mut out, mut scratch) = (Matrix::<4, 1>::zeros(), Zeros::ZEROS);
    /// net.forward_into(&Matrix::splat(1.0), &mut out, &mut scratch);
    /// assert_eq!(out, Matrix::zeros());
    /// ```
    pub fn forward_into<const B: usize, const D: usize, const K: usize, T: Scalar>(
        &self,
        x: &Matrix<B, D, T>,
        out: &mut Matrix<B, K, T>,
        scratch: &mut L::Scratch<B>,
    ) where
        L: Forward<In = [T; D], Out = [T; K]>,
    {
        self.layers
            .forward::<B>(x.as_array(), out.as_array_mut(), scratch);
    }

    /// Zeroed inference scratch memory for batches of up to `B` rows, built on the heap.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Matrix, Relu, Seq};
    /// type Net = Seq<(Dense<64, 512>, Relu<512>, Dense<512, 10>)>;
    /// let net = Net::boxed_zeros();
    /// let mut scratch = Net::boxed_scratch::<256>();
    /// let x = Box::new(Matrix::<256, 64>::zeros());
    /// let mut out = Box::new(Matrix::<256, 10>::zeros());
    /// net.forward_into(&x, &mut out, &mut scratch);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_scratch<const B: usize>() -> alloc::boxed::Box<L::Scratch<B>> {
        bytemuck::zeroed_box()
    }

    /// Outputs (logits) of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// let net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 4>)>::zeros();
    /// assert_eq!(net.logits(&[1.0, 2.0]), [0.0; 4]);
    /// ```
    #[must_use]
    pub fn logits<const D: usize, const K: usize, T: Scalar>(&self, x: &[T; D]) -> [T; K]
    where
        L: Forward<In = [T; D], Out = [T; K]>,
    {
        let mut out = [[T::ZERO; K]; 1];
        let mut scratch = L::Scratch::<1>::ZEROS;
        self.layers
            .forward::<1>(core::slice::from_ref(x), &mut out, &mut scratch);
        out[0]
    }

    /// Class probabilities `softmax(logits)` of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// let net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 4>)>::zeros();
    /// assert_eq!(net.probabilities(&[1.0, 2.0]), [0.25; 4]);
    /// ```
    #[must_use]
    pub fn probabilities<const D: usize, const K: usize, T: Scalar>(&self, x: &[T; D]) -> [T; K]
    where
        L: Forward<In = [T; D], Out = [T; K]>,
    {
        crate::softmax(&self.logits(x))
    }

    /// The most likely class of one sample (the argmax of its logits). Inference mode.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite (with `row` 0);
    /// [`Error::NonFiniteOutput`] if a logit is NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// let net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 4>)>::zeros();
    /// assert_eq!(net.classify(&[1.0, 2.0])?.get(), 0);
    /// assert!(net.classify(&[f32::NAN, 2.0]).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn classify<const D: usize, const K: usize, T: Scalar>(
        &self,
        x: &[T; D],
    ) -> Result<Label<K>>
    where
        L: Forward<In = [T; D], Out = [T; K]>,
    {
        Label::classify_finite(x, |x| self.logits(x))
    }
}

impl<L: Zeros + Forward> Default for Seq<L> {
    fn default() -> Self {
        Self::zeros()
    }
}
