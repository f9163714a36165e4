//! One-row products summed in the definition's order, the same bits on every target: the
//! building block of the lean training step (`Mlp::train_step_lean`), whose three products
//! are each a sequence of one-row products `y = x W (+ b)` over suitably laid-out operands.
//!
//! Each output is `0 + x_0 w_0j + x_1 w_1j + ...` (one accumulator, each product and each sum
//! rounded, never a fused multiply-add), then `+ b_j`. On a Cortex-M with `f32` it is the
//! one-sample kernel (`cortex_m::dense_row`: `VMLA` on the M4F, the soft-float kernel on the
//! M0), which sums in exactly this order; everywhere else (the host, any `std` or not, and
//! `f64`) it is the plain loop below. So a host computes a device's bits. The soft kernel
//! skips exact-zero inputs: the same sum unless a weight is infinite or NaN (`0 * inf`).
//!
//! Safe code only.

use crate::Scalar;

/// `y = x W + b` for one row, each output summed in order from `+0`, then `+ b`. A product
/// with no bias passes zeros: adding `+0` is exact (a sum that starts at `+0` is never `-0`).
#[inline]
pub(crate) fn dense_row<T: Scalar, const I: usize, const O: usize>(
    x: &[T; I],
    w: &[[T; O]; I],
    b: &[T; O],
    y: &mut [T; O],
) {
    #[cfg(target_arch = "arm")]
    if super::cortex_m::dense_row(x, w, b, y).is_some() {
        return;
    }
    dense_row_plain(x, w, Some(b), y);
}

/// [`dense_row`] as a plain loop (the definition; also the host's path and the reference of
/// the tests).
#[inline]
pub(crate) fn dense_row_plain<T: Scalar, const I: usize, const O: usize>(
    x: &[T; I],
    w: &[[T; O]; I],
    b: Option<&[T; O]>,
    y: &mut [T; O],
) {
    *y = [T::ZERO; O];
    for (&xi, row) in x.iter().zip(w) {
        for (y, &w) in y.iter_mut().zip(row) {
            *y = xi * w + *y;
        }
    }
    if let Some(b) = b {
        for (y, &b) in y.iter_mut().zip(b) {
            *y += b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain loop is the sum in order, term by term, in `f32` (no fused multiply-add).
    #[test]
    fn plain_row_is_the_ordered_sum() {
        let x = [1.0e8_f32, 1.0, -1.0e8, 0.5, -0.0];
        let w = [
            [1.0_f32, 3.0],
            [1.0, -2.0],
            [1.0, 1.0],
            [1.0, 0.25],
            [5.0, 1.0],
        ];
        let b = [0.125_f32, -0.0];
        let mut y = [9.0; 2];
        dense_row_plain(&x, &w, Some(&b), &mut y);
        let mut want = [0.0_f32; 2];
        for j in 0..2 {
            let mut s = 0.0_f32;
            for i in 0..5 {
                s += x[i] * w[i][j];
            }
            want[j] = s + b[j];
        }
        assert_eq!(y.map(f32::to_bits), want.map(f32::to_bits));
        // 1e8 + 1 - 1e8 in order is 0 in f32 (1e8 + 1 rounds to 1e8), then + 0.5 + 0.125.
        assert_eq!(y[0], 0.625);
    }

    /// The Cortex-M0 kernel (compiled on the host for its tests) gives the plain loop's bits,
    /// for every remainder of inputs and outputs, with zeros among the inputs.
    #[test]
    fn soft_kernel_is_the_plain_row() {
        fn check<const I: usize, const O: usize>(seed: &mut u32) {
            let mut next = || {
                *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                if *seed >> 28 == 0 {
                    0.0
                } else {
                    (*seed >> 8) as f32 / (1u32 << 23) as f32 - 1.0
                }
            };
            let x: [f32; I] = core::array::from_fn(|_| next());
            let w: [[f32; O]; I] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
            let mut want = [0.0f32; O];
            dense_row_plain(&x, &w, None, &mut want);
            let mut got = [1.0f32; O];
            let zeros = [0.0f32; O];
            crate::kernels::cortex_m::dense_row(&x, &w, &zeros, &mut got).expect("f32");
            assert_eq!(got.map(f32::to_bits), want.map(f32::to_bits), "{I} x {O}");
        }
        let mut seed = 7;
        for _ in 0..20 {
            check::<1, 1>(&mut seed);
            check::<8, 10>(&mut seed);
            check::<10, 8>(&mut seed);
            check::<8, 32>(&mut seed);
            check::<7, 13>(&mut seed);
            check::<13, 5>(&mut seed);
            check::<31, 17>(&mut seed);
        }
    }
}
