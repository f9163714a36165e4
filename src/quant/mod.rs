//! int8 quantized inference, TFLite's scheme (issue 11).
//!
//! - [`requant`]: the fixed-point requantization arithmetic (`QuantizeMultiplier`, the
//!   saturating rounding doubling high multiply, the rounding right shift).
pub mod requant;
