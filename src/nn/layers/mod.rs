//! The layer types: [`Dense`] (the only one with parameters), [`Relu`] and
//! [`DropoutLayer`]. The output activations (softmax, sigmoid) belong to the losses, as for
//! [`Mlp`](crate::Mlp).

mod dense;
mod dropout;
mod relu;

pub use dense::Dense;
pub use dropout::DropoutLayer;
pub use relu::Relu;
