//! Training a [`Seq`]: its workspace ([`SeqWorkspace`]), the training-mode forward pass, the
//! backward pass with the loss, L2 and the checks, and the one-call training step.
//!
//! The batch, targets, loss, L2, dropout rate and label smoothing are those of
//! [`Mlp`](crate::Mlp): [`Batch`], [`Targets`](crate::Targets), [`TrainConfig`].

use rand::Rng;

use crate::kernels;
use crate::nn::arch::LayerKind;
use crate::nn::dropout::Dropout;
use crate::nn::layer::{Row, RowBlock, Train, TrainContext, Zeros};
use crate::nn::mlp::{Batch, NoRandomness, StepStats, TrainConfig};
use crate::nn::optim::seq::SeqOptimizer;
use crate::nn::params::Params;
use crate::{Error, Result, Scalar, Seq};

/// The memory of a training step of a [`Seq<L>`] on batches of up to `B` rows: the rows
/// between the layers and their gradients, the dropout masks, the outputs, and the
/// gradients of every parameter. Reused from step to step: a step allocates nothing.
///
/// Its size is a constant, [`SeqWorkspace::BYTES`]. Small ones can be `static` items or
/// live on the stack ([`SeqWorkspace::zeros`] is a `const fn`); build large ones on the heap
/// with [`SeqWorkspace::boxed_zeros`].
///
/// # Examples
/// ```
/// use ctensor::{Dense, Relu, SeqWorkspace};
/// type Layers = (Dense<4, 8>, Relu<8>, Dense<8, 2>);
/// static mut WS: SeqWorkspace<Layers, 1> = SeqWorkspace::zeros();
/// // Rows 8 + 8 (kept) and 8 + 8 (their gradients), the output, the gradients, the length.
/// assert_eq!(SeqWorkspace::<Layers, 1>::BYTES, 4 * (32 + 2 + 4 * 8 + 8 + 8 * 2 + 2) + 8);
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct SeqWorkspace<L, const B: usize>
where
    L: Train,
{
    cache: L::Cache<B>,
    /// The outputs (logits) of the last forward pass; `dJ/d outputs` after the backward pass.
    pub outputs: <L::Out as Row>::Block<B>,
    /// The gradients written by [`Seq::backward`], of the type of the layers.
    pub grads: L,
    /// Rows filled by the last forward pass.
    len: usize,
}

impl<L: Train, const B: usize> SeqWorkspace<L, B> {
    /// The size of this workspace in bytes.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, SeqWorkspace};
    /// type Layers = (Dense<640, 128>, Relu<128>, Dense<128, 640>);
    /// assert!(SeqWorkspace::<Layers, 32>::BYTES > 4 * 2 * 640 * 128);
    /// ```
    pub const BYTES: usize = core::mem::size_of::<Self>();

    /// An empty workspace (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, SeqWorkspace};
    /// let ws = SeqWorkspace::<(Dense<2, 3>, Relu<3>, Dense<3, 1>), 4>::zeros();
    /// assert_eq!(ws.outputs, ctensor::Matrix::zeros());
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            cache: Zeros::ZEROS,
            outputs: Zeros::ZEROS,
            grads: L::ZEROS,
            len: 0,
        }
    }

    /// An empty workspace built directly on the heap.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, SeqWorkspace};
    /// let ws = SeqWorkspace::<(Dense<784, 512>, Relu<512>, Dense<512, 10>), 128>::boxed_zeros();
    /// assert_eq!(ws.grads.0.w[(0, 0)], 0.0);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
        bytemuck::zeroed_box()
    }
}

impl<L: Train> Seq<L> {
    /// Training-mode forward pass of the valid rows of `batch`: keeps in `ws` what
    /// [`Seq::backward`] needs. Each [`DropoutLayer`](crate::DropoutLayer) applies `dropout`,
    /// drawing one `next_u64` from `rng` per element per row.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Seq::<(Dense<2, 4>, Relu<4>, Dense<4, 2>)>::glorot(&mut rng);
    /// let x = Matrix::<1, 2>::from_array([[1.0, -1.0]]);
    /// let y = [Label::new(1)?];
    /// let mut ws = SeqWorkspace::zeros();
    /// net.forward_train(&Batch::new(&x, Targets::Classes(&y))?, Dropout::NONE, &mut ws, &mut rng);
    /// assert_eq!(ws.outputs[0], net.logits(&x[0]));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn forward_train<const B: usize, const D: usize, const K: usize, T, R>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        dropout: Dropout,
        ws: &mut SeqWorkspace<L, B>,
        mut rng: &mut R,
    ) where
        T: Scalar,
        L: Train<In = [T; D], Out = [T; K], Scalar = T>,
        R: Rng + ?Sized,
    {
        let n = batch.len();
        let rng: &mut dyn Rng = &mut rng;
        let mut ctx = TrainContext::new(dropout, rng);
        let outputs = &mut ws.outputs.block_rows_mut()[..n];
        self.layers
            .forward_train::<B>(batch.inputs(), outputs, &mut ws.cache, &mut ctx);
        ws.len = n;
    }

    /// Backward pass after [`Seq::forward_train`] on the same batch: writes the gradients of
    /// the mean loss (plus the L2 penalty) with respect to every parameter into `ws.grads`.
    ///
    /// ```text
    /// dZ = (O - G) / n at the output, then for each layer from the last:
    /// Dense: dW = X^T dZ, db = sum_rows dZ, dX = dZ W^T;  Relu: dX = dZ * [X > 0];
    /// DropoutLayer: dX = dZ * mask
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] if a target is outside the loss's domain,
    /// [`Error::SmoothingNotApplicable`] for smoothing with MSE, [`Error::NonFiniteLoss`] if
    /// the loss or a gradient is NaN or infinite, [`Error::WorkspaceMismatch`] if `ws` holds
    /// a forward pass of another length. The model is never changed.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Seq::<(Dense<2, 4, f64>, Relu<4, f64>, Dense<4, 2, f64>)>::glorot(&mut rng);
    /// let x = Matrix::<1, 2, f64>::from_array([[1.0, -1.0]]);
    /// let y = [Label::new(1)?];
    /// let batch = Batch::new(&x, Targets::Classes(&y))?;
    /// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    /// let mut ws = SeqWorkspace::zeros();
    /// net.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
    /// let stats = net.backward(&batch, &cfg, &mut ws)?;
    /// assert!(stats.loss > 0.0);
    /// assert!((ws.grads.2.b[0] + ws.grads.2.b[1]).abs() < 1e-15); // softmax: sums to 0
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn backward<const B: usize, const D: usize, const K: usize, T>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut SeqWorkspace<L, B>,
    ) -> Result<StepStats<T>>
    where
        T: Scalar,
        L: Train<In = [T; D], Out = [T; K], Scalar = T>,
    {
        let n = batch.len();
        cfg.check_step(ws.len, n)?;
        // dJ/d outputs, in place of the outputs.
        let outputs = &mut ws.outputs.block_rows_mut()[..n];
        let inv_n = T::from_f64(1.0 / n as f64);
        let mut loss_sum = T::ZERO;
        for (row, z) in outputs.iter_mut().enumerate() {
            // Check the target as given: smoothing could pull an invalid one back in range.
            let raw = batch.targets.row(row);
            cfg.loss.check_target(row, &raw)?;
            let lg = cfg.loss.evaluate(z, &cfg.smooth(raw));
            loss_sum += lg.loss;
            *z = lg.grad.map(|d| d * inv_n);
        }
        let loss = loss_sum * inv_n;
        if !loss.is_finite() {
            return Err(Error::NonFiniteLoss);
        }
        self.layers
            .backward::<B>(batch.inputs(), &mut ws.cache, outputs, None, &mut ws.grads);
        let penalty = add_l2(&self.layers, &mut ws.grads, cfg);
        // A finite loss can still have an infinite gradient (large inputs times a large
        // `dZ` overflow `X^T dZ`): applying it would poison the model.
        let grads_finite = (0..L::TENSORS).all(|i| kernels::all_finite(ws.grads.tensor(i)));
        if !penalty.is_finite() || !grads_finite {
            return Err(Error::NonFiniteLoss);
        }
        Ok(StepStats { loss, penalty })
    }

    /// One training step: [`Seq::forward_train`], [`Seq::backward`], then the optimizer's
    /// update. Returns the step's loss (before the update).
    ///
    /// # Errors
    /// [`Error::NoDropoutLayer`] if `cfg` has dropout and the network has no
    /// [`DropoutLayer`](crate::DropoutLayer); as [`Seq::backward`]; as the optimizer's
    /// [`SeqOptimizer::update`]. On error the model and the optimizer are unchanged.
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// network! { type Net = [Dense<2, 8>, Relu<8>, Dense<8, 8>, Relu<8>, Dense<8, 2>]; }
    /// let mut net = Net::glorot(&mut rng);
    /// let x = Matrix::from_array([[0.0, 1.0], [1.0, 0.0]]);
    /// let y = [Label::new(0)?, Label::new(1)?];
    /// let batch = Batch::new(&x, Targets::Classes(&y))?;
    /// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    /// let (mut adam, mut ws) = (AdamOf::new(0.05)?, SeqWorkspace::zeros());
    /// let first = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
    /// for _ in 0..50 {
    ///     net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
    /// }
    /// let last = net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
    /// assert!(last.loss < first.loss / 10.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn train_step<const B: usize, const D: usize, const K: usize, T, O, R>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut SeqWorkspace<L, B>,
        optimizer: &mut O,
        rng: &mut R,
    ) -> Result<StepStats<T>>
    where
        T: Scalar,
        L: Train<In = [T; D], Out = [T; K], Scalar = T>,
        O: SeqOptimizer<L> + ?Sized,
        R: Rng + ?Sized,
    {
        if !cfg.dropout.is_none() && L::ARCH.count(LayerKind::Dropout) == 0 {
            return Err(Error::NoDropoutLayer);
        }
        self.forward_train(batch, cfg.dropout, ws, rng);
        let stats = self.backward(batch, cfg, ws)?;
        optimizer.update(&mut self.layers, &ws.grads)?;
        Ok(stats)
    }

    /// [`Seq::train_step`] without a random generator, for training without dropout (e.g.
    /// on a microcontroller with no source of randomness): nothing random happens in such a
    /// step.
    ///
    /// # Errors
    /// [`Error::DropoutNeedsRng`] if `cfg` has dropout (then nothing changes); otherwise as
    /// [`Seq::train_step`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::*;
    /// let mut net = Seq::<(Dense<2, 3, f64>, Relu<3, f64>, Dense<3, 1, f64>)>::zeros();
    /// net.layers.0.w = Matrix::splat(0.5);
    /// let x = Matrix::from_array([[1.0, 2.0]]);
    /// let y = Matrix::from_array([[1.0]]);
    /// let batch = Batch::new(&x, Targets::Values(&y))?;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError);
    /// let mut ws = SeqWorkspace::zeros();
    /// let first = net.train_step_deterministic(&batch, &cfg, &mut ws, &mut Sgd::new(0.05)?)?;
    /// let second = net.train_step_deterministic(&batch, &cfg, &mut ws, &mut Sgd::new(0.05)?)?;
    /// assert!(second.loss < first.loss);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn train_step_deterministic<const B: usize, const D: usize, const K: usize, T, O>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut SeqWorkspace<L, B>,
        optimizer: &mut O,
    ) -> Result<StepStats<T>>
    where
        T: Scalar,
        L: Train<In = [T; D], Out = [T; K], Scalar = T>,
        O: SeqOptimizer<L> + ?Sized,
    {
        if !cfg.dropout.is_none() {
            return Err(Error::DropoutNeedsRng);
        }
        self.train_step(batch, cfg, ws, optimizer, &mut NoRandomness)
    }
}

/// Adds the L2 terms `2 lambda theta` to the gradients of the penalized tensors (weights;
/// biases too if asked) and returns the penalty `lambda ||theta||^2`.
fn add_l2<P: Params>(params: &P, grads: &mut P, cfg: &TrainConfig) -> P::Scalar {
    let l2 = cfg.l2;
    let mut penalty = P::Scalar::ZERO;
    if l2.lambda() == 0.0 {
        return penalty;
    }
    for i in 0..P::TENSORS {
        let Some(info) = P::tensor_info(i) else {
            continue;
        };
        if !info.is_bias || l2.includes_biases() {
            penalty += l2.penalty(params.tensor(i));
            l2.add_gradient(params.tensor(i), grads.tensor_mut(i));
        }
    }
    penalty
}
