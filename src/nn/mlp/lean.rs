//! The lean SGD step of an [`Mlp`]: [`Mlp::train_step_lean`]'s [`LeanWorkspace`], forward
//! pass and gradient products, small enough for a microcontroller with 16 KiB of RAM. The step
//! itself takes an [`Sgd`](crate::nn::optim::Sgd), so it is in `nn::optim::lean_step`
//! (optimizers depend on the model, not the other way round).
//!
//! No weight gradient is ever stored: the update of `W1` and of `W2` is applied a row (a
//! column) at a time as the gradient is computed, when a bound proves it finite (as in
//! [`Mlp::train_step`]'s fused SGD path), and otherwise after a first pass that computes and
//! checks each row without storing it. The workspace holds only the batch's activations, the
//! hidden layer's gate (then `dZ1` in its place), the logits, `dZ2` (transposed) and the two
//! bias gradients.
//!
//! Every product is a sequence of one-row products summed in order ([`ordered`]): the
//! Cortex-M kernels on a device, the same sums as a plain loop elsewhere, so a host computes
//! a device's bits (with the same `exp`: the `libm` feature without `std`).
//! - forward: `Z1[b] = X[b] W1 + b1`, `Z2[b] = A1[b] W2 + b2`, a row of the batch at a time;
//! - `dZ1 = (dZ2 W2^T) * gate`: column `j` of `dZ1` is the row `W2[j] dZ2^T` (`K` inputs,
//!   `B` outputs), times the gate;
//! - `dW2 = A1^T dZ2`: column `k` of `dW2` is the row `dZ2^T[k] A1` (`B` inputs, `H` outputs);
//! - `dW1 = X^T dZ1`: row `p` of `dW1` is the row `X[.., p] dZ1` (`B` inputs, `H` outputs).
//!
//! Rows past a partial batch's length are zero in every operand, which adds exact zeros.
//!
//! [`ordered`]: crate::kernels::ordered

use core::any::Any;

use rand::Rng;

use super::{Batch, Mlp, TrainConfig};
use crate::kernels::ordered::dense_row;
use crate::nn::loss::Loss;
use crate::{Error, Matrix, Result, Scalar, Vector};

/// The scratch memory of [`Mlp::train_step_lean`] with batches of up to `B` rows, for a
/// network of `H` hidden units and `K` outputs: `B (2 H + 2 K) + H + K` scalars, with no
/// weight gradient (a [`Workspace`](crate::Workspace) also holds `D H + H K` of them).
///
/// Make it once and reuse it: a `static` on a device, `LeanWorkspace::zeros()` or
/// `LeanWorkspace::boxed_zeros()` (feature `alloc`) elsewhere.
///
/// # Examples
/// ```
/// use ctensor::LeanWorkspace;
/// static mut WS: LeanWorkspace<8, 32, 10> = LeanWorkspace::zeros();
/// assert_eq!(LeanWorkspace::<8, 32, 10>::BYTES, 4 * (8 * (2 * 32 + 2 * 10) + 32 + 10));
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "T: bytemuck::Zeroable")]
pub struct LeanWorkspace<const B: usize, const H: usize, const K: usize, T = f32> {
    /// Hidden activations after ReLU and dropout, `B x H` (zero past the batch's rows).
    pub(crate) hidden: Matrix<B, H, T>,
    /// `d hidden / d Z1` per element, then `dJ/dZ1` in its place, `B x H`.
    pub(crate) gate: Matrix<B, H, T>,
    /// The logits, `B x K`.
    logits: Matrix<B, K, T>,
    /// `dJ/dZ2` transposed, `K x B` (zero past the batch's rows).
    pub(crate) d_logits_t: Matrix<K, B, T>,
    /// `dJ/db1`.
    pub(crate) db1: Vector<H, T>,
    /// `dJ/db2`.
    pub(crate) db2: Vector<K, T>,
}

impl<const B: usize, const H: usize, const K: usize, T: Scalar> LeanWorkspace<B, H, K, T> {
    /// Its size in bytes.
    pub const BYTES: usize = size_of::<Self>();

    /// An empty workspace (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// let ws = ctensor::LeanWorkspace::<4, 8, 2, f64>::zeros();
    /// # let _ = ws;
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            hidden: Matrix::zeros(),
            gate: Matrix::zeros(),
            logits: Matrix::zeros(),
            d_logits_t: Matrix::zeros(),
            db1: Vector::zeros(),
            db2: Vector::zeros(),
        }
    }

    /// An empty workspace built directly on the heap.
    ///
    /// # Examples
    /// ```
    /// let ws = ctensor::LeanWorkspace::<256, 128, 10>::boxed_zeros();
    /// # let _ = ws;
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
        bytemuck::zeroed_box()
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// The training-mode forward pass of [`Mlp::train_step_lean`], as
    /// [`Mlp::forward_train`]: the hidden activations, the gate and the logits of the valid
    /// rows (the other rows of `hidden` and `gate` zeroed). Returns the largest hidden
    /// activation (never NaN: ReLU maps NaN to 0).
    pub(crate) fn lean_forward<const B: usize, R: Rng + ?Sized>(
        &self,
        batch: &Batch<'_, B, D, K, T>,
        cfg: &TrainConfig,
        ws: &mut LeanWorkspace<B, H, K, T>,
        rng: &mut R,
    ) -> T {
        let n = batch.len();
        let hidden = ws.hidden.as_array_mut();
        let gate = ws.gate.as_array_mut();
        for (x, z) in batch.inputs().iter().zip(hidden.iter_mut()) {
            dense_row(x, self.w1.as_array(), self.b1.as_array(), z);
        }
        let (hidden, gate) = (&mut hidden[..n], &mut gate[..n]);
        if cfg.dropout.is_none() {
            for (g, &z) in gate
                .as_flattened_mut()
                .iter_mut()
                .zip(hidden.as_flattened())
            {
                *g = crate::relu_derivative(z);
            }
        } else {
            cfg.dropout.sample_mask(gate.as_flattened_mut(), rng);
            for (g, &z) in gate
                .as_flattened_mut()
                .iter_mut()
                .zip(hidden.as_flattened())
            {
                *g *= crate::relu_derivative(z);
            }
        }
        let mut max = T::ZERO;
        for (h, &g) in hidden
            .as_flattened_mut()
            .iter_mut()
            .zip(gate.as_flattened())
        {
            // relu(z) * mask == z * gate, and exactly 0 where the gate is 0.
            *h = if g == T::ZERO { T::ZERO } else { *h * g };
            max = max_abs(max, *h);
        }
        for (h, z) in hidden.iter().zip(ws.logits.as_array_mut().iter_mut()) {
            dense_row(h, self.w2.as_array(), self.b2.as_array(), z);
        }
        for row in ws.hidden.as_array_mut().iter_mut().skip(n) {
            *row = [T::ZERO; H];
        }
        for row in ws.gate.as_array_mut().iter_mut().skip(n) {
            *row = [T::ZERO; H];
        }
        max
    }

    /// `dZ1 = (dZ2 W2^T) * gate` in place of the gate (rows past the batch stay zero), and
    /// `db1`.
    pub(crate) fn lean_d_hidden<const B: usize>(
        &self,
        n: usize,
        ws: &mut LeanWorkspace<B, H, K, T>,
    ) {
        let gate = ws.gate.as_array_mut();
        let zeros = [T::ZERO; B];
        let mut s = [T::ZERO; B];
        for (j, w) in self.w2.as_array().iter().enumerate() {
            dense_row(w, ws.d_logits_t.as_array(), &zeros, &mut s);
            for (row, &s) in gate.iter_mut().zip(&s).take(n) {
                if let Some(g) = row.get_mut(j) {
                    *g = s * *g;
                }
            }
        }
        ws.db1 = Vector::zeros();
        for row in gate.iter().take(n) {
            for (db, &d) in ws.db1.iter_mut().zip(row) {
                *db += d;
            }
        }
    }
}

/// The loss of the valid rows and `dZ2 = dJ/dZ2`, transposed into `ws.d_logits_t` (zero past
/// the batch), and `db2`, with [`Mlp::train_step`]'s checks in its order.
pub(crate) fn lean_d_logits<
    const B: usize,
    const D: usize,
    const H: usize,
    const K: usize,
    T: Scalar,
>(
    batch: &Batch<'_, B, D, K, T>,
    cfg: &TrainConfig,
    ws: &mut LeanWorkspace<B, H, K, T>,
) -> Result<T> {
    if cfg.loss == Loss::MeanSquaredError && cfg.smoothing.alpha() != 0.0 {
        return Err(Error::SmoothingNotApplicable);
    }
    let n = batch.len();
    let inv_n = T::from_f64(1.0 / n as f64);
    let mut loss_sum = T::ZERO;
    let d_t = ws.d_logits_t.as_array_mut();
    for (b, z) in ws.logits.as_array().iter().enumerate() {
        let d = if b < n {
            // The target as given: smoothing could pull an invalid one back into the domain.
            let raw = batch.targets.row(b);
            cfg.loss.check_target(b, &raw)?;
            let lg = cfg.loss.evaluate(z, &cfg.smooth(raw));
            loss_sum += lg.loss;
            lg.grad.map(|d| d * inv_n)
        } else {
            [T::ZERO; K]
        };
        for (row, d) in d_t.iter_mut().zip(d) {
            if let Some(t) = row.get_mut(b) {
                *t = d;
            }
        }
    }
    let loss = loss_sum * inv_n;
    if !loss.is_finite() {
        return Err(Error::NonFiniteLoss);
    }
    // `db2 = sum of the rows of dZ2`, in row order.
    ws.db2 = Vector::zeros();
    for b in 0..n {
        for (db, row) in ws.db2.iter_mut().zip(d_t.iter()) {
            *db += row.get(b).copied().unwrap_or(T::ZERO);
        }
    }
    Ok(loss)
}

/// Row `p` of `dW1 = X^T dZ1` into `g`: `X[.., p] dZ1` over the batch's rows (the others
/// zero in both).
pub(crate) fn grad_w1_row<const B: usize, const D: usize, const H: usize, T: Scalar>(
    x: &[[T; D]],
    d_hidden: &[[T; H]; B],
    p: usize,
    zeros: &[T; H],
    g: &mut [T; H],
) {
    let mut column = [T::ZERO; B];
    for (c, row) in column.iter_mut().zip(x) {
        if let Some(&v) = row.get(p) {
            *c = v;
        }
    }
    dense_row(&column, d_hidden, zeros, g);
}

/// `max(m, |x|)`, NaN if either is NaN (no `fmaxf` call on a Cortex-M).
#[inline(always)]
pub(crate) fn max_abs<T: Scalar>(m: T, x: T) -> T {
    let a = x.abs();
    if a <= m || m.is_nan() { m } else { a }
}

/// Whether `|x| <= limit` for every element (`false` if one is NaN), for `limit = max / 2^k`
/// (so that `x * 2^k` is finite exactly when `|x| <= limit`). Without an FPU (`f32` on a
/// Cortex-M0), an integer comparison of the magnitude bits (the order of non-negative
/// floats, NaN above infinity); elsewhere one pass of `x 2^k 0` into one accumulator (0 for
/// finite products, NaN otherwise), four elements per loop pass.
pub(crate) fn all_within<T: Scalar>(xs: &[T], limit: T) -> bool {
    if cfg!(all(target_arch = "arm", not(target_abi = "eabihf")))
        && let Some(&l) = (&limit as &dyn Any).downcast_ref::<f32>()
    {
        let mut ok = true;
        for x in xs {
            let bits = (x as &dyn Any)
                .downcast_ref::<f32>()
                .map_or(u32::MAX, |x| x.to_bits());
            ok &= bits & 0x7fff_ffff <= l.to_bits();
        }
        return ok;
    }
    let factor = T::max_value() / limit;
    let mut acc = T::ZERO;
    let (chunks, rest) = xs.as_chunks::<4>();
    for c in chunks {
        acc += c[0] * factor * T::ZERO
            + c[1] * factor * T::ZERO
            + c[2] * factor * T::ZERO
            + c[3] * factor * T::ZERO;
    }
    for &x in rest {
        acc += x * factor * T::ZERO;
    }
    acc == T::ZERO
}

/// `theta -= lr g` element by element (`theta - lr g`, as `sgd_update`), four per loop pass.
#[inline(always)]
pub(crate) fn sgd_row<T: Scalar>(theta: &mut [T], g: &[T], lr: T) {
    let (chunks, rest) = theta.as_chunks_mut::<4>();
    let (g_chunks, g_rest) = g.as_chunks::<4>();
    for (t, g) in chunks.iter_mut().zip(g_chunks) {
        *t = [
            t[0] - lr * g[0],
            t[1] - lr * g[1],
            t[2] - lr * g[2],
            t[3] - lr * g[3],
        ];
    }
    for (t, &g) in rest.iter_mut().zip(g_rest) {
        *t -= lr * g;
    }
}
