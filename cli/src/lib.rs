//! The `ctensor` command-line tool (issue 10), as a library so that its tests can call it:
//!
//! - `ctensor convert IN OUT`: a safetensors file (PyTorch's `nn.Sequential` names) to a
//!   ctensor weights file (format version 2), or a ctensor weights file (version 1 or 2) to
//!   safetensors with PyTorch's names and layout; the direction is told by `IN`'s content.
//! - `ctensor inspect FILE [--batch B]`: the header, the layers, the scalar type, per-tensor
//!   min / max / mean and non-finite count, the flash bytes, and the RAM of a forward pass
//!   and of a training step at batch `B`.
//!
//! ```text
//! cargo install --path cli
//! ctensor convert models/pytorch/digits.safetensors digits.bin
//! ctensor inspect digits.bin --batch 32
//! ```
#![deny(missing_docs)]

pub mod convert;
pub mod inspect;
pub mod weights;

/// What the tool reports on failure: a message for the user.
pub type Result<T> = std::result::Result<T, String>;
