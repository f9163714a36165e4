//! Data for training: an epoch loop that yields ready [`Batch`](crate::Batch)es, a seeded
//! shuffle and train/test split, and target scaling. These work on borrowed slices with
//! buffers the caller provides, so they need neither `std` nor a heap. With the feature
//! `std`: [`Dataset`], read from CSV (the dialect is described [below](#the-csv-dialect)),
//! with its [`Standardizer`] and one-call conveniences on top of the rest.
//!
//! The epoch loop, without `std`: [`Loader`] borrows the rows, an index buffer and a batch's
//! buffers, and [`Loader::epoch`] shuffles the order and hands out the epoch's batches,
//! the last one partial:
//!
//! ```
//! use ctensor::data::Loader;
//! use ctensor::{Adam, Label, Loss, Matrix, Mlp, TrainConfig, Workspace};
//! use rand::SeedableRng;
//!
//! let features = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.9, 0.1]];
//! let labels = [0, 1, 1, 0, 1].map(Label::<2>::new_const);
//! // Buffers: the order of the rows, and one batch of up to 2 rows.
//! let (mut order, mut x, mut y) = ([0; 5], Matrix::<2, 2>::zeros(), [Label::new_const(0); 2]);
//! let mut loader = Loader::classes(&features, &labels, &mut order, &mut x, &mut y)?;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let mut net = Mlp::<2, 16, 2>::glorot(&mut rng);
//! let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
//! let (mut adam, mut ws) = (Adam::new(0.05)?, Workspace::zeros());
//! for _ in 0..200 {
//!     let mut batches = loader.epoch(&mut rng); // 3 batches: 2 rows, 2 rows, 1 row
//!     while let Some(batch) = batches.next_batch()? {
//!         net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
//!     }
//! }
//! assert_eq!(net.classify(&[1.0, 0.0])?.get(), 1);
//! # Ok::<(), ctensor::Error>(())
//! ```
//!
//! With `std`, [`Dataset::class_loader`] and [`Dataset::value_loader`] make the buffers
//! themselves, and [`Dataset::accuracy`], [`Dataset::r_squared`] and the like evaluate a model
//! on a data set (the [`metrics`](crate::metrics) behind them work on slices).
//!
//! # The CSV dialect
//!
//! [`Dataset::parse_csv`] and [`Dataset::from_csv_file`] read a deliberately small dialect,
//! numbers only, and reject anything else with an error naming the line and column (both
//! 1-based; the column is the field's position, counting commas) and what was expected:
//!
//! - **Text**: UTF-8; one byte-order mark (U+FEFF) at the very start is ignored (spreadsheet
//!   programs write one). A file that is not UTF-8 (UTF-16, Latin-1) is an
//!   [`Error::CsvValue`](crate::Error::CsvValue) at its first bad byte.
//! - **Lines** end with `\n` or `\r\n`; the last may have no line ending. Blank lines (empty or
//!   only whitespace) are skipped, trailing ones included, except in place of a header; they
//!   count in line numbers, so the numbers match an editor's.
//! - **Header**: the caller says whether line 1 holds column names ([`Header::Present`]) or
//!   data ([`Header::Absent`]); there is no default and no guessing, because a wrong guess
//!   silently drops or invents a row. A header is line 1, not blank
//!   ([`Error::CsvHeader`](crate::Error::CsvHeader)). Names are not used, but a header must
//!   have as many fields as a row, and with `Header::Present` not all of them may be numbers
//!   ([`Error::CsvHeader`](crate::Error::CsvHeader): that line is data).
//!   [`Header::NumericNames`] accepts numeric names such as pandas' `0,1,2,..`.
//! - **Fields** are separated by commas (`,` only) and there are exactly `D + 1` on every
//!   line: `D` features, then the target
//!   ([`Error::CsvFieldCount`](crate::Error::CsvFieldCount), with the count expected and
//!   found). A trailing comma is one more, empty, field. There is no quoting or escaping: a
//!   `"` is not part of a number.
//! - **Numbers**: whitespace around a field is ignored. A field is what Rust's `str::parse`
//!   reads as a float: an optional sign, digits with an optional decimal point, an optional
//!   exponent (`3`, `-0.25`, `.5`, `+1E-3`). It is parsed directly into `T`, correctly
//!   rounded (a value too small for `T` rounds to a subnormal or zero).
//! - **Rejected** ([`Error::CsvValue`](crate::Error::CsvValue) with why): an empty field
//!   (there are no missing values), anything that is not a number (decimal commas, thousands
//!   separators, quotes, units), `NaN`, `inf`, and numbers that do not fit in `T`, such as
//!   `1e39` in `f32`.
//! - **At least one** data row ([`Error::EmptyDataset`](crate::Error::EmptyDataset)).

mod loader;
mod split;
mod target_scaler;

#[cfg(feature = "std")]
mod csv;
#[cfg(feature = "std")]
mod dataset;
#[cfg(feature = "std")]
mod standardizer;

pub use loader::{Epoch, Loader};
pub use split::{shuffle, train_test_split};
pub use target_scaler::TargetScaler;

#[cfg(feature = "std")]
pub use csv::Header;
#[cfg(feature = "std")]
pub use dataset::Dataset;
#[cfg(feature = "std")]
pub use loader::DatasetLoader;
#[cfg(feature = "std")]
pub use standardizer::Standardizer;
