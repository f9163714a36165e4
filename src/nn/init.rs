//! Weight initialization: Glorot (Xavier) uniform.

use rand::Rng;

use crate::{Matrix, Scalar};

/// The Glorot bound `sqrt(6 / (fan_in + fan_out))`: weights drawn from `U[-bound, bound]`
/// have variance `2 / (fan_in + fan_out)`.
///
/// # Examples
/// ```
/// assert_eq!(ctensor::glorot_bound(3, 3), 1.0);
/// ```
#[must_use]
pub fn glorot_bound(fan_in: usize, fan_out: usize) -> f64 {
    let fans = (fan_in + fan_out) as f64;
    // `sqrt` of an f64 through the crate's math backend.
    Scalar::sqrt(6.0 / fans)
}

/// A uniform sample in `[0, 1)` with 53 random bits, taken from one `next_u64` of `rng`.
///
/// Defined here, not through `rand`'s distributions, so that the same seed gives the same
/// weights on every target and every `rand` version.
///
/// # Examples
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let u = ctensor::uniform01(&mut rng);
/// assert!((0.0..1.0).contains(&u));
/// ```
#[inline]
pub fn uniform01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Fills the `M x N` weight matrix `w` (fan-in `M`, fan-out `N`) with Glorot-uniform values
/// from `U[-sqrt(6/(M+N)), +sqrt(6/(M+N))]`, in place.
///
/// Zero weights would make every hidden unit compute and learn the same thing; this bound
/// keeps the variance of activations and gradients about the same from layer to layer.
///
/// # Examples
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let mut w = ctensor::Matrix::<64, 32>::zeros();
/// ctensor::glorot_uniform(&mut w, &mut rng);
/// let bound = ctensor::glorot_bound(64, 32) as f32;
/// assert!(w.as_flattened().iter().all(|x| x.abs() <= bound));
/// ```
pub fn glorot_uniform<R: Rng + ?Sized, T: Scalar, const M: usize, const N: usize>(
    w: &mut Matrix<M, N, T>,
    rng: &mut R,
) {
    let bound = glorot_bound(M, N);
    for x in w.as_flattened_mut() {
        *x = T::from_f64(bound * (2.0 * uniform01(rng) - 1.0));
    }
}
