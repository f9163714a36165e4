//! The layer abstraction: [`Forward`] (inference, for any row type), [`Train`] (training of
//! float layers), and the storage traits they rest on, [`Row`] and [`Zeros`].
//!
//! A layer maps rows to rows. Its row types are associated types (`[T; I]` for a float
//! layer; an int8 layer uses `[i8; I]`), so a chain of layers is well formed exactly when
//! each layer's `In` is the previous layer's `Out`: the widths are checked by the type
//! system, with no arithmetic on const generics. Rows are passed as slices, so a layer's code
//! (and the kernels it calls) is compiled once per shape, not once per batch size; only the
//! scratch and cache types, which hold up to `B` rows, depend on the batch size `B`.
//!
//! Layers: [`Dense`](crate::Dense), [`Relu`](crate::Relu),
//! [`DropoutLayer`](crate::DropoutLayer); chains: tuples of up to 8 layers (or chains),
//! see [`chain`](crate::nn::chain); a network: [`Seq`](crate::Seq).

use rand::Rng;

use crate::nn::arch::Arch;
use crate::nn::dropout::Dropout;
use crate::nn::params::Params;
use crate::{Matrix, Scalar, Vector};

/// A type with an all-zero value that is a `const` (so that networks, workspaces and caches
/// can be `static` items) and that can be built zeroed directly on the heap
/// (`bytemuck::zeroed_box`, for large shapes).
///
/// # Examples
/// ```
/// use ctensor::nn::layer::Zeros;
/// use ctensor::{Dense, Matrix};
/// static W: Matrix<2, 3> = Matrix::ZEROS;
/// static L: Dense<2, 3> = Dense::ZEROS;
/// assert_eq!(L.w, W);
/// ```
pub trait Zeros: Sized + bytemuck::Zeroable {
    /// The value with every scalar zero.
    const ZEROS: Self;
}

impl Zeros for () {
    const ZEROS: Self = ();
}

impl<const R: usize, const C: usize, T: Scalar> Zeros for Matrix<R, C, T> {
    const ZEROS: Self = Matrix::zeros();
}

impl<const N: usize, T: Scalar> Zeros for Vector<N, T> {
    const ZEROS: Self = Vector::zeros();
}

mod sealed {
    pub trait Sealed {}
    impl<T: crate::Scalar, const N: usize> Sealed for [T; N] {}
    impl<const N: usize> Sealed for [i8; N] {}
}

/// One row of a layer's input or output: `[T; N]` for a float layer (an int8 layer
/// `[i8; N]`). Sealed.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::Row;
/// assert_eq!(<[f32; 7] as Row>::WIDTH, 7);
/// let rows = [[1.0_f32, 2.0], [3.0, 4.0]];
/// assert_eq!(<[f32; 2]>::flat(&rows), &[1.0, 2.0, 3.0, 4.0]);
/// ```
pub trait Row: Copy + sealed::Sealed + 'static {
    /// The element type.
    type Elem: Copy;
    /// Elements per row.
    const WIDTH: usize;
    /// Storage for `B` rows: a [`Matrix<B, N, T>`](crate::Matrix) for `[T; N]`.
    type Block<const B: usize>: Zeros + RowBlock<Row = Self> + Clone + core::fmt::Debug;

    /// The elements of `rows`, row after row.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Row;
    /// let rows = [[1_i8, 2, 3], [4, 5, 6]];
    /// assert_eq!(<[i8; 3]>::flat(&rows), &[1, 2, 3, 4, 5, 6]);
    /// assert_eq!(<[i8; 3]>::flat(&rows[1..]), &[4, 5, 6]);
    /// ```
    fn flat(rows: &[Self]) -> &[Self::Elem];
    /// The elements of `rows`, row after row, mutably.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Row;
    /// let mut rows = [[0.0_f32; 2]; 2];
    /// <[f32; 2]>::flat_mut(&mut rows)[2] = 5.0; // the first element of the second row
    /// assert_eq!(rows, [[0.0, 0.0], [5.0, 0.0]]);
    /// ```
    fn flat_mut(rows: &mut [Self]) -> &mut [Self::Elem];
}

impl<T: Scalar, const N: usize> Row for [T; N] {
    type Elem = T;
    const WIDTH: usize = N;
    type Block<const B: usize> = Matrix<B, N, T>;

    #[inline]
    fn flat(rows: &[Self]) -> &[T] {
        rows.as_flattened()
    }

    #[inline]
    fn flat_mut(rows: &mut [Self]) -> &mut [T] {
        rows.as_flattened_mut()
    }
}

/// An int8 row (the rows of the [`quant`](crate::quant) layers); `B` of them are stored as
/// `[[i8; N]; B]`.
impl<const N: usize> Row for [i8; N] {
    type Elem = i8;
    const WIDTH: usize = N;
    type Block<const B: usize> = [[i8; N]; B];

    #[inline]
    fn flat(rows: &[Self]) -> &[i8] {
        rows.as_flattened()
    }

    #[inline]
    fn flat_mut(rows: &mut [Self]) -> &mut [i8] {
        rows.as_flattened_mut()
    }
}

impl<const B: usize, const N: usize> Zeros for [[i8; N]; B] {
    const ZEROS: Self = [[0; N]; B];
}

impl<const B: usize, const N: usize> RowBlock for [[i8; N]; B] {
    type Row = [i8; N];

    #[inline]
    fn block_rows(&self) -> &[[i8; N]] {
        self
    }

    #[inline]
    fn block_rows_mut(&mut self) -> &mut [[i8; N]] {
        self
    }
}

/// Storage for a fixed number of rows ([`Row::Block`]), seen as a slice of rows.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::RowBlock;
/// let mut m = ctensor::Matrix::<3, 2>::zeros();
/// m.block_rows_mut()[1] = [1.0, 2.0];
/// assert_eq!(m.block_rows().len(), 3);
/// assert_eq!(m[(1, 1)], 2.0);
/// ```
pub trait RowBlock {
    /// The row type.
    type Row;
    /// All the rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::RowBlock;
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// assert_eq!(m.block_rows(), &[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let q: [[i8; 2]; 2] = [[1, -1], [2, -2]];
    /// assert_eq!(q.block_rows()[1], [2, -2]);
    /// ```
    fn block_rows(&self) -> &[Self::Row];
    /// All the rows, mutably.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::RowBlock;
    /// let mut q = [[0_i8; 3]; 2];
    /// q.block_rows_mut()[0] = [7, 8, 9];
    /// assert_eq!(q, [[7, 8, 9], [0, 0, 0]]);
    /// ```
    fn block_rows_mut(&mut self) -> &mut [Self::Row];
}

impl<const B: usize, const N: usize, T: Scalar> RowBlock for Matrix<B, N, T> {
    type Row = [T; N];

    #[inline]
    fn block_rows(&self) -> &[[T; N]] {
        self.as_array()
    }

    #[inline]
    fn block_rows_mut(&mut self) -> &mut [[T; N]] {
        self.as_array_mut()
    }
}

/// Inference: a layer (or a chain of layers) maps each row of `x` to a row of `y`.
///
/// Implemented by [`Dense`](crate::Dense), [`Relu`](crate::Relu),
/// [`DropoutLayer`](crate::DropoutLayer) and tuples of up to 8 of them (a chain: each
/// layer's `In` must be the previous layer's `Out`). [`Seq`](crate::Seq) wraps a chain with
/// safe, shape-checked methods; call these trait methods directly only to write a layer.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::{Forward, Zeros};
/// use ctensor::{Dense, Relu};
/// let mut net = <(Dense<2, 2, f64>, Relu<2, f64>)>::ZEROS;
/// net.0.w = ctensor::Matrix::from_array([[1.0, 0.0], [0.0, -1.0]]);
/// let mut y = [[0.0; 2]; 1];
/// let mut scratch = Zeros::ZEROS;
/// net.forward::<1>(&[[3.0, 4.0]], &mut y, &mut scratch);
/// assert_eq!(y, [[3.0, 0.0]]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer, or not a chain of layers whose widths match",
    label = "each layer's input width must be the previous layer's output width",
    note = "in a chain `(A, B, ..)`, `B`'s input row type must be `A`'s output row type, \
            e.g. `(Dense<64, 32>, Relu<32>, Dense<32, 10>)`"
)]
pub trait Forward {
    /// One input row.
    type In: Row;
    /// One output row.
    type Out: Row;
    /// Scratch memory for the inference of up to `B` rows (the rows between the layers of a
    /// chain; `()` for a single layer).
    type Scratch<const B: usize>: Zeros + Clone + core::fmt::Debug;
    /// The layer list, as recorded in a weights file.
    const ARCH: Arch;

    /// `y[r] = f(x[r])` for every row `r`; `scratch` is overwritten.
    ///
    /// # Panics
    /// If `x` and `y` differ in length, or hold more than `B` rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Forward;
    /// use ctensor::{Dense, Matrix, Vector};
    /// let layer = Dense::<2, 1>::from_parts(Matrix::from_array([[2.0], [3.0]]), Vector::from_array([1.0]));
    /// let mut y = [[0.0]; 2];
    /// layer.forward::<4>(&[[1.0, 1.0], [1.0, -1.0]], &mut y, &mut ()); // 2 rows of up to 4
    /// assert_eq!(y, [[6.0], [0.0]]); // x W + b
    /// ```
    fn forward<const B: usize>(
        &self,
        x: &[Self::In],
        y: &mut [Self::Out],
        scratch: &mut Self::Scratch<B>,
    );
}

/// What a training-mode forward pass needs besides its rows: the dropout rate of the
/// [`DropoutLayer`](crate::DropoutLayer)s and the generator of their masks.
///
/// # Examples
/// ```
/// use ctensor::Dropout;
/// use ctensor::nn::layer::TrainContext;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let ctx = TrainContext::new(Dropout::new(0.5)?, &mut rng);
/// assert_eq!(ctx.dropout().rate(), 0.5);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub struct TrainContext<'a> {
    dropout: Dropout,
    rng: &'a mut dyn Rng,
}

impl<'a> TrainContext<'a> {
    /// A context with this dropout rate and generator.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let _ = ctensor::nn::layer::TrainContext::new(ctensor::Dropout::NONE, &mut rng);
    /// ```
    pub fn new(dropout: Dropout, rng: &'a mut dyn Rng) -> Self {
        Self { dropout, rng }
    }

    /// The dropout rate.
    ///
    /// # Examples
    /// ```
    /// # use rand::SeedableRng;
    /// # let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let ctx = ctensor::nn::layer::TrainContext::new(ctensor::Dropout::NONE, &mut rng);
    /// assert!(ctx.dropout().is_none());
    /// ```
    #[must_use]
    pub fn dropout(&self) -> Dropout {
        self.dropout
    }

    /// The random generator.
    ///
    /// # Examples
    /// ```
    /// # use rand::SeedableRng;
    /// # let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut ctx = ctensor::nn::layer::TrainContext::new(ctensor::Dropout::NONE, &mut rng);
    /// let _ = ctx.rng().next_u64();
    /// ```
    pub fn rng(&mut self) -> &mut dyn Rng {
        self.rng
    }
}

/// Training of a float layer (or chain): a training-mode forward pass that keeps what the
/// backward pass needs, and the backward pass, which writes the gradients of the layer's
/// parameters and, if asked, of its input.
///
/// The gradients have the layer's own type (a `Dense` holds `dJ/dW` and `dJ/db` in its `w`
/// and `b`), and so does the optimizer state: one [`Params`] visitor serves the parameters,
/// the gradients, L2, the optimizers and the weights file.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::{Train, TrainContext, Zeros};
/// use ctensor::{Dense, Dropout};
/// use rand::SeedableRng;
/// let mut layer = Dense::<2, 1, f64>::ZEROS;
/// layer.w = ctensor::Matrix::from_array([[2.0], [3.0]]);
/// let x = [[1.0, 1.0]];
/// let (mut y, mut cache) = ([[0.0]], ());
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// layer.forward_train::<1>(&x, &mut y, &mut cache, &mut TrainContext::new(Dropout::NONE, &mut rng));
/// assert_eq!(y, [[5.0]]);
/// let (mut dy, mut dx, mut grads) = ([[1.0]], [[0.0; 2]], Dense::ZEROS);
/// layer.backward::<1>(&x, &mut cache, &mut dy, Some(&mut dx), &mut grads);
/// assert_eq!(dx, [[2.0, 3.0]]); // dy W^T
/// assert_eq!(grads.w.as_flattened(), &[1.0, 1.0]); // x^T dy
/// ```
pub trait Train: Forward + Params + Zeros {
    /// What the backward pass needs from the forward pass of up to `B` rows, and the
    /// backward pass's own scratch rows.
    type Cache<const B: usize>: Zeros + Clone + core::fmt::Debug;

    /// Training-mode forward pass: as [`Forward::forward`], keeping in `cache` what
    /// [`Train::backward`] needs; a [`DropoutLayer`](crate::DropoutLayer) draws its mask from
    /// `ctx` here.
    ///
    /// # Panics
    /// If `x` and `y` differ in length, or hold more than `B` rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::{Train, TrainContext, Zeros};
    /// use ctensor::{Dropout, DropoutLayer, Matrix};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut ctx = TrainContext::new(Dropout::new(0.5)?, &mut rng);
    /// let (x, mut y, mut mask) = ([[1.0; 8]], [[0.0; 8]], Matrix::<1, 8>::ZEROS);
    /// DropoutLayer::<8>::new().forward_train::<1>(&x, &mut y, &mut mask, &mut ctx);
    /// // Each element is dropped (0) or kept and scaled by 1 / (1 - 0.5); the cache keeps the mask.
    /// assert!(y[0].iter().all(|&v| v == 0.0 || v == 2.0));
    /// assert!(y[0].contains(&0.0) && y[0].contains(&2.0));
    /// assert_eq!(mask[0], y[0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn forward_train<const B: usize>(
        &self,
        x: &[Self::In],
        y: &mut [Self::Out],
        cache: &mut Self::Cache<B>,
        ctx: &mut TrainContext<'_>,
    );

    /// Backward pass after [`Train::forward_train`] on the same `x`: given `dy = dJ/dy`,
    /// overwrites `grads` with `dJ/dθ` for every parameter `θ` of the layer and, if `dx`
    /// is given, writes `dJ/dx` into it. `dy` may be overwritten.
    ///
    /// # Panics
    /// If `x`, `dy` and `dx` differ in length, or hold more than `B` rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::{Train, TrainContext, Zeros};
    /// use ctensor::{Dense, Dropout, Matrix, Relu, Vector};
    /// use rand::SeedableRng;
    /// let mut net = <(Dense<2, 2, f64>, Relu<2, f64>)>::ZEROS;
    /// net.0 = Dense::from_parts(Matrix::from_array([[1.0, 0.0], [0.0, 1.0]]), Vector::ZEROS);
    /// let x = [[3.0, -4.0], [1.0, 2.0]];
    /// let (mut y, mut cache) = ([[0.0; 2]; 2], Zeros::ZEROS);
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// net.forward_train::<2>(&x, &mut y, &mut cache, &mut TrainContext::new(Dropout::NONE, &mut rng));
    /// let (mut dy, mut dx, mut grads) = ([[1.0, 1.0]; 2], [[0.0; 2]; 2], Zeros::ZEROS);
    /// net.backward::<2>(&x, &mut cache, &mut dy, Some(&mut dx), &mut grads);
    /// assert_eq!(dx, [[1.0, 0.0], [1.0, 1.0]]); // the ReLU stops the gradient of -4
    /// assert_eq!(grads.0.b.as_array(), &[2.0, 1.0]); // summed over the rows
    /// assert_eq!(grads.0.w.as_array(), &[[4.0, 1.0], [-2.0, 2.0]]); // x^T dZ
    /// ```
    fn backward<const B: usize>(
        &self,
        x: &[Self::In],
        cache: &mut Self::Cache<B>,
        dy: &mut [Self::Out],
        dx: Option<&mut [Self::In]>,
        grads: &mut Self,
    );

    /// Re-initializes the parameters: Glorot-uniform weights (each dense layer in order,
    /// drawing one `next_u64` per weight), zero biases.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::{Train, Zeros};
    /// use ctensor::{Dense, Relu};
    /// use rand::{SeedableRng, rngs::StdRng};
    /// let mut net = <(Dense<3, 4>, Relu<4>, Dense<4, 2>)>::ZEROS;
    /// net.2.b[0] = 5.0;
    /// net.init_glorot(&mut StdRng::seed_from_u64(3));
    /// let mut rng = StdRng::seed_from_u64(3); // the same draws, layer after layer
    /// assert_eq!(net.0, Dense::glorot(&mut rng));
    /// assert_eq!(net.2, Dense::glorot(&mut rng)); // and the bias is zero again
    /// ```
    fn init_glorot(&mut self, rng: &mut dyn Rng);
}
