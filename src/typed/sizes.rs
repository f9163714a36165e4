//! [`TypeSizes`] of layers and chains, [`SeqSizes`] of networks, and
//! [`Seq::to_generic_array`].

use core::ops::{Add, Mul};

use generic_array::{ArrayLength, GenericArray};
use typenum::{Const, Prod, Sum, ToUInt, U, U0, U1, U4, U8, U12, U16, Unsigned};

use crate::nn::layer::{Forward, Zeros};
use crate::nn::layers::{Dense, DropoutLayer, Relu};
use crate::nn::params::Params;
use crate::{Result, Scalar, Seq};

/// A layer's (or chain's) number of layers and of parameters as `typenum` numbers: the
/// type-level twins of `Forward::ARCH.len()` and `Params::LEN`.
///
/// # Examples
/// ```
/// use ctensor::typed::TypeSizes;
/// use ctensor::{Dense, Relu};
/// use typenum::Unsigned;
/// type Net = (Dense<64, 32>, Relu<32>, Dense<32, 10>);
/// assert_eq!(<Net as TypeSizes>::Layers::USIZE, 3);
/// assert_eq!(<Net as TypeSizes>::Params::USIZE, 64 * 32 + 32 + 32 * 10 + 10);
/// ```
pub trait TypeSizes {
    /// The number of layers.
    type Layers: Unsigned;
    /// The number of parameters.
    type Params: Unsigned;
}

impl<const I: usize, const O: usize, T> TypeSizes for Dense<I, O, T>
where
    Const<I>: ToUInt,
    Const<O>: ToUInt,
    U<I>: Mul<U<O>>,
    Prod<U<I>, U<O>>: Add<U<O>>,
    Sum<Prod<U<I>, U<O>>, U<O>>: Unsigned,
{
    type Layers = U1;
    type Params = Sum<Prod<U<I>, U<O>>, U<O>>;
}

impl<const N: usize, T> TypeSizes for Relu<N, T> {
    type Layers = U1;
    type Params = U0;
}

impl<const N: usize, T> TypeSizes for DropoutLayer<N, T> {
    type Layers = U1;
    type Params = U0;
}

impl<A: TypeSizes> TypeSizes for (A,) {
    type Layers = A::Layers;
    type Params = A::Params;
}

/// A tuple's sizes: its first layer's plus those of the tuple of the others.
macro_rules! tuple_sizes {
    ($A:ident, $($R:ident),+) => {
        impl<$A: TypeSizes, $($R),+> TypeSizes for ($A, $($R,)+)
        where
            ($($R,)+): TypeSizes,
            $A::Layers: Add<<($($R,)+) as TypeSizes>::Layers>,
            $A::Params: Add<<($($R,)+) as TypeSizes>::Params>,
            Sum<$A::Layers, <($($R,)+) as TypeSizes>::Layers>: Unsigned,
            Sum<$A::Params, <($($R,)+) as TypeSizes>::Params>: Unsigned,
        {
            type Layers = Sum<$A::Layers, <($($R,)+) as TypeSizes>::Layers>;
            type Params = Sum<$A::Params, <($($R,)+) as TypeSizes>::Params>;
        }
    };
}
tuple_sizes!(L0, L1);
tuple_sizes!(L0, L1, L2);
tuple_sizes!(L0, L1, L2, L3);
tuple_sizes!(L0, L1, L2, L3, L4);
tuple_sizes!(L0, L1, L2, L3, L4, L5);
tuple_sizes!(L0, L1, L2, L3, L4, L5, L6);
tuple_sizes!(L0, L1, L2, L3, L4, L5, L6, L7);

/// Bytes per scalar as a `typenum` number.
///
/// # Examples
/// ```
/// use typenum::Unsigned;
/// assert_eq!(<f64 as ctensor::typed::ScalarBytes>::Bytes::USIZE, 8);
/// ```
pub trait ScalarBytes: Scalar {
    /// `size_of::<Self>()`.
    type Bytes: Unsigned;
}

impl ScalarBytes for f32 {
    type Bytes = U4;
}

impl ScalarBytes for f64 {
    type Bytes = U8;
}

/// `16 + 12 layers + bytes * params`: [`Seq::BYTE_LEN`](crate::Seq::BYTE_LEN) as a type.
type ByteLenOf<L> = Sum<
    Sum<U16, Prod<U12, <L as TypeSizes>::Layers>>,
    Prod<<<L as Params>::Scalar as ScalarBytes>::Bytes, <L as TypeSizes>::Params>,
>;

/// The sizes of a network's layers `L` as `typenum` numbers, usable in generic code:
/// implemented for every chain with [`TypeSizes`] and a scalar type with [`ScalarBytes`].
///
/// # Examples
/// ```
/// use ctensor::typed::SeqSizes;
/// use ctensor::{Seq, nn::layer::Forward, nn::params::Params};
/// use generic_array::GenericArray;
///
/// /// The last good weights of a network, kept in place: generic over the network, with no
/// /// heap (a `[u8; Seq::<L>::BYTE_LEN]` field would not compile here).
/// struct Checkpoint<L: SeqSizes + Forward + Params> {
///     bytes: GenericArray<u8, L::ByteLen>,
/// }
///
/// impl<L: SeqSizes + Forward + Params> Checkpoint<L> {
///     fn save(&mut self, net: &Seq<L>) {
///         self.bytes = net.to_generic_array();
///     }
/// }
///
/// type Layers = (ctensor::Dense<4, 8>, ctensor::Relu<8>, ctensor::Dense<8, 2>);
/// let mut cp = Checkpoint::<Layers> { bytes: GenericArray::default() };
/// cp.save(&Seq::zeros());
/// assert_eq!(cp.bytes.len(), Seq::<Layers>::BYTE_LEN);
/// ```
pub trait SeqSizes: TypeSizes + Params {
    /// The length of the weights file, [`Seq::BYTE_LEN`](crate::Seq::BYTE_LEN).
    type ByteLen: ArrayLength;
}

impl<L> SeqSizes for L
where
    L: TypeSizes + Params,
    L::Scalar: ScalarBytes,
    U12: Mul<L::Layers>,
    U16: Add<Prod<U12, L::Layers>>,
    <L::Scalar as ScalarBytes>::Bytes: Mul<L::Params>,
    Sum<U16, Prod<U12, L::Layers>>: Add<Prod<<L::Scalar as ScalarBytes>::Bytes, L::Params>>,
    ByteLenOf<L>: ArrayLength,
{
    type ByteLen = ByteLenOf<L>;
}

impl<L: Forward + SeqSizes> Seq<L> {
    /// The weights file (version 2, parameters written as they are) in a `GenericArray`
    /// whose length is a type in generic code ([`SeqSizes::ByteLen`]); no heap. It is
    /// returned by value: for large networks, build the array where it lives and use
    /// [`Seq::write_bytes`] into it.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let mut net = Net::zeros();
    /// net.layers.2.b[0] = 2.5;
    /// let file = net.to_generic_array();
    /// assert_eq!(file.as_slice(), &net.to_vec()[..]);
    /// assert_eq!(Net::from_generic_array(&file)?, net);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn to_generic_array(&self) -> GenericArray<u8, L::ByteLen> {
        const {
            assert!(
                <L::ByteLen as Unsigned>::USIZE == Self::BYTE_LEN,
                "the typenum byte length disagrees with Seq::BYTE_LEN"
            );
        };
        let mut out = GenericArray::default();
        self.write_bytes_unchecked(&mut out);
        out
    }

    /// A network from a weights file in a `GenericArray` of [`SeqSizes::ByteLen`] bytes.
    ///
    /// # Errors
    /// As [`Seq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let mut file = Net::zeros().to_generic_array();
    /// file[20] ^= 1;
    /// assert!(Net::from_generic_array(&file).is_err());
    /// ```
    pub fn from_generic_array(bytes: &GenericArray<u8, L::ByteLen>) -> Result<Self>
    where
        L: Zeros,
    {
        let mut net = Self::zeros();
        net.read_bytes(bytes)?;
        Ok(net)
    }
}
