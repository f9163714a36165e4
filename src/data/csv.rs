//! The CSV reader behind [`Dataset::parse_csv`](super::Dataset::parse_csv); the dialect it
//! accepts is described in the [module docs](super).

use std::vec::Vec;

use num_traits::Num;

use crate::{Error, Result, Scalar};

/// Whether the first line of a CSV text holds column names or data: an argument of
/// [`Dataset::parse_csv`](super::Dataset::parse_csv) and
/// [`Dataset::from_csv_file`](super::Dataset::from_csv_file).
///
/// It is a required argument, not an option with a default, because a default is what
/// loses data: a reader that always skips line 1 drops the first row of a file without a
/// header, and one that never does turns a header into an error (or, with numeric column
/// names, into a row). Naming the case at the call site (`Header::Absent` reads better than a
/// `bool`) costs one word. With one option to give, a builder would be ceremony.
///
/// # Examples
/// ```
/// use ctensor::data::{Dataset, Header};
/// let with = Dataset::<2, f32>::parse_csv("a,b,y\n1,2,0\n", Header::Present)?;
/// let without = Dataset::<2, f32>::parse_csv("1,2,0\n", Header::Absent)?;
/// assert_eq!(with, without);
/// // A header check: a first line of numbers is data, not column names.
/// let err = Dataset::<2, f32>::parse_csv("1,2,0\n3,4,1\n", Header::Present).unwrap_err();
/// assert!(err.to_string().contains("use Header::Absent"));
/// // Unless the names really are numbers.
/// let ds = Dataset::<2, f32>::parse_csv("0,1,2\n3,4,1\n", Header::NumericNames)?;
/// assert_eq!(ds.features, [[3.0, 4.0]]);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Header {
    /// Line 1 holds the column names, one per column (`D + 1` of them); they are not used.
    /// It is an [`Error::CsvHeader`] if every one of them is a number (line 1 then looks
    /// like data: use [`Header::Absent`], or [`Header::NumericNames`] if the names really are
    /// numbers), and an [`Error::CsvFieldCount`] if there are not `D + 1` of them.
    Present,
    /// Like [`Header::Present`], for column names that are all numbers, such as the `0,1,2,..`
    /// pandas writes for a frame without column names: line 1 is skipped after checking that
    /// it has `D + 1` fields.
    NumericNames,
    /// There is no header: line 1 is the first data row.
    Absent,
}

/// Why a first line read with [`Header::Present`] is rejected.
const LOOKS_LIKE_DATA: &str = "every field is a number, so this is a data row, not the column \
    names Header::Present expects: use Header::Absent if the file has no header row (or \
    Header::NumericNames if its column names are numbers)";
/// Why a blank first line read with a header is rejected.
const BLANK_HEADER: &str = "is blank, expected the header row of column names: remove the \
    blank line, or use Header::Absent if the file has no header row";
/// Why a field that does not parse is rejected.
const NOT_A_NUMBER: &str = "is not a number (expected a decimal number such as 3, -0.25 or 1e-3)";
/// Why a field of a first line of names read with [`Header::Absent`] is rejected.
const NAMES_WITHOUT_HEADER: &str = "is not a number, nor is any field of this first line: if \
    it holds the column names, use Header::Present";

/// The features and the targets of the rows of a CSV text.
pub(super) type Rows<const D: usize, T> = (Vec<[T; D]>, Vec<T>);

/// Parses `text` (see the module docs for the dialect).
pub(super) fn parse<const D: usize, T: Scalar>(text: &str, header: Header) -> Result<Rows<D, T>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    if header != Header::Absent
        && let Some((_, names)) = lines.next()
    {
        check_header::<D>(names, header, text)?;
    }
    let (mut features, mut targets) = (Vec::new(), Vec::new());
    for (line_no, line) in lines {
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
        let (row, target) = parse_row::<D, T>(line, line_no).map_err(|e| {
            let first_line = features.is_empty();
            if header == Header::Absent && first_line && !line.split(',').any(is_number) {
                hint_header(e)
            } else {
                e
            }
        })?;
        features.push(row);
        targets.push(target);
    }
    if features.is_empty() {
        return Err(Error::EmptyDataset);
    }
    Ok((features, targets))
}

/// Checks the header line `names` (line 1) of `text`.
fn check_header<const D: usize>(names: &str, header: Header, text: &str) -> Result<()> {
    if names.trim().is_empty() {
        // A text of blank lines is an empty data set, not a missing header.
        return Err(if text.trim().is_empty() {
            Error::EmptyDataset
        } else {
            Error::CsvHeader { why: BLANK_HEADER }
        });
    }
    if header == Header::Present && names.split(',').all(is_number) {
        return Err(Error::CsvHeader {
            why: LOOKS_LIKE_DATA,
        });
    }
    let found = names.split(',').count();
    if found != D + 1 {
        return Err(Error::CsvFieldCount {
            line: 1,
            expected: D + 1,
            found,
        });
    }
    Ok(())
}

/// Parses a data line known to have `D + 1` fields.
fn parse_row<const D: usize, T: Scalar>(line: &str, line_no: usize) -> Result<([T; D], T)> {
    let mut fields = line.split(',');
    let mut row = [T::ZERO; D];
    for (column, x) in row.iter_mut().enumerate() {
        *x = parse_field(fields.next().unwrap_or(""), line_no, column + 1)?;
    }
    let target = parse_field(fields.next().unwrap_or(""), line_no, D + 1)?;
    Ok((row, target))
}

/// The same error with a hint that the line may be a header.
fn hint_header(e: Error) -> Error {
    match e {
        Error::CsvValue { line, column, .. } => Error::CsvValue {
            line,
            column,
            why: NAMES_WITHOUT_HEADER,
        },
        other => other,
    }
}

/// `true` if `field` is a number (of any size, NaN and infinity included).
fn is_number(field: &str) -> bool {
    field.trim().parse::<f64>().is_ok()
}

/// Parses one field straight into `T` (correctly rounded) and checks that it is finite.
fn parse_field<T: Scalar>(field: &str, line: usize, column: usize) -> Result<T> {
    let bad = |why| Error::CsvValue { line, column, why };
    let text = field.trim();
    if text.is_empty() {
        return Err(bad("is empty (missing values are not supported)"));
    }
    let v = <T as Num>::from_str_radix(text, 10).map_err(|_| bad(NOT_A_NUMBER))?;
    if v.is_nan() {
        return Err(bad("is NaN (only finite numbers are accepted)"));
    }
    if v.is_infinite() {
        // `inf` and `infinity` have no digits; a number too large for `T` has.
        return Err(bad(if text.bytes().any(|b| b.is_ascii_digit()) {
            overflow_why::<T>()
        } else {
            "is infinite (only finite numbers are accepted)"
        }));
    }
    Ok(v)
}

/// Why a number too large for `T` is rejected.
fn overflow_why<T: Scalar>() -> &'static str {
    if T::NAME == "f32" {
        "does not fit in f32 (overflows to infinity; f32 holds up to about 3.4e38: use f64)"
    } else {
        "does not fit in f64 (overflows to infinity; f64 holds up to about 1.8e308)"
    }
}

/// The error for bytes that are not UTF-8 from `e.valid_up_to()` on: the line and column of
/// the first bad byte.
pub(super) fn utf8_error(bytes: &[u8], e: core::str::Utf8Error) -> Error {
    let before = bytes.get(..e.valid_up_to()).unwrap_or(bytes);
    let this_line = before.rsplit(|&b| b == b'\n').next().unwrap_or(&[]);
    Error::CsvValue {
        // Pieces between separators: one more than the separators before the bad byte.
        line: before.split(|&b| b == b'\n').count(),
        column: this_line.split(|&b| b == b',').count(),
        why: "is not valid UTF-8 text (save the file as UTF-8)",
    }
}
