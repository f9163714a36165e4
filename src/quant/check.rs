//! The invariants of an int8 dense layer, as `const fn`s: [`QDense::validate`] and the
//! weights-file loader (run time and compile time) check the same rules with the same code.
//!
//! [`QDense::validate`]: crate::quant::QDense::validate

use crate::quant::requant::{QuantizedMultiplier, quantize_multiplier};

/// The largest magnitude of one product `w x`: `|w| <= 127`, `|x| <= 128`.
const MAX_PRODUCT: i64 = 127 * 128;

/// A scale is finite and > 0.
const fn scale_ok(s: f32) -> bool {
    s > 0.0 && s <= f32::MAX
}

/// The per-layer fields: the input and output scales, and `act_min` (-128, or the output
/// zero point for a fused ReLU). `None` if they are fine, else what is wrong.
pub(crate) const fn check_layer(
    input_scale: f32,
    output_scale: f32,
    output_zero_point: i8,
    act_min: i8,
) -> Option<&'static str> {
    if !scale_ok(input_scale) {
        return Some("input scale (not finite and > 0)");
    }
    if !scale_ok(output_scale) {
        return Some("output scale (not finite and > 0)");
    }
    if act_min != -128 && act_min != output_zero_point {
        return Some("act_min (not -128 nor the output zero point)");
    }
    None
}

/// One output channel's constants, for a layer of `inputs` inputs whose layer fields passed
/// [`check_layer`]: its weight scale, its multiplier (the one of its scales), its bias (no
/// accumulator can overflow `i32`).
pub(crate) const fn check_channel(
    input_scale: f32,
    output_scale: f32,
    w_scale: f32,
    multiplier: QuantizedMultiplier,
    bias: i32,
    inputs: usize,
) -> Option<&'static str> {
    if !scale_ok(w_scale) {
        return Some("weight scale (not finite and > 0)");
    }
    let real = input_scale as f64 * w_scale as f64 / output_scale as f64;
    match quantize_multiplier(real) {
        Ok(m) if m.multiplier == multiplier.multiplier && m.shift == multiplier.shift => {}
        _ => return Some("multiplier (not quantize_multiplier(s_x s_w / s_y))"),
    }
    let products = if inputs as u64 > (i64::MAX / MAX_PRODUCT).cast_unsigned() {
        i64::MAX
    } else {
        MAX_PRODUCT * inputs.cast_signed() as i64
    };
    if (bias as i64).abs().saturating_add(products) > i32::MAX as i64 {
        return Some("bias (an accumulator could overflow i32)");
    }
    None
}

/// What is wrong with a weight of `-128` (outside `[-127, 127]`).
pub(crate) const WEIGHT_MIN: &str = "weight (-128, outside [-127, 127])";

/// A ReLU's record: its scale.
pub(crate) const fn check_relu(scale: f32) -> Option<&'static str> {
    if scale_ok(scale) {
        None
    } else {
        Some("scale (not finite and > 0)")
    }
}
