//! Sizes that stable const generics cannot name in generic code, as `typenum` numbers
//! (feature `typenum`): the job `typenum` and `generic-array` still have next to const
//! generics.
//!
//! With const generics, `[u8; Seq::<L>::BYTE_LEN]` is a type only for a concrete `L`: in
//! code generic over the network it needs `generic_const_exprs`, which stable Rust lacks.
//! (Concrete code does not need this module: `net.to_bytes::<{ Net::BYTE_LEN }>()`, or
//! `write_bytes` into any buffer.) Here every layer's sizes are also `typenum` numbers
//! ([`TypeSizes`]), summed over chains by type-level arithmetic, so that
//! [`SeqSizes::ByteLen`] is a type in generic code: a weights file of any network fits in a
//! [`GenericArray<u8, L::ByteLen>`](generic_array::GenericArray), a field of a generic struct
//! or a return value, with no heap ([`Seq::to_generic_array`](crate::Seq::to_generic_array)).
//!
//! `typenum` maps a const generic `N` to a number only for `N <= 1024` and some larger powers
//! of two (`typenum::U<N>`), so layers wider than that have no [`TypeSizes`]. Users never
//! write `U784`: the numbers are derived from the const generics.
//!
//! [`arrays`] converts [`Matrix`](crate::Matrix) and [`Vector`](crate::Vector) to and from
//! `GenericArray`, for code that speaks `GenericArray`.
//!
//! # Examples
//! ```
//! use ctensor::nn::layer::Forward;
//! use ctensor::typed::SeqSizes;
//! use ctensor::{Dense, Relu, Seq};
//! use generic_array::GenericArray;
//!
//! /// Generic over the network: `[u8; Seq::<L>::BYTE_LEN]` would not compile here.
//! fn weights<L: Forward + SeqSizes>(net: &Seq<L>) -> GenericArray<u8, L::ByteLen> {
//!     net.to_generic_array()
//! }
//!
//! type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
//! let mut net = Net::zeros();
//! net.layers.2.b[0] = 0.5;
//! let file = weights(&net);
//! assert_eq!(file.len(), Net::BYTE_LEN);
//! assert_eq!(Net::from_generic_array(&file)?.logits(&[0.0, 0.0]), [0.5]);
//! # Ok::<(), ctensor::Error>(())
//! ```

pub mod arrays;
mod sizes;

pub use sizes::{ScalarBytes, SeqSizes, TypeSizes};
