//! Loading small tabular data sets (feature `std`): CSV text whose last column is the target,
//! feature standardization, and batching with a partial last batch.
//!
//! ```
//! use ctensor::data::{Dataset, Header, Standardizer};
//! let mut train = Dataset::<2, f32>::parse_csv("a,b,y\n1,10,0\n3,30,1\n", Header::Present)?;
//! Standardizer::fit(&train).apply(&mut train)?;
//! assert_eq!(train.features, [[-1.0, -1.0], [1.0, 1.0]]);
//! assert_eq!(train.labels::<2>()?[1].get(), 1);
//! # Ok::<(), ctensor::Error>(())
//! ```
//!
//! # The CSV dialect
//!
//! [`Dataset::parse_csv`] and [`Dataset::from_csv_file`] read a deliberately small dialect,
//! numbers only, and reject anything else with an error naming the line and column (both
//! 1-based; the column is the field's position, counting commas) and what was expected:
//!
//! - **Text**: UTF-8; one byte-order mark (U+FEFF) at the very start is ignored (spreadsheet
//!   programs write one). A file that is not UTF-8 (UTF-16, Latin-1) is an
//!   [`Error::CsvValue`] at its first bad byte.
//! - **Lines** end with `\n` or `\r\n`; the last may have no line ending. Blank lines (empty or
//!   only whitespace) are skipped, trailing ones included, except in place of a header; they
//!   count in line numbers, so the numbers match an editor's.
//! - **Header**: the caller says whether line 1 holds column names ([`Header::Present`]) or
//!   data ([`Header::Absent`]); there is no default and no guessing, because a wrong guess
//!   silently drops or invents a row. A header is line 1, not blank ([`Error::CsvHeader`]).
//!   Names are not used, but a header must have as many fields as a row, and with
//!   `Header::Present` not all of them may be numbers ([`Error::CsvHeader`]: that line is
//!   data). [`Header::NumericNames`] accepts numeric names such as pandas' `0,1,2,..`.
//! - **Fields** are separated by commas (`,` only) and there are exactly `D + 1` on every
//!   line: `D` features, then the target ([`Error::CsvFieldCount`], with the count expected
//!   and found). A trailing comma is one more, empty, field. There is no quoting or escaping:
//!   a `"` is not part of a number.
//! - **Numbers**: whitespace around a field is ignored. A field is what Rust's `str::parse`
//!   reads as a float: an optional sign, digits with an optional decimal point, an optional
//!   exponent (`3`, `-0.25`, `.5`, `+1E-3`). It is parsed directly into `T`, correctly
//!   rounded (a value too small for `T` rounds to a subnormal or zero).
//! - **Rejected** ([`Error::CsvValue`] with why): an empty field (there are no missing
//!   values), anything that is not a number (decimal commas, thousands separators, quotes,
//!   units), `NaN`, `inf`, and numbers that do not fit in `T`, such as `1e39` in `f32`.
//! - **At least one** data row ([`Error::EmptyDataset`]).

mod csv;
mod standardizer;

use std::path::Path;
use std::vec::Vec;

use crate::{Error, FileError, Label, Matrix, Result, Scalar};

pub use csv::Header;
pub use standardizer::Standardizer;

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
    /// [module docs](self#the-csv-dialect).
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
                let value = t.to_f64();
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
