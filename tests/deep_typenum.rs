//! Feature `typenum`: network sizes as `typenum` numbers agree with the `const` ones, for
//! small networks and the 19-layer MLPerf autoencoder; weights files in `GenericArray`s
//! round-trip; `Matrix`/`Vector` <-> `GenericArray` conversions keep the layout.
// Uses `to_vec` of the default `std` feature (`alloc`).
#![cfg(all(feature = "typenum", feature = "std"))]

use ctensor::nn::params::Params;
use ctensor::typed::{SeqSizes, TypeSizes};
use ctensor::{Dense, DropoutLayer, Matrix, Relu, Seq, Vector, network};
use generic_array::GenericArray;
use typenum::Unsigned;

network! {
    type Autoencoder = [
        Dense<640, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 8>, Relu<8>, Dense<8, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 640>,
    ];
}

/// The typenum sizes of a network's layers equal its `const` sizes.
fn sizes_agree<L: SeqSizes + ctensor::nn::layer::Forward>() {
    assert_eq!(<L as TypeSizes>::Layers::USIZE, Seq::<L>::LAYERS);
    assert_eq!(<L as TypeSizes>::Params::USIZE, <L as Params>::LEN);
    assert_eq!(<L as SeqSizes>::ByteLen::USIZE, Seq::<L>::BYTE_LEN);
}

/// The layer tuple of a `Seq` type.
trait Layers {
    type L;
}
impl<L: ctensor::nn::layer::Forward> Layers for Seq<L> {
    type L = L;
}

#[test]
fn typenum_sizes_equal_const_sizes() {
    sizes_agree::<(Dense<3, 5>, Relu<5>, DropoutLayer<5>, Dense<5, 2>)>();
    sizes_agree::<(Dense<3, 5, f64>, Relu<5, f64>, Dense<5, 2, f64>)>();
    sizes_agree::<(Dense<1024, 1>,)>();
    sizes_agree::<<Autoencoder as Layers>::L>();
}

#[test]
fn weights_files_round_trip_through_generic_arrays() {
    type Net = Seq<(Dense<3, 5, f64>, Relu<5, f64>, Dense<5, 2, f64>)>;
    let mut net = Net::zeros();
    for i in 0..4 {
        for (j, x) in net.layers.tensor_mut(i).iter_mut().enumerate() {
            *x = (i * 10 + j) as f64 / 7.0;
        }
    }
    let file: GenericArray<u8, _> = net.to_generic_array();
    assert_eq!(file.as_slice(), &net.to_vec()[..]);
    assert_eq!(Net::from_generic_array(&file), Ok(net));
}

#[test]
fn matrices_and_vectors_convert_with_their_layout() {
    let m = Matrix::<3, 4, f64>::from_fn(|r, c| (r * 4 + c) as f64);
    let g = m.to_generic_array();
    assert_eq!(g[2][1], m[(2, 1)]);
    let flat: Vec<f64> = g.iter().flat_map(|row| row.iter().copied()).collect();
    assert_eq!(flat, m.as_flattened());
    assert_eq!(Matrix::from_generic_array(g), m);
    let v = Vector::<5, f32>::from_fn(|i| i as f32);
    assert_eq!(Vector::from_generic_array(v.to_generic_array()), v);
}
