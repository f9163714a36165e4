//! The epoch loop: [`Loader`] (borrowed buffers, no heap), [`DatasetLoader`] (its own buffers,
//! feature `std`) and the [`Epoch`] both hand out.
//!
//! A [`Batch`] borrows its matrices, so the batches of an epoch cannot come from an
//! [`Iterator`]: each batch borrows the buffer the next one is written into, and `Iterator`
//! has no way to say "this item must be dropped before the next call". [`Epoch::next_batch`]
//! takes `&mut self` and returns a batch that borrows it, so the loop is a plain
//! `while let Some(batch) = batches.next_batch()? { .. }`: `?`, `break` and the training
//! step's own borrows (the model, the optimizer, the random generator) all work as in any
//! loop, which a closure (`for_each_batch(|batch| ..)`) would complicate.

#[cfg(feature = "std")]
use std::{boxed::Box, vec::Vec};

use rand::Rng;

use super::split::shuffle;
use crate::{Batch, Error, Label, Matrix, Result, Scalar, Targets};

/// The targets of the rows, with the buffer a batch's targets are copied into.
enum Rows<'a, const B: usize, const K: usize, T> {
    Classes {
        rows: &'a [Label<K>],
        buffer: &'a mut [Label<K>; B],
    },
    Values {
        rows: &'a [[T; K]],
        buffer: &'a mut Matrix<B, K, T>,
    },
}

impl<const B: usize, const K: usize, T> Rows<'_, B, K, T> {
    fn reborrow(&mut self) -> Rows<'_, B, K, T> {
        match self {
            Rows::Classes { rows, buffer } => Rows::Classes { rows, buffer },
            Rows::Values { rows, buffer } => Rows::Values { rows, buffer },
        }
    }
}

/// Checks the shapes of a loader's inputs and sets `order` to `0..n`.
fn check<const B: usize>(features: usize, targets: usize, order: &mut [usize]) -> Result<()> {
    if B == 0 {
        return Err(Error::BatchLength {
            len: 0,
            capacity: 0,
        });
    }
    if features == 0 {
        return Err(Error::EmptyDataset);
    }
    for (what, found) in [("targets", targets), ("index buffer", order.len())] {
        if found != features {
            return Err(Error::LengthMismatch {
                what,
                expected: features,
                found,
            });
        }
    }
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    Ok(())
}

/// The epoch loop over borrowed rows, with buffers the caller provides (no heap): the
/// features, their targets (class labels or value vectors), an index buffer of one `usize` per
/// row that holds the order of the rows, and the buffers of one batch of up to `B` rows.
///
/// [`Loader::epoch`] shuffles the order and returns an [`Epoch`], whose
/// [`next_batch`](Epoch::next_batch) fills the batch buffers and returns a ready
/// [`Batch`], `B` rows at a time, then the partial last batch, then `None`.
///
/// The order is shuffled in place from one epoch to the next (it is not reset to `0..n`), by
/// [`shuffle`](super::shuffle): the same seed gives the same batches.
///
/// With `std`, [`Dataset::class_loader`](super::Dataset::class_loader) and
/// [`Dataset::value_loader`](super::Dataset::value_loader) make the buffers themselves.
///
/// # Examples
/// Regression with value targets (`K = 1`), 5 rows in batches of 2:
/// ```
/// use ctensor::data::Loader;
/// use ctensor::Matrix;
/// use rand::SeedableRng;
///
/// let features = [[1.0], [2.0], [3.0], [4.0], [5.0]];
/// let targets = [[2.0], [4.0], [6.0], [8.0], [10.0]];
/// let (mut order, mut x, mut y) = ([0; 5], Matrix::<2, 1>::zeros(), Matrix::<2, 1>::zeros());
/// let mut loader = Loader::values(&features, &targets, &mut order, &mut x, &mut y)?;
///
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut batches = loader.epoch(&mut rng);
/// let mut sizes = Vec::new();
/// while let Some(batch) = batches.next_batch()? {
///     sizes.push(batch.len());
///     for row in batch.inputs() {
///         assert!((1.0..=5.0).contains(&row[0]));
///     }
/// }
/// assert_eq!(sizes, [2, 2, 1]);
/// let mut seen = loader.order().to_vec();
/// seen.sort();
/// assert_eq!(seen, [0, 1, 2, 3, 4]); // a permutation of the rows
/// # Ok::<(), ctensor::Error>(())
/// ```
pub struct Loader<'a, const B: usize, const D: usize, const K: usize, T = f32> {
    features: &'a [[T; D]],
    targets: Rows<'a, B, K, T>,
    order: &'a mut [usize],
    x: &'a mut Matrix<B, D, T>,
}

impl<'a, const B: usize, const D: usize, const K: usize, T: Scalar> Loader<'a, B, D, K, T> {
    /// A loader of rows labelled with classes (for [`Targets::Classes`]): `features[i]` has
    /// the class `labels[i]`. `order` (one `usize` per row, any values: it is set to
    /// `0..n`), `x` and `y` are the buffers.
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] if there are no rows; [`Error::LengthMismatch`] if `labels` or
    /// `order` is not as long as `features`; [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::{Error, Label, Matrix};
    /// let features = [[0.5], [1.5]];
    /// let labels = [Label::<2>::new(0)?, Label::new(1)?];
    /// let (mut x, mut y) = (Matrix::<4, 1>::zeros(), [Label::new(0)?; 4]);
    /// let mut order = [0; 2];
    /// let mut loader = Loader::classes(&features, &labels, &mut order, &mut x, &mut y)?;
    /// let mut batches = loader.epoch_in_order();
    /// let batch = batches.next_batch()?.expect("one batch");
    /// assert_eq!(batch.inputs(), [[0.5], [1.5]]);
    /// assert!(batches.next_batch()?.is_none());
    ///
    /// let mut short = [0; 1];
    /// let err = Loader::classes(&features, &labels, &mut short, &mut x, &mut y).err();
    /// assert_eq!(err, Some(Error::LengthMismatch { what: "index buffer", expected: 2, found: 1 }));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn classes(
        features: &'a [[T; D]],
        labels: &'a [Label<K>],
        order: &'a mut [usize],
        x: &'a mut Matrix<B, D, T>,
        y: &'a mut [Label<K>; B],
    ) -> Result<Self> {
        check::<B>(features.len(), labels.len(), order)?;
        Ok(Self {
            features,
            targets: Rows::Classes {
                rows: labels,
                buffer: y,
            },
            order,
            x,
        })
    }

    /// A loader of rows with target vectors (for [`Targets::Values`]: regression targets,
    /// probabilities for a sigmoid head, distributions for softmax): `features[i]` has the
    /// target `targets[i]`. `order` (one `usize` per row, any values: it is set to `0..n`),
    /// `x` and `y` are the buffers.
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] if there are no rows; [`Error::LengthMismatch`] if `targets`
    /// or `order` is not as long as `features`; [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::{Error, Matrix};
    /// let features = [[0.5, 1.0], [1.5, 2.0]];
    /// let (mut x, mut y) = (Matrix::<8, 2>::zeros(), Matrix::<8, 1>::zeros());
    /// let mut order = [0; 2];
    /// assert!(Loader::values(&features, &[[1.0], [0.0]], &mut order, &mut x, &mut y).is_ok());
    /// let err = Loader::values(&features, &[[1.0]], &mut order, &mut x, &mut y).err();
    /// assert_eq!(err, Some(Error::LengthMismatch { what: "targets", expected: 2, found: 1 }));
    /// ```
    pub fn values(
        features: &'a [[T; D]],
        targets: &'a [[T; K]],
        order: &'a mut [usize],
        x: &'a mut Matrix<B, D, T>,
        y: &'a mut Matrix<B, K, T>,
    ) -> Result<Self> {
        check::<B>(features.len(), targets.len(), order)?;
        Ok(Self {
            features,
            targets: Rows::Values {
                rows: targets,
                buffer: y,
            },
            order,
            x,
        })
    }

    /// Shuffles the order of the rows (see [`shuffle`](super::shuffle)) and starts an epoch
    /// over them. The generator is used here only: the epoch does not hold it, so the training
    /// step can use it (for dropout) while the batches are handed out.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::Matrix;
    /// use rand::SeedableRng;
    /// let features = [[0.0], [1.0], [2.0], [3.0]];
    /// let (mut order, mut x, mut y) = ([0; 4], Matrix::<4, 1>::zeros(), Matrix::<4, 1>::zeros());
    /// let mut loader = Loader::values(&features, &features, &mut order, &mut x, &mut y)?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    /// let mut batches = loader.epoch(&mut rng);
    /// let batch = batches.next_batch()?.expect("a batch");
    /// assert_eq!(batch.len(), 4);
    /// assert_ne!(batch.inputs(), [[0.0], [1.0], [2.0], [3.0]]); // shuffled
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn epoch<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Epoch<'_, B, D, K, T> {
        shuffle(self.order, rng);
        self.epoch_in_order()
    }

    /// Starts an epoch over the rows in the current order, without shuffling: `0..n` until
    /// the first [`Loader::epoch`], then the order that left. For training without a random
    /// generator, or to go over the rows in batches again.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::Matrix;
    /// let features = [[0.0], [1.0], [2.0]];
    /// let (mut order, mut x, mut y) = ([0; 3], Matrix::<2, 1>::zeros(), Matrix::<2, 1>::zeros());
    /// let mut loader = Loader::values(&features, &features, &mut order, &mut x, &mut y)?;
    /// let mut batches = loader.epoch_in_order();
    /// assert_eq!(batches.next_batch()?.expect("first").inputs(), [[0.0], [1.0]]);
    /// assert_eq!(batches.next_batch()?.expect("last, partial").inputs(), [[2.0]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn epoch_in_order(&mut self) -> Epoch<'_, B, D, K, T> {
        Epoch {
            features: self.features,
            targets: self.targets.reborrow(),
            order: self.order,
            x: self.x,
            next: 0,
        }
    }

    /// The current order of the rows (indices into the features), as the last epoch used it.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::Matrix;
    /// let features = [[0.0], [1.0], [2.0]];
    /// let (mut order, mut x, mut y) = ([7; 3], Matrix::<2, 1>::zeros(), Matrix::<2, 1>::zeros());
    /// let loader = Loader::values(&features, &features, &mut order, &mut x, &mut y)?;
    /// assert_eq!(loader.order(), [0, 1, 2]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn order(&self) -> &[usize] {
        self.order
    }
}

/// One pass over the rows of a [`Loader`] or a [`DatasetLoader`], in batches of up to `B`
/// rows. Made by their `epoch` and `epoch_in_order` methods.
///
/// # Examples
/// ```
/// use ctensor::data::Loader;
/// use ctensor::Matrix;
/// let features = [[0.0], [1.0], [2.0]];
/// let (mut order, mut x, mut y) = ([0; 3], Matrix::<2, 1>::zeros(), Matrix::<2, 1>::zeros());
/// let mut loader = Loader::values(&features, &features, &mut order, &mut x, &mut y)?;
/// let mut batches = loader.epoch_in_order();
/// let mut rows = 0;
/// while let Some(batch) = batches.next_batch()? {
///     rows += batch.len();
/// }
/// assert_eq!(rows, 3);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub struct Epoch<'e, const B: usize, const D: usize, const K: usize, T = f32> {
    features: &'e [[T; D]],
    targets: Rows<'e, B, K, T>,
    order: &'e [usize],
    x: &'e mut Matrix<B, D, T>,
    next: usize,
}

impl<const B: usize, const D: usize, const K: usize, T: Scalar> Epoch<'_, B, D, K, T> {
    /// The next batch of the epoch: the next `B` rows of the order (fewer for the last
    /// batch) copied into the buffers, as a [`Batch`] ready for
    /// [`Mlp::train_step`](crate::Mlp::train_step); `None` once every row has been handed
    /// out. The batch borrows the buffers, so it must be dropped before the next call (as in
    /// `while let Some(batch) = batches.next_batch()? { .. }`).
    ///
    /// # Errors
    /// [`Error::NonFiniteInput`] if a feature of the batch is NaN or infinite, and
    /// [`Error::InvalidTarget`] if a target value is, both naming the row of the data (not of
    /// the batch). The epoch then moves on past that batch. (Rows read from CSV and
    /// standardized are always finite: both steps reject anything else.)
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Loader;
    /// use ctensor::{Error, Matrix};
    /// let features = [[0.0], [1.0], [f32::NAN]];
    /// let (mut order, mut x, mut y) = ([0; 3], Matrix::<2, 1>::zeros(), Matrix::<2, 1>::zeros());
    /// let targets = [[0.0]; 3];
    /// let mut loader = Loader::values(&features, &targets, &mut order, &mut x, &mut y)?;
    /// let mut batches = loader.epoch_in_order();
    /// assert_eq!(batches.next_batch()?.map(|b| b.len()), Some(2));
    /// assert_eq!(batches.next_batch().err(), Some(Error::NonFiniteInput { row: 2, col: 0 }));
    /// assert!(batches.next_batch()?.is_none());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn next_batch(&mut self) -> Result<Option<Batch<'_, B, D, K, T>>> {
        let order = self.order;
        let rows = order.get(self.next..).unwrap_or(&[]);
        let rows = rows.get(..B).unwrap_or(rows);
        if rows.is_empty() {
            return Ok(None);
        }
        self.next += rows.len();
        // Every index is a row (the loader made `order` a permutation of `0..n` and the
        // targets are as long as the features): `get` keeps this free of panics regardless.
        let len = self.features.len();
        let out_of_range = |index| Error::IndexOutOfRange { index, len };
        for (slot, &r) in self.x.as_array_mut().iter_mut().zip(rows) {
            *slot = *self.features.get(r).ok_or(out_of_range(r))?;
        }
        let targets = match &mut self.targets {
            Rows::Classes {
                rows: labels,
                buffer,
            } => {
                for (slot, &r) in buffer.iter_mut().zip(rows) {
                    *slot = *labels.get(r).ok_or(out_of_range(r))?;
                }
                Targets::Classes(buffer)
            }
            Rows::Values {
                rows: values,
                buffer,
            } => {
                for (slot, &r) in buffer.as_array_mut().iter_mut().zip(rows) {
                    *slot = *values.get(r).ok_or(out_of_range(r))?;
                }
                Targets::Values(buffer)
            }
        };
        // Name the row of the data, not of the batch.
        let data_row = |row: usize| rows.get(row).copied().unwrap_or(row);
        match Batch::partial(&*self.x, targets, rows.len()) {
            Ok(batch) => Ok(Some(batch)),
            Err(Error::NonFiniteInput { row, col }) => Err(Error::NonFiniteInput {
                row: data_row(row),
                col,
            }),
            Err(Error::InvalidTarget {
                row,
                col,
                value,
                why,
            }) => Err(Error::InvalidTarget {
                row: data_row(row),
                col,
                value,
                why,
            }),
            Err(e) => Err(e),
        }
    }
}

/// The targets of a [`DatasetLoader`], with its own batch buffer.
#[cfg(feature = "std")]
enum OwnedRows<'a, const B: usize, const K: usize, T> {
    Classes {
        labels: Vec<Label<K>>,
        buffer: Box<[Label<K>; B]>,
    },
    Values {
        rows: &'a [[T; K]],
        buffer: Box<Matrix<B, K, T>>,
    },
}

/// The epoch loop over a [`Dataset`](super::Dataset) (feature `std`): a [`Loader`] that makes
/// its own buffers (on the heap, whatever `B` and `D`). Made by
/// [`Dataset::class_loader`](super::Dataset::class_loader) and
/// [`Dataset::value_loader`](super::Dataset::value_loader).
///
/// # Examples
/// ```
/// use ctensor::data::{Dataset, Header};
/// use rand::SeedableRng;
/// let ds = Dataset::<1>::parse_csv("x,y\n1,0\n2,1\n3,1\n", Header::Present)?;
/// let mut loader = ds.class_loader::<2, 2>()?;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut batches = loader.epoch(&mut rng);
/// assert_eq!(batches.next_batch()?.map(|b| b.len()), Some(2));
/// assert_eq!(batches.next_batch()?.map(|b| b.len()), Some(1));
/// assert!(batches.next_batch()?.is_none());
/// # Ok::<(), ctensor::Error>(())
/// ```
#[cfg(feature = "std")]
pub struct DatasetLoader<'a, const B: usize, const D: usize, const K: usize, T = f32> {
    features: &'a [[T; D]],
    targets: OwnedRows<'a, B, K, T>,
    order: Vec<usize>,
    x: Box<Matrix<B, D, T>>,
}

#[cfg(feature = "std")]
impl<'a, const B: usize, const D: usize, const K: usize, T: Scalar> DatasetLoader<'a, B, D, K, T> {
    /// A loader of `features` labelled with `labels` (already checked to be as long).
    pub(super) fn classes(features: &'a [[T; D]], labels: Vec<Label<K>>) -> Result<Self> {
        let mut order = std::vec![0; features.len()];
        check::<B>(features.len(), labels.len(), &mut order)?;
        let first = Label::new(0)?;
        Ok(Self {
            features,
            targets: OwnedRows::Classes {
                labels,
                buffer: Box::new([first; B]),
            },
            order,
            x: bytemuck::zeroed_box(),
        })
    }

    /// A loader of `features` with the target vectors `rows`.
    pub(super) fn values(features: &'a [[T; D]], rows: &'a [[T; K]]) -> Result<Self> {
        let mut order = std::vec![0; features.len()];
        check::<B>(features.len(), rows.len(), &mut order)?;
        Ok(Self {
            features,
            targets: OwnedRows::Values {
                rows,
                buffer: bytemuck::zeroed_box(),
            },
            order,
            x: bytemuck::zeroed_box(),
        })
    }

    /// Shuffles the order of the rows and starts an epoch, as [`Loader::epoch`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use rand::SeedableRng;
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,0.5\n2,1.5\n", Header::Present)?;
    /// let mut loader = ds.value_loader::<8>()?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut batches = loader.epoch(&mut rng);
    /// let batch = batches.next_batch()?.expect("a batch");
    /// assert_eq!(batch.len(), 2);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn epoch<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Epoch<'_, B, D, K, T> {
        shuffle(&mut self.order, rng);
        self.epoch_in_order()
    }

    /// Starts an epoch in the current order, as [`Loader::epoch_in_order`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,0.5\n2,1.5\n", Header::Present)?;
    /// let mut loader = ds.value_loader::<1>()?;
    /// let mut batches = loader.epoch_in_order();
    /// assert_eq!(batches.next_batch()?.expect("row 0").inputs(), [[1.0]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn epoch_in_order(&mut self) -> Epoch<'_, B, D, K, T> {
        let targets = match &mut self.targets {
            OwnedRows::Classes { labels, buffer } => Rows::Classes {
                rows: labels,
                buffer,
            },
            OwnedRows::Values { rows, buffer } => Rows::Values { rows, buffer },
        };
        Epoch {
            features: self.features,
            targets,
            order: &self.order,
            x: &mut self.x,
            next: 0,
        }
    }

    /// The current order of the rows, as [`Loader::order`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,0\n2,1\n", Header::Present)?;
    /// assert_eq!(ds.class_loader::<4, 2>()?.order(), [0, 1]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn order(&self) -> &[usize] {
        &self.order
    }
}
