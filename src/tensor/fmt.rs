//! `Display` for [`Matrix`] and [`Vector`]: bracketed rows, one per line, the elements of
//! all rows padded to one width so that columns line up. No heap: every element is written
//! once to measure it and once more to print it.

use core::fmt::{self, Alignment, Display, Formatter, Write};

use super::{Matrix, Vector};

/// A matrix as bracketed rows, one per line, columns aligned (no trailing newline). The
/// formatter's precision and `+` flag apply to every element; its width is the minimum width
/// of every element (all are padded to the widest one anyway), with its fill and alignment
/// (right by default); `0` pads with zeros after the sign.
///
/// # Examples
/// ```
/// let m = ctensor::Matrix::from_array([[1.0, -2.5], [3.0, 40.0]]);
/// assert_eq!(format!("{m}"), "[[   1, -2.5],\n [   3,   40]]");
/// assert_eq!(format!("{m:.1}"), "[[ 1.0, -2.5],\n [ 3.0, 40.0]]");
/// assert_eq!(format!("{m:+.1}"), "[[ +1.0,  -2.5],\n [ +3.0, +40.0]]");
/// assert_eq!(format!("{m:<6.1}"), "[[1.0   , -2.5  ],\n [3.0   , 40.0  ]]");
/// ```
impl<const R: usize, const C: usize, T: Display> Display for Matrix<R, C, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_rows(f, self.as_flattened(), R, C, true)
    }
}

/// A vector on one line, bracketed, its elements padded to one width, with the formatter's
/// options applied to every element as for [`Matrix`].
///
/// # Examples
/// ```
/// let v = ctensor::Vector::from_array([0.5, -1.0, 2.0]);
/// assert_eq!(format!("{v}"), "[0.5,  -1,   2]");
/// assert_eq!(format!("{v:.1}"), "[ 0.5, -1.0,  2.0]");
/// assert_eq!(format!("{v:+06.1}"), "[+000.5, -001.0, +002.0]");
/// ```
impl<const N: usize, T: Display> Display for Vector<N, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_rows(f, self.as_array(), 1, N, false)
    }
}

/// Counts the characters written to it.
struct Count(usize);

impl Write for Count {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.chars().count();
        Ok(())
    }
}

/// The formatter's options that apply to each element by itself.
#[derive(Clone, Copy)]
struct Spec {
    precision: Option<usize>,
    plus: bool,
}

/// Writes `x` with `spec`, zero-padded after the sign to `zero_width` characters (0: no
/// padding). Generic over the writer so that the same code measures and prints.
fn write_elem<W: Write, T: Display>(
    out: &mut W,
    x: &T,
    spec: Spec,
    zero_width: usize,
) -> fmt::Result {
    let w = zero_width;
    match (spec.precision, spec.plus) {
        (None, false) => write!(out, "{x:0w$}"),
        (None, true) => write!(out, "{x:+0w$}"),
        (Some(p), false) => write!(out, "{x:0w$.p$}"),
        (Some(p), true) => write!(out, "{x:+0w$.p$}"),
    }
}

/// The number of characters `x` takes when written by [`write_elem`] without padding.
fn elem_len<T: Display>(x: &T, spec: Spec) -> Result<usize, fmt::Error> {
    let mut n = Count(0);
    write_elem(&mut n, x, spec, 0)?;
    Ok(n.0)
}

/// `[a, b]` (`nested == false`, one row) or `[[a, b],\n [c, d]]`: the `rows x cols` row-major
/// `elems`, padded to a common width. Independent of the shape, so compiled once per `T`.
fn write_rows<T: Display>(
    f: &mut Formatter<'_>,
    elems: &[T],
    rows: usize,
    cols: usize,
    nested: bool,
) -> fmt::Result {
    let spec = Spec {
        precision: f.precision(),
        plus: f.sign_plus(),
    };
    let mut width = f.width().unwrap_or(0);
    for x in elems {
        width = width.max(elem_len(x, spec)?);
    }
    let (fill, align) = (f.fill(), f.align().unwrap_or(Alignment::Right));
    let zero_pad = f.sign_aware_zero_pad();
    f.write_char('[')?;
    let mut rest = elems;
    for r in 0..rows {
        let (row, tail) = rest.split_at(cols);
        rest = tail;
        if nested {
            f.write_str(if r == 0 { "[" } else { ",\n [" })?;
        }
        for (c, x) in row.iter().enumerate() {
            if c > 0 {
                f.write_str(", ")?;
            }
            if zero_pad {
                write_elem(f, x, spec, width)?;
                continue;
            }
            let pad = width - elem_len(x, spec)?;
            let before = match align {
                Alignment::Left => 0,
                Alignment::Right => pad,
                Alignment::Center => pad / 2,
            };
            for _ in 0..before {
                f.write_char(fill)?;
            }
            write_elem(f, x, spec, 0)?;
            for _ in before..pad {
                f.write_char(fill)?;
            }
        }
        if nested {
            f.write_char(']')?;
        }
    }
    f.write_char(']')
}
