//! [`LrSchedule`]: a learning rate that changes with the epoch (or the step).

use num_traits::float::FloatCore;

use crate::{Error, Result};

/// A learning-rate schedule: the rate for step `t` (an epoch, or a training step: the caller
/// chooses the unit), given to any optimizer by its `set_learning_rate`
/// ([`Sgd`](crate::Sgd::set_learning_rate), [`Momentum`](crate::Momentum::set_learning_rate),
/// [`Adam`](crate::Adam::set_learning_rate)):
///
/// ```text
/// for epoch in 0..EPOCHS {
///     opt.set_learning_rate(schedule.rate(epoch))?;
///     ..
/// }
/// ```
///
/// - [`LrSchedule::constant`], `lr`;
/// - [`LrSchedule::step_decay`], `lr factor^floor(t / every)`;
/// - [`LrSchedule::exponential`], `lr gamma^t`;
/// - [`LrSchedule::cosine`], from `lr` down to `min_lr` along half a cosine over `steps`
///   steps, then `min_lr`;
/// - [`LrSchedule::with_warmup`], any of them after a linear warm-up.
///
/// Every hyper-parameter is checked when the schedule is made; the rates are then finite and
/// positive (a decay that runs for thousands of steps stops at about `1.2e-38`, the smallest
/// normal `f32`, rather than reaching 0). Needs neither `std` nor a heap.
///
/// # Examples
/// ```
/// use ctensor::{Adam, LrSchedule};
/// let schedule = LrSchedule::cosine(1e-2, 1e-4, 50)?.with_warmup(5);
/// let mut adam = Adam::<4, 8, 2>::new(schedule.rate(0))?;
/// for epoch in 0..60 {
///     adam.set_learning_rate(schedule.rate(epoch))?;
///     // .. one epoch of training ..
/// }
/// assert_eq!(schedule.rate(5), 1e-2); // the warm-up is over: the peak
/// assert_eq!(adam.learning_rate(), 1e-4); // the end of the cosine
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LrSchedule {
    lr: f64,
    decay: Decay,
    warmup: u64,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Decay {
    Constant,
    Step { factor: f64, every: u64 },
    Exponential { gamma: f64 },
    Cosine { min_lr: f64, steps: u64 },
}

/// The smallest rate a schedule gives: the smallest normal `f32`, so that the rate stays
/// positive in the optimizers' `f32` arithmetic too.
const MIN_RATE: f64 = f32::MIN_POSITIVE as f64;

/// An error for the hyper-parameter `name` of a schedule.
fn invalid(name: &'static str, value: f64, expected: &'static str) -> Error {
    Error::InvalidHyperParameter {
        name,
        value,
        expected,
    }
}

fn check_lr(name: &'static str, lr: f64) -> Result<f64> {
    if lr.is_finite() && lr > 0.0 {
        Ok(lr)
    } else {
        Err(invalid(name, lr, "finite and > 0"))
    }
}

fn check_factor(name: &'static str, factor: f64) -> Result<f64> {
    if factor > 0.0 && factor <= 1.0 {
        Ok(factor)
    } else {
        Err(invalid(name, factor, "in (0, 1]"))
    }
}

/// `cos(x)`, from `std` or `libm` as the rest of the crate's math.
fn cos(x: f64) -> f64 {
    #[cfg(feature = "libm")]
    return libm::cos(x);
    #[cfg(not(feature = "libm"))]
    return x.cos();
}

impl LrSchedule {
    /// The same rate at every step.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::constant(0.1)?;
    /// assert_eq!((s.rate(0), s.rate(1000)), (0.1, 0.1));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn constant(lr: f64) -> Result<Self> {
        Ok(Self {
            lr: check_lr("learning rate", lr)?,
            decay: Decay::Constant,
            warmup: 0,
        })
    }

    /// `lr`, multiplied by `factor` every `every` steps: `lr factor^floor(t / every)`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive, `factor` is in
    /// `(0, 1]` and `every >= 1`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::step_decay(0.1, 0.5, 10)?;
    /// assert_eq!((s.rate(9), s.rate(10), s.rate(25)), (0.1, 0.05, 0.025));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn step_decay(lr: f64, factor: f64, every: u64) -> Result<Self> {
        if every == 0 {
            return Err(invalid("decay interval", 0.0, ">= 1 step"));
        }
        Ok(Self {
            lr: check_lr("learning rate", lr)?,
            decay: Decay::Step {
                factor: check_factor("decay factor", factor)?,
                every,
            },
            warmup: 0,
        })
    }

    /// `lr gamma^t`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive and `gamma` is in
    /// `(0, 1]`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::exponential(1.0, 0.9)?;
    /// assert!((s.rate(2) - 0.81).abs() < 1e-15);
    /// assert!(s.rate(u64::MAX) > 0.0); // never 0
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn exponential(lr: f64, gamma: f64) -> Result<Self> {
        Ok(Self {
            lr: check_lr("learning rate", lr)?,
            decay: Decay::Exponential {
                gamma: check_factor("gamma", gamma)?,
            },
            warmup: 0,
        })
    }

    /// Cosine annealing: `min_lr + (lr - min_lr) (1 + cos(pi t / steps)) / 2` for `t <= steps`
    /// (from `lr` at 0 to `min_lr` at `steps`), then `min_lr`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` and `min_lr` are finite and positive,
    /// `min_lr <= lr` and `steps >= 1`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::cosine(1.0, 0.5, 10)?;
    /// assert_eq!((s.rate(0), s.rate(10), s.rate(11)), (1.0, 0.5, 0.5));
    /// assert!((s.rate(5) - 0.75).abs() < 1e-15); // half way
    /// assert!(ctensor::LrSchedule::cosine(0.1, 0.2, 10).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn cosine(lr: f64, min_lr: f64, steps: u64) -> Result<Self> {
        let lr = check_lr("learning rate", lr)?;
        let min_lr = check_lr("minimum learning rate", min_lr)?;
        if min_lr > lr {
            return Err(invalid(
                "minimum learning rate",
                min_lr,
                "<= the learning rate",
            ));
        }
        if steps == 0 {
            return Err(invalid("cosine steps", 0.0, ">= 1"));
        }
        Ok(Self {
            lr,
            decay: Decay::Cosine { min_lr, steps },
            warmup: 0,
        })
    }

    /// The same schedule after `steps` steps of linear warm-up: the rate rises from
    /// `lr / (steps + 1)` at step 0 to `lr` at step `steps`, where the schedule starts (its
    /// step 0). No warm-up for `steps = 0`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::step_decay(1.0, 0.5, 10)?.with_warmup(3);
    /// assert_eq!([0, 1, 2, 3].map(|t| s.rate(t)), [0.25, 0.5, 0.75, 1.0]);
    /// assert_eq!(s.rate(13), 0.5); // step 10 of the decay
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn with_warmup(self, steps: u64) -> Self {
        Self {
            warmup: steps,
            ..self
        }
    }

    /// The learning rate at step `t` (from 0): finite and at least `1.2e-38`.
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::LrSchedule::exponential(0.1, 0.5)?;
    /// assert_eq!(s.rate(3), 0.0125);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn rate(&self, t: u64) -> f64 {
        if t < self.warmup {
            return self.lr * (t + 1) as f64 / (self.warmup + 1) as f64;
        }
        let t = t - self.warmup;
        let pow = |base: f64, n: u64| FloatCore::powi(base, n.min(i32::MAX as u64) as i32);
        let rate = match self.decay {
            Decay::Constant => self.lr,
            Decay::Step { factor, every } => self.lr * pow(factor, t / every),
            Decay::Exponential { gamma } => self.lr * pow(gamma, t),
            Decay::Cosine { min_lr, steps } if t < steps => {
                let angle = core::f64::consts::PI * t as f64 / steps as f64;
                // From `lr` exactly at t = 0.
                (self.lr - (self.lr - min_lr) * (1.0 - cos(angle)) / 2.0).max(min_lr)
            }
            Decay::Cosine { min_lr, .. } => min_lr,
        };
        // A long decay underflows: keep the rate a valid one, in f32 too.
        rate.max(MIN_RATE)
    }
}
