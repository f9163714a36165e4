//! The one-call training step of an [`Mlp`]: [`Mlp::train_step`], its fused SGD path, and
//! [`Mlp::train_step_deterministic`]. Here rather than in [`crate::nn::mlp`] because it is
//! generic over the [`Optimizer`]: optimizers depend on the model, not the other way round.

use rand::Rng;

use crate::nn::mlp::{Batch, Mlp, NoRandomness, StepStats, TrainConfig, Workspace, grad_w1};
use crate::nn::optim::{
    Optimizer, all_finite_after, check_sgd_update, sgd_learning_rate, sgd_update,
};
use crate::{Error, Result, Scalar, kernels};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
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
