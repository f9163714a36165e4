//! # ctensor
//!
//! Compile-time-shaped tensors and a small multilayer perceptron, for firmware (no heap, no
//! `std`) and for Rust programs that want the compiler to check every shape.
//!
//! ```
//! use ctensor::rand::{SeedableRng, rngs::StdRng}; // the `rand` (0.10) ctensor is built with
//! use ctensor::{Adam, Batch, Label, Loss, Matrix, Mlp, Targets, TrainConfig, Workspace};
//!
//! let mut rng = StdRng::seed_from_u64(42);
//! let mut net = Mlp::<2, 16, 2>::glorot(&mut rng); // 2 inputs, 16 ReLU units, 2 classes
//! // XOR, one batch of 4.
//! let x = Matrix::from_array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]);
//! let y = [0, 1, 1, 0].map(|c| Label::<2>::new(c).unwrap());
//! let batch = Batch::new(&x, Targets::Classes(&y))?;
//! let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
//! let mut adam = Adam::new(0.05)?;
//! let mut ws = Workspace::zeros();
//! for _ in 0..300 {
//!     net.train_step(&batch, &cfg, &mut ws, &mut adam, &mut rng)?;
//! }
//! for (xi, yi) in x.rows().zip(y) {
//!     assert_eq!(net.classify(xi)?, yi);
//! }
//! # Ok::<(), ctensor::Error>(())
//! ```
//!
//! ## Where things live
//! - [`Matrix`], [`Vector`] (`tensor`): const-generic, row-major arrays; `const fn`
//!   constructors so weights can live in a `static`.
//! - [`kernels`]: the three products of training, `A B`, `A^T B`, `A B^T`; the only place
//!   that needs to be fast.
//! - `nn`: [activations](nn::activation), [losses](nn::loss), [Glorot init](nn::init),
//!   [dropout](nn::dropout), the [`Mlp`] with its training step, and [optimizers](nn::optim).
//! - [`io`]: the weights file format; [`Error`]: the one error type.
//! - [`data`]: the epoch loop ([`data::Loader`] hands out ready [`Batch`]es), a seeded shuffle
//!   and train/test split, target scaling; with `std`, [`data::Dataset`] read from CSV, with
//!   one-call loaders and metrics.
//! - [`metrics`]: accuracy, confusion matrix, MSE and R^2 over slices.
//! - [`LrSchedule`]: step, exponential and cosine learning-rate schedules (with warm-up) for
//!   any optimizer.
//!
//! ## Random numbers
//! Initialization and dropout take any generator through the `Rng` trait of `rand` 0.10.
//! That `rand` is re-exported as [`ctensor::rand`](rand): use it (`ctensor::rand::SeedableRng`,
//! `ctensor::rand::rngs::StdRng`) rather than a `rand` dependency of your own, and the two
//! versions cannot drift apart (a generator of another `rand` version does not implement the
//! trait ctensor asks for).
//!
//! ## Features
//! - `std` (default): file I/O, CSV loading, `rand`'s `StdRng` (`ctensor::rand::rngs::StdRng`);
//!   implies `alloc`.
//! - `alloc`: `boxed_*` constructors that build large models, workspaces and optimizer state
//!   directly on the heap.
//! - `safetensors`: PyTorch / Keras weights in and out (`io::safetensors`): import by
//!   tensor name and shape, export with PyTorch's names and layout, and the `build.rs`
//!   conversion to a weights file. Implies `alloc`.
//! - `libm`: math (`exp`, `ln`, `sqrt`) from the `libm` crate. Required without `std`
//!   (`--no-default-features --features libm`); with `std` too, it gives the same bits on
//!   the host as on a microcontroller.
//!
//! ## Conventions
//! - Batches are row-major `B x D`; losses are the **mean** over the batch's valid rows.
//! - `relu'(0) = 0`, as in PyTorch.
//! - Dropout is *inverted*: scaled by `1 / (1 - p)` in training, identity at inference.
//! - L2 adds `lambda ||W||^2` to the objective (biases optional); PyTorch's SGD
//!   `weight_decay` is `2 lambda`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// `unsafe` only in `kernels` (allowed there), each block with its `// SAFETY:` comment.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(clippy::pedantic)]
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    clippy::similar_names,
    clippy::module_name_repetitions,
    clippy::float_cmp,
    clippy::return_self_not_must_use,
    clippy::needless_range_loop,
    clippy::inline_always,
    clippy::struct_field_names,
    clippy::cast_lossless
)]

#[cfg(not(any(feature = "std", feature = "libm")))]
compile_error!(
    "ctensor needs a math backend: enable the `std` feature (default) or the `libm` feature \
     (for no_std: `--no-default-features --features libm`)"
);

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod data;
pub mod error;
pub mod io;
#[allow(unsafe_code)]
pub mod kernels;
mod label;
pub mod metrics;
pub mod nn;
pub mod quant;
mod scalar;
mod tensor;

#[cfg(feature = "typenum")]
pub mod typed;

/// The README's code examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The `rand` crate (0.10) whose `Rng` trait ctensor's initialization and dropout take.
/// Write `ctensor::rand::...` instead of depending on `rand` yourself, and the versions
/// cannot drift apart. With the `std` feature it has `rngs::StdRng`.
pub use rand;

#[cfg(feature = "safetensors")]
pub use error::ImportError;
pub use error::{Error, Result};
#[cfg(feature = "std")]
pub use error::{FileError, FileErrorCause};
pub use label::Label;
pub use nn::activation::{
    log_softmax, logsumexp, relu, relu_derivative, sigmoid, softmax, softmax_in_place,
};
pub use nn::dropout::Dropout;
pub use nn::init::{glorot_bound, glorot_uniform, uniform01};
pub use nn::layers::{Dense, DropoutLayer, Relu};
pub use nn::loss::{
    L2, LabelSmoothing, Loss, LossGrad, mse, nll, one_hot, sigmoid_bce, sigmoid_bce_one,
    softmax_cross_entropy,
};
pub use nn::mlp::{
    Batch, Gradients, LeanWorkspace, Mlp, StepStats, Targets, TrainConfig, Workspace,
};
pub use nn::optim::seq::SeqOptimizer;
pub use nn::optim::{Adam, Momentum, Optimizer, Sgd};
pub use nn::optim::{AdamOf, MomentumOf};
pub use nn::schedule::LrSchedule;
pub use nn::seq::Seq;
pub use nn::seq::convert::MlpSeq;
pub use nn::seq::train::SeqWorkspace;
pub use scalar::Scalar;
pub use tensor::{Matrix, Vector};
