//! Neural-network pieces: activations, losses, initialization, dropout, the [`Mlp`](crate::Mlp),
//! its optimizers and [learning-rate schedules](schedule); layers ([`layer`], [`layers`],
//! [`chain`]) and the networks of any depth made of them ([`Seq`](crate::Seq)).
//!
//! # Examples
//! ```
//! use ctensor::nn::params::Params;
//! use ctensor::{Dense, Label, Relu, Seq};
//! use rand::SeedableRng;
//! // Two hidden layers (a depth the `Mlp` does not have); the widths are checked when it compiles.
//! type Layers = (Dense<4, 8>, Relu<8>, Dense<8, 8>, Relu<8>, Dense<8, 3>);
//! let net = Seq::<Layers>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
//! assert_eq!(Layers::LEN, 4 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3);
//! let x = [0.5, -1.0, 2.0, 0.0];
//! let p = net.probabilities(&x); // the softmax of the logits
//! assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
//! assert_eq!(net.classify(&x)?, Label::argmax(&p)?);
//! # Ok::<(), ctensor::Error>(())
//! ```

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
