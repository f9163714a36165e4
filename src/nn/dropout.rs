//! Inverted dropout.

use rand::Rng;

use crate::nn::init::uniform01;
use crate::{Error, Result, Scalar};

/// A dropout rate `p` in `[0, 1)`, validated when made. Inverted dropout: in training each
/// unit is kept with probability `1 - p` and scaled by `1 / (1 - p)`, so at inference the
/// layer is the identity and needs no rescaling.
///
/// Training and inference cannot be mixed up: only the training methods
/// ([`Mlp::train_step`](crate::Mlp::train_step), [`Mlp::forward_train`](crate::Mlp::forward_train))
/// take a `Dropout` and an RNG; inference ([`Mlp::forward`](crate::Mlp::forward) and friends)
/// has no way to apply it.
///
/// # Examples
/// ```
/// use ctensor::Dropout;
/// use rand::SeedableRng;
/// let d = Dropout::new(0.5)?;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut mask = [0.0_f32; 8];
/// d.sample_mask(&mut mask, &mut rng);
/// assert!(mask.iter().all(|&m| m == 0.0 || m == 2.0));
/// assert!(Dropout::new(1.0).is_err());
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Dropout(f64);

impl Dropout {
    /// No dropout (`p = 0`).
    pub const NONE: Self = Self(0.0);

    /// Checks that `p` is in `[0, 1)`.
    ///
    /// # Errors
    /// [`Error::InvalidDropoutRate`] if `p` is outside `[0, 1)` or NaN.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Dropout::new(0.2).is_ok());
    /// assert!(ctensor::Dropout::new(-0.1).is_err());
    /// ```
    pub fn new(p: f64) -> Result<Self> {
        if (0.0..1.0).contains(&p) {
            Ok(Self(p))
        } else {
            Err(Error::InvalidDropoutRate(p))
        }
    }

    /// The rate `p`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Dropout::new(0.3)?.rate(), 0.3);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn rate(self) -> f64 {
        self.0
    }

    /// `true` for `p = 0` (then no random numbers are drawn).
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Dropout::NONE.is_none());
    /// ```
    #[must_use]
    pub fn is_none(self) -> bool {
        self.0 == 0.0
    }

    /// Fills `mask` with `1 / (1 - p)` (kept, probability `1 - p`) or `0` (dropped).
    /// Draws exactly one `next_u64` per element, whatever the outcome.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    /// let mut mask = [0.0_f64; 4];
    /// ctensor::Dropout::NONE.sample_mask(&mut mask, &mut rng);
    /// assert_eq!(mask, [1.0; 4]);
    /// ```
    pub fn sample_mask<T: Scalar, R: Rng + ?Sized>(self, mask: &mut [T], rng: &mut R) {
        let keep = 1.0 - self.0;
        let scale = T::from_f64(1.0 / keep);
        for m in mask {
            *m = if uniform01(rng) < keep {
                scale
            } else {
                T::ZERO
            };
        }
    }

    /// Training-mode dropout of `x` in place: `x_i <- x_i * mask_i` with a fresh mask, which
    /// is left in `mask` for the backward pass (`dx = dy * mask`).
    ///
    /// # Panics
    /// If `x` and `mask` differ in length.
    ///
    /// # Examples
    /// ```
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    /// let mut x = [1.0_f32; 6];
    /// let mut mask = [0.0; 6];
    /// ctensor::Dropout::new(0.5)?.apply_train(&mut x, &mut mask, &mut rng);
    /// assert_eq!(x, mask);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn apply_train<T: Scalar, R: Rng + ?Sized>(self, x: &mut [T], mask: &mut [T], rng: &mut R) {
        assert_eq!(x.len(), mask.len(), "dropout: x and mask lengths differ");
        self.sample_mask(mask, rng);
        for (x, &m) in x.iter_mut().zip(mask.iter()) {
            *x *= m;
        }
    }
}
