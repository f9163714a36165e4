//! The network trained in PyTorch by `tools/train_pytorch_digits.py` (issue 10):
//! `Sequential(Linear(64, 32), ReLU(), Linear(32, 10))`. `build.rs` converts its
//! `models/pytorch/digits.safetensors` into this network's weights file in `OUT_DIR` (a file
//! of another architecture fails the build, naming the tensor and both shapes), and the
//! `pytorch_digits` image decodes that file at compile time into flash.

use ctensor::{Dense, Relu, Seq};

use crate::shared::{D, K};

/// Hidden units of the PyTorch model.
pub const H: usize = 32;
/// Its layers.
pub type PytorchLayers = (Dense<D, H>, Relu<H>, Dense<H, K>);
/// The network.
pub type PytorchNet = Seq<PytorchLayers>;
/// The weights file `build.rs` writes in `OUT_DIR`.
pub const WEIGHTS_FILE: &str = "pytorch_digits.bin";
