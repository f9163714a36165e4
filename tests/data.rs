//! The CSV loader and `Dataset` (issue 7): the dialect accepted, every rejection with its line,
//! column and message, the explicit header, empty data sets, labels and batch indices.
// The `data` module needs the default `std` feature.
#![cfg(feature = "std")]

use std::path::PathBuf;

use ctensor::data::{Dataset, Header, Standardizer};
use ctensor::{Error, FileErrorCause, Matrix};

/// Parses `text` as a data set of 2 features in `f32`.
fn parse2(text: &str, header: Header) -> Result<Dataset<2, f32>, Error> {
    Dataset::<2, f32>::parse_csv(text, header)
}

/// Asserts that `err`'s message contains every one of `words`.
fn assert_mentions(err: &Error, words: &[&str]) {
    let text = err.to_string();
    for w in words {
        assert!(text.contains(w), "{err:?}: {text:?} does not mention {w:?}");
    }
}

/// The `why` of a `CsvValue` error at `line`, `column`, or a panic.
fn csv_value_why(err: &Error, at: (usize, usize)) -> &'static str {
    match *err {
        Error::CsvValue { line, column, why } if (line, column) == at => why,
        _ => panic!(
            "expected a CsvValue error at line {}, column {}: {err:?}",
            at.0, at.1
        ),
    }
}

/// A file in the temporary directory, unique to this process and `name`.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ctensor-data-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

// ---- 1. values that are not finite in T -----------------------------------------------------

#[test]
fn f32_overflow_is_rejected_after_conversion() {
    for text in ["x,y\n1e39,0\n", "x,y\n-1e39,0\n", "x,y\n1e400,0\n"] {
        let err = Dataset::<1, f32>::parse_csv(text, Header::Present).unwrap_err();
        let why = csv_value_why(&err, (2, 1));
        assert!(
            why.starts_with("does not fit in f32 (overflows to infinity"),
            "{why}"
        );
        assert!(
            err.to_string()
                .starts_with("line 2, column 1: the field does not fit in f32"),
            "{err}"
        );
    }
    // The target column too.
    let err = Dataset::<1, f32>::parse_csv("x,y\n1,4e38\n", Header::Present).unwrap_err();
    assert_mentions(&err, &["line 2, column 2", "f32"]);
    // The largest f32 is fine, and the same number fits in f64.
    let ds = Dataset::<1, f32>::parse_csv("x,y\n3.4e38,0\n", Header::Present).unwrap();
    assert_eq!(ds.features[0], [3.4e38]);
    let ds = Dataset::<1, f64>::parse_csv("x,y\n1e39,0\n", Header::Present).unwrap();
    assert_eq!(ds.features[0], [1e39]);
}

#[test]
fn f64_overflow_names_f64() {
    let err = Dataset::<1, f64>::parse_csv("x,y\n0,-1e309\n", Header::Present).unwrap_err();
    assert!(csv_value_why(&err, (2, 2)).starts_with("does not fit in f64"));
}

#[test]
fn nan_and_infinity_written_out_are_rejected() {
    for (field, why) in [
        ("NaN", "is NaN (only finite numbers are accepted)"),
        ("nan", "is NaN (only finite numbers are accepted)"),
        ("inf", "is infinite (only finite numbers are accepted)"),
        (
            "-Infinity",
            "is infinite (only finite numbers are accepted)",
        ),
    ] {
        let err = parse2(&format!("a,b,y\n1,{field},0\n"), Header::Present).unwrap_err();
        assert_eq!(csv_value_why(&err, (2, 2)), why, "{field}");
    }
}

#[test]
fn numbers_are_rounded_once_straight_into_t() {
    // Just above the midpoint of 1 and the next f32: through f64 it rounds to the midpoint
    // exactly, then to even (1.0); read directly it is correctly rounded up.
    let ds =
        Dataset::<1, f32>::parse_csv("1.0000000596046447753906251,0\n", Header::Absent).unwrap();
    assert_eq!(ds.features[0][0], 1.0 + f32::EPSILON);
    // Tiny values round to zero rather than being rejected.
    let ds = Dataset::<1, f32>::parse_csv("1e-50,0\n", Header::Absent).unwrap();
    assert_eq!(ds.features[0][0], 0.0);
}

// ---- 2. the header is explicit --------------------------------------------------------------

#[test]
fn without_a_header_the_first_row_is_data() {
    let ds = parse2("1,2,0\n3,4,1\n", Header::Absent).unwrap();
    assert_eq!(ds.features, [[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(ds.targets, [0.0, 1.0]);
    let with = parse2("a,b,y\n1,2,0\n3,4,1\n", Header::Present).unwrap();
    assert_eq!(ds, with);
}

#[test]
fn a_header_that_is_numbers_is_refused_instead_of_dropping_a_row() {
    let err = parse2("1,2,0\n3,4,1\n", Header::Present).unwrap_err();
    assert!(matches!(err, Error::CsvHeader { .. }), "{err:?}");
    assert_mentions(
        &err,
        &[
            "line 1:",
            "data row",
            "Header::Absent",
            "Header::NumericNames",
        ],
    );
    // Only the header: still the header error, not an empty data set.
    assert!(matches!(
        parse2(" 1 , 2.5 ,-3\n", Header::Present),
        Err(Error::CsvHeader { .. })
    ));
    // One name that is not a number is enough for a header.
    assert_eq!(parse2("1,2,y\n3,4,1\n", Header::Present).unwrap().len(), 1);
}

#[test]
fn numeric_names_are_accepted_when_asked_for() {
    let ds = parse2("0,1,2\n3,4,1\n", Header::NumericNames).unwrap();
    assert_eq!(ds.features, [[3.0, 4.0]]);
    // Their count is still checked.
    assert_eq!(
        parse2("0,1\n3,4,1\n", Header::NumericNames),
        Err(Error::CsvFieldCount {
            line: 1,
            expected: 3,
            found: 2
        })
    );
}

#[test]
fn names_read_as_data_say_so() {
    let err = parse2("a,b,y\n1,2,0\n", Header::Absent).unwrap_err();
    let why = csv_value_why(&err, (1, 1));
    assert!(why.contains("use Header::Present"), "{why}");
    // A bad field in a line that also has numbers is a plain bad value, without the hint.
    let err = parse2("1,x,0\n", Header::Absent).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1, column 2: the field is not a number (expected a decimal number such as 3, \
         -0.25 or 1e-3)"
    );
    // And a line of names after the first is not taken for a header.
    let err = parse2("1,2,0\na,b,y\n", Header::Absent).unwrap_err();
    assert!(!csv_value_why(&err, (2, 1)).contains("Header"), "{err}");
}

#[test]
fn a_header_is_checked_for_its_field_count() {
    for (text, found) in [
        ("a,b,c,y\n1,2,0\n", 4),
        ("a,y\n1,2,0\n", 2),
        ("a,b,y,\n1,2,0\n", 4),
    ] {
        assert_eq!(
            parse2(text, Header::Present),
            Err(Error::CsvFieldCount {
                line: 1,
                expected: 3,
                found
            }),
            "{text:?}"
        );
    }
}

#[test]
fn a_blank_first_line_is_not_a_header() {
    let err = parse2("\na,b,y\n1,2,0\n", Header::Present).unwrap_err();
    assert!(matches!(err, Error::CsvHeader { .. }), "{err:?}");
    assert_mentions(&err, &["line 1: is blank", "header row"]);
    // Without a header, leading blank lines are skipped like any other.
    assert_eq!(parse2("\n\n1,2,0\n", Header::Absent).unwrap().len(), 1);
}

// ---- 3. no data rows --------------------------------------------------------------------------

#[test]
fn no_data_rows_is_an_error() {
    for (text, header) in [
        ("a,b,y\n", Header::Present),
        ("a,b,y", Header::Present),
        ("a,b,y\n\n  \n", Header::Present),
        ("", Header::Present),
        ("", Header::Absent),
        ("\u{feff}", Header::Absent),
        ("\r\n \n", Header::Present),
        ("\n\n", Header::Absent),
        ("0,1,2\n", Header::NumericNames),
    ] {
        assert_eq!(parse2(text, header), Err(Error::EmptyDataset), "{text:?}");
    }
    assert_eq!(Error::EmptyDataset.to_string(), "the data set has no rows");
}

// ---- 4. batch indices -----------------------------------------------------------------------

fn three_rows() -> Dataset<1, f32> {
    Dataset::parse_csv("x,y\n10,0\n20,1\n30,2\n", Header::Present).unwrap()
}

#[test]
fn fill_batch_rejects_an_index_out_of_range_and_writes_nothing() {
    let ds = three_rows();
    let (mut x, mut y) = (Matrix::<4, 1>::splat(-1.0), [-1.0; 4]);
    // The bad index comes after good ones: nothing may be written before it is found.
    let err = ds.fill_batch(&[2, 0, 3, 1], 0, &mut x, &mut y).unwrap_err();
    assert_eq!(err, Error::IndexOutOfRange { index: 3, len: 3 });
    assert_eq!(err.to_string(), "row index 3 is out of range for 3 rows");
    assert_eq!(x, Matrix::splat(-1.0));
    assert_eq!(y, [-1.0; 4]);
    assert_eq!(
        ds.fill_batch(&[0, usize::MAX], 1, &mut x, &mut y),
        Err(Error::IndexOutOfRange {
            index: usize::MAX,
            len: 3
        })
    );
}

#[test]
fn fill_batch_copies_full_and_partial_batches() {
    let ds = three_rows();
    let (mut x, mut y) = (Matrix::<2, 1>::splat(-1.0), [-1.0; 2]);
    let order = [2, 0, 1];
    assert_eq!(ds.fill_batch(&order, 0, &mut x, &mut y), Ok(2));
    assert_eq!((x[0], x[1], y), ([30.0], [10.0], [2.0, 0.0]));
    assert_eq!(ds.fill_batch(&order, 2, &mut x, &mut y), Ok(1));
    assert_eq!((x[0], x[1], y), ([20.0], [10.0], [1.0, 0.0])); // row 1 kept
    assert_eq!(ds.fill_batch(&order, 3, &mut x, &mut y), Ok(0));
    assert_eq!(ds.fill_batch(&order, 99, &mut x, &mut y), Ok(0));
    // Only the batch's own indices are checked.
    assert_eq!(ds.fill_batch(&[1, 0, 7], 0, &mut x, &mut y), Ok(2));
}

#[test]
fn fill_batch_never_panics_on_a_hand_made_data_set() {
    // Public fields allow features and targets of different lengths.
    let ds = Dataset::<1, f32> {
        features: vec![[1.0], [2.0], [3.0]],
        targets: vec![0.0, 1.0],
    };
    let (mut x, mut y) = (Matrix::<2, 1>::zeros(), [0.0; 2]);
    assert_eq!(
        ds.fill_batch(&[2], 0, &mut x, &mut y),
        Err(Error::IndexOutOfRange { index: 2, len: 2 })
    );
}

// ---- 5. the dialect and where errors are --------------------------------------------------

#[test]
fn too_few_and_too_many_fields_name_line_expected_and_found() {
    let err = parse2("a,b,y\n1,2,0\n1,2\n", Header::Present).unwrap_err();
    assert_eq!(
        err,
        Error::CsvFieldCount {
            line: 3,
            expected: 3,
            found: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "line 3: 2 fields, expected 3 (the features and one target)"
    );
    assert_eq!(
        parse2("a,b,y\n1,2,0,4\n", Header::Present),
        Err(Error::CsvFieldCount {
            line: 2,
            expected: 3,
            found: 4
        })
    );
    // A trailing comma is an extra, empty field.
    assert_eq!(
        parse2("1,2,0,\n", Header::Absent),
        Err(Error::CsvFieldCount {
            line: 1,
            expected: 3,
            found: 4
        })
    );
    // A decimal comma shows up as a field count.
    assert_eq!(
        parse2("1,5,2,0\n", Header::Absent),
        Err(Error::CsvFieldCount {
            line: 1,
            expected: 3,
            found: 4
        })
    );
}

#[test]
fn empty_and_blank_fields_are_rejected_as_empty() {
    for (text, column) in [
        ("a,b,y\n1,,0\n", 2),
        ("a,b,y\n, 2,0\n", 1),
        ("a,b,y\n1,2, \t\n", 3),
    ] {
        let err = parse2(text, Header::Present).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "line 2, column {column}: the field is empty (missing values are not supported)"
            ),
        );
    }
}

#[test]
fn bad_fields_name_line_and_column() {
    for (text, at) in [
        ("a,b,y\n1,2,0\n3,four,1\n", (3, 2)),
        ("a,b,y\n1,2,0\n3,4,yes\n", (3, 3)),
        ("a,b,y\n\"1\",2,0\n", (2, 1)),
        ("a,b,y\n1_000,2,0\n", (2, 1)),
        ("a,b,y\n0x10,2,0\n", (2, 1)),
        ("a,b,y\n1 2,2,0\n", (2, 1)),
    ] {
        let err = parse2(text, Header::Present).unwrap_err();
        assert!(
            csv_value_why(&err, at).starts_with("is not a number"),
            "{text:?}"
        );
    }
}

#[test]
fn whitespace_and_number_forms_are_accepted() {
    let ds = Dataset::<4, f64>::parse_csv(
        "a,b,c,d,y\n 1 ,\t-2.5\t,+.5,1E3 , 7.\n-0,5.,1e-3, 2 ,0\n",
        Header::Present,
    )
    .unwrap();
    assert_eq!(
        ds.features,
        [[1.0, -2.5, 0.5, 1000.0], [-0.0, 5.0, 1e-3, 2.0]]
    );
    assert_eq!(ds.targets, [7.0, 0.0]);
}

#[test]
fn crlf_and_blank_lines_are_accepted_and_counted() {
    let ds = parse2("a,b,y\r\n1,2,0\r\n\r\n3,4,1\r\n\r\n\r\n", Header::Present).unwrap();
    assert_eq!(ds.features, [[1.0, 2.0], [3.0, 4.0]]);
    // No line ending at the end.
    assert_eq!(parse2("a,b,y\n1,2,0", Header::Present).unwrap().len(), 1);
    // Line numbers are an editor's: blank lines and CRLF count as one line each.
    let err = parse2("a,b,y\r\n1,2,0\r\n \r\n\r\n1,2,z\r\n", Header::Present).unwrap_err();
    assert_eq!(
        csv_value_why(&err, (5, 3)),
        "is not a number (expected a decimal number such as 3, -0.25 or 1e-3)"
    );
}

#[test]
fn a_utf8_byte_order_mark_at_the_start_is_ignored() {
    let ds = parse2("\u{feff}1,2,0\n3,4,1\n", Header::Absent).unwrap();
    assert_eq!(ds.features, [[1.0, 2.0], [3.0, 4.0]]);
    let ds = parse2("\u{feff}a,b,y\r\n1,2,0\r\n", Header::Present).unwrap();
    assert_eq!(ds.features, [[1.0, 2.0]]);
    // With the mark, a numeric first line is still seen as data, not taken for a header.
    assert!(matches!(
        parse2("\u{feff}1,2,0\n3,4,1\n", Header::Present),
        Err(Error::CsvHeader { .. })
    ));
    // Anywhere else it is not part of a number.
    let err = parse2("1,2,0\n\u{feff}3,4,1\n", Header::Absent).unwrap_err();
    assert!(csv_value_why(&err, (2, 1)).starts_with("is not a number"));
}

#[test]
fn files_take_the_header_argument_and_name_the_file() {
    let path = temp_file("plain.csv", b"1,2,0\n3,4,1\n");
    let ds = Dataset::<2, f32>::from_csv_file(&path, Header::Absent).unwrap();
    assert_eq!(ds.len(), 2);
    let err = Dataset::<2, f32>::from_csv_file(&path, Header::Present).unwrap_err();
    assert!(matches!(
        err.cause,
        FileErrorCause::Content(Error::CsvHeader { .. })
    ));
    assert!(
        err.to_string()
            .starts_with(&format!("could not read {}: line 1: ", path.display()))
    );
    std::fs::remove_file(&path).unwrap();

    let err = Dataset::<2, f32>::from_csv_file("no/such/file.csv", Header::Present).unwrap_err();
    assert!(matches!(
        err.cause,
        FileErrorCause::Io(std::io::ErrorKind::NotFound)
    ));
}

#[test]
fn a_file_that_is_not_utf8_is_rejected_where_it_stops_being_utf8() {
    // Latin-1 "é" in the second field of line 3.
    let path = temp_file("latin1.csv", b"a,b,y\n1,2,0\n3,\xe9,1\n");
    let err = Dataset::<2, f32>::from_csv_file(&path, Header::Present).unwrap_err();
    let FileErrorCause::Content(inner) = &err.cause else {
        panic!("{err:?}")
    };
    assert_eq!(
        csv_value_why(inner, (3, 2)),
        "is not valid UTF-8 text (save the file as UTF-8)"
    );
    std::fs::remove_file(&path).unwrap();
    // UTF-16 (with its byte-order mark) fails at the first byte.
    let path = temp_file("utf16.csv", b"\xff\xfea\x00,\x00y\x00\n\x00");
    let err = Dataset::<1, f32>::from_csv_file(&path, Header::Present).unwrap_err();
    let FileErrorCause::Content(inner) = &err.cause else {
        panic!("{err:?}")
    };
    csv_value_why(inner, (1, 1));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_example_data_files_load_with_their_headers() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let load = |name: &str| Dataset::<64, f32>::from_csv_file(dir.join(name), Header::Present);
    assert_eq!(load("digits_train.csv").unwrap().len(), 1437);
    assert_eq!(
        load("digits_test.csv")
            .unwrap()
            .labels::<10>()
            .unwrap()
            .len(),
        360
    );
    let ds = Dataset::<30, f32>::from_csv_file(dir.join("breast_cancer_test.csv"), Header::Present);
    assert_eq!(ds.unwrap().labels::<2>().unwrap().len(), 114);
    let ds = Dataset::<10, f32>::from_csv_file(dir.join("diabetes_train.csv"), Header::Present);
    assert_eq!(ds.unwrap().len(), 353);
}

// ---- 6. labels --------------------------------------------------------------------------------

#[test]
fn labels_name_the_row_and_the_value() {
    let ds = Dataset::<1, f32>::parse_csv("x,y\n0,1\n0,-3\n", Header::Present).unwrap();
    let err = ds.labels::<10>().unwrap_err();
    assert_eq!(
        err,
        Error::InvalidLabel {
            row: 1,
            value: -3.0,
            classes: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "data set row 1: target -3 is not a class label (a whole number in 0..10)"
    );
    for (target, row) in [("1.5", 0), ("10", 0), ("1e20", 0)] {
        let text = format!("x,y\n0,{target}\n0,0\n");
        let ds = Dataset::<1, f32>::parse_csv(&text, Header::Present).unwrap();
        let err = ds.labels::<10>().unwrap_err();
        assert!(matches!(err, Error::InvalidLabel { row: r, classes: 10, .. } if r == row));
        assert_mentions(&err, &[&format!("row {row}"), "0..10"]);
    }
    assert_mentions(
        &Dataset::<1, f32>::parse_csv("x,y\n0,2.5\n", Header::Present)
            .unwrap()
            .labels::<3>()
            .unwrap_err(),
        &["target 2.5"],
    );
    // A NaN put in by hand.
    let ds = Dataset::<1, f64> {
        features: vec![[0.0]],
        targets: vec![f64::NAN],
    };
    assert!(matches!(
        ds.labels::<2>(),
        Err(Error::InvalidLabel { row: 0, .. })
    ));
    // Whole numbers in range are labels, -0 included.
    let ds = Dataset::<1, f32>::parse_csv("x,y\n0,9\n0,-0\n", Header::Present).unwrap();
    let labels = ds.labels::<10>().unwrap();
    assert_eq!((labels[0].get(), labels[1].get()), (9, 0));
}

#[test]
fn standardizing_never_stores_infinity() {
    // Finite f32 data whose centred value overflows: -3e38 - 1e38 is -inf in f32.
    let mut ds = Dataset::<1, f32>::parse_csv("3e38,0\n3e38,0\n-3e38,0\n", Header::Absent).unwrap();
    let s = Standardizer::fit(&ds);
    let before = ds.clone();
    assert_eq!(
        s.apply(&mut ds),
        Err(Error::NonFiniteInput { row: 2, col: 0 })
    );
    assert_eq!(ds, before, "an Err changes nothing");
}
