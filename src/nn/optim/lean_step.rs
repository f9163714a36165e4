//! The lean SGD step of an [`Mlp`]: [`Mlp::train_step_lean`], in a [`LeanWorkspace`]. Here
//! rather than in [`crate::nn::mlp`] because it takes an [`Sgd`]: optimizers depend on the
//! model, not the other way round. The workspace, the forward pass and the gradient products
//! it calls are in `nn::mlp::lean` (whose module documentation describes the step).

use rand::Rng;

use crate::kernels::all_finite;
use crate::kernels::ordered::dense_row;
use crate::nn::mlp::{
    Batch, LeanWorkspace, Mlp, StepStats, TENSOR_NAMES, TrainConfig, all_within, grad_w1_row,
    lean_d_logits, max_abs, sgd_row,
};
use crate::nn::optim::{Optimizer, Sgd, all_finite_after, sgd_learning_rate, sgd_update};
use crate::{Error, Result, Scalar};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// One SGD training step in little memory: [`Mlp::train_step`] with [`Sgd`] and no L2
    /// penalty, in a [`LeanWorkspace`] (no weight gradient is stored, so the workspace of
    /// `Mlp<64, 32, 10>` at `B = 8` is 2,856 bytes instead of 13,036). For a device with
    /// little RAM (a Cortex-M0 with 16 KiB).
    ///
    /// The same step as [`Mlp::train_step`]: the same checks and errors, the same random
    /// draws (dropout), the same update up to rounding. Each product is summed in the
    /// definition's order, so a host (with `libm`, without `std`) and a Cortex-M give the same
    /// bits; [`Mlp::train_step`] sums in blocks whose shape depends on the target.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] if `cfg` has an L2 penalty (nothing changes, nothing is
    /// drawn); otherwise as [`Mlp::train_step`]: on error the model is unchanged.
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
    /// let sgd = Sgd::new(0.5)?;
    /// let mut ws = LeanWorkspace::zeros();
    /// let first = net.train_step_lean(&batch, &cfg, &mut ws, &sgd, &mut rng)?;
    /// for _ in 0..50 {
    ///     net.train_step_lean(&batch, &cfg, &mut ws, &sgd, &mut rng)?;
    /// }
    /// let last = net.train_step_lean(&batch, &cfg, &mut ws, &sgd, &mut rng)?;
    /// assert!(last.loss < first.loss / 10.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn train_step_lean<const B: usize, R: Rng + ?Sized>(
        &mut self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut LeanWorkspace<B, H, K, T>,
        sgd: &Sgd,
        rng: &mut R,
    ) -> Result<StepStats<T>> {
        if cfg.l2.lambda() != 0.0 {
            return Err(Error::InvalidHyperParameter {
                name: "L2 coefficient",
                value: cfg.l2.lambda(),
                expected: "0 in the lean step (Mlp::train_step has L2)",
            });
        }
        let max_abs_hidden = self.lean_forward(batch, cfg, ws, rng);
        let lr = <Sgd as Optimizer<D, H, K, T>>::plain_sgd_learning_rate(sgd).unwrap_or(0.0);
        let lr = sgd_learning_rate::<T>(lr)?;
        let loss = lean_d_logits(batch, cfg, ws)?;
        self.lean_d_hidden(batch.len(), ws);
        let n = batch.len();
        let d_hidden = &ws.gate.as_array()[..n];
        let d_logits_t = ws.d_logits_t.as_array();
        let limit = T::max_value() / T::from_f64(1024.0);
        // `|W| <= max / 4` (`4 W` is finite): `W - lr g` is then finite for `|lr g| < limit`.
        let quarter = T::max_value() / T::from_f64(4.0);
        // The bound of the fused SGD path (see `Mlp::sgd_step`), for `W1` and for `W2`: every
        // element of `X^T dZ1` is at most `max |x| * sum over rows of max |dZ1|` (rounding
        // adds a factor of at most `1 + n eps`). A finite `db1` (`db2`) means a finite `dZ1`
        // (`dZ2`).
        let bounded = |max_in: T, sum_max: T, w: &[T]| {
            let bound = max_in * sum_max;
            bound < limit && bound * lr < limit && max_in * lr < limit && all_within(w, quarter)
        };
        let mut sum_max1 = T::ZERO;
        for row in d_hidden {
            sum_max1 += row.iter().fold(T::ZERO, |m, &d| max_abs(m, d));
        }
        let mut sum_max2 = T::ZERO;
        for b in 0..n {
            sum_max2 += d_logits_t.iter().fold(T::ZERO, |m, d| {
                max_abs(m, d.get(b).copied().unwrap_or(T::ZERO))
            });
        }
        let fused = all_finite(ws.db1.as_slice())
            && all_finite(ws.db2.as_slice())
            && bounded(batch.max_abs_input, sum_max1, self.w1.as_flattened())
            && bounded(max_abs_hidden, sum_max2, self.w2.as_flattened());
        let x = batch.inputs();
        let zeros = [T::ZERO; H];
        let mut g = [T::ZERO; H];
        let mut checks = [true; 4]; // the update of each tensor (w1, b1, w2, b2) is finite
        if !fused {
            // First pass: every gradient and every update, computed and checked, not stored.
            let mut grads_finite = all_finite(ws.db1.as_slice()) && all_finite(ws.db2.as_slice());
            for (p, w) in self.w1.as_array().iter().enumerate() {
                grad_w1_row(x, ws.gate.as_array(), p, &zeros, &mut g);
                grads_finite &= all_finite(&g);
                checks[0] &= all_finite_after(w, &g, &g, &g, |t, _, _, g| t - lr * g);
            }
            for (k, d) in d_logits_t.iter().enumerate() {
                dense_row(d, ws.hidden.as_array(), &zeros, &mut g);
                grads_finite &= all_finite(&g);
                for (row, &g) in self.w2.as_array().iter().zip(&g) {
                    let t = row.get(k).copied().unwrap_or(T::ZERO);
                    checks[2] &= (t - lr * g).is_finite();
                }
            }
            if !grads_finite {
                return Err(Error::NonFiniteLoss);
            }
        }
        let (b1, db1) = (self.b1.as_slice(), ws.db1.as_slice());
        checks[1] &= all_finite_after(b1, db1, db1, db1, |t, _, _, g| t - lr * g);
        let (b2, db2) = (self.b2.as_slice(), ws.db2.as_slice());
        checks[3] &= all_finite_after(b2, db2, db2, db2, |t, _, _, g| t - lr * g);
        if let Some(i) = checks.iter().position(|&ok| !ok) {
            return Err(Error::NonFiniteUpdate {
                tensor: TENSOR_NAMES.get(i).copied().unwrap_or("?"),
            });
        }
        // Apply: a row of `dW1`, a column of `dW2` (the row `dZ2^T[k] A1`) at a time.
        for (p, w) in self.w1.as_array_mut().iter_mut().enumerate() {
            grad_w1_row(x, ws.gate.as_array(), p, &zeros, &mut g);
            sgd_row(w, &g, lr);
        }
        for (k, d) in d_logits_t.iter().enumerate() {
            dense_row(d, ws.hidden.as_array(), &zeros, &mut g);
            for (row, &g) in self.w2.as_array_mut().iter_mut().zip(&g) {
                if let Some(t) = row.get_mut(k) {
                    *t -= lr * g;
                }
            }
        }
        sgd_update(self.b1.as_mut_slice(), ws.db1.as_slice(), lr);
        sgd_update(self.b2.as_mut_slice(), ws.db2.as_slice(), lr);
        Ok(StepStats {
            loss,
            penalty: T::ZERO,
        })
    }
}
