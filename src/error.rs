//! The crate's one error type.

use core::fmt;

use crate::nn::arch::LayerSpec;

/// Everything that can go wrong in ctensor: bad hyper-parameters, bad data, bad weights files.
///
/// Each variant says what was wrong, where, and what was expected. Nothing that returns an
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
    // ---- hyper-parameters -------------------------------------------------------------
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
    /// A hyper-parameter of an optimizer out of its range, or one that does not survive
    /// conversion to the scalar type the network trains in (e.g. a learning rate of `1e300`
    /// is `inf` in `f32`).
    InvalidHyperParameter {
        /// Its name, e.g. `"learning rate"`.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The range it must be in, e.g. `"finite and > 0 in f32"`.
        expected: &'static str,
    },

    // ---- a training step ----------------------------------------------------------------
    /// A NaN or infinity in the input features.
    NonFiniteInput {
        /// Row (sample) of the batch.
        row: usize,
        /// Column (feature).
        col: usize,
    },
    /// A target outside what the loss accepts.
    InvalidTarget {
        /// Row (sample) of the batch.
        row: usize,
        /// Column (output).
        col: usize,
        /// The target's value.
        value: f64,
        /// Why it is rejected, e.g. `"is not in [0, 1]"`.
        why: &'static str,
    },
    /// The loss or a gradient became NaN or infinite: training diverged. The step was not
    /// applied; lower the learning rate or check the data.
    NonFiniteLoss,
    /// The optimizer's update would have made a parameter NaN or infinite (e.g. a step too
    /// large for the scalar type). The step was not applied: every parameter and the
    /// optimizer state are as they were.
    NonFiniteUpdate {
        /// The parameter tensor that would have overflowed, e.g. `"w1"`.
        tensor: &'static str,
    },
    /// The optimizer's update would have made a parameter of a layer of a
    /// [`Seq`](crate::Seq) NaN or infinite. The step was not applied: every parameter and the
    /// optimizer state are as they were.
    NonFiniteLayerUpdate {
        /// The layer's index in the network (ReLU and dropout layers count).
        layer: usize,
        /// The tensor, `"weight"` or `"bias"`.
        tensor: &'static str,
    },
    /// Training with a dropout rate a network without a
    /// [`DropoutLayer`](crate::DropoutLayer) cannot apply.
    NoDropoutLayer,
    /// A batch claims more valid rows than it holds, or none.
    BatchLength {
        /// The valid rows claimed.
        len: usize,
        /// The rows the batch type holds, `B`.
        capacity: usize,
    },
    /// A workspace passed to `backward` holds the forward pass of a batch with another
    /// number of valid rows than the batch given (run `forward_train` on this batch first).
    WorkspaceMismatch {
        /// The valid rows of the forward pass the workspace holds.
        workspace_rows: usize,
        /// The valid rows of the batch given to `backward`.
        batch_rows: usize,
    },
    /// Label smoothing asked for with a loss it does not apply to (MSE).
    SmoothingNotApplicable,
    /// A training step without a random generator was asked for with dropout on: dropout
    /// needs one (use `train_step`).
    DropoutNeedsRng,
    /// An output of the network (or a score given to [`Label::argmax`](crate::Label::argmax))
    /// is NaN, or infinite where a finite value was needed: there is no class (or, for
    /// [`Mlp::predict`](crate::Mlp::predict), no value) to return.
    NonFiniteOutput {
        /// The first output that is NaN or infinite.
        index: usize,
    },

    // ---- weights files --------------------------------------------------------------------
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
    /// The reserved header byte (offset 7) is not 0: the file was written by a newer
    /// writer or is damaged.
    WeightsReserved(u8),
    /// A weights file of another scalar type.
    WeightsScalar {
        /// The scalar type asked for, `"f32"` or `"f64"`.
        expected: &'static str,
        /// The scalar tag found in the file (1 = `f32`, 2 = `f64`).
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
    /// A parameter in a weights file is NaN or infinite (for example a file written with
    /// big-endian floats).
    WeightsNonFinite {
        /// The tensor, e.g. `"w1"`.
        tensor: &'static str,
        /// The index of the value within the tensor (row-major).
        index: usize,
    },

    /// A weights file for a network with another number of layers.
    WeightsLayerCount {
        /// The layers of the network asked for.
        expected: usize,
        /// The layers recorded in the file.
        found: u32,
    },
    /// A weights file for a network of another architecture: layer `layer` differs.
    WeightsLayer {
        /// The index of the first layer that differs.
        layer: usize,
        /// The layer of the network asked for.
        expected: LayerSpec,
        /// The layer recorded in the file.
        found: LayerSpec,
    },
    /// A parameter of a layer in a weights file is NaN or infinite.
    WeightsLayerNonFinite {
        /// The layer's index.
        layer: usize,
        /// The tensor, `"weight"` or `"bias"`.
        tensor: &'static str,
        /// The index of the value within the tensor (row-major).
        index: usize,
    },

    // ---- data sets ------------------------------------------------------------------------
    /// A CSV row with another number of fields than the data set's columns.
    CsvFieldCount {
        /// 1-based line number.
        line: usize,
        /// The fields expected (features + 1 target).
        expected: usize,
        /// The fields found.
        found: usize,
    },
    /// A CSV field that is not a number, or whose value is not finite in the data set's
    /// scalar type (e.g. `1e39` in `f32`).
    CsvValue {
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// What is wrong, e.g. `"is not a number"`.
        why: &'static str,
    },
    /// The first line of a CSV read with `data::Header::Present` does not
    /// look like a header: every field is a number.
    CsvHeader {
        /// What was found and what to do.
        why: &'static str,
    },
    /// A data set with no rows.
    EmptyDataset,
    /// A target of a data set that is not a class label of a `classes`-class problem: a whole
    /// number in `0..classes` (it is negative, fractional, too large or NaN).
    InvalidLabel {
        /// 0-based row of the data set (in a CSV file with a header row: line `row + 2`,
        /// when there are no blank lines).
        row: usize,
        /// The target's value.
        value: f64,
        /// The number of classes `K`.
        classes: usize,
    },
    /// A row index past the end of a data set.
    IndexOutOfRange {
        /// The index given.
        index: usize,
        /// The number of rows.
        len: usize,
    },
    /// Two lists that go row by row are not equally long: features and their targets, a data
    /// set and the index buffer of a [`Loader`](crate::data::Loader), predictions and the true
    /// values of a [metric](crate::metrics).
    LengthMismatch {
        /// The list of the wrong length, e.g. `"targets"`.
        what: &'static str,
        /// The rows expected (those of the features, or of the true values).
        expected: usize,
        /// The rows found.
        found: usize,
    },
    /// A prediction given to a [metric](crate::metrics) or to
    /// [`TargetScaler::invert`](crate::data::TargetScaler::invert) is NaN or infinite, or
    /// becomes infinite when mapped back to the targets' units.
    NonFinitePrediction {
        /// The row of the prediction (0 for a single value).
        row: usize,
    },
    /// An int8 layer whose constants break what inference relies on (see
    /// [`QDense::validate`](crate::quant::QDense::validate)).
    InvalidQuantizedLayer {
        /// The layer (its position in the network, ReLU layers counted; 0 for a layer alone).
        layer: usize,
        /// The field and what is wrong with it, e.g. `"weight (-128, outside [-127, 127])"`.
        what: &'static str,
        /// The output channel (0 for a per-layer field).
        channel: usize,
    },
    /// A statistic does not fit in `f64` (values of `f64` data above about `1e154` are
    /// squared): scale the data down.
    Overflow {
        /// What overflowed, e.g. `"mean squared error"`.
        what: &'static str,
    },
}

/// `Result<T, ctensor::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// The name of a weights file's scalar tag.
fn scalar_tag_name(tag: u8) -> &'static str {
    match tag {
        1 => "f32",
        2 => "f64",
        3 => "i8",
        _ => "an unknown scalar type",
    }
}

impl fmt::Display for Error {
    // One arm per variant: long, but flat.
    #[allow(clippy::too_many_lines)]
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
            Error::InvalidHyperParameter {
                name,
                value,
                expected,
            } => write!(f, "{name} {value:e} is out of range: expected {expected}"),
            Error::NonFiniteInput { row, col } => {
                write!(f, "input row {row}, feature {col} is NaN or infinite")
            }
            Error::InvalidTarget {
                row,
                col,
                value,
                why,
            } => write!(f, "target row {row}, output {col}: {value} {why}"),
            Error::NonFiniteLoss => write!(
                f,
                "loss or gradient is NaN or infinite (training diverged); the step was not applied"
            ),
            Error::NonFiniteUpdate { tensor } => write!(
                f,
                "the update would make {tensor} NaN or infinite (step too large for the scalar \
                 type); the step was not applied"
            ),
            Error::NonFiniteLayerUpdate { layer, tensor } => write!(
                f,
                "the update would make {layer}.{tensor} NaN or infinite (step too large for the \
                 scalar type); the step was not applied"
            ),
            Error::NoDropoutLayer => write!(
                f,
                "training asks for dropout, but the network has no DropoutLayer to apply it"
            ),
            Error::BatchLength { len, capacity } => write!(
                f,
                "batch length {len} is not in 1..={capacity} (the batch's capacity)"
            ),
            Error::WorkspaceMismatch {
                workspace_rows,
                batch_rows,
            } => write!(
                f,
                "the workspace holds a forward pass of {workspace_rows} rows but the batch has \
                 {batch_rows}: run forward_train on this batch first"
            ),
            Error::SmoothingNotApplicable => {
                write!(
                    f,
                    "label smoothing applies to cross-entropy losses, not MSE"
                )
            }
            Error::DropoutNeedsRng => write!(
                f,
                "dropout is on but no random generator was given: use train_step with an Rng, \
                 or Dropout::NONE"
            ),
            Error::NonFiniteOutput { index } => write!(
                f,
                "output {index} of the network is NaN or infinite: no class or value can be \
                 given (check the weights)"
            ),
            Error::WeightsLength { expected, found } => write!(
                f,
                "weights buffer is {found} bytes, the format needs exactly {expected}"
            ),
            Error::WeightsMagic => write!(
                f,
                "not a ctensor weights file (it does not start with \"CTNS\")"
            ),
            Error::WeightsVersion(v) => write!(
                f,
                "weights format version {v} is not supported (Mlp reads version {}, Seq reads \
                 versions 1 and {})",
                crate::io::FORMAT_VERSION,
                crate::io::SEQ_FORMAT_VERSION
            ),
            Error::WeightsReserved(b) => write!(
                f,
                "weights file header byte 7 is {b:#04x}, expected 0 (newer writer or damaged file)"
            ),
            Error::WeightsScalar {
                expected,
                found_tag,
            } => write!(
                f,
                "weights file holds {} (tag {found_tag}), expected {expected}",
                scalar_tag_name(*found_tag)
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
            Error::WeightsNonFinite { tensor, index } => write!(
                f,
                "weights file holds a NaN or infinite value in {tensor} at index {index} \
                 (written with the wrong byte order?)"
            ),
            Error::WeightsLayerCount { expected, found } => write!(
                f,
                "weights file is for another architecture: it has {found} layers, expected \
                 {expected}"
            ),
            Error::WeightsLayer {
                layer,
                expected,
                found,
            } => write!(
                f,
                "weights file is for another architecture: layer {layer} differs: expected \
                 {expected}, found {found}"
            ),
            Error::WeightsLayerNonFinite {
                layer,
                tensor,
                index,
            } => write!(
                f,
                "weights file holds a NaN or infinite value in {layer}.{tensor} at index \
                 {index} (written with the wrong byte order?)"
            ),
            Error::CsvFieldCount {
                line,
                expected,
                found,
            } => write!(
                f,
                "line {line}: {found} fields, expected {expected} (the features and one target)"
            ),
            Error::CsvValue { line, column, why } => {
                write!(f, "line {line}, column {column}: the field {why}")
            }
            Error::CsvHeader { why } => write!(f, "line 1: {why}"),
            Error::EmptyDataset => write!(f, "the data set has no rows"),
            Error::InvalidLabel {
                row,
                value,
                classes,
            } => write!(
                f,
                "data set row {row}: target {value} is not a class label (a whole number in \
                 0..{classes})"
            ),
            Error::IndexOutOfRange { index, len } => {
                write!(f, "row index {index} is out of range for {len} rows")
            }
            Error::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: {found} rows, expected {expected}"),
            Error::NonFinitePrediction { row } => write!(
                f,
                "prediction {row} is NaN or infinite (or overflows in the targets' units)"
            ),
            Error::InvalidQuantizedLayer {
                layer,
                what,
                channel,
            } => write!(
                f,
                "int8 layer {layer}, output channel {channel}: invalid {what}"
            ),
            Error::Overflow { what } => write!(
                f,
                "the {what} overflows f64 (values too large: scale the data down)"
            ),
        }
    }
}

impl core::error::Error for Error {}

/// An error reading or writing a file (feature `std`): which file, what was being done, and
/// what went wrong, either in the system ([`FileErrorCause::Io`]) or in the content
/// ([`FileErrorCause::Content`], e.g. a weights file of another shape).
///
/// It is separate from [`Error`] so that `Error` owns no heap memory: it stays usable in
/// `const` items (a `static` model decoded by `from_bytes_const`) and on `no_std` targets.
///
/// # Examples
/// ```
/// use ctensor::{FileError, FileErrorCause, Mlp};
/// let err = Mlp::<2, 3, 1>::load("no/such/net.bin").unwrap_err();
/// assert!(matches!(err.cause, FileErrorCause::Io(std::io::ErrorKind::NotFound)));
/// assert!(err.to_string().starts_with("could not read no/such/net.bin: "));
/// ```
#[cfg(feature = "std")]
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    /// What was being done: `"read"`, `"write"`, `"rename"`, ...
    pub action: &'static str,
    /// The file.
    pub path: std::path::PathBuf,
    /// What went wrong.
    pub cause: FileErrorCause,
}

/// What went wrong with a file: see [`FileError`].
///
/// # Examples
/// ```
/// use std::error::Error as _;
/// use ctensor::{Error, FileError, FileErrorCause};
/// let err = FileError::content("read", "net.bin", Error::WeightsMagic);
/// assert_eq!(err.cause, FileErrorCause::Content(Error::WeightsMagic));
/// assert!(err.source().is_some()); // the content error; an `Io` cause has none
/// let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
/// let err = FileError::io("write", "net.bin", &e);
/// assert_eq!(err.cause, FileErrorCause::Io(std::io::ErrorKind::PermissionDenied));
/// assert!(err.source().is_none());
/// ```
#[cfg(feature = "std")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FileErrorCause {
    /// The system refused, by kind (not found, permission denied, disk full, ...).
    Io(std::io::ErrorKind),
    /// The bytes were read but are not what was expected.
    Content(Error),
}

#[cfg(feature = "std")]
impl FileError {
    /// A [`FileError`] for a system error met while doing `action` to `path`.
    ///
    /// # Examples
    /// ```
    /// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
    /// let err = ctensor::FileError::io("read", "net.bin", &e);
    /// assert_eq!(err.to_string(), "could not read net.bin: entity not found");
    /// ```
    #[must_use]
    pub fn io(
        action: &'static str,
        path: impl AsRef<std::path::Path>,
        error: &std::io::Error,
    ) -> Self {
        Self {
            action,
            path: path.as_ref().to_path_buf(),
            cause: FileErrorCause::Io(error.kind()),
        }
    }

    /// A [`FileError`] for content of `path` that was rejected with `error`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, FileError};
    /// let err = FileError::content("read", "net.bin", Error::WeightsMagic);
    /// assert!(err.to_string().starts_with("could not read net.bin: not a ctensor weights file"));
    /// ```
    #[must_use]
    pub fn content(action: &'static str, path: impl AsRef<std::path::Path>, error: Error) -> Self {
        Self {
            action,
            path: path.as_ref().to_path_buf(),
            cause: FileErrorCause::Content(error),
        }
    }
}

#[cfg(feature = "std")]
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {} {}: ", self.action, self.path.display())?;
        match &self.cause {
            FileErrorCause::Io(kind) => write!(f, "{kind}"),
            FileErrorCause::Content(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            FileErrorCause::Io(_) => None,
            FileErrorCause::Content(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    /// `Error` owns no heap memory, so `match Net::from_bytes_const(..) { Err(_) => panic!() }`
    /// compiles in a `static` (a destructor cannot run at compile time).
    #[test]
    fn error_needs_no_drop() {
        assert!(!core::mem::needs_drop::<super::Error>());
    }
}

/// An error importing or exporting safetensors (feature `safetensors`): each names the
/// tensor and, where shapes are involved, both shapes (the one expected and the one found).
///
/// It is separate from [`Error`] because it holds the file's own tensor names and shapes,
/// which need the heap.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::ImportOptions;
/// use ctensor::{Dense, ImportError, Relu, Seq};
/// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
/// let mut net = Net::zeros();
/// let file = Seq::<(Dense<2, 4>, Relu<4>, Dense<4, 1>)>::zeros().to_safetensors()?;
/// let err = net.read_safetensors(&file, ImportOptions::new()).unwrap_err();
/// assert!(matches!(&err, ImportError::Shape { tensor, .. } if tensor == "0.weight"));
/// # Ok::<(), ImportError>(())
/// ```
#[cfg(feature = "safetensors")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ImportError {
    /// The bytes are not a safetensors file (the `safetensors` crate's message).
    Format(alloc::string::String),
    /// A tensor the network needs is not in the file.
    Missing {
        /// Its name, e.g. `"2.weight"`.
        tensor: alloc::string::String,
        /// The shape it should have (in the layout asked for; PyTorch's if `Auto`).
        expected: alloc::vec::Vec<usize>,
        /// The names the file has.
        found_names: alloc::vec::Vec<alloc::string::String>,
    },
    /// A tensor of the file that the network does not have.
    Extra {
        /// Its name.
        tensor: alloc::string::String,
        /// Its shape.
        found: alloc::vec::Vec<usize>,
        /// The names the network has.
        expected_names: alloc::vec::Vec<alloc::string::String>,
    },
    /// A tensor of another shape (not even the transpose of the expected one).
    Shape {
        /// Its name.
        tensor: alloc::string::String,
        /// The shape expected (PyTorch's `[out, in]` for a weight when the layout is
        /// `Auto` or `PyTorch`, Keras' `[in, out]` for `Keras`).
        expected: alloc::vec::Vec<usize>,
        /// The shape in the file.
        found: alloc::vec::Vec<usize>,
    },
    /// A weight whose shape matches only transposed in the layout asked for: the file is in
    /// the other layout.
    Transposed {
        /// Its name.
        tensor: alloc::string::String,
        /// The layout asked for, `"PyTorch"` or `"Keras"`.
        layout: &'static str,
        /// The shape expected in that layout.
        expected: alloc::vec::Vec<usize>,
        /// The shape in the file.
        found: alloc::vec::Vec<usize>,
    },
    /// Every weight is square, so no shape tells the layout: it must be given.
    AmbiguousLayout {
        /// The first square weight.
        tensor: alloc::string::String,
        /// Its shape.
        found: alloc::vec::Vec<usize>,
    },
    /// The weights' shapes say different layouts (with `Layout::Auto`).
    LayoutConflict {
        /// A weight in the PyTorch layout.
        pytorch_tensor: alloc::string::String,
        /// Its shape.
        pytorch_shape: alloc::vec::Vec<usize>,
        /// A weight in the Keras layout.
        keras_tensor: alloc::string::String,
        /// Its shape.
        keras_shape: alloc::vec::Vec<usize>,
    },
    /// A tensor whose scalar type is not `F32` or `F64` (nor `F16`/`BF16`).
    Dtype {
        /// Its name.
        tensor: alloc::string::String,
        /// Its scalar type, as safetensors names it (e.g. `"I64"`).
        dtype: alloc::string::String,
        /// Its shape.
        found: alloc::vec::Vec<usize>,
    },
    /// An `F16` or `BF16` tensor, and converting half precision was not asked for
    /// (`ImportOptions::convert_half`).
    HalfPrecision {
        /// Its name.
        tensor: alloc::string::String,
        /// `"F16"` or `"BF16"`.
        dtype: &'static str,
    },
    /// A value that is NaN or infinite, in the file or once converted to the network's
    /// scalar type (an `F64` value beyond `f32`'s range).
    NonFinite {
        /// The tensor's name.
        tensor: alloc::string::String,
        /// The value's index in the file's tensor (row-major, in the file's layout).
        index: usize,
        /// The value as read from the file.
        value: f64,
        /// The scalar type it was converted to, `"f32"` or `"f64"`.
        scalar: &'static str,
    },
    /// A network's weights file was refused (a ctensor format error).
    Weights(Error),
    /// A file could not be read or written.
    #[cfg(feature = "std")]
    File(FileError),
}

#[cfg(feature = "safetensors")]
impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Format(why) => write!(f, "not a safetensors file: {why}"),
            ImportError::Missing {
                tensor,
                expected,
                found_names,
            } => write!(
                f,
                "tensor \"{tensor}\" (shape {expected:?}) is missing from the file; it has \
                 {found_names:?} (names follow PyTorch's nn.Sequential: \"0.weight\", \
                 \"0.bias\", \"2.weight\", ..., with ReLU and dropout layers counted)"
            ),
            ImportError::Extra {
                tensor,
                found,
                expected_names,
            } => write!(
                f,
                "tensor \"{tensor}\" (shape {found:?}) is in the file but not in the network, \
                 which has {expected_names:?}: the file is for another architecture"
            ),
            ImportError::Shape {
                tensor,
                expected,
                found,
            } => write!(
                f,
                "tensor \"{tensor}\" has shape {found:?}, expected {expected:?}: the file is \
                 for another architecture"
            ),
            ImportError::Transposed {
                tensor,
                layout,
                expected,
                found,
            } => {
                let other = if *layout == "PyTorch" {
                    "Keras"
                } else {
                    "PyTorch"
                };
                write!(
                    f,
                    "tensor \"{tensor}\" has shape {found:?}, expected {expected:?} in the \
                     {layout} layout: it matches only transposed, so the file is in the \
                     {other} layout (use Layout::{other})"
                )
            }
            ImportError::AmbiguousLayout { tensor, found } => write!(
                f,
                "tensor \"{tensor}\" is square ({found:?}) and no weight of the file tells \
                 the layout: say which with Layout::PyTorch (weights [out, in], as \
                 nn.Linear stores them) or Layout::Keras (kernels [in, out])"
            ),
            ImportError::LayoutConflict {
                pytorch_tensor,
                pytorch_shape,
                keras_tensor,
                keras_shape,
            } => write!(
                f,
                "the weights disagree on the layout: \"{pytorch_tensor}\" {pytorch_shape:?} is \
                 [out, in] (PyTorch) but \"{keras_tensor}\" {keras_shape:?} is [in, out] \
                 (Keras); write every weight in one layout"
            ),
            ImportError::Dtype {
                tensor,
                dtype,
                found,
            } => write!(
                f,
                "tensor \"{tensor}\" (shape {found:?}) holds {dtype}, expected F32 or F64 \
                 (save the model in float32: model.float())"
            ),
            ImportError::HalfPrecision { tensor, dtype } => write!(
                f,
                "tensor \"{tensor}\" holds {dtype}: converting half precision to the network's \
                 scalar type is exact but must be asked for: \
                 ImportOptions::new().convert_half(true)"
            ),
            ImportError::NonFinite {
                tensor,
                index,
                value,
                scalar,
            } => write!(
                f,
                "tensor \"{tensor}\" holds a NaN or infinite value at index {index} \
                 ({value:e} read, non-finite in {scalar})"
            ),
            ImportError::Weights(e) => write!(f, "{e}"),
            #[cfg(feature = "std")]
            ImportError::File(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "safetensors")]
impl core::error::Error for ImportError {}

#[cfg(feature = "safetensors")]
impl From<Error> for ImportError {
    fn from(e: Error) -> Self {
        ImportError::Weights(e)
    }
}

#[cfg(all(feature = "safetensors", feature = "std"))]
impl From<FileError> for ImportError {
    fn from(e: FileError) -> Self {
        ImportError::File(e)
    }
}
