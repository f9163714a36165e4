//! Losses, each returning its value and its gradient with respect to its input (the logits).

use crate::nn::activation::{log_softmax, sigmoid};
use crate::{Error, Label, Result, Scalar};

/// A loss value and its gradient with respect to the `N` inputs of the loss.
///
/// # Examples
/// ```
/// let lg = ctensor::mse(&[3.0_f64], &[1.0]);
/// assert_eq!((lg.loss, lg.grad), (4.0, [4.0]));
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LossGrad<const N: usize, T = f32> {
    /// The loss.
    pub loss: T,
    /// `dL/dz_i` for each input `z_i`.
    pub grad: [T; N],
}

/// Mean squared error over `N` outputs: `L = (1/N) sum (o_i - g_i)^2`,
/// `dL/do_i = 2 (o_i - g_i) / N`.
///
/// # Examples
/// ```
/// let lg = ctensor::mse(&[1.0_f32, 3.0], &[0.0, 1.0]);
/// assert_eq!(lg.loss, 2.5);
/// assert_eq!(lg.grad, [1.0, 2.0]);
/// ```
#[must_use]
pub fn mse<T: Scalar, const N: usize>(o: &[T; N], g: &[T; N]) -> LossGrad<N, T> {
    let n = T::from_f64(N as f64);
    let two_over_n = T::from_f64(2.0 / N as f64);
    let mut loss = T::ZERO;
    let grad = core::array::from_fn(|i| {
        let d = o[i] - g[i];
        loss += d * d;
        two_over_n * d
    });
    LossGrad {
        loss: loss / n,
        grad,
    }
}

/// Sigmoid + binary cross-entropy of one logit `z` against a target probability `g`,
/// computed from the logit: `L = max(z, 0) - z g + ln(1 + e^-|z|)`, `dL/dz = sigma(z) - g`.
/// Finite and exact for any finite `z`, e.g. `+-100`.
///
/// Returns `(loss, dL/dz)`.
///
/// # Examples
/// ```
/// let (l, d) = ctensor::sigmoid_bce_one(100.0_f64, 0.0);
/// assert_eq!(l, 100.0);
/// assert_eq!(d, 1.0);
/// ```
#[inline]
#[must_use]
pub fn sigmoid_bce_one<T: Scalar>(z: T, g: T) -> (T, T) {
    let loss = z.max(T::ZERO) - z * g + (-z.abs()).exp().ln_1p();
    (loss, sigmoid(z) - g)
}

/// Sigmoid + binary cross-entropy over `N` independent outputs (multi-label or a binary
/// head with `N = 1`): the **mean** of [`sigmoid_bce_one`] over the outputs, as PyTorch's
/// `BCEWithLogitsLoss` does; the gradient is `(sigma(z_i) - g_i) / N`.
///
/// # Examples
/// ```
/// let lg = ctensor::sigmoid_bce(&[0.0_f64], &[1.0]);
/// assert!((lg.loss - 2.0_f64.ln()).abs() < 1e-15);
/// assert_eq!(lg.grad, [-0.5]);
/// ```
#[must_use]
pub fn sigmoid_bce<T: Scalar, const N: usize>(z: &[T; N], g: &[T; N]) -> LossGrad<N, T> {
    let inv_n = T::from_f64(1.0 / N as f64);
    let mut loss = T::ZERO;
    let grad = core::array::from_fn(|i| {
        let (l, d) = sigmoid_bce_one(z[i], g[i]);
        loss += l;
        d * inv_n
    });
    LossGrad {
        loss: loss * inv_n,
        grad,
    }
}

/// Softmax + cross-entropy against a target distribution `g` (summing to 1):
/// `L = -sum g_i ln o_i` with `ln o = z - logsumexp(z)`; `dL/dz = o - g`.
/// Finite and exact for logits like `[1000, -1000]`, with an error relative to the loss
/// (not to the logits) at large equal logits: it is built on [`log_softmax`].
///
/// # Examples
/// ```
/// let lg = ctensor::softmax_cross_entropy(&[1000.0_f64, -1000.0], &[0.0, 1.0]);
/// assert_eq!(lg.loss, 2000.0);
/// assert_eq!(lg.grad, [1.0, -1.0]);
/// let lg = ctensor::softmax_cross_entropy(&[1000.0_f32; 3], &[1.0, 0.0, 0.0]);
/// assert_eq!(lg.loss, 3.0_f32.ln());
/// ```
#[must_use]
pub fn softmax_cross_entropy<T: Scalar, const K: usize>(z: &[T; K], g: &[T; K]) -> LossGrad<K, T> {
    let log_p = log_softmax(z);
    let mut loss = T::ZERO;
    for (&lp, &g) in log_p.iter().zip(g) {
        // 0 * ln(0) is 0 here: a zero target weight contributes nothing even at -inf.
        if g != T::ZERO {
            loss -= g * lp;
        }
    }
    let mut grad = log_p;
    for (d, &g) in grad.iter_mut().zip(g) {
        *d = d.exp() - g;
    }
    LossGrad { loss, grad }
}

/// Negative log-likelihood of class `t` under `softmax(z)`: [`softmax_cross_entropy`] with a
/// one-hot target. `L = logsumexp(z) - z_t`, `dL/dz = softmax(z) - onehot(t)`.
///
/// # Examples
/// ```
/// use ctensor::{nll, Label};
/// let lg = nll(&[0.0_f64, 0.0], Label::new(1)?);
/// assert!((lg.loss - 2.0_f64.ln()).abs() < 1e-15);
/// assert_eq!(lg.grad, [0.5, -0.5]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[must_use]
pub fn nll<T: Scalar, const K: usize>(z: &[T; K], t: Label<K>) -> LossGrad<K, T> {
    softmax_cross_entropy(z, &one_hot(t))
}

/// The one-hot vector of a label.
///
/// # Examples
/// ```
/// let v: [f32; 3] = ctensor::one_hot(ctensor::Label::new(2)?);
/// assert_eq!(v, [0.0, 0.0, 1.0]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[must_use]
pub fn one_hot<T: Scalar, const K: usize>(t: Label<K>) -> [T; K] {
    core::array::from_fn(|i| if i == t.get() { T::ONE } else { T::ZERO })
}

/// A label-smoothing factor `alpha` in `[0, 1]`, validated when made.
///
/// For softmax targets `g = (1 - alpha) onehot(t) + alpha / K`; for sigmoid targets
/// `g' = (1 - alpha) g + alpha / 2`.
///
/// # Examples
/// ```
/// use ctensor::{Label, LabelSmoothing};
/// let s = LabelSmoothing::new(0.1)?;
/// let g: [f64; 4] = s.smooth_class(Label::new(0)?);
/// assert!((g[0] - 0.925).abs() < 1e-15 && (g[1] - 0.025).abs() < 1e-15);
/// assert!((s.smooth_binary(1.0_f64) - 0.95).abs() < 1e-15);
/// assert!(LabelSmoothing::new(1.5).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct LabelSmoothing(f64);

impl LabelSmoothing {
    /// No smoothing (`alpha = 0`).
    pub const NONE: Self = Self(0.0);

    /// Checks that `alpha` is in `[0, 1]`.
    ///
    /// # Errors
    /// [`Error::InvalidLabelSmoothing`] if `alpha` is outside `[0, 1]` or NaN.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::LabelSmoothing::new(0.0).is_ok());
    /// ```
    pub fn new(alpha: f64) -> Result<Self> {
        if (0.0..=1.0).contains(&alpha) {
            Ok(Self(alpha))
        } else {
            Err(Error::InvalidLabelSmoothing(alpha))
        }
    }

    /// The factor `alpha`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::LabelSmoothing::new(0.2).unwrap().alpha(), 0.2);
    /// ```
    #[must_use]
    pub fn alpha(self) -> f64 {
        self.0
    }

    /// `(1 - alpha) onehot(t) + alpha / K`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LabelSmoothing::new(1.0)?;
    /// let g: [f32; 2] = s.smooth_class(ctensor::Label::new(1)?);
    /// assert_eq!(g, [0.5, 0.5]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn smooth_class<T: Scalar, const K: usize>(self, t: Label<K>) -> [T; K] {
        self.smooth_distribution(&one_hot(t))
    }

    /// `(1 - alpha) g + alpha / K` for a target distribution `g`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LabelSmoothing::new(0.5)?;
    /// assert_eq!(s.smooth_distribution(&[0.5_f64, 0.5]), [0.5, 0.5]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn smooth_distribution<T: Scalar, const K: usize>(self, g: &[T; K]) -> [T; K] {
        let keep = T::from_f64(1.0 - self.0);
        let spread = T::from_f64(self.0 / K as f64);
        g.map(|x| keep * x + spread)
    }

    /// `(1 - alpha) g + alpha / 2` for a binary target `g` in `[0, 1]`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LabelSmoothing::new(0.2)?;
    /// assert_eq!(s.smooth_binary(0.0_f64), 0.1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn smooth_binary<T: Scalar>(self, g: T) -> T {
        T::from_f64(1.0 - self.0) * g + T::from_f64(self.0 / 2.0)
    }
}

/// An L2 penalty `lambda ||theta||^2` on the weights (and, optionally, the biases).
///
/// Its gradient is `2 lambda theta`, so one SGD step is
/// `theta <- theta - lr dJ/dtheta - 2 lr lambda theta`. PyTorch's `weight_decay = wd` adds
/// `wd theta` to the gradient: `wd = 2 lambda`, i.e. `lambda = weight_decay / 2`.
///
/// # Examples
/// ```
/// use ctensor::L2;
/// let l2 = L2::new(0.5)?;
/// assert_eq!(l2.penalty(&[1.0_f64, 2.0]), 2.5);
/// let mut grad = [0.0_f64; 2];
/// l2.add_gradient(&[1.0, 2.0], &mut grad);
/// assert_eq!(grad, [1.0, 2.0]);
/// assert_eq!(L2::from_weight_decay(0.01)?.lambda(), 0.005);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct L2 {
    lambda: f64,
    include_biases: bool,
}

impl L2 {
    /// No penalty.
    pub const NONE: Self = Self {
        lambda: 0.0,
        include_biases: false,
    };

    /// A penalty `lambda ||W||^2` on the weight matrices only.
    ///
    /// # Errors
    /// [`Error::InvalidL2`] if `lambda` is negative, NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::L2::new(-1.0).is_err());
    /// ```
    pub fn new(lambda: f64) -> Result<Self> {
        if lambda.is_finite() && lambda >= 0.0 {
            Ok(Self {
                lambda,
                include_biases: false,
            })
        } else {
            Err(Error::InvalidL2(lambda))
        }
    }

    /// The penalty equivalent to PyTorch's SGD `weight_decay`: `lambda = weight_decay / 2`.
    ///
    /// # Errors
    /// [`Error::InvalidL2`] if `weight_decay` is negative, NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::L2::from_weight_decay(1e-4)?.lambda(), 5e-5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn from_weight_decay(weight_decay: f64) -> Result<Self> {
        Self::new(weight_decay / 2.0).map_err(|_| Error::InvalidL2(weight_decay))
    }

    /// Also penalize the biases (off by default).
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::L2::new(0.1)?.with_biases(true).includes_biases());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn with_biases(self, include_biases: bool) -> Self {
        Self {
            include_biases,
            ..self
        }
    }

    /// The coefficient `lambda`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::L2::new(0.25)?.lambda(), 0.25);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn lambda(self) -> f64 {
        self.lambda
    }

    /// Whether biases are penalized too.
    ///
    /// # Examples
    /// ```
    /// assert!(!ctensor::L2::NONE.includes_biases());
    /// ```
    #[must_use]
    pub fn includes_biases(self) -> bool {
        self.include_biases
    }

    /// `lambda * sum theta_i^2`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::L2::new(2.0)?.penalty(&[3.0_f32]), 18.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn penalty<T: Scalar>(self, theta: &[T]) -> T {
        T::from_f64(self.lambda) * theta.iter().map(|&x| x * x).sum::<T>()
    }

    /// `grad_i += 2 lambda theta_i`.
    ///
    /// # Panics
    /// If `theta` and `grad` differ in length.
    ///
    /// # Examples
    /// ```
    /// let mut g = [1.0_f32];
    /// ctensor::L2::new(0.5)?.add_gradient(&[2.0], &mut g);
    /// assert_eq!(g, [3.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn add_gradient<T: Scalar>(self, theta: &[T], grad: &mut [T]) {
        assert_eq!(theta.len(), grad.len(), "L2: theta and grad lengths differ");
        if self.lambda == 0.0 {
            return;
        }
        let k = T::from_f64(2.0 * self.lambda);
        for (g, &t) in grad.iter_mut().zip(theta) {
            *g += k * t;
        }
    }
}

/// Which loss a network trains with. The network's outputs are logits `z`; the loss applies
/// the output activation itself.
///
/// | variant | output | targets |
/// |---|---|---|
/// | `SoftmaxCrossEntropy` | `softmax(z)` | a class ([`Label`]) or a distribution |
/// | `SigmoidCrossEntropy` | `sigmoid(z_i)` each | probabilities in `[0, 1]` |
/// | `MeanSquaredError` | `z` (linear) | any finite values |
///
/// # Examples
/// ```
/// use ctensor::Loss;
/// let lg = Loss::SoftmaxCrossEntropy.evaluate(&[0.0_f64, 0.0], &[1.0, 0.0]);
/// assert!((lg.loss - 2.0_f64.ln()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Loss {
    /// [`softmax_cross_entropy`] (NLL for class labels).
    SoftmaxCrossEntropy,
    /// [`sigmoid_bce`], for binary or multi-label heads.
    SigmoidCrossEntropy,
    /// [`mse`], for regression.
    MeanSquaredError,
}

impl Loss {
    /// The loss of logits `z` against targets `g`, and its gradient with respect to `z`.
    ///
    /// # Examples
    /// ```
    /// let lg = ctensor::Loss::MeanSquaredError.evaluate(&[2.0_f32], &[1.0]);
    /// assert_eq!(lg.loss, 1.0);
    /// ```
    #[must_use]
    pub fn evaluate<T: Scalar, const K: usize>(self, z: &[T; K], g: &[T; K]) -> LossGrad<K, T> {
        match self {
            Loss::SoftmaxCrossEntropy => softmax_cross_entropy(z, g),
            Loss::SigmoidCrossEntropy => sigmoid_bce(z, g),
            Loss::MeanSquaredError => mse(z, g),
        }
    }

    /// Checks that `g`, row `row` of a batch's targets, is a valid target for this loss:
    /// finite; in `[0, 1]` for the cross-entropies; summing to 1 for softmax (within
    /// `K * sqrt(epsilon)`).
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] for the first bad element, with its value and why (`col = K`
    /// and the sum as the value for a softmax target that does not sum to 1).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Loss};
    /// let err = Loss::SoftmaxCrossEntropy.check_target(3, &[0.5_f32, 0.6]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidTarget { row: 3, col: 2, .. }));
    /// let err = Loss::SigmoidCrossEntropy.check_target(0, &[1.5_f32]).unwrap_err();
    /// assert_eq!(err.to_string(), "target row 0, output 0: 1.5 is not a probability in [0, 1]");
    /// assert_eq!(Loss::MeanSquaredError.check_target(0, &[150.0_f32]), Ok(()));
    /// ```
    pub fn check_target<T: Scalar, const K: usize>(self, row: usize, g: &[T; K]) -> Result<()> {
        for (col, &x) in g.iter().enumerate() {
            let why = if !x.is_finite() {
                "is not finite"
            } else if self != Loss::MeanSquaredError && !(x >= T::ZERO && x <= T::ONE) {
                "is not a probability in [0, 1]"
            } else {
                continue;
            };
            return Err(Error::InvalidTarget {
                row,
                col,
                value: x.as_f64(),
                why,
            });
        }
        if self == Loss::SoftmaxCrossEntropy {
            let sum: T = g.iter().copied().sum();
            let tol = T::from_f64(K as f64) * T::epsilon().sqrt();
            if (sum - T::ONE).abs() > tol {
                return Err(Error::InvalidTarget {
                    row,
                    col: K,
                    value: sum.as_f64(),
                    why: "is the sum of a softmax target distribution, which must be 1",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bce_matches_naive_formula_in_safe_range() {
        for (z, g) in [(0.3_f64, 0.0), (-2.0, 1.0), (1.5, 0.25)] {
            let o = sigmoid(z);
            let naive = -(g * o.ln() + (1.0 - g) * (1.0 - o).ln());
            let (l, d) = sigmoid_bce_one(z, g);
            assert!((l - naive).abs() < 1e-14, "{l} vs {naive}");
            assert!((d - (o - g)).abs() < 1e-15);
        }
    }

    #[test]
    fn nll_is_logsumexp_minus_logit() {
        let z = [1.0_f64, 2.0, 3.0];
        let lg = nll(&z, Label::new(0).unwrap());
        assert!((lg.loss - (crate::logsumexp(&z) - 1.0)).abs() < 1e-15);
    }
}
