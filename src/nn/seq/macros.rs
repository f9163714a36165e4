//! [`network!`](crate::network): a [`Seq`](crate::Seq) type from a flat list of layers, with
//! a check per pair of neighbouring layers (so that a width mismatch is reported at the
//! layer that does not fit), nesting lists longer than 8 into chains of at most 8.

/// Defines a [`Seq`](crate::Seq) type from a flat list of layers.
///
/// ```text
/// network! { pub type Net = [Dense<64, 32>, Relu<32>, Dense<32, 10>]; }
/// // is `pub type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>;`, plus a compile-time
/// // check that each layer's input width is the previous layer's output width.
/// ```
///
/// A list of more than 8 layers (at most 64) becomes a tuple of chains of 8: 19 layers are
/// `Seq<((8 layers), (8 layers), (3 layers))>`. Layer numbers (in errors and parameter names)
/// are the positions in the flat list.
///
/// A layer that does not fit is a compile error at that layer, e.g. for
/// `[Dense<64, 32>, Relu<32>, Dense<16, 10>]`:
/// ```text
/// error[E0271]: type mismatch resolving `<Dense<16, 10> as Forward>::In == [f32; 32]`
///   |     pub type Net = [Dense<64, 32>, Relu<32>, Dense<16, 10>];
///   |                                              ^^^^^^^^^^^^^ expected an array with a
///   |                                                 size of 32, found one with a size of 16
/// ```
///
/// # Examples
/// ```
/// use ctensor::{Dense, Relu, network};
/// network! {
///     /// The MLPerf Tiny anomaly-detection autoencoder.
///     pub type Autoencoder = [
///         Dense<640, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
///         Dense<128, 128>, Relu<128>, Dense<128, 8>, Relu<8>, Dense<8, 128>, Relu<128>,
///         Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
///         Dense<128, 640>,
///     ];
/// }
/// assert_eq!(Autoencoder::LAYERS, 19);
/// // Layer 16, the first of the third chain.
/// fn layer_16(net: &Autoencoder) -> &Dense<128, 128> {
///     &net.layers.2.0
/// }
/// ```
/// ```compile_fail,E0271
/// use ctensor::{Dense, Relu, network};
/// network! { type Net = [Dense<64, 32>, Relu<32>, Dense<16, 10>]; }
/// ```
#[macro_export]
macro_rules! network {
    ($(#[$attr:meta])* $vis:vis type $name:ident = [$($layer:ty),+ $(,)?];) => {
        $(#[$attr])*
        $vis type $name = $crate::Seq<$crate::__layer_tuple!($($layer),+)>;
        const _: () = {
            $crate::__assert_neighbours!($($layer),+);
        };
    };
}

/// The chain type of a flat list of layers: a tuple if at most 8, else a tuple of tuples of
/// 8 (at most 8 of them).
#[doc(hidden)]
#[macro_export]
macro_rules! __layer_tuple {
    ($a:ty, $b:ty, $c:ty, $d:ty, $e:ty, $f:ty, $g:ty, $h:ty, $($rest:ty),+) => {
        $crate::__layer_tuple!(@chunks [] $a, $b, $c, $d, $e, $f, $g, $h, $($rest),+)
    };
    ($($layer:ty),+) => { ($($layer,)+) };
    (@chunks [$($done:tt)*] $a:ty, $b:ty, $c:ty, $d:ty, $e:ty, $f:ty, $g:ty, $h:ty, $($rest:ty),+) => {
        $crate::__layer_tuple!(@chunks [$($done)* ($a, $b, $c, $d, $e, $f, $g, $h),] $($rest),+)
    };
    (@chunks [$($done:tt)*] $($rest:ty),+) => { ($($done)* ($($rest,)+),) };
}

/// The layers of a flat list read from `bytes` at `at` (`read_le_const`), nested as
/// [`__layer_tuple!`] nests their types.
#[doc(hidden)]
#[macro_export]
macro_rules! __layer_values {
    ([$b:ident, $at:ident]; $a:ty, $c:ty, $d:ty, $e:ty, $f:ty, $g:ty, $h:ty, $i:ty, $($rest:ty),+) => {
        $crate::__layer_values!(@chunks [$b, $at] [] $a, $c, $d, $e, $f, $g, $h, $i, $($rest),+)
    };
    ([$b:ident, $at:ident]; $($layer:ty),+) => { ($(<$layer>::read_le_const($b, &mut $at),)+) };
    (@chunks [$b:ident, $at:ident] [$($done:tt)*] $a:ty, $c:ty, $d:ty, $e:ty, $f:ty, $g:ty, $h:ty, $i:ty, $($rest:ty),+) => {
        $crate::__layer_values!(@chunks [$b, $at] [$($done)* (
            <$a>::read_le_const($b, &mut $at), <$c>::read_le_const($b, &mut $at),
            <$d>::read_le_const($b, &mut $at), <$e>::read_le_const($b, &mut $at),
            <$f>::read_le_const($b, &mut $at), <$g>::read_le_const($b, &mut $at),
            <$h>::read_le_const($b, &mut $at), <$i>::read_le_const($b, &mut $at),
        ),] $($rest),+)
    };
    (@chunks [$b:ident, $at:ident] [$($done:tt)*] $($rest:ty),+) => {
        ($($done)* ($(<$rest>::read_le_const($b, &mut $at),)+),)
    };
}

/// One `assert_follows::<A, B>()` per pair of neighbours.
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_neighbours {
    ($a:ty) => {};
    ($a:ty, $b:ty $(, $rest:ty)*) => {
        $crate::nn::chain::assert_follows::<$a, $b>();
        $crate::__assert_neighbours!($b $(, $rest)*);
    };
}
