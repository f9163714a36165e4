//! Inference: [`Mlp::forward`], [`Mlp::logits`], [`Mlp::classify`], [`Mlp::predict`] and the
//! two layers' products they share with the training forward pass.

use super::Mlp;
use crate::nn::loss::Loss;
use crate::{Error, Label, Matrix, Result, Scalar, Vector, kernels};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// Logits of a batch: `relu(X W1 + b1) W2 + b2`, `B x K`. Inference mode: no dropout.
    ///
    /// Its `B x H` hidden activations are a stack temporary; for large `B * H` use
    /// [`Mlp::forward_into`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, Mlp};
    /// let net = Mlp::<2, 3, 1>::zeros();
    /// assert_eq!(net.forward(&Matrix::<5, 2>::splat(1.0)), Matrix::zeros());
    /// ```
    #[must_use]
    pub fn forward<const B: usize>(&self, x: &Matrix<B, D, T>) -> Matrix<B, K, T> {
        let mut hidden = Matrix::zeros();
        let mut logits = Matrix::zeros();
        self.forward_into(x, &mut hidden, &mut logits);
        logits
    }

    /// Logits of a batch into `logits`, using `hidden` as the `B x H` scratch space.
    /// Inference mode: no dropout.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, Mlp};
    /// let net = Mlp::<2, 3, 1>::zeros();
    /// let (mut hidden, mut logits) = (Matrix::<4, 3>::zeros(), Matrix::<4, 1>::zeros());
    /// net.forward_into(&Matrix::splat(1.0), &mut hidden, &mut logits);
    /// assert_eq!(logits, Matrix::zeros());
    /// ```
    pub fn forward_into<const B: usize>(
        &self,
        x: &Matrix<B, D, T>,
        hidden: &mut Matrix<B, H, T>,
        logits: &mut Matrix<B, K, T>,
    ) {
        self.hidden_pre_activation(x.as_array(), hidden.as_array_mut());
        for h in hidden.as_flattened_mut() {
            *h = crate::relu(*h);
        }
        self.output_logits(hidden.as_array(), logits.as_array_mut());
    }

    /// Logits of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.logits(&[1.0, 2.0]), [0.0; 4]);
    /// ```
    #[must_use]
    pub fn logits(&self, x: &[T; D]) -> [T; K] {
        #[cfg(target_arch = "arm")]
        if let Some(out) = kernels::cortex_m::mlp_logits(
            self.w1.as_array(),
            self.b1.as_array(),
            self.w2.as_array(),
            self.b2.as_array(),
            x,
        ) {
            return out;
        }
        let mut hidden = [[T::ZERO; H]; 1];
        let mut out = [[T::ZERO; K]; 1];
        self.hidden_pre_activation(core::slice::from_ref(x), &mut hidden);
        for h in &mut hidden[0] {
            *h = crate::relu(*h);
        }
        self.output_logits(&hidden, &mut out);
        out[0]
    }

    /// Class probabilities `softmax(logits)` of one sample. Inference mode.
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.probabilities(&[1.0, 2.0]), [0.25; 4]);
    /// ```
    #[must_use]
    pub fn probabilities(&self, x: &[T; D]) -> [T; K] {
        crate::softmax(&self.logits(x))
    }

    /// The most likely class of one sample (the argmax of its logits). Inference mode.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite (the answer would be
    /// meaningless), with `row` 0; [`Error::NonFiniteOutput`] if a logit is NaN or infinite
    /// (the parameters are not finite, or they overflow on this input).
    ///
    /// # Examples
    /// ```
    /// let net = ctensor::Mlp::<2, 3, 4>::zeros();
    /// assert_eq!(net.classify(&[1.0, 2.0])?.get(), 0);
    /// assert!(net.classify(&[f32::NAN, 2.0]).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn classify(&self, x: &[T; D]) -> Result<Label<K>> {
        Label::classify_finite(x, |x| self.logits(x))
    }

    /// The prediction for one sample: the outputs through the output activation of `loss`,
    /// the loss the network was trained with. For [`Loss::MeanSquaredError`] the outputs
    /// themselves (a regression's predicted values); for [`Loss::SigmoidCrossEntropy`] the
    /// sigmoid of each (a probability per output); for [`Loss::SoftmaxCrossEntropy`] their
    /// softmax (class probabilities). Inference mode.
    ///
    /// # Errors
    /// As [`Mlp::classify`]: [`Error::NonFiniteInput`] (row 0) if an input is NaN or
    /// infinite, [`Error::NonFiniteOutput`] if an output is.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Loss, Matrix, Mlp, Vector};
    /// // y = 2 x + 1, as one hidden ReLU unit.
    /// let net = Mlp::<1, 1, 1>::from_parts(
    ///     Matrix::from_array([[2.0]]), Vector::from_array([0.0]),
    ///     Matrix::from_array([[1.0]]), Vector::from_array([1.0]),
    /// );
    /// assert_eq!(net.predict(&[3.0], Loss::MeanSquaredError)?, [7.0]);
    /// let p = net.predict(&[3.0], Loss::SigmoidCrossEntropy)?[0];
    /// assert!((p - 1.0 / (1.0 + (-7.0_f32).exp())).abs() < 1e-6);
    /// assert!(net.predict(&[f32::NAN], Loss::MeanSquaredError).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn predict(&self, x: &[T; D], loss: Loss) -> Result<[T; K]> {
        if let Some(col) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteInput { row: 0, col });
        }
        let z = self.logits(x);
        if let Some(index) = z.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteOutput { index });
        }
        Ok(match loss {
            Loss::MeanSquaredError => z,
            Loss::SigmoidCrossEntropy => z.map(crate::sigmoid),
            Loss::SoftmaxCrossEntropy => crate::softmax(&z),
        })
    }

    /// `out = X W1 + b1` for the rows of `x`.
    pub(super) fn hidden_pre_activation(&self, x: &[[T; D]], out: &mut [[T; H]]) {
        // On a Cortex-M: the one-sample kernel, row by row (each sum in order, as the
        // portable path's full row blocks).
        #[cfg(target_arch = "arm")]
        if kernels::cortex_m::dense_rows(x, self.w1.as_array(), self.b1.as_array(), out).is_some() {
            return;
        }
        kernels::common_rows::matmul(x, self.w1.as_array(), out, false);
        add_bias(out, &self.b1);
    }

    /// `out = A1 W2 + b2` for the rows of `hidden`.
    pub(super) fn output_logits(&self, hidden: &[[T; H]], out: &mut [[T; K]]) {
        #[cfg(target_arch = "arm")]
        if kernels::cortex_m::dense_rows(hidden, self.w2.as_array(), self.b2.as_array(), out)
            .is_some()
        {
            return;
        }
        kernels::common_rows::matmul(hidden, self.w2.as_array(), out, false);
        add_bias(out, &self.b2);
    }
}

/// Adds `bias` to every row.
fn add_bias<T: Scalar, const N: usize>(rows: &mut [[T; N]], bias: &Vector<N, T>) {
    for row in rows {
        for (x, &b) in row.iter_mut().zip(bias.iter()) {
            *x += b;
        }
    }
}
