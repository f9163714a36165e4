//! A network's architecture as data: the list of its layers ([`Arch`] of [`LayerSpec`]s), a
//! constant of the network's type ([`Forward::ARCH`](crate::nn::layer::Forward::ARCH)).
//!
//! The weights file records this list in its header, and a loader compares the file's list
//! with its own, layer by layer, so that a file of another architecture is refused with the
//! first layer that differs. Everything here is `const fn`: the compile-time decoder makes
//! the same comparison as the run-time one.

use core::fmt;

/// The most layers (of every kind, ReLU included) a network may have. A network with more
/// does not compile (its [`Arch`] constant fails to evaluate).
///
/// # Examples
/// ```
/// assert_eq!(ctensor::nn::arch::MAX_LAYERS, 64);
/// ```
pub const MAX_LAYERS: usize = 64;

/// What a layer computes; recorded in a weights file as a `u32` ([`LayerKind::code`]).
///
/// # Examples
/// ```
/// use ctensor::nn::arch::LayerKind;
/// assert_eq!(LayerKind::from_code(1), LayerKind::Dense);
/// assert_eq!(LayerKind::from_code(LayerKind::Relu.code()), LayerKind::Relu);
/// assert_eq!(LayerKind::from_code(200), LayerKind::Unknown(200));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LayerKind {
    /// [`Dense`](crate::Dense): `y = x W + b` (code 1).
    Dense,
    /// [`Relu`](crate::Relu): `y = max(x, 0)` (code 2).
    Relu,
    /// [`DropoutLayer`](crate::DropoutLayer): identity at inference (code 3).
    Dropout,
    /// [`QDense`](crate::quant::QDense): an int8 dense layer (code 4).
    DenseI8,
    /// [`QRelu`](crate::quant::QRelu): an int8 ReLU (code 5).
    ReluI8,
    /// [`QDropout`](crate::quant::QDropout): an int8 dropout layer, identity (code 6).
    DropoutI8,
    /// A code this build does not know (read from a file).
    Unknown(u32),
}

impl LayerKind {
    /// The number that stands for this kind in a weights file.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::nn::arch::LayerKind::Dropout.code(), 3);
    /// ```
    #[must_use]
    pub const fn code(self) -> u32 {
        match self {
            LayerKind::Dense => 1,
            LayerKind::Relu => 2,
            LayerKind::Dropout => 3,
            LayerKind::DenseI8 => 4,
            LayerKind::ReluI8 => 5,
            LayerKind::DropoutI8 => 6,
            LayerKind::Unknown(code) => code,
        }
    }

    /// The kind a weights file's number stands for.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::LayerKind;
    /// assert_eq!(LayerKind::from_code(2), LayerKind::Relu);
    /// ```
    #[must_use]
    pub const fn from_code(code: u32) -> Self {
        match code {
            1 => LayerKind::Dense,
            2 => LayerKind::Relu,
            3 => LayerKind::Dropout,
            4 => LayerKind::DenseI8,
            5 => LayerKind::ReluI8,
            6 => LayerKind::DropoutI8,
            other => LayerKind::Unknown(other),
        }
    }
}

/// One layer of an architecture: its kind and its input and output widths.
///
/// Its `Display` is the layer's type as written in Rust: `Dense<128, 8>`, `Relu<8>`.
///
/// # Examples
/// ```
/// use ctensor::nn::arch::{LayerKind, LayerSpec};
/// let spec = LayerSpec::new(LayerKind::Dense, 128, 8);
/// assert_eq!(spec.to_string(), "Dense<128, 8>");
/// assert_eq!(LayerSpec::new(LayerKind::Relu, 8, 8).to_string(), "Relu<8>");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LayerSpec {
    /// What the layer computes.
    pub kind: LayerKind,
    /// Input width.
    pub inputs: u32,
    /// Output width.
    pub outputs: u32,
}

impl LayerSpec {
    /// A layer spec.
    ///
    /// # Panics
    /// If a width does not fit in a `u32` (the weights format's field). In the `ARCH`
    /// constant of a layer type, where it is used, that is a compile error.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{LayerKind, LayerSpec};
    /// const S: LayerSpec = LayerSpec::new(LayerKind::Dense, 64, 32);
    /// assert_eq!((S.inputs, S.outputs), (64, 32));
    /// ```
    #[must_use]
    pub const fn new(kind: LayerKind, inputs: usize, outputs: usize) -> Self {
        assert!(
            inputs <= u32::MAX as usize && outputs <= u32::MAX as usize,
            "a layer width does not fit in the weights format's u32"
        );
        Self {
            kind,
            inputs: inputs as u32,
            outputs: outputs as u32,
        }
    }

    /// Whether two specs are the same layer (`==` in a `const fn`).
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{LayerKind, LayerSpec};
    /// let a = LayerSpec::new(LayerKind::Relu, 4, 4);
    /// assert!(a.same(&a) && !a.same(&LayerSpec::new(LayerKind::Relu, 5, 5)));
    /// ```
    #[must_use]
    pub const fn same(&self, other: &LayerSpec) -> bool {
        self.kind.code() == other.kind.code()
            && self.inputs == other.inputs
            && self.outputs == other.outputs
    }
}

impl LayerSpec {
    /// The parameter tensors of this layer, in file order: their names and lengths (a dense
    /// layer has `"weight"`, `inputs * outputs`, and `"bias"`, `outputs`; the others none).
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{LayerKind, LayerSpec};
    /// let dense = LayerSpec::new(LayerKind::Dense, 3, 2);
    /// assert_eq!(dense.tensors(), [("weight", 6), ("bias", 2)]);
    /// assert_eq!(LayerSpec::new(LayerKind::Relu, 3, 3).tensors(), [("", 0), ("", 0)]);
    /// ```
    #[must_use]
    pub const fn tensors(&self) -> [(&'static str, usize); 2] {
        match self.kind {
            LayerKind::Dense => {
                let (i, o) = (self.inputs as usize, self.outputs as usize);
                [("weight", i * o), ("bias", o)]
            }
            _ => [("", 0), ("", 0)],
        }
    }
}

impl fmt::Display for LayerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, o) = (self.inputs, self.outputs);
        let name = match self.kind {
            LayerKind::Dense => return write!(f, "Dense<{i}, {o}>"),
            LayerKind::DenseI8 => return write!(f, "QDense<{i}, {o}>"),
            LayerKind::Relu => "Relu",
            LayerKind::ReluI8 => "QRelu",
            LayerKind::DropoutI8 => "QDropout",
            LayerKind::Dropout => "DropoutLayer",
            LayerKind::Unknown(code) => {
                return write!(f, "an unknown layer (kind {code}, {i} inputs, {o} outputs)");
            }
        };
        if i == o {
            write!(f, "{name}<{i}>")
        } else {
            write!(f, "{name} with {i} inputs and {o} outputs")
        }
    }
}

/// The layer list of a network, in order (at most [`MAX_LAYERS`]); a constant of every
/// layer type ([`Forward::ARCH`](crate::nn::layer::Forward::ARCH)), concatenated by chains.
///
/// # Examples
/// ```
/// use ctensor::nn::layer::Forward;
/// use ctensor::{Dense, Relu};
/// type Net = (Dense<4, 8>, Relu<8>, Dense<8, 2>);
/// assert_eq!(Net::ARCH.len(), 3);
/// assert_eq!(Net::ARCH.get(2).map(|s| s.to_string()).as_deref(), Some("Dense<8, 2>"));
/// assert_eq!(Net::ARCH.to_string(), "Dense<4, 8>, Relu<8>, Dense<8, 2>");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Arch {
    len: usize,
    layers: [LayerSpec; MAX_LAYERS],
}

impl Arch {
    /// No layers.
    pub const EMPTY: Arch = Arch {
        len: 0,
        layers: [LayerSpec {
            kind: LayerKind::Unknown(0),
            inputs: 0,
            outputs: 0,
        }; MAX_LAYERS],
    };

    /// A single layer.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{Arch, LayerKind, LayerSpec};
    /// const A: Arch = Arch::one(LayerSpec::new(LayerKind::Relu, 3, 3));
    /// assert_eq!(A.len(), 1);
    /// ```
    #[must_use]
    pub const fn one(spec: LayerSpec) -> Arch {
        let mut arch = Self::EMPTY;
        arch.layers[0] = spec;
        arch.len = 1;
        arch
    }

    /// This list followed by `next`'s layers.
    ///
    /// # Panics
    /// If the result would have more than [`MAX_LAYERS`] layers: in a layer type's `ARCH`
    /// constant, a compile error.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{Arch, LayerKind, LayerSpec};
    /// const A: Arch = Arch::one(LayerSpec::new(LayerKind::Dense, 3, 2))
    ///     .then(&Arch::one(LayerSpec::new(LayerKind::Relu, 2, 2)));
    /// assert_eq!(A.len(), 2);
    /// ```
    #[must_use]
    pub const fn then(mut self, next: &Arch) -> Arch {
        assert!(
            self.len + next.len <= MAX_LAYERS,
            "a network may have at most ctensor::nn::arch::MAX_LAYERS layers"
        );
        let mut i = 0;
        while i < next.len {
            self.layers[self.len + i] = next.layers[i];
            i += 1;
        }
        self.len += next.len;
        self
    }

    /// The number of layers.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::nn::arch::Arch::EMPTY.len(), 0);
    /// ```
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// `true` for no layers.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::nn::arch::Arch::EMPTY.is_empty());
    /// ```
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Layer `i`, if there is one.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{Arch, LayerKind, LayerSpec};
    /// let spec = LayerSpec::new(LayerKind::Relu, 3, 3);
    /// assert_eq!(Arch::one(spec).get(0), Some(spec));
    /// assert_eq!(Arch::one(spec).get(1), None);
    /// ```
    #[must_use]
    pub const fn get(&self, i: usize) -> Option<LayerSpec> {
        if i < self.len {
            Some(self.layers[i])
        } else {
            None
        }
    }

    /// The layers as a slice.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::{Arch, LayerKind, LayerSpec};
    /// let spec = LayerSpec::new(LayerKind::Dropout, 3, 3);
    /// assert_eq!(Arch::one(spec).as_slice(), &[spec]);
    /// ```
    #[must_use]
    pub const fn as_slice(&self) -> &[LayerSpec] {
        self.layers.split_at(self.len).0
    }

    /// The number of parameters (scalars) of all layers.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Forward;
    /// type Net = (ctensor::Dense<4, 8>, ctensor::Relu<8>, ctensor::Dense<8, 2>);
    /// assert_eq!(Net::ARCH.param_len(), 4 * 8 + 8 + 8 * 2 + 2);
    /// ```
    #[must_use]
    pub const fn param_len(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.len {
            let [(_, a), (_, b)] = self.layers[i].tensors();
            n += a + b;
            i += 1;
        }
        n
    }

    /// How many layers of `kind` there are.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::arch::LayerKind;
    /// use ctensor::nn::layer::Forward;
    /// type Net = (ctensor::Dense<4, 8>, ctensor::Relu<8>, ctensor::Dense<8, 2>);
    /// assert_eq!(Net::ARCH.count(LayerKind::Dense), 2);
    /// ```
    #[must_use]
    pub const fn count(&self, kind: LayerKind) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.len {
            if self.layers[i].kind.code() == kind.code() {
                n += 1;
            }
            i += 1;
        }
        n
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, spec) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{spec}")?;
        }
        Ok(())
    }
}
