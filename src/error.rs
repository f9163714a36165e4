//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong in ctensor: bad hyper-parameters, bad data, bad weights files.
///
/// Each variant names what was wrong and, where it helps, where. Nothing that returns an
/// `Err` has changed the model or the optimizer state.
///
/// # Examples
/// ```
/// use ctensor::{Error, Label};
/// let err = Label::<10>::new(12).unwrap_err();
/// assert_eq!(err, Error::LabelOutOfRange { label: 12, classes: 10 });
/// assert_eq!(err.to_string(), "label 12 is out of range for 10 classes (0..10)");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A class label not in `0..classes`.
    LabelOutOfRange {
        /// The label given.
        label: usize,
        /// The number of classes `K`.
        classes: usize,
    },
    /// A dropout rate outside `[0, 1)` (or NaN).
    InvalidDropoutRate(f64),
    /// A label-smoothing factor outside `[0, 1]` (or NaN).
    InvalidLabelSmoothing(f64),
    /// An L2 coefficient that is negative or not finite.
    InvalidL2(f64),
    /// A hyper-parameter of an optimizer out of its range.
    InvalidHyperParameter {
        /// Its name, e.g. `"learning rate"`.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A NaN or infinity in the input features.
    NonFiniteInput {
        /// Row (sample) of the batch.
        row: usize,
        /// Column (feature).
        col: usize,
    },
    /// A target that is NaN, infinite, or outside what the loss accepts
    /// (a probability in `[0, 1]` for cross-entropy; a distribution summing to 1 for softmax).
    InvalidTarget {
        /// Row (sample) of the batch.
        row: usize,
        /// Column (output).
        col: usize,
    },
    /// The loss or a gradient became NaN or infinite: training diverged. The step was not
    /// applied; lower the learning rate or check the data.
    NonFiniteLoss,
    /// A batch claims more valid rows than it holds, or none.
    BatchLength {
        /// The valid rows claimed.
        len: usize,
        /// The rows the batch type holds, `B`.
        capacity: usize,
    },
    /// Label smoothing asked for with a loss it does not apply to (MSE).
    SmoothingNotApplicable,
    /// A buffer of the wrong length for a weights file.
    WeightsLength {
        /// The length the format needs.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// The bytes do not start with the ctensor weights magic `CTNS`.
    WeightsMagic,
    /// A weights file of a format version this build cannot read.
    WeightsVersion(u16),
    /// A weights file of another scalar type.
    WeightsScalar {
        /// The scalar type asked for.
        expected: &'static str,
        /// The tag found in the file.
        found_tag: u8,
    },
    /// A weights file of another shape.
    WeightsShape {
        /// `[D, H, K]` asked for.
        expected: [usize; 3],
        /// `[D, H, K]` found in the file.
        found: [u32; 3],
    },
    /// The checksum does not match: the file is damaged.
    WeightsChecksum {
        /// The CRC-32 stored in the file.
        stored: u32,
        /// The CRC-32 of the bytes read.
        computed: u32,
    },
    /// A data file could not be parsed.
    Parse {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        what: &'static str,
    },
    /// An I/O error, by kind (with `std`).
    #[cfg(feature = "std")]
    Io(std::io::ErrorKind),
}

/// `Result<T, ctensor::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::LabelOutOfRange { label, classes } => write!(
                f,
                "label {label} is out of range for {classes} classes (0..{classes})"
            ),
            Error::InvalidDropoutRate(p) => write!(f, "dropout rate {p} is not in [0, 1)"),
            Error::InvalidLabelSmoothing(a) => {
                write!(f, "label smoothing {a} is not in [0, 1]")
            }
            Error::InvalidL2(l) => write!(f, "L2 coefficient {l} is not finite and >= 0"),
            Error::InvalidHyperParameter { name, value } => {
                write!(f, "{name} {value} is out of range")
            }
            Error::NonFiniteInput { row, col } => {
                write!(f, "input row {row}, feature {col} is NaN or infinite")
            }
            Error::InvalidTarget { row, col } => write!(
                f,
                "target row {row}, output {col} is NaN, infinite or outside the loss's domain"
            ),
            Error::NonFiniteLoss => write!(
                f,
                "loss or gradient is NaN or infinite (training diverged); the step was not applied"
            ),
            Error::BatchLength { len, capacity } => write!(
                f,
                "batch length {len} is not in 1..={capacity} (the batch's capacity)"
            ),
            Error::SmoothingNotApplicable => {
                write!(
                    f,
                    "label smoothing applies to cross-entropy losses, not MSE"
                )
            }
            Error::WeightsLength { expected, found } => write!(
                f,
                "weights buffer is {found} bytes, the format needs exactly {expected}"
            ),
            Error::WeightsMagic => write!(f, "not a ctensor weights file (bad magic)"),
            Error::WeightsVersion(v) => write!(f, "unsupported weights format version {v}"),
            Error::WeightsScalar {
                expected,
                found_tag,
            } => write!(
                f,
                "weights file holds scalar type tag {found_tag}, expected {expected}"
            ),
            Error::WeightsShape { expected, found } => write!(
                f,
                "weights file is for Mlp<{}, {}, {}>, expected Mlp<{}, {}, {}>",
                found[0], found[1], found[2], expected[0], expected[1], expected[2]
            ),
            Error::WeightsChecksum { stored, computed } => write!(
                f,
                "weights file is damaged: checksum {computed:#010x} != stored {stored:#010x}"
            ),
            Error::Parse { line, what } => write!(f, "line {line}: {what}"),
            #[cfg(feature = "std")]
            Error::Io(kind) => write!(f, "I/O error: {kind}"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "std")]
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.kind())
    }
}
