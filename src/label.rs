//! [`Label<K>`]: a class index that can only hold `0..K`.

use crate::{Error, Result, Scalar};

/// A class label of a `K`-class problem, checked once when made: it always holds `0..K`.
///
/// Training steps take `Label<K>`s, so they need no range check and cannot panic on a bad
/// label. Labels of a `K`-class problem cannot be used with a network of another `K`.
///
/// # Examples
/// ```
/// use ctensor::Label;
/// let seven = Label::<10>::new(7)?;
/// assert_eq!(seven.get(), 7);
/// assert!(Label::<10>::new(10).is_err());
/// const ZERO: Label<3> = Label::new_const(0);
/// assert_eq!(ZERO.get(), 0);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Label<const K: usize>(usize);

impl<const K: usize> Label<K> {
    /// The number of classes, `K`.
    pub const CLASSES: usize = K;

    /// Checks that `class < K`.
    ///
    /// # Errors
    /// [`Error::LabelOutOfRange`] if `class >= K`.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Label::<2>::new(1).is_ok());
    /// ```
    pub const fn new(class: usize) -> Result<Self> {
        if class < K {
            Ok(Self(class))
        } else {
            Err(Error::LabelOutOfRange {
                label: class,
                classes: K,
            })
        }
    }

    /// For constants: a label checked at compile time when used in a `const` item.
    ///
    /// # Panics
    /// If `class >= K` (at compile time in a `const` context).
    ///
    /// # Examples
    /// ```
    /// const L: ctensor::Label<4> = ctensor::Label::new_const(3);
    /// assert_eq!(L.get(), 3);
    /// ```
    #[must_use]
    pub const fn new_const(class: usize) -> Self {
        assert!(class < K, "label out of range");
        Self(class)
    }

    /// The class index, always `< K`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Label::<5>::new(4).unwrap().get(), 4);
    /// ```
    #[must_use]
    pub const fn get(self) -> usize {
        self.0
    }

    /// The index of the largest element of `scores` (the first one on ties).
    ///
    /// # Errors
    /// [`Error::NonFiniteOutput`] naming the first NaN score: scores with a NaN have no
    /// largest element, and a class picked anyway would look like an answer.
    /// [`Error::LabelOutOfRange`] if `K = 0`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Label};
    /// assert_eq!(Label::argmax(&[0.1, 0.7, 0.2])?.get(), 1);
    /// assert_eq!(Label::argmax(&[0.1, f32::NAN]), Err(Error::NonFiniteOutput { index: 1 }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn argmax<T: PartialOrd>(scores: &[T; K]) -> Result<Self> {
        // The best score so far is held by reference, not re-read by index: no bounds check,
        // so classifying cannot panic (the firmware's panic-free build checks this).
        let mut best: Option<(usize, &T)> = None;
        for (i, s) in scores.iter().enumerate() {
            // A value that is not equal to itself is NaN (for floats): no order, no answer.
            if s.partial_cmp(s).is_none() {
                return Err(Error::NonFiniteOutput { index: i });
            }
            match best {
                Some((_, b)) if *s <= *b => {}
                _ => best = Some((i, s)),
            }
        }
        match best {
            Some((i, _)) => Ok(Self(i)),
            // Only for K = 0, where no label exists.
            None => Err(Error::LabelOutOfRange {
                label: 0,
                classes: K,
            }),
        }
    }

    /// The class of one input row of a network (`Mlp::classify`, `Seq::classify`): the
    /// argmax of `logits(x)`, with [`Error::NonFiniteInput`] (row 0) for a NaN or infinite
    /// input and [`Error::NonFiniteOutput`] for a non-finite logit.
    pub(crate) fn classify_finite<T: Scalar, const D: usize>(
        x: &[T; D],
        logits: impl FnOnce(&[T; D]) -> [T; K],
    ) -> Result<Self> {
        if let Some(col) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteInput { row: 0, col });
        }
        let logits = logits(x);
        if let Some(index) = logits.iter().position(|z| !z.is_finite()) {
            return Err(Error::NonFiniteOutput { index });
        }
        Self::argmax(&logits)
    }
}

/// Class 0, the first class. `Label<0>` has no class, so `Label::<0>::default()` is a
/// compile error (an inline `const` assertion, reported when the code is built: `cargo check`
/// alone does not evaluate it).
///
/// # Examples
/// ```
/// use ctensor::Label;
/// assert_eq!(Label::<10>::default().get(), 0);
/// let labels: [Label<3>; 4] = Default::default();
/// assert!(labels.iter().all(|l| l.get() == 0));
/// ```
impl<const K: usize> Default for Label<K> {
    fn default() -> Self {
        const { assert!(K > 0, "Label<0> has no class, so no default") };
        Self(0)
    }
}

impl<const K: usize> TryFrom<usize> for Label<K> {
    type Error = Error;
    fn try_from(class: usize) -> Result<Self> {
        Self::new(class)
    }
}

impl<const K: usize> From<Label<K>> for usize {
    fn from(l: Label<K>) -> usize {
        l.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_rejects_nan_and_breaks_ties_low() {
        assert_eq!(
            Label::argmax(&[f32::NAN, 1.0, 3.0, 2.0]),
            Err(Error::NonFiniteOutput { index: 0 })
        );
        assert_eq!(
            Label::argmax(&[1.0, 3.0, f64::NAN]),
            Err(Error::NonFiniteOutput { index: 2 })
        );
        assert_eq!(Label::argmax(&[1.0, 1.0]).unwrap().get(), 0);
        assert_eq!(
            Label::argmax(&[f32::NEG_INFINITY, f32::INFINITY, 0.0])
                .unwrap()
                .get(),
            1
        );
        assert!(Label::<0>::argmax::<f32>(&[]).is_err());
    }
}
