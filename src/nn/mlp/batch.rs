//! The data of a training step: a [`Batch`] of inputs and its [`Targets`].

use crate::nn::loss::one_hot;
use crate::{Error, Label, Matrix, Result, Scalar, kernels};

/// What a loss is measured against, for each row of a batch.
///
/// # Examples
/// ```
/// use ctensor::{Label, Matrix, Targets};
/// let labels = [Label::<3>::new(2)?, Label::new(0)?];
/// let classes: Targets<'_, 2, 3> = Targets::Classes(&labels);
/// let values = Matrix::<2, 1>::from_array([[0.0], [1.0]]);
/// let binary: Targets<'_, 2, 1> = Targets::Values(&values);
/// # let _ = (classes, binary);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, const B: usize, const K: usize, T = f32> {
    /// One class per row (a one-hot target; smoothed if label smoothing is on).
    Classes(&'a [Label<K>; B]),
    /// One target vector per row: a distribution for softmax, probabilities for sigmoid,
    /// values for MSE.
    Values(&'a Matrix<B, K, T>),
}

impl<const B: usize, const K: usize, T: Scalar> Targets<'_, B, K, T> {
    pub(crate) fn row(&self, b: usize) -> [T; K] {
        match self {
            Targets::Classes(labels) => one_hot(labels[b]),
            Targets::Values(m) => m[b],
        }
    }
}

/// A batch of up to `B` samples: inputs `x` (`B x D`), their targets, and how many of the
/// rows are valid (`len`, so that a last, partial batch is trained on, not dropped).
///
/// Made once, at the edge: the inputs are checked to be finite here, so the training step
/// has nothing left to check about them.
///
/// # Examples
/// ```
/// use ctensor::{Batch, Label, Matrix, Targets};
/// let x = Matrix::<4, 2>::from_array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.0, 0.0]]);
/// let y = [Label::<2>::new(1)?, Label::new(0)?, Label::new(1)?, Label::new(0)?];
/// let full = Batch::new(&x, Targets::Classes(&y))?;
/// let first_three = Batch::partial(&x, Targets::Classes(&y), 3)?;
/// assert_eq!((full.len(), first_three.len()), (4, 3));
/// let bad = Matrix::<4, 2>::splat(f32::NAN);
/// assert!(Batch::new(&bad, Targets::Classes(&y)).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a, const B: usize, const D: usize, const K: usize, T = f32> {
    x: &'a Matrix<B, D, T>,
    pub(crate) targets: Targets<'a, B, K, T>,
    len: usize,
    /// The largest `|x|` of the valid rows (bounds the weight gradient in the fused SGD step).
    pub(crate) max_abs_input: T,
}

impl<'a, const B: usize, const D: usize, const K: usize, T: Scalar> Batch<'a, B, D, K, T> {
    /// A full batch: all `B` rows are valid.
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite; [`Error::InvalidTarget`] if
    /// a target value is NaN or infinite; [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<1, 1>::splat(1.0);
    /// let batch = Batch::new(&x, Targets::Values(&x))?;
    /// assert_eq!(batch.len(), 1);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn new(x: &'a Matrix<B, D, T>, targets: Targets<'a, B, K, T>) -> Result<Self> {
        Self::partial(x, targets, B)
    }

    /// A batch whose first `len` rows are valid; the others are ignored.
    ///
    /// # Errors
    /// As [`Batch::new`], and [`Error::BatchLength`] unless `1 <= len <= B`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<2, 1>::from_array([[1.0], [f32::NAN]]);
    /// assert!(Batch::partial(&x, Targets::Values(&x), 1).is_ok()); // row 1 is ignored
    /// assert!(Batch::partial(&x, Targets::Values(&x), 3).is_err());
    /// ```
    pub fn partial(
        x: &'a Matrix<B, D, T>,
        targets: Targets<'a, B, K, T>,
        len: usize,
    ) -> Result<Self> {
        if len == 0 || len > B {
            return Err(Error::BatchLength { len, capacity: B });
        }
        let mut max_abs_input = T::ZERO;
        for (row, xs) in x.rows().take(len).enumerate() {
            if !kernels::all_finite(xs) {
                let col = xs.iter().position(|v| !v.is_finite()).unwrap_or(0);
                return Err(Error::NonFiniteInput { row, col });
            }
            max_abs_input = xs.iter().fold(max_abs_input, |m, v| m.max(v.abs()));
        }
        if let Targets::Values(g) = targets {
            for (row, gs) in g.rows().take(len).enumerate() {
                if let Some(col) = gs.iter().position(|v| !v.is_finite()) {
                    return Err(Error::InvalidTarget {
                        row,
                        col,
                        value: gs[col].as_f64(),
                        why: "is not finite",
                    });
                }
            }
        }
        Ok(Self {
            x,
            targets,
            len,
            max_abs_input,
        })
    }

    /// The number of valid rows.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<3, 1>::zeros();
    /// assert_eq!(Batch::partial(&x, Targets::Values(&x), 2)?.len(), 2);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    #[allow(clippy::len_without_is_empty)] // a batch is never empty
    pub fn len(&self) -> usize {
        self.len.min(B) // `len <= B` (checked when made); `min` lets the optimizer see it
    }

    /// The valid input rows.
    ///
    /// # Examples
    /// ```
    /// # use ctensor::{Batch, Matrix, Targets};
    /// let x = Matrix::<3, 1>::zeros();
    /// assert_eq!(Batch::partial(&x, Targets::Values(&x), 2)?.inputs().len(), 2);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn inputs(&self) -> &'a [[T; D]] {
        &self.x.as_array()[..self.len()]
    }
}
