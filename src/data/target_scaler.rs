//! [`TargetScaler`]: standardization of a regression target, with its inverse.

use crate::{Error, Result, Scalar};

fn square(x: f64) -> f64 {
    x * x
}

/// Standardization of a regression target, `t -> (t - mean) / std`, fitted on the training
/// targets, and its inverse for the network's predictions, `z -> z std + mean`.
///
/// A network trained with [`Loss::MeanSquaredError`](crate::Loss::MeanSquaredError) learns a
/// target of mean 0 and deviation 1 more easily than one in the data's own units (hundreds,
/// say); [`TargetScaler::invert`] maps its predictions back to those units, to report errors
/// in them.
///
/// The statistics are kept, and both directions computed, in `f64`, whatever the scalar type
/// `T` of the data; only the result is rounded to `T`. Nothing here needs `std` or a heap.
///
/// # Examples
/// ```
/// use ctensor::data::TargetScaler;
/// let mut targets = [100.0_f32, 200.0, 300.0];
/// let scaler = TargetScaler::fit(&targets)?;
/// scaler.apply(&mut targets)?;
/// assert_eq!(targets, [-1.2247449, 0.0, 1.2247449]);
/// assert_eq!(scaler.invert(1.2247449_f32)?, 300.0); // a prediction, in the data's units
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetScaler {
    /// Mean of the training targets.
    pub mean: f64,
    /// Population standard deviation of the training targets (1 where it was 0, so that a
    /// constant target is only centered).
    pub std: f64,
}

impl TargetScaler {
    /// Fits the mean and the standard deviation of `targets` (in `f64`).
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] if `targets` is empty; [`Error::InvalidTarget`] (row, column 0)
    /// for the first target that is NaN or infinite; [`Error::Overflow`] if the deviation
    /// does not fit in `f64` (targets beyond about `1e154` in `f64` data).
    ///
    /// # Examples
    /// ```
    /// use ctensor::Error;
    /// use ctensor::data::TargetScaler;
    /// let s = TargetScaler::fit(&[1.0_f64, 3.0])?;
    /// assert_eq!((s.mean, s.std), (2.0, 1.0));
    /// assert_eq!(TargetScaler::fit(&[5.0_f32; 3])?.std, 1.0); // constant: only centered
    /// assert_eq!(TargetScaler::fit::<f32>(&[]), Err(Error::EmptyDataset));
    /// assert!(matches!(TargetScaler::fit(&[0.0, f32::NAN]), Err(Error::InvalidTarget { row: 1, .. })));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn fit<T: Scalar>(targets: &[T]) -> Result<Self> {
        if targets.is_empty() {
            return Err(Error::EmptyDataset);
        }
        if let Some(row) = targets.iter().position(|t| !t.is_finite()) {
            return Err(Error::InvalidTarget {
                row,
                col: 0,
                value: targets[row].as_f64(),
                why: "is not finite",
            });
        }
        let n = targets.len() as f64;
        let mean = targets.iter().map(|&t| t.as_f64()).sum::<f64>() / n;
        let var = targets
            .iter()
            .map(|&t| square(t.as_f64() - mean))
            .sum::<f64>()
            / n;
        if !mean.is_finite() || !var.is_finite() {
            return Err(Error::Overflow {
                what: "targets' variance",
            });
        }
        let std = if var > 0.0 { Scalar::sqrt(var) } else { 1.0 };
        Ok(Self { mean, std })
    }

    /// One target, standardized: `(t - mean) / std`, rounded to `T`.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] (row 0, column 0) if the result is not finite in `T` (`t` is
    /// NaN or infinite, or far from a tiny training deviation).
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::data::TargetScaler { mean: 10.0, std: 2.0 };
    /// assert_eq!(s.scale(14.0_f32)?, 2.0);
    /// assert!(s.scale(f32::INFINITY).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn scale<T: Scalar>(&self, t: T) -> Result<T> {
        let z = T::from_f64((t.as_f64() - self.mean) / self.std);
        if z.is_finite() {
            Ok(z)
        } else {
            Err(Error::InvalidTarget {
                row: 0,
                col: 0,
                value: t.as_f64(),
                why: "is not finite once standardized",
            })
        }
    }

    /// Standardizes `targets` in place (see [`TargetScaler::scale`]), all or nothing.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] naming the first row whose result is not finite in `T`; then
    /// `targets` is unchanged.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::TargetScaler;
    /// let s = TargetScaler { mean: 1.0, std: 1e-300 };
    /// let mut targets = [1.0_f32, 2.0];
    /// let err = s.apply(&mut targets).unwrap_err();
    /// assert!(matches!(err, ctensor::Error::InvalidTarget { row: 1, .. }));
    /// assert_eq!(targets, [1.0, 2.0]); // unchanged
    /// ```
    pub fn apply<T: Scalar>(&self, targets: &mut [T]) -> Result<()> {
        if let Some(row) = targets.iter().position(|&t| self.scale(t).is_err()) {
            return Err(Error::InvalidTarget {
                row,
                col: 0,
                value: targets[row].as_f64(),
                why: "is not finite once standardized",
            });
        }
        for t in targets {
            *t = T::from_f64((t.as_f64() - self.mean) / self.std);
        }
        Ok(())
    }

    /// A prediction made in standardized units, mapped back to the targets' units:
    /// `z std + mean`, computed in `f64` and rounded to `T`.
    ///
    /// # Errors
    /// [`Error::NonFinitePrediction`] (row 0) if `z` is NaN or infinite or the result does not
    /// fit in `T`. ([`Dataset::mse`](super::Dataset::mse) and
    /// [`Dataset::r_squared`](super::Dataset::r_squared) replace the 0 with the data set's
    /// row.)
    ///
    /// # Examples
    /// ```
    /// let s = ctensor::data::TargetScaler { mean: 150.0, std: 75.0 };
    /// assert_eq!(s.invert(-1.0_f32)?, 75.0);
    /// assert!(s.invert(f32::NAN).is_err());
    /// assert!(s.invert(1e37_f32).is_err()); // 7.5e38 does not fit in f32
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn invert<T: Scalar>(&self, z: T) -> Result<T> {
        let t = T::from_f64(z.as_f64() * self.std + self.mean);
        if t.is_finite() {
            Ok(t)
        } else {
            Err(Error::NonFinitePrediction { row: 0 })
        }
    }
}
