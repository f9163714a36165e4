//! Activations: ReLU, sigmoid, softmax, log-softmax.

use crate::Scalar;

/// `max(x, 0)`.
///
/// # Examples
/// ```
/// assert_eq!(ctensor::relu(-2.0_f32), 0.0);
/// assert_eq!(ctensor::relu(3.0_f32), 3.0);
/// ```
#[inline]
#[must_use]
pub fn relu<T: Scalar>(x: T) -> T {
    if x > T::ZERO { x } else { T::ZERO }
}

/// The derivative of [`relu`]: `1` for `x > 0`, else `0` (so `relu'(0) = 0`, as in PyTorch).
///
/// # Examples
/// ```
/// assert_eq!(ctensor::relu_derivative(0.0_f64), 0.0);
/// assert_eq!(ctensor::relu_derivative(1e-30_f64), 1.0);
/// ```
#[inline]
#[must_use]
pub fn relu_derivative<T: Scalar>(x: T) -> T {
    if x > T::ZERO { T::ONE } else { T::ZERO }
}

/// The logistic function `1 / (1 + e^-z)`, computed without overflow for any `z`.
///
/// # Examples
/// ```
/// assert_eq!(ctensor::sigmoid(0.0_f32), 0.5);
/// assert_eq!(ctensor::sigmoid(-1000.0_f64), 0.0);
/// assert_eq!(ctensor::sigmoid(1000.0_f64), 1.0);
/// ```
#[inline]
#[must_use]
pub fn sigmoid<T: Scalar>(z: T) -> T {
    if z >= T::ZERO {
        T::ONE / (T::ONE + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::ONE + e)
    }
}

/// `ln(sum_i e^{z_i})`, with the maximum subtracted first so that it never overflows.
/// Returns `-inf` when `K = 0`.
///
/// # Examples
/// ```
/// let lse = ctensor::logsumexp(&[1000.0_f64, 1000.0]);
/// assert!((lse - (1000.0 + 2.0_f64.ln())).abs() < 1e-12);
/// ```
#[must_use]
pub fn logsumexp<T: Scalar, const K: usize>(z: &[T; K]) -> T {
    let max = z.iter().copied().fold(T::neg_infinity(), T::max);
    if !max.is_finite() {
        // All -inf (or an +inf / NaN present): the max itself is the answer (or NaN).
        return if z.iter().any(|x| x.is_nan()) {
            T::nan()
        } else {
            max
        };
    }
    let sum: T = z.iter().map(|&x| (x - max).exp()).sum();
    max + sum.ln()
}

/// Log-probabilities `z - logsumexp(z)`, exact for large logits such as `[1000, -1000]`.
///
/// Computed from the shifted logits `s = z - max z` as `s - ln(sum e^s)`, so the rounding
/// error is relative to the result, not to the logits: at `z = [1000, 1000, 1000]` each
/// value is `-ln 3` to the last bit in `f32`, where `z - logsumexp(z)` would be off by about
/// `ulp(1000)`.
///
/// # Examples
/// ```
/// let lp = ctensor::log_softmax(&[1000.0_f64, -1000.0]);
/// assert_eq!(lp, [0.0, -2000.0]);
/// let lp = ctensor::log_softmax(&[1000.0_f32; 3]);
/// assert_eq!(lp, [-3.0_f32.ln(); 3]);
/// ```
#[must_use]
pub fn log_softmax<T: Scalar, const K: usize>(z: &[T; K]) -> [T; K] {
    let max = z.iter().copied().fold(T::neg_infinity(), T::max);
    if !max.is_finite() {
        // All -inf, or an +inf / NaN present: no finite shift exists.
        let lse = logsumexp(z);
        return z.map(|x| x - lse);
    }
    let shifted = z.map(|x| x - max);
    let lse: T = shifted.iter().map(|&s| s.exp()).sum::<T>().ln();
    shifted.map(|s| s - lse)
}

/// Probabilities `e^{z_i} / sum_j e^{z_j}` (maximum subtracted first; they sum to 1).
///
/// # Examples
/// ```
/// let p = ctensor::softmax(&[0.0_f32, 0.0]);
/// assert_eq!(p, [0.5, 0.5]);
/// assert_eq!(ctensor::softmax(&[1000.0_f32, -1000.0]), [1.0, 0.0]);
/// ```
#[must_use]
pub fn softmax<T: Scalar, const K: usize>(z: &[T; K]) -> [T; K] {
    let mut out = *z;
    softmax_in_place(&mut out);
    out
}

/// [`softmax`] in place.
///
/// # Examples
/// ```
/// let mut z = [1.0_f64, 1.0, 1.0, 1.0];
/// ctensor::softmax_in_place(&mut z);
/// assert_eq!(z, [0.25; 4]);
/// ```
pub fn softmax_in_place<T: Scalar>(z: &mut [T]) {
    let max = z.iter().copied().fold(T::neg_infinity(), T::max);
    let mut sum = T::ZERO;
    for x in z.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    let inv = T::ONE / sum;
    for x in z.iter_mut() {
        *x *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_symmetric_and_exact() {
        for z in [-30.0_f64, -1.0, 0.3, 5.0, 40.0] {
            assert!((sigmoid(z) + sigmoid(-z) - 1.0).abs() < 1e-15);
            assert!((sigmoid(z) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-15);
        }
    }

    #[test]
    fn softmax_matches_log_softmax() {
        let z = [0.5_f64, -2.0, 3.0];
        let p = softmax(&z);
        let lp = log_softmax(&z);
        for i in 0..3 {
            assert!((p[i].ln() - lp[i]).abs() < 1e-14);
        }
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
}
