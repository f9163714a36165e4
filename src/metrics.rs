//! How good a model is, from its predictions and the true values: [`accuracy`] and
//! [`confusion_matrix`] for classes, [`mse`] and [`r_squared`] for values.
//!
//! Functions over slices, computed in `f64`, with no heap and no `std`. A data set of the
//! feature `std` has the same metrics as methods that take the model as a closure
//! ([`Dataset::accuracy`](crate::data::Dataset::accuracy) and the like), so that nothing needs
//! to be collected by hand.
//!
//! Predictions that are not a number are never counted as an answer: class predictions are
//! [`Label`]s, which [`Mlp::classify`](crate::Mlp::classify) only returns for finite logits,
//! and [`mse`] and [`r_squared`] reject a NaN or infinite prediction.
//!
//! # Examples
//! ```
//! use ctensor::{Label, metrics};
//! let truth = [0, 1, 1, 2].map(Label::<3>::new_const);
//! let predicted = [0, 1, 2, 2].map(Label::<3>::new_const);
//! assert_eq!(metrics::accuracy(&predicted, &truth)?, 0.75);
//! // Rows: the true class; columns: the predicted class.
//! assert_eq!(metrics::confusion_matrix(&predicted, &truth)?, [[1, 0, 0], [0, 1, 1], [0, 0, 1]]);
//!
//! let (truth, predicted) = ([1.0_f32, 2.0, 3.0], [1.5, 2.0, 2.5]);
//! assert_eq!(metrics::mse(&predicted, &truth)?, 1.0 / 6.0);
//! assert_eq!(metrics::r_squared(&predicted, &truth)?, 0.75);
//! # Ok::<(), ctensor::Error>(())
//! ```

use crate::{Error, Label, Result, Scalar};

/// `x^2` (`powi` needs `std`).
fn square(x: f64) -> f64 {
    x * x
}

/// Checks that `predicted` and `truth` are equally long and not empty.
fn check_lengths<P, Q>(predicted: &[P], truth: &[Q]) -> Result<()> {
    if truth.is_empty() {
        return Err(Error::EmptyDataset);
    }
    if predicted.len() != truth.len() {
        return Err(Error::LengthMismatch {
            what: "predictions",
            expected: truth.len(),
            found: predicted.len(),
        });
    }
    Ok(())
}

/// Checks that `predicted` and `truth` are equally long, not empty and finite.
fn check_values<T: Scalar>(predicted: &[T], truth: &[T]) -> Result<()> {
    check_lengths(predicted, truth)?;
    if let Some(row) = truth.iter().position(|t| !t.is_finite()) {
        return Err(Error::InvalidTarget {
            row,
            col: 0,
            value: Scalar::as_f64(truth[row]),
            why: "is not finite",
        });
    }
    if let Some(row) = predicted.iter().position(|p| !p.is_finite()) {
        return Err(Error::NonFinitePrediction { row });
    }
    Ok(())
}

/// The fraction of rows whose predicted class is the true one, in `[0, 1]`.
///
/// # Errors
/// [`Error::EmptyDataset`] if there are no rows; [`Error::LengthMismatch`] if `predicted` is
/// not as long as `truth`.
///
/// # Examples
/// ```
/// use ctensor::{Label, metrics};
/// let truth = [Label::<2>::new(1)?, Label::new(0)?];
/// assert_eq!(metrics::accuracy(&[Label::new(1)?, Label::new(1)?], &truth)?, 0.5);
/// assert!(metrics::accuracy(&[Label::new(1)?], &truth).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
pub fn accuracy<const K: usize>(predicted: &[Label<K>], truth: &[Label<K>]) -> Result<f64> {
    check_lengths(predicted, truth)?;
    let correct = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    Ok(correct as f64 / truth.len() as f64)
}

/// The confusion matrix: `m[t][p]` counts the rows of true class `t` predicted as `p` (rows
/// are true classes, columns predictions, as in scikit-learn). The diagonal holds the correct
/// predictions; each row sums to the number of rows of that class.
///
/// # Errors
/// [`Error::EmptyDataset`] if there are no rows; [`Error::LengthMismatch`] if `predicted` is
/// not as long as `truth`.
///
/// # Examples
/// ```
/// use ctensor::{Label, metrics};
/// let truth = [0, 0, 1, 1, 1].map(Label::<2>::new_const);
/// let predicted = [0, 1, 1, 1, 0].map(Label::<2>::new_const);
/// let m = metrics::confusion_matrix(&predicted, &truth)?;
/// assert_eq!(m, [[1, 1], [1, 2]]);
/// assert_eq!(m[1][0], 1); // one row of class 1 predicted as 0
/// # Ok::<(), ctensor::Error>(())
/// ```
pub fn confusion_matrix<const K: usize>(
    predicted: &[Label<K>],
    truth: &[Label<K>],
) -> Result<[[usize; K]; K]> {
    check_lengths(predicted, truth)?;
    let mut m = [[0; K]; K];
    for (p, t) in predicted.iter().zip(truth) {
        // A label is always < K: `get_mut` only keeps this free of panics.
        if let Some(count) = m.get_mut(t.get()).and_then(|row| row.get_mut(p.get())) {
            *count += 1;
        }
    }
    Ok(m)
}

/// Mean squared error, `mean((p - t)^2)`, computed in `f64`. For predictions of several
/// outputs, pass the flattened rows (`as_flattened()`): the mean is then over rows and
/// outputs, as [`Loss::MeanSquaredError`](crate::Loss::MeanSquaredError) averages.
///
/// (The loss [`mse`](crate::mse) is the same mean, over one row's outputs, in `T`.)
///
/// # Errors
/// [`Error::EmptyDataset`] if there are no rows; [`Error::LengthMismatch`] if `predicted` is
/// not as long as `truth`; [`Error::InvalidTarget`] for a true value and
/// [`Error::NonFinitePrediction`] for a prediction that is NaN or infinite (naming the first
/// row); [`Error::Overflow`] if the sum does not fit in `f64`.
///
/// # Examples
/// ```
/// use ctensor::{Error, metrics};
/// assert_eq!(metrics::mse(&[1.0_f64, 2.0], &[1.0, 4.0])?, 2.0);
/// let err = metrics::mse(&[1.0, f32::NAN], &[1.0, 4.0]).unwrap_err();
/// assert_eq!(err, Error::NonFinitePrediction { row: 1 });
/// # Ok::<(), ctensor::Error>(())
/// ```
pub fn mse<T: Scalar>(predicted: &[T], truth: &[T]) -> Result<f64> {
    check_values(predicted, truth)?;
    let n = truth.len() as f64;
    let sum: f64 = predicted
        .iter()
        .zip(truth)
        .map(|(&p, &t)| square(Scalar::as_f64(t) - Scalar::as_f64(p)))
        .sum();
    let mse = sum / n;
    if mse.is_finite() {
        Ok(mse)
    } else {
        Err(Error::Overflow {
            what: "mean squared error",
        })
    }
}

/// The coefficient of determination `R^2 = 1 - SS_res / SS_tot` of one output, computed in
/// `f64`: `SS_res = sum (t - p)^2`, `SS_tot = sum (t - mean(t))^2`. 1 is perfect; 0 is as
/// good as always predicting the mean; below 0 is worse. When the true values are all equal
/// (`SS_tot = 0`) it is 1 for perfect predictions and 0 otherwise (scikit-learn's
/// `force_finite` convention), never NaN or infinite.
///
/// # Errors
/// As [`mse`]: [`Error::EmptyDataset`], [`Error::LengthMismatch`], [`Error::InvalidTarget`],
/// [`Error::NonFinitePrediction`], and [`Error::Overflow`] if a sum does not fit in `f64`.
///
/// # Examples
/// ```
/// use ctensor::metrics::r_squared;
/// let truth = [1.0_f32, 2.0, 3.0, 4.0];
/// assert_eq!(r_squared(&truth, &truth)?, 1.0);
/// assert_eq!(r_squared(&[2.5; 4], &truth)?, 0.0); // the mean
/// assert_eq!(r_squared(&[1.0, 1.0], &[3.0, 3.0])?, 0.0); // constant truth, not NaN
/// # Ok::<(), ctensor::Error>(())
/// ```
pub fn r_squared<T: Scalar>(predicted: &[T], truth: &[T]) -> Result<f64> {
    check_values(predicted, truth)?;
    let n = truth.len() as f64;
    let mean = truth.iter().map(|&t| Scalar::as_f64(t)).sum::<f64>() / n;
    let (mut ss_res, mut ss_tot) = (0.0, 0.0);
    for (&p, &t) in predicted.iter().zip(truth) {
        let (p, t) = (Scalar::as_f64(p), Scalar::as_f64(t));
        ss_res += square(t - p);
        ss_tot += square(t - mean);
    }
    if !ss_res.is_finite() || !ss_tot.is_finite() {
        return Err(Error::Overflow {
            what: "R^2's sum of squares",
        });
    }
    Ok(if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else if ss_res == 0.0 {
        1.0
    } else {
        0.0
    })
}
