//! Neural-network pieces: activations, losses, initialization, dropout, the [`Mlp`](crate::Mlp)
//! its optimizers and [learning-rate schedules](schedule).

pub mod activation;
pub mod dropout;
pub mod init;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod schedule;
