//! int8 quantized inference, TFLite's scheme (issue 11).
//!
//! `real = scale (q - zero_point)` for every int8 tensor:
//! - weights: int8 in `[-127, 127]`, symmetric (zero point 0), one scale per output channel;
//! - activations: int8, one scale and zero point per tensor
//!   ([`QuantParams::from_range`]: the calibrated range, widened to contain 0, over 256
//!   levels);
//! - biases: int32 with scale `s_x s_w` and zero point 0, `-z_x sum w` folded in offline.
//!
//! A dense layer computes `acc = bias + sum w x` in int32 and outputs
//! `clamp(z_y + acc M, act_min, 127)` with `M = s_x s_w / s_y` applied in fixed point
//! ([`requant`], bit-exact with TFLite's reference kernels); ReLU is the clamp's lower bound.
//!
//! - [`requant`]: the fixed-point arithmetic and its rounding rules;
//! - [`QuantParams`]: one tensor's scale and zero point;
//! - [`QDense`], [`QRelu`], [`QDropout`]: the int8 layers ([`Forward`](crate::nn::layer::Forward) with
//!   `[i8; N]` rows: they chain as tuples like the float layers);
//! - [`QSeq`]: an int8 network of any depth;
//! - `ptq` (feature `alloc`): post-training quantization, `Seq::quantize`, `Mlp::quantize`.
pub(crate) mod check;
mod dense;
mod dropout;
mod layer;
mod net;
mod params;
#[cfg(feature = "alloc")]
pub mod ptq;
pub(crate) mod records;
mod relu;
pub mod requant;

pub use dense::QDense;
pub use dropout::QDropout;
pub use layer::{QLayer, RowBuf};
pub use net::QSeq;
pub use params::QuantParams;
#[cfg(feature = "alloc")]
pub use ptq::{Calibration, QMlp, Quantize};
pub use records::record_len;
pub use relu::QRelu;
