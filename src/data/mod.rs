//! Loading small tabular data sets (feature `std`): CSV files with a header row whose last
//! column is the target, feature standardization, and batching with a partial last batch.

mod standardizer;

use std::path::Path;
use std::vec::Vec;

use crate::{Error, FileError, Label, Matrix, Result, Scalar};

pub use standardizer::Standardizer;

/// Rows of `D` features and one target each.
///
/// # Examples
/// ```
/// use ctensor::data::Dataset;
/// let ds = Dataset::<2, f32>::parse_csv("a,b,y\n1,2,0\n3,4,1\n")?;
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
    /// Parses CSV text: a header line, then rows of `D` features and a target, all numbers.
    ///
    /// # Errors
    /// [`Error::CsvFieldCount`] for a row with the wrong number of fields, [`Error::CsvValue`]
    /// for a field that is not a number or is NaN or infinite, each naming the line.
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Dataset;
    /// let err = Dataset::<2, f64>::parse_csv("a,b,y\n1,2\n").unwrap_err();
    /// assert_eq!(err.to_string(), "line 2: 2 fields, expected 3 (the features and one target)");
    /// ```
    pub fn parse_csv(text: &str) -> Result<Self> {
        let mut ds = Self {
            features: Vec::new(),
            targets: Vec::new(),
        };
        for (i, line) in text.lines().enumerate().skip(1) {
            let line_no = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let found = line.split(',').count();
            if found != D + 1 {
                return Err(Error::CsvFieldCount {
                    line: line_no,
                    expected: D + 1,
                    found,
                });
            }
            let mut row = [T::ZERO; D];
            let mut fields = line.split(',');
            for (column, x) in row.iter_mut().enumerate() {
                *x = parse_field(fields.next().unwrap_or(""), line_no, column + 1)?;
            }
            let target = parse_field(fields.next().unwrap_or(""), line_no, D + 1)?;
            ds.features.push(row);
            ds.targets.push(target);
        }
        Ok(ds)
    }

    /// Reads and parses a CSV file (see [`Dataset::parse_csv`]).
    ///
    /// # Errors
    /// A [`FileError`] naming the file: the system's error if it cannot be read, else the
    /// error of `parse_csv`.
    ///
    /// # Examples
    /// ```
    /// let path = std::env::temp_dir().join("ctensor-doc.csv");
    /// std::fs::write(&path, "x,y\n0.5,1\n")?;
    /// let ds = ctensor::data::Dataset::<1, f32>::from_csv_file(&path)?;
    /// assert_eq!(ds.targets, [1.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_file(path: impl AsRef<Path>) -> Result<Self, FileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io("read", path, &e))?;
        Self::parse_csv(&text).map_err(|e| FileError::content("read", path, e))
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
    /// [`Error::LabelOutOfRange`] for a target that is not a whole number in `0..K` (a
    /// negative or fractional target is reported as out of range, with `label` its
    /// integer part clamped at 0).
    ///
    /// # Examples
    /// ```
    /// use ctensor::data::Dataset;
    /// let ds = Dataset::<1, f32>::parse_csv("x,y\n0.5,2\n0.1,0\n")?;
    /// let labels = ds.labels::<3>()?;
    /// assert_eq!(labels[0].get(), 2);
    /// assert!(ds.labels::<2>().is_err());
    /// assert!(Dataset::<1, f32>::parse_csv("x,y\n0,1.5\n")?.labels::<3>().is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn labels<const K: usize>(&self) -> Result<Vec<Label<K>>> {
        self.targets
            .iter()
            .map(|&t| {
                let v = t.to_f64();
                if v >= 0.0 && v.fract() == 0.0 && v < K as f64 {
                    Label::new(v as usize)
                } else {
                    Err(Error::LabelOutOfRange {
                        label: v.max(0.0) as usize,
                        classes: K,
                    })
                }
            })
            .collect()
    }

    /// Multiplies every feature by `k` (e.g. `1/16` for 4-bit pixel values).
    ///
    /// # Examples
    /// ```
    /// let mut ds = ctensor::data::Dataset::<1, f32>::parse_csv("x,y\n16,0\n")?;
    /// ds.scale(1.0 / 16.0);
    /// assert_eq!(ds.features[0], [1.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn scale(&mut self, k: T) {
        for x in self.features.iter_mut().flatten() {
            *x *= k;
        }
    }

    /// Copies rows `order[start..start + B]` into `x` (and their targets into `y`) and
    /// returns how many rows were copied: `B` except for a last, partial batch.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Matrix, data::Dataset};
    /// let ds = Dataset::<1, f32>::parse_csv("x,y\n1,0\n2,1\n3,0\n")?;
    /// let (mut x, mut y) = (Matrix::<2, 1>::zeros(), [0.0; 2]);
    /// assert_eq!(ds.fill_batch(&[2, 0, 1], 2, &mut x, &mut y), 1);
    /// assert_eq!(x[0], [2.0]);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn fill_batch<const B: usize>(
        &self,
        order: &[usize],
        start: usize,
        x: &mut Matrix<B, D, T>,
        y: &mut [T; B],
    ) -> usize {
        let rows = order.get(start..).unwrap_or(&[]);
        let n = rows.len().min(B);
        for (i, &r) in rows[..n].iter().enumerate() {
            x[i] = self.features[r];
            y[i] = self.targets[r];
        }
        n
    }
}

fn parse_field<T: Scalar>(field: &str, line: usize, column: usize) -> Result<T> {
    let bad = |why| Error::CsvValue { line, column, why };
    let v: f64 = field.trim().parse().map_err(|_| bad("is not a number"))?;
    if !v.is_finite() {
        return Err(bad("is NaN or infinite"));
    }
    Ok(T::from_f64(v))
}
