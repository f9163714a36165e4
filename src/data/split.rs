//! A seeded [`shuffle`] and [`train_test_split`] over index buffers (no heap).

use num_traits::float::FloatCore;
use rand::Rng;

use crate::{Error, Result, uniform01};

/// Shuffles `items` in place (Fisher-Yates), drawing one `next_u64` from `rng` per item after
/// the first: the order depends only on the generator's numbers, not on the version of
/// `rand` (whose own `shuffle` may change its algorithm), so a seed gives the same order on
/// every target and every build.
///
/// Each swap partner is `floor(u * (i + 1))` for a uniform `u` in `[0, 1)` of 53 bits: every
/// order is equally likely up to a bias of at most `n / 2^53`.
///
/// # Examples
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let mut order = [0, 1, 2, 3, 4, 5, 6, 7];
/// ctensor::data::shuffle(&mut order, &mut rng);
/// assert_ne!(order, [0, 1, 2, 3, 4, 5, 6, 7]);
/// order.sort();
/// assert_eq!(order, [0, 1, 2, 3, 4, 5, 6, 7]); // the same items
/// ```
pub fn shuffle<E, R: Rng + ?Sized>(items: &mut [E], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = (uniform01(rng) * (i + 1) as f64) as usize;
        items.swap(i, j.min(i));
    }
}

/// How many of `n` rows a test fraction puts in the test part: `ceil(n * fraction)`, as
/// scikit-learn's `train_test_split`; at least one row must be left on each side.
pub(super) fn test_rows(n: usize, test_fraction: f64) -> Result<usize> {
    let bad = Error::InvalidHyperParameter {
        name: "test fraction",
        value: test_fraction,
        expected: "in (0, 1), leaving at least one row in each part",
    };
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(bad);
    }
    let test = FloatCore::ceil(n as f64 * test_fraction) as usize;
    if test == 0 || test >= n {
        return Err(bad);
    }
    Ok(test)
}

/// A seeded split of `n = order.len()` rows into a training and a test part: sets `order` to
/// `0..n`, [shuffles](shuffle) it, and returns `(train, test)`, two parts of `order` holding
/// row indices, each sorted (the rows keep their relative order). The test part has
/// `ceil(n * test_fraction)` rows, as scikit-learn's `train_test_split`.
///
/// With `std`, [`Dataset::train_test_split`](super::Dataset::train_test_split) copies the
/// rows into two data sets, and
/// [`Dataset::stratified_split`](super::Dataset::stratified_split) keeps the classes'
/// proportions.
///
/// # Errors
/// [`Error::InvalidHyperParameter`] unless `test_fraction` is in `(0, 1)` and leaves at
/// least one row in each part (so `n >= 2`). Then `order` is unchanged.
///
/// # Examples
/// ```
/// use ctensor::data::train_test_split;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(42);
/// let mut order = [0; 10];
/// let (train, test) = train_test_split(&mut order, 0.25, &mut rng)?;
/// assert_eq!((train.len(), test.len()), (7, 3)); // ceil(10 * 0.25) = 3 test rows
/// assert!(train.windows(2).all(|w| w[0] < w[1]));
/// assert!(test.iter().all(|row| !train.contains(row)));
///
/// assert!(train_test_split(&mut [0; 10], 1.0, &mut rng).is_err());
/// assert!(train_test_split(&mut [0; 1], 0.5, &mut rng).is_err()); // one row cannot be split
/// # Ok::<(), ctensor::Error>(())
/// ```
pub fn train_test_split<'o, R: Rng + ?Sized>(
    order: &'o mut [usize],
    test_fraction: f64,
    rng: &mut R,
) -> Result<(&'o [usize], &'o [usize])> {
    let test = test_rows(order.len(), test_fraction)?;
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    shuffle(order, rng);
    let (train, test_part) = order.split_at_mut(order.len() - test);
    train.sort_unstable();
    test_part.sort_unstable();
    Ok((train, test_part))
}
