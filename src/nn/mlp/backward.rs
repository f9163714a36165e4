//! The gradients: the training-mode forward pass ([`Mlp::forward_train`]) and the backward
//! pass ([`Mlp::backward`]), with the pieces the training step reuses.

use rand::Rng;

use super::{Batch, IS_BIAS, Mlp, StepStats, TrainConfig, Workspace};
use crate::nn::dropout::Dropout;
use crate::{Error, Result, Scalar, Vector, kernels};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
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
    pub(crate) fn backward_to_hidden<const B: usize>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut Workspace<B, D, H, K, T>,
    ) -> Result<T> {
        let n = batch.len();
        cfg.check_step(ws.len, n)?;
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
    pub(crate) fn finish_gradients<const B: usize>(
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
}

/// `dW1 = X^T dZ1` over the rows both have: on a Cortex-M with a full batch, the dense-row
/// kernel a row of `dW1` at a time; else the portable product.
pub(crate) fn grad_w1<const B: usize, const D: usize, const H: usize, T: Scalar>(
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

/// `out = sum of the rows`.
fn sum_rows<T: Scalar, const N: usize>(rows: &[[T; N]], out: &mut Vector<N, T>) {
    *out = Vector::zeros();
    for row in rows {
        *out += &Vector::from_array(*row);
    }
}
