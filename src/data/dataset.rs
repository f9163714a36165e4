//! [`Dataset`] (feature `std`): rows of features and one target, read from CSV.

use std::path::Path;
use std::vec::Vec;

use rand::Rng;

use super::csv::{self, Header};
use super::loader::DatasetLoader;
use super::split::{shuffle, test_rows};
use crate::{Error, FileError, Label, Matrix, Result, Scalar, metrics};

/// Rows of `D` features and one target each.
///
/// The fields are public, so a data set can also be built or edited by hand; the methods
/// expect `features` and `targets` to be of the same length (rows past the shorter of the two
/// are ignored).
///
/// # Examples
/// ```
/// use ctensor::data::{Dataset, Header};
/// let ds = Dataset::<2, f32>::parse_csv("a,b,y\n1,2,0\n3,4,1\n", Header::Present)?;
/// assert_eq!(ds.len(), 2);
/// assert_eq!(ds.features[1], [3.0, 4.0]);
/// assert_eq!(ds.targets, [0.0, 1.0]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dataset<const D: usize, T = f32> {
    /// One array of features per row.
    pub features: Vec<[T; D]>,
    /// One target per row (a class index for classification).
    pub targets: Vec<T>,
}

impl<const D: usize, T: Scalar> Dataset<D, T> {
    /// Parses CSV text: an optional header line (`header` says whether there is one), then
    /// rows of `D` features and a target. The dialect is described in the
    /// [module docs](super#the-csv-dialect).
    ///
    /// # Errors
    /// The first problem found, top to bottom:
    /// - [`Error::CsvHeader`] if there is a header and line 1 is blank, or if `header` is
    ///   [`Header::Present`] and every field of line 1 is a number (it looks like data: use
    ///   [`Header::Absent`]);
    /// - [`Error::CsvFieldCount`] for a line (the header too) without `D + 1` fields, with
    ///   the line, the count expected and the count found;
    /// - [`Error::CsvValue`] for a field that is empty, not a number, NaN, infinite, or too
    ///   large for `T`, with its line, column and why;
    /// - [`Error::EmptyDataset`] if there are no data rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Error;
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<2, f64>::parse_csv("1, 2, 0\r\n3, 4, 1\r\n\r\n", Header::Absent)?;
    /// assert_eq!(ds.targets, [0.0, 1.0]);
    ///
    /// let err = Dataset::<2, f64>::parse_csv("a,b,y\n1,2\n", Header::Present).unwrap_err();
    /// assert_eq!(err, Error::CsvFieldCount { line: 2, expected: 3, found: 2 });
    /// assert_eq!(err.to_string(), "line 2: 2 fields, expected 3 (the features and one target)");
    ///
    /// let err = Dataset::<2, f32>::parse_csv("1,1e39,0\n", Header::Absent).unwrap_err();
    /// assert!(matches!(err, Error::CsvValue { line: 1, column: 2, .. }));
    /// assert!(err.to_string().starts_with("line 1, column 2: the field does not fit in f32"));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn parse_csv(text: &str, header: Header) -> Result<Self> {
        let (features, targets) = csv::parse(text, header)?;
        Ok(Self { features, targets })
    }

    /// Reads and parses a CSV file (see [`Dataset::parse_csv`]).
    ///
    /// # Errors
    /// A [`FileError`] naming the file: [`FileErrorCause::Io`](crate::FileErrorCause::Io)
    /// with the system's error if it cannot be read, else
    /// [`FileErrorCause::Content`](crate::FileErrorCause::Content) with the error of
    /// `parse_csv`, or an [`Error::CsvValue`] at the first byte that is not UTF-8.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let path = std::env::temp_dir().join("ctensor-doc.csv");
    /// std::fs::write(&path, "x,y\n0.5,1\n")?;
    /// let ds = Dataset::<1, f32>::from_csv_file(&path, Header::Present)?;
    /// assert_eq!(ds.targets, [1.0]);
    ///
    /// std::fs::write(&path, "x,y\n0.5,1\n0.25\n")?;
    /// let err = Dataset::<1, f32>::from_csv_file(&path, Header::Present).unwrap_err();
    /// assert!(err.to_string().ends_with("line 3: 1 fields, expected 2 (the features and one target)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_file(path: impl AsRef<Path>, header: Header) -> Result<Self, FileError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| FileError::io("read", path, &e))?;
        let text = core::str::from_utf8(&bytes)
            .map_err(|e| FileError::content("read", path, csv::utf8_error(&bytes, e)))?;
        Self::parse_csv(text, header).map_err(|e| FileError::content("read", path, e))
    }

    /// Number of rows.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::data::Dataset::<3, f32>::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// `true` when there are no rows.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::data::Dataset::<3, f32>::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The targets as class labels of a `K`-class problem.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] for the first target that is not a whole number in `0..K`
    /// (negative, fractional, too large or NaN), with its row (0-based) and value.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Error;
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1, f32>::parse_csv("x,y\n0.5,2\n0.1,0\n", Header::Present)?;
    /// let labels = ds.labels::<3>()?;
    /// assert_eq!(labels[0].get(), 2);
    ///
    /// let err = ds.labels::<2>().unwrap_err();
    /// assert_eq!(err, Error::InvalidLabel { row: 0, value: 2.0, classes: 2 });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "data set row 0: target 2 is not a class label (a whole number in 0..2)"
    /// );
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn labels<const K: usize>(&self) -> Result<Vec<Label<K>>> {
        self.targets
            .iter()
            .enumerate()
            .map(|(row, &t)| {
                let value = t.as_f64();
                let bad = Error::InvalidLabel {
                    row,
                    value,
                    classes: K,
                };
                if value >= 0.0 && value.fract() == 0.0 && value < K as f64 {
                    Label::new(value as usize).map_err(|_| bad)
                } else {
                    Err(bad)
                }
            })
            .collect()
    }

    /// Multiplies every feature by `k` (e.g. `1/16` for 4-bit pixel values).
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let mut ds = Dataset::<1, f32>::parse_csv("x,y\n16,0\n", Header::Present)?;
    /// ds.scale(1.0 / 16.0);
    /// assert_eq!(ds.features[0], [1.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn scale(&mut self, k: T) {
        for x in self.features.iter_mut().flatten() {
            *x *= k;
        }
    }

    /// Copies the rows `order[start..start + B]` (fewer at the end of `order`) into the first
    /// rows of `x`, and their targets into `y`, and returns how many rows were copied: `B`,
    /// fewer for a last, partial batch (give it to [`Batch::partial`](crate::Batch::partial)),
    /// 0 if `start >= order.len()`. Rows of `x` and `y` past that count keep their values.
    ///
    /// `order` is any list of row indices: a shuffled `0..len()`, a subset, with repeats.
    /// Indices are checked rather than made valid by a special type, so that a plain
    /// `Vec<usize>` shuffled by the caller's own code works; the check is one comparison per
    /// row.
    ///
    /// For a training loop, [`Dataset::class_loader`] and [`Dataset::value_loader`] do this
    /// (the shuffle, the copies, the labels) and return ready batches.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] for the first index of the batch that is not a row
    /// (`index >= len()`). Every index is checked before anything is written: on an `Err`,
    /// `x` and `y` are unchanged. It never panics.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Matrix};
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1, f32>::parse_csv("x,y\n1,0\n2,1\n3,0\n", Header::Present)?;
    /// let (mut x, mut y) = (Matrix::<2, 1>::zeros(), [0.0; 2]);
    /// assert_eq!(ds.fill_batch(&[2, 0, 1], 0, &mut x, &mut y)?, 2);
    /// assert_eq!((x[0], x[1], y), ([3.0], [1.0], [0.0, 0.0]));
    /// assert_eq!(ds.fill_batch(&[2, 0, 1], 2, &mut x, &mut y)?, 1); // the last, partial batch
    /// assert_eq!(x[0], [2.0]);
    ///
    /// let err = ds.fill_batch(&[0, 3], 0, &mut x, &mut y).unwrap_err();
    /// assert_eq!(err, Error::IndexOutOfRange { index: 3, len: 3 });
    /// assert_eq!(x[0], [2.0]); // nothing written
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn fill_batch<const B: usize>(
        &self,
        order: &[usize],
        start: usize,
        x: &mut Matrix<B, D, T>,
        y: &mut [T; B],
    ) -> Result<usize> {
        let rows = order.get(start..).unwrap_or(&[]);
        let rows = rows.get(..B).unwrap_or(rows);
        let len = self.features.len().min(self.targets.len());
        if let Some(&index) = rows.iter().find(|&&r| r >= len) {
            return Err(Error::IndexOutOfRange { index, len });
        }
        for ((i, &r), t) in rows.iter().enumerate().zip(y.iter_mut()) {
            x[i] = self.features[r];
            *t = self.targets[r];
        }
        Ok(rows.len())
    }
}

/// The training loop's conveniences: loaders, splits and metrics.
impl<const D: usize, T: Scalar> Dataset<D, T> {
    /// The rows that have both features and a target.
    fn rows(&self) -> usize {
        self.features.len().min(self.targets.len())
    }

    /// The targets as class labels, one per row of [`Dataset::rows`].
    fn row_labels<const K: usize>(&self) -> Result<Vec<Label<K>>> {
        let mut labels = self.labels::<K>()?;
        labels.truncate(self.rows());
        Ok(labels)
    }

    /// The rows `rows` (indices below [`Dataset::rows`]), in that order, as a new data set.
    fn select(&self, rows: &[usize]) -> Self {
        Self {
            features: rows.iter().map(|&r| self.features[r]).collect(),
            targets: rows.iter().map(|&r| self.targets[r]).collect(),
        }
    }

    /// The epoch loop for classification: a [`DatasetLoader`] of the rows with their targets
    /// as class labels of a `K`-class problem (for [`Targets::Classes`](crate::Targets)), in
    /// batches of up to `B` rows. It makes its own buffers.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] for the first target that is not a class in `0..K` (see
    /// [`Dataset::labels`]); [`Error::EmptyDataset`] if there are no rows;
    /// [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use ctensor::{Adam, Loss, Mlp, TrainConfig, Workspace};
    /// use rand::SeedableRng;
    /// let train = Dataset::<2>::parse_csv("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", Header::Present)?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    /// let mut net = Mlp::<2, 16, 2>::glorot(&mut rng);
    /// let (cfg, mut adam) = (TrainConfig::new(Loss::SoftmaxCrossEntropy), Adam::new(0.05)?);
    /// let mut ws = Workspace::zeros();
    ///
    /// let mut loader = train.class_loader::<3, 2>()?; // batches of 3 rows: 3, then 1
    /// for _ in 0..300 {
    ///     let mut batches = loader.epoch(&mut rng);
    ///     while let Some(batch) = batches.next_batch()? {
    ///         net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
    ///     }
    /// }
    /// assert_eq!(train.accuracy(|x| net.classify(x))?, 1.0);
    ///
    /// assert!(train.class_loader::<3, 1>().is_err()); // label 1 is not a class of 1
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn class_loader<const B: usize, const K: usize>(
        &self,
    ) -> Result<DatasetLoader<'_, B, D, K, T>> {
        let labels = self.row_labels::<K>()?;
        DatasetLoader::classes(&self.features[..self.rows()], labels)
    }

    /// The epoch loop for value targets: a [`DatasetLoader`] of the rows with their target as
    /// a vector of one value (for [`Targets::Values`](crate::Targets) with `K = 1`: a
    /// regression target, or a 0/1 target for a sigmoid head), in batches of up to `B` rows.
    /// It makes its own buffers.
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] if there are no rows; [`Error::BatchLength`] if `B = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,2.5\n2,4.5\n3,6.5\n", Header::Present)?;
    /// let mut loader = ds.value_loader::<2>()?;
    /// let mut batches = loader.epoch_in_order();
    /// let batch = batches.next_batch()?.expect("rows 0 and 1");
    /// assert_eq!(batch.inputs(), [[1.0], [2.0]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn value_loader<const B: usize>(&self) -> Result<DatasetLoader<'_, B, D, 1, T>> {
        let n = self.rows();
        let (targets, _) = self.targets.as_chunks::<1>();
        DatasetLoader::values(&self.features[..n], &targets[..n])
    }

    /// A seeded split into a training and a test set: `ceil(n * test_fraction)` rows, picked
    /// at random, go to the test set, the others to the training set; both keep the rows'
    /// order (see [`train_test_split`](super::train_test_split), which splits indices without
    /// a heap).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `test_fraction` is in `(0, 1)` and leaves at
    /// least one row in each set.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use rand::SeedableRng;
    /// let text = "x,y\n0,0\n1,1\n2,0\n3,1\n4,0\n5,1\n6,0\n7,1\n8,0\n9,1\n";
    /// let all = Dataset::<1>::parse_csv(text, Header::Present)?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    /// let (train, test) = all.train_test_split(0.2, &mut rng)?;
    /// assert_eq!((train.len(), test.len()), (8, 2));
    /// assert!(test.features.iter().all(|x| !train.features.contains(x)));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn train_test_split<R: Rng + ?Sized>(
        &self,
        test_fraction: f64,
        rng: &mut R,
    ) -> Result<(Self, Self)> {
        let mut order = std::vec![0; self.rows()];
        let (train, test) = super::train_test_split(&mut order, test_fraction, rng)?;
        Ok((self.select(train), self.select(test)))
    }

    /// A seeded split that keeps the proportions of the classes (targets in `0..K`): of the
    /// `n_c` rows of each class `c`, `round(n_c * test_fraction)` picked at random go to the
    /// test set, the others to the training set; both keep the rows' order. With few rows or
    /// unbalanced classes, a plain [`Dataset::train_test_split`] may leave a rare class out
    /// of one set; this split does not, if the class has enough rows.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] for a target that is not a class in `0..K`;
    /// [`Error::InvalidHyperParameter`] unless `test_fraction` is in `(0, 1)` and leaves at
    /// least one row in each set.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use rand::SeedableRng;
    /// // 8 rows of class 0, 2 of class 1.
    /// let text = "x,y\n0,0\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n8,1\n9,1\n";
    /// let all = Dataset::<1>::parse_csv(text, Header::Present)?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let (train, test) = all.stratified_split::<2, _>(0.5, &mut rng)?;
    /// assert_eq!(test.targets.iter().filter(|&&t| t == 1.0).count(), 1);
    /// assert_eq!(train.targets.iter().filter(|&&t| t == 1.0).count(), 1);
    /// assert_eq!((train.len(), test.len()), (5, 5));
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn stratified_split<const K: usize, R: Rng + ?Sized>(
        &self,
        test_fraction: f64,
        rng: &mut R,
    ) -> Result<(Self, Self)> {
        let labels = self.row_labels::<K>()?;
        let n = labels.len();
        // Checks the fraction (for the data set as a whole).
        test_rows(n, test_fraction)?;
        let mut quota = [0usize; K];
        for label in &labels {
            quota[label.get()] += 1;
        }
        for q in &mut quota {
            *q = (*q as f64 * test_fraction).round() as usize;
        }
        let mut order: Vec<usize> = (0..n).collect();
        shuffle(&mut order, rng);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for r in order {
            let q = &mut quota[labels[r].get()];
            if *q > 0 {
                *q -= 1;
                test.push(r);
            } else {
                train.push(r);
            }
        }
        if train.is_empty() || test.is_empty() {
            return Err(Error::InvalidHyperParameter {
                name: "test fraction",
                value: test_fraction,
                expected: "in (0, 1), leaving at least one row in each part",
            });
        }
        train.sort_unstable();
        test.sort_unstable();
        Ok((self.select(&train), self.select(&test)))
    }

    /// The predictions of `classify` for every row, with the targets as labels.
    fn classify_rows<const K: usize>(
        &self,
        mut classify: impl FnMut(&[T; D]) -> Result<Label<K>>,
    ) -> Result<(Vec<Label<K>>, Vec<Label<K>>)> {
        let truth = self.row_labels::<K>()?;
        let predicted = self.features[..truth.len()]
            .iter()
            .enumerate()
            .map(|(row, x)| classify(x).map_err(|e| at_row(e, row)))
            .collect::<Result<Vec<_>>>()?;
        Ok((predicted, truth))
    }

    /// The predictions of `predict` for every row.
    fn predict_rows(&self, mut predict: impl FnMut(&[T; D]) -> Result<T>) -> Result<Vec<T>> {
        self.features[..self.rows()]
            .iter()
            .enumerate()
            .map(|(row, x)| predict(x).map_err(|e| at_row(e, row)))
            .collect()
    }

    /// The fraction of rows whose class, as `classify` predicts it, is the target (see
    /// [`metrics::accuracy`]). `classify` is usually `|x| net.classify(x)`.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] for a target that is not a class in `0..K`; the first error of
    /// `classify` (such as [`Mlp::classify`](crate::Mlp::classify)'s
    /// [`Error::NonFiniteInput`], with the data set's row in place of its 0, or
    /// [`Error::NonFiniteOutput`]); [`Error::EmptyDataset`] if there are no rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use ctensor::Label;
    /// let ds = Dataset::<1>::parse_csv("x,y\n0.2,0\n0.7,1\n0.9,0\n", Header::Present)?;
    /// let threshold = |x: &[f32; 1]| Label::<2>::new(usize::from(x[0] > 0.5));
    /// assert_eq!(ds.accuracy(threshold)?, 2.0 / 3.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn accuracy<const K: usize>(
        &self,
        classify: impl FnMut(&[T; D]) -> Result<Label<K>>,
    ) -> Result<f64> {
        let (predicted, truth) = self.classify_rows(classify)?;
        metrics::accuracy(&predicted, &truth)
    }

    /// The confusion matrix of the classes `classify` predicts against the targets: `m[t][p]`
    /// counts the rows of class `t` predicted as `p` (see [`metrics::confusion_matrix`]).
    ///
    /// # Errors
    /// As [`Dataset::accuracy`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// use ctensor::Label;
    /// let ds = Dataset::<1>::parse_csv("x,y\n0.2,0\n0.7,1\n0.9,0\n", Header::Present)?;
    /// let threshold = |x: &[f32; 1]| Label::<2>::new(usize::from(x[0] > 0.5));
    /// assert_eq!(ds.confusion_matrix(threshold)?, [[1, 1], [0, 1]]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn confusion_matrix<const K: usize>(
        &self,
        classify: impl FnMut(&[T; D]) -> Result<Label<K>>,
    ) -> Result<[[usize; K]; K]> {
        let (predicted, truth) = self.classify_rows(classify)?;
        metrics::confusion_matrix(&predicted, &truth)
    }

    /// The mean squared error of the values `predict` gives against the targets (see
    /// [`metrics::mse`]). `predict` is usually `|x| Ok(net.predict(x, loss)?[0])`, mapped back
    /// to the targets' units with a [`TargetScaler`](super::TargetScaler) if the network
    /// learned standardized targets.
    ///
    /// # Errors
    /// The first error of `predict` (such as [`Mlp::predict`](crate::Mlp::predict)'s
    /// [`Error::NonFiniteInput`] or [`TargetScaler::invert`](super::TargetScaler::invert)'s
    /// [`Error::NonFinitePrediction`], with the data set's row in place of their 0); otherwise
    /// as [`metrics::mse`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header};
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,2\n2,4\n3,7\n", Header::Present)?;
    /// assert_eq!(ds.mse(|x| Ok(2.0 * x[0]))?, 1.0 / 3.0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn mse(&self, predict: impl FnMut(&[T; D]) -> Result<T>) -> Result<f64> {
        let predicted = self.predict_rows(predict)?;
        metrics::mse(&predicted, &self.targets[..predicted.len()])
    }

    /// The coefficient of determination R^2 of the values `predict` gives against the
    /// targets (see [`metrics::r_squared`], and [`Dataset::mse`] for `predict`).
    ///
    /// # Errors
    /// As [`Dataset::mse`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::{Dataset, Header, TargetScaler};
    /// let ds = Dataset::<1>::parse_csv("x,y\n1,10\n2,20\n3,30\n", Header::Present)?;
    /// let scaler = TargetScaler::fit(&ds.targets)?;
    /// // A "model" that predicts standardized targets: (x - 2) / 0.816..
    /// let standardized = |x: &[f32; 1]| (x[0] - 2.0) / (2.0_f32 / 3.0).sqrt();
    /// let r2 = ds.r_squared(|x| scaler.invert(standardized(x)))?;
    /// assert!((r2 - 1.0).abs() < 1e-6);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn r_squared(&self, predict: impl FnMut(&[T; D]) -> Result<T>) -> Result<f64> {
        let predicted = self.predict_rows(predict)?;
        metrics::r_squared(&predicted, &self.targets[..predicted.len()])
    }
}

/// `e`, with the row of a single-sample error (0) replaced by the data set's `row`.
fn at_row(e: Error, row: usize) -> Error {
    match e {
        Error::NonFiniteInput { col, .. } => Error::NonFiniteInput { row, col },
        Error::NonFinitePrediction { .. } => Error::NonFinitePrediction { row },
        other => other,
    }
}
