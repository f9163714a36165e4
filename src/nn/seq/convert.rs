//! [`Mlp`] and its equivalent [`Seq`], [`MlpSeq`]: the same function, the same parameters in
//! the same order, and the same weights file (`Seq` reads `Mlp`'s version-1 files).

use crate::nn::layers::{Dense, Relu};
use crate::{Mlp, Scalar, Seq};

/// The [`Seq`] that computes what an [`Mlp<D, H, K, T>`] does:
/// `(Dense<D, H>, Relu<H>, Dense<H, K>)`.
///
/// # Examples
/// ```
/// use ctensor::{Mlp, MlpSeq};
/// use rand::SeedableRng;
/// let mlp = Mlp::<4, 8, 3>::glorot(&mut rand::rngs::StdRng::seed_from_u64(0));
/// let seq = MlpSeq::from_mlp(&mlp);
/// assert_eq!(seq.logits(&[1.0, -1.0, 0.5, 2.0]), mlp.logits(&[1.0, -1.0, 0.5, 2.0]));
/// assert_eq!(seq.to_mlp(), mlp);
/// ```
pub type MlpSeq<const D: usize, const H: usize, const K: usize, T = f32> =
    Seq<(Dense<D, H, T>, Relu<H, T>, Dense<H, K, T>)>;

impl<const D: usize, const H: usize, const K: usize, T: Scalar> MlpSeq<D, H, K, T> {
    /// The `Seq` equivalent to `mlp` (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Mlp, MlpSeq};
    /// static NET: MlpSeq<2, 3, 1> = MlpSeq::from_mlp(&Mlp::zeros());
    /// assert_eq!(NET.logits(&[1.0, 2.0]), [0.0]);
    /// ```
    #[must_use]
    pub const fn from_mlp(mlp: &Mlp<D, H, K, T>) -> Self {
        Seq::new((
            Dense::from_parts(mlp.w1, mlp.b1),
            Relu::new(),
            Dense::from_parts(mlp.w2, mlp.b2),
        ))
    }

    /// The equivalent [`Mlp`] (e.g. for its Cortex-M inference kernel or its fused SGD step).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Mlp, MlpSeq};
    /// let mut seq = MlpSeq::<2, 3, 1>::zeros();
    /// seq.layers.2.b[0] = 1.5;
    /// assert_eq!(seq.to_mlp().b2[0], 1.5);
    /// ```
    #[must_use]
    pub fn to_mlp(&self) -> Mlp<D, H, K, T> {
        let (first, _, second) = &self.layers;
        Mlp::from_parts(first.w, first.b, second.w, second.b)
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> From<Mlp<D, H, K, T>>
    for MlpSeq<D, H, K, T>
{
    fn from(mlp: Mlp<D, H, K, T>) -> Self {
        Self::from_mlp(&mlp)
    }
}
