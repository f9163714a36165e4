//! Arbitrary text into `Dataset::parse_csv` for a few widths: never a panic; on `Ok` every
//! value is finite and there are no more rows than lines; on `Err` the error names a line of
//! the text; an `f64` data set written back as CSV parses to the same data set.
#![no_main]

use std::fmt::Write;

use ctensor::data::{Dataset, Header};
use ctensor::{Error, Result, Scalar};
use libfuzzer_sys::fuzz_target;

/// The one call of the parser under test (the only line to change when its signature does).
fn parse<const D: usize, T: Scalar>(text: &str, header: Header) -> Result<Dataset<D, T>> {
    Dataset::<D, T>::parse_csv(text, header)
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the header mode; the rest is the text.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let header = match mode % 3 {
        0 => Header::Present,
        1 => Header::NumericNames,
        _ => Header::Absent,
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    check::<1>(text, header);
    check::<2>(text, header);
    check::<3>(text, header);
    check::<8>(text, header);
});

fn check<const D: usize>(text: &str, header: Header) {
    let lines = text.lines().count();
    match parse::<D, f32>(text, header) {
        Ok(ds) => {
            assert_eq!(ds.features.len(), ds.targets.len());
            assert!(ds.len() <= lines, "{} rows from {lines} lines", ds.len());
            assert!(ds.features.iter().flatten().all(|x| x.is_finite()));
            assert!(ds.targets.iter().all(|x| x.is_finite()));
        }
        Err(e) => {
            if let Error::CsvFieldCount { line, .. } | Error::CsvValue { line, .. } = e {
                assert!(
                    (1..=lines).contains(&line),
                    "{e:?} in a text of {lines} lines"
                );
            }
            let _ = e.to_string();
        }
    }
    // Written back (shortest round-trip decimals), an f64 data set parses to itself.
    if let Ok(ds) = parse::<D, f64>(text, header) {
        assert!(ds.features.iter().flatten().all(|x| x.is_finite()));
        assert!(ds.targets.iter().all(|x| x.is_finite()));
        let mut csv = String::new();
        for i in 0..D {
            write!(csv, "x{i},").unwrap();
        }
        csv.push_str("y\n");
        for (row, y) in ds.features.iter().zip(&ds.targets) {
            for x in row {
                write!(csv, "{x},").unwrap();
            }
            writeln!(csv, "{y}").unwrap();
        }
        assert_eq!(
            parse::<D, f64>(&csv, Header::Present).as_ref(),
            Ok(&ds),
            "round trip of\n{csv}"
        );
    }
}
