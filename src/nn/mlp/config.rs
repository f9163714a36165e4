//! How to train ([`TrainConfig`]) and what a step measured ([`StepStats`]).

use crate::nn::dropout::Dropout;
use crate::nn::loss::{L2, LabelSmoothing, Loss};
use crate::{Error, Result, Scalar};

/// How to train: the loss, and the optional L2 penalty, dropout on the hidden layer and
/// label smoothing. Every field is validated when made, so a config is always usable.
///
/// # Examples
/// ```
/// use ctensor::{Dropout, L2, LabelSmoothing, Loss, TrainConfig};
/// let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy)
///     .with_l2(L2::new(1e-4)?)
///     .with_dropout(Dropout::new(0.1)?)
///     .with_label_smoothing(LabelSmoothing::new(0.05)?);
/// assert_eq!(cfg.dropout.rate(), 0.1);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrainConfig {
    /// The loss.
    pub loss: Loss,
    /// L2 penalty (none by default).
    pub l2: L2,
    /// Dropout on the hidden activations (none by default).
    pub dropout: Dropout,
    /// Label smoothing (none by default; cross-entropy losses only).
    pub smoothing: LabelSmoothing,
}

impl TrainConfig {
    /// The checks of a training step before it changes anything: a workspace sized for the
    /// batch ([`Error::WorkspaceMismatch`]), no label smoothing with MSE
    /// ([`Error::SmoothingNotApplicable`]).
    pub(crate) fn check_step(&self, workspace_rows: usize, batch_rows: usize) -> Result<()> {
        if workspace_rows != batch_rows {
            return Err(Error::WorkspaceMismatch {
                workspace_rows,
                batch_rows,
            });
        }
        if self.loss == Loss::MeanSquaredError && self.smoothing.alpha() != 0.0 {
            return Err(Error::SmoothingNotApplicable);
        }
        Ok(())
    }

    /// A config with this loss and no regularization.
    ///
    /// # Examples
    /// ```
    /// let cfg = ctensor::TrainConfig::new(ctensor::Loss::MeanSquaredError);
    /// assert!(cfg.dropout.is_none());
    /// ```
    #[must_use]
    pub const fn new(loss: Loss) -> Self {
        Self {
            loss,
            l2: L2::NONE,
            dropout: Dropout::NONE,
            smoothing: LabelSmoothing::NONE,
        }
    }

    /// With an L2 penalty.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError).with_l2(L2::new(0.1)?);
    /// assert_eq!(cfg.l2.lambda(), 0.1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_l2(self, l2: L2) -> Self {
        Self { l2, ..self }
    }

    /// With dropout on the hidden layer.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let cfg = TrainConfig::new(Loss::MeanSquaredError).with_dropout(Dropout::new(0.5)?);
    /// assert_eq!(cfg.dropout.rate(), 0.5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_dropout(self, dropout: Dropout) -> Self {
        Self { dropout, ..self }
    }

    /// With label smoothing (softmax: `alpha / K`; sigmoid: `alpha / 2`). Training with
    /// smoothing and [`Loss::MeanSquaredError`] returns [`Error::SmoothingNotApplicable`].
    ///
    /// # Examples
    /// ```
    /// # use ctensor::*;
    /// let s = LabelSmoothing::new(0.1)?;
    /// let cfg = TrainConfig::new(Loss::SigmoidCrossEntropy).with_label_smoothing(s);
    /// assert_eq!(cfg.smoothing.alpha(), 0.1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub const fn with_label_smoothing(self, smoothing: LabelSmoothing) -> Self {
        Self { smoothing, ..self }
    }

    /// The smoothed target of a row.
    pub(crate) fn smooth<T: Scalar, const K: usize>(&self, g: [T; K]) -> [T; K] {
        match self.loss {
            _ if self.smoothing.alpha() == 0.0 => g,
            Loss::SoftmaxCrossEntropy => self.smoothing.smooth_distribution(&g),
            Loss::SigmoidCrossEntropy => g.map(|x| self.smoothing.smooth_binary(x)),
            Loss::MeanSquaredError => g,
        }
    }
}

/// What one training step measured: the mean data loss over the batch and the L2 penalty
/// (the objective minimized is their sum).
///
/// # Examples
/// ```
/// let s = ctensor::StepStats { loss: 0.5_f32, penalty: 0.25 };
/// assert_eq!(s.objective(), 0.75);
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct StepStats<T = f32> {
    /// Mean loss over the valid rows of the batch.
    pub loss: T,
    /// `lambda ||theta||^2` of the L2 penalty (0 without L2).
    pub penalty: T,
}

impl<T: Scalar> StepStats<T> {
    /// `loss + penalty`, the objective the gradients are of.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::StepStats { loss: 1.5_f64, penalty: 0.25 };
    /// assert_eq!(s.objective(), 1.75);
    /// ```
    #[must_use]
    pub fn objective(&self) -> T {
        self.loss + self.penalty
    }
}
