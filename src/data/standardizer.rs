//! [`Standardizer`]: per-feature standardization fitted on a training split.

use super::Dataset;
use crate::{Error, Result, Scalar};

/// Per-feature standardization `(x - mean) / std`, fitted on one data set (the training split)
/// and applied to others. A feature with zero deviation is only centered.
///
/// # Examples
/// ```
/// use ctensor::data::{Dataset, Header, Standardizer};
/// let mut ds = Dataset::<1, f64>::parse_csv("x,y\n1,0\n3,0\n", Header::Present)?;
/// let s = Standardizer::fit(&ds);
/// s.apply(&mut ds)?;
/// assert_eq!(ds.features, [[-1.0], [1.0]]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer<const D: usize, T = f32> {
    /// Mean of each feature.
    pub mean: [T; D],
    /// Population standard deviation of each feature (1 where it was 0).
    pub std: [T; D],
}

impl<const D: usize, T: Scalar> Standardizer<D, T> {
    /// Fits means and deviations (computed in `f64`). An empty data set (possible only by
    /// building a [`Dataset`] by hand: the CSV readers reject it) gives means 0 and
    /// deviations 1, a transform that changes nothing.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::data::{Dataset, Header, Standardizer};
    /// let ds = Dataset::<1, f32>::parse_csv("x,y\n2,0\n2,0\n", Header::Present)?;
    /// assert_eq!(Standardizer::fit(&ds).std, [1.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn fit(ds: &Dataset<D, T>) -> Self {
        let n = ds.len().max(1) as f64;
        let mut mean = [0.0f64; D];
        for row in &ds.features {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += x.as_f64() / n;
            }
        }
        let mut var = [0.0f64; D];
        for row in &ds.features {
            for ((v, &m), &x) in var.iter_mut().zip(&mean).zip(row) {
                *v += (x.as_f64() - m).powi(2) / n;
            }
        }
        Self {
            mean: mean.map(T::from_f64),
            std: var.map(|v| {
                if v > 0.0 {
                    T::from_f64(v.sqrt())
                } else {
                    T::ONE
                }
            }),
        }
    }

    /// Standardizes `ds` in place: `x <- (x - mean) / std`, computed in `T`.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] naming the first row and feature whose standardized value
    /// is not finite in `T` (e.g. in `f32`, `3e38 - (-1e38)` overflows, or a value far from
    /// a tiny training deviation); then `ds` is unchanged.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::data::{Dataset, Header, Standardizer};
    /// let mut ds = Dataset::<1, f32>::parse_csv("x,y\n5,0\n", Header::Present)?;
    /// Standardizer { mean: [1.0], std: [2.0] }.apply(&mut ds)?;
    /// assert_eq!(ds.features, [[2.0]]);
    /// let tiny = Standardizer { mean: [0.0], std: [1e-40] }; // 2 / 1e-40 overflows f32
    /// assert!(tiny.apply(&mut ds).is_err());
    /// assert_eq!(ds.features, [[2.0]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn apply(&self, ds: &mut Dataset<D, T>) -> Result<()> {
        let standardize = |x: T, m: T, s: T| (x - m) / s;
        for (row, xs) in ds.features.iter().enumerate() {
            for (col, ((&x, &m), &s)) in xs.iter().zip(&self.mean).zip(&self.std).enumerate() {
                if !standardize(x, m, s).is_finite() {
                    return Err(Error::NonFiniteInput { row, col });
                }
            }
        }
        for row in &mut ds.features {
            for ((x, &m), &s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *x = standardize(*x, m, s);
            }
        }
        Ok(())
    }
}
