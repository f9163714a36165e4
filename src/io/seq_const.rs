//! Compile-time decoding of [`Seq`](crate::Seq) weights files, so that a network of any
//! depth can be a `static` in flash: [`seq_from_bytes_const!`](crate::seq_from_bytes_const).
//!
//! Trait methods cannot be `const fn`, so there is no generic const decoder: each layer
//! type has an inherent `const fn read_le_const` (one per scalar type for [`Dense`], which
//! reads floats), and the macro chains them in the order of the layer list, after the
//! checks of [`Seq::validate_bytes_const`](crate::Seq::validate_bytes_const) (generic: it
//! only reads associated constants).

use crate::nn::layers::{Dense, DropoutLayer, Relu};
use crate::{Matrix, Vector};

/// A `const fn` reader of a dense layer's parameters for one concrete scalar type.
macro_rules! dense_const_decoder {
    ($t:ident) => {
        impl<const I: usize, const O: usize> Dense<I, O, $t> {
            #[doc = concat!(
                "Reads this layer's parameters (`W` row-major, then `b`, little-endian `",
                stringify!($t), "`) from `bytes` at `*at`, advancing `*at`: a step of ",
                "[`seq_from_bytes_const!`](crate::seq_from_bytes_const), after the file's ",
                "checks. At run time, prefer [`Seq::read_bytes`](crate::Seq::read_bytes) (this ",
                "returns the layer by value, on the stack).\n\n",
                "# Panics\n",
                "If `bytes` ends before the layer's parameters do (at compile time, an error).\n\n",
                "# Examples\n",
                "```\n",
                "let mut bytes = Vec::new();\n",
                "for x in [1.0", stringify!($t), ", 2.0, 3.0, 4.0] {\n",
                "    bytes.extend(x.to_le_bytes());\n",
                "}\n",
                "let mut at = 0;\n",
                "let layer = ctensor::Dense::<1, 2, ", stringify!($t), ">::read_le_const(&bytes, &mut at);\n",
                "assert_eq!((layer.w[(0, 1)], layer.b[0], at), (2.0, 3.0, bytes.len()));\n",
                "```"
            )]
            #[must_use]
            pub const fn read_le_const(bytes: &[u8], at: &mut usize) -> Self {
                const SIZE: usize = core::mem::size_of::<$t>();
                const fn read(bytes: &[u8], at: &mut usize) -> $t {
                    let mut raw = [0u8; SIZE];
                    let mut i = 0;
                    while i < SIZE {
                        raw[i] = bytes[*at + i];
                        i += 1;
                    }
                    *at += SIZE;
                    <$t>::from_le_bytes(raw)
                }
                let mut w = [[0.0; O]; I];
                let mut i = 0;
                while i < I {
                    let mut j = 0;
                    while j < O {
                        w[i][j] = read(bytes, at);
                        j += 1;
                    }
                    i += 1;
                }
                let mut b = [0.0; O];
                let mut j = 0;
                while j < O {
                    b[j] = read(bytes, at);
                    j += 1;
                }
                Self::from_parts(Matrix::from_array(w), Vector::from_array(b))
            }
        }
    };
}
dense_const_decoder!(f32);
dense_const_decoder!(f64);

impl<const N: usize, T> Relu<N, T> {
    /// The layer (it has no parameters to read): a step of
    /// [`seq_from_bytes_const!`](crate::seq_from_bytes_const).
    ///
    /// # Examples
    /// ```
    /// let mut at = 7;
    /// let _ = ctensor::Relu::<4>::read_le_const(&[], &mut at);
    /// assert_eq!(at, 7);
    /// ```
    #[must_use]
    pub const fn read_le_const(_: &[u8], _: &mut usize) -> Self {
        Self::new()
    }
}

impl<const N: usize, T> DropoutLayer<N, T> {
    /// The layer (it has no parameters to read): a step of
    /// [`seq_from_bytes_const!`](crate::seq_from_bytes_const).
    ///
    /// # Examples
    /// ```
    /// let mut at = 7;
    /// let _ = ctensor::DropoutLayer::<4>::read_le_const(&[], &mut at);
    /// assert_eq!(at, 7);
    /// ```
    #[must_use]
    pub const fn read_le_const(_: &[u8], _: &mut usize) -> Self {
        Self::new()
    }
}

/// Decodes a weights file into a [`Seq`](crate::Seq) in a `const` context, e.g. a `static`
/// in flash built from `include_bytes!`, with no copy in RAM and no parsing code in the
/// firmware.
///
/// `seq_from_bytes_const!(BYTES => [layers..])` takes the flat layer list as
/// [`network!`](crate::network) does (and nests it the same way) and evaluates to
/// `Result<Seq<..>, Error>`, after the checks of [`Seq::validate_bytes`](crate::Seq::validate_bytes)
/// (the same code, the same errors). In a `static`, turn an `Err` into a compile error with
/// `panic!`.
///
/// # Examples
/// ```
/// use ctensor::{Dense, Relu, Seq, network, seq_from_bytes_const};
/// network! { type Net = [Dense<2, 3>, Relu<3>, Dense<3, 1>]; }
/// # // A valid file with every parameter 0.25, made in a `const fn`.
/// # const fn file() -> [u8; Net::BYTE_LEN] {
/// #     let mut f = [0u8; Net::BYTE_LEN];
/// #     let head = *b"CTNS\x02\x00\x01\x00\x03\0\0\0";
/// #     let records: [u32; 9] = [1, 2, 3, 2, 3, 3, 1, 3, 1];
/// #     let mut i = 0;
/// #     while i < 12 { f[i] = head[i]; i += 1; }
/// #     let mut r = 0;
/// #     while r < 9 {
/// #         let b = records[r].to_le_bytes();
/// #         let mut k = 0;
/// #         while k < 4 { f[12 + 4 * r + k] = b[k]; k += 1; }
/// #         r += 1;
/// #     }
/// #     let v = 0.25f32.to_le_bytes();
/// #     let mut at = 48;
/// #     while at < Net::BYTE_LEN - 4 { f[at] = v[(at - 48) % 4]; at += 1; }
/// #     let crc = ctensor::io::crc32(f.split_at(Net::BYTE_LEN - 4).0).to_le_bytes();
/// #     let mut i = 0;
/// #     while i < 4 { f[Net::BYTE_LEN - 4 + i] = crc[i]; i += 1; }
/// #     f
/// # }
/// // In firmware: `const FILE: &[u8] = include_bytes!("net.bin");`
/// const FILE: [u8; Net::BYTE_LEN] = file();
/// static NET: Net = match seq_from_bytes_const!(&FILE => [Dense<2, 3>, Relu<3>, Dense<3, 1>]) {
///     Ok(net) => net,
///     Err(_) => panic!("bad weights file"), // a compile error, never a run-time panic
/// };
/// assert_eq!(NET.layers.2.b[0], 0.25);
/// assert_eq!(Net::from_bytes(&FILE)?, NET);
/// const WRONG: Result<Seq<(Dense<2, 4>, Relu<4>, Dense<4, 1>)>, ctensor::Error> =
///     seq_from_bytes_const!(&FILE => [Dense<2, 4>, Relu<4>, Dense<4, 1>]);
/// assert!(matches!(WRONG, Err(ctensor::Error::WeightsLayer { layer: 0, .. })));
/// # Ok::<(), ctensor::Error>(())
/// ```
#[macro_export]
macro_rules! seq_from_bytes_const {
    ($bytes:expr => [$($layer:ty),+ $(,)?]) => {{
        type Net = $crate::Seq<$crate::__layer_tuple!($($layer),+)>;
        const fn decode(bytes: &[u8]) -> ::core::result::Result<Net, $crate::Error> {
            match Net::validate_bytes_const(bytes) {
                ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                ::core::result::Result::Ok(start) => {
                    let mut at = start;
                    ::core::result::Result::Ok($crate::Seq::new(
                        $crate::__layer_values!([bytes, at]; $($layer),+)
                    ))
                }
            }
        }
        decode($bytes)
    }};
}
