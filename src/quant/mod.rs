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
//!
//! # Examples
//! ```
//! use ctensor::quant::{QDense, QRelu, QSeq, QuantParams};
//! // real = 0.5 (q - 0) for the input and the output; weights [1, 1] at scale 1.
//! let p = QuantParams::new(0.5, 0)?;
//! let dense = QDense::<2, 1>::new([[1, 1]], [1.0], [0], p, p, 0)?; // act_min 0: the ReLU
//! let net = QSeq::new((dense, QRelu::<1>::new(p)));
//! assert_eq!(net.quantize_input(&[1.0, 2.5])?, [2, 5]);
//! assert_eq!(net.logits_q(&[2, 5]), [7]); // 2 + 5 in int32, then M = 0.5 * 1 / 0.5
//! assert_eq!(net.predict(&[1.0, 2.5])?, [3.5]);
//! assert_eq!(net.predict(&[-1.0, -2.0])?, [0.0]); // relu(-3)
//!
//! // Post-training quantization of a trained float network (feature `alloc`).
//! #[cfg(feature = "alloc")]
//! {
//!     use ctensor::{Dense, Relu, Seq};
//!     use rand::SeedableRng;
//!     let float = Seq::<(Dense<2, 4>, Relu<4>, Dense<4, 1>)>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
//!     let int8 = float.quantize(&[[1.0, 2.5], [-1.0, -2.0], [0.0, 0.5]])?;
//!     assert!((int8.predict(&[1.0, 2.5])?[0] - float.logits(&[1.0, 2.5])[0]).abs() < 0.05);
//! }
//! # Ok::<(), ctensor::Error>(())
//! ```
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
