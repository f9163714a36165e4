//! The layer types: [`Dense`] (the only one with parameters), [`Relu`] and
//! [`DropoutLayer`]. The output activations (softmax, sigmoid) belong to the losses, as for
//! [`Mlp`](crate::Mlp).
//!
//! # Examples
//! ```
//! use ctensor::nn::params::Params;
//! use ctensor::{Dense, DropoutLayer, Matrix, Relu, Seq, Vector};
//! let w = Matrix::from_array([[1.0, -1.0], [1.0, 1.0]]);
//! let dense = Dense::<2, 2>::from_parts(w, Vector::from_array([0.0, 0.5]));
//! let net = Seq::new((dense, Relu::<2>::new(), DropoutLayer::<2>::new()));
//! assert_eq!(net.logits(&[2.0, 1.0]), [3.0, 0.0]); // relu([3, -0.5]); no dropout at inference
//! assert_eq!(<(Dense<2, 2>, Relu<2>, DropoutLayer<2>)>::LEN, 2 * 2 + 2); // only `Dense` has parameters
//! ```

mod dense;
mod dropout;
mod relu;

pub use dense::Dense;
pub use dropout::DropoutLayer;
pub use relu::Relu;
