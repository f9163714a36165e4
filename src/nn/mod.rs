//! Neural-network pieces: activations, losses, initialization, dropout, the [`Mlp`](crate::Mlp),
//! its optimizers and [learning-rate schedules](schedule); layers ([`layer`], [`layers`],
//! [`chain`]) and the networks of any depth made of them ([`Seq`](crate::Seq)).

pub mod activation;
pub mod arch;
pub mod chain;
pub mod dropout;
pub mod init;
pub mod layer;
pub mod layers;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod params;
pub mod schedule;
pub mod seq;
