//! Neural-network pieces: activations, losses, initialization, dropout, the [`Mlp`](crate::Mlp)
//! and its optimizers.

pub mod activation;
pub mod dropout;
pub mod init;
pub mod loss;
pub mod mlp;
pub mod optim;
