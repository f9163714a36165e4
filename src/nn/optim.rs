//! Optimizers: [`Sgd`], [`Momentum`] and [`Adam`].
//!
//! [`MomentumOf<S>`] and [`AdamOf<S>`] keep state of the shape `S` of the parameters they
//! update: [`Momentum<D, H, K, T>`] and [`Adam<D, H, K, T>`] are those of an [`Mlp`]
//! (`S = Gradients<D, H, K, T>`, [`Optimizer`]); `MomentumOf<L>` and `AdamOf<L>` those of a
//! [`Seq<L>`](crate::Seq) ([`SeqOptimizer`](crate::SeqOptimizer)). The update rules are
//! written once, over the [`Params`] numbering of tensors.
//!
//! The L2 penalty is part of the objective (see [`TrainConfig::l2`](crate::TrainConfig)), so
//! its gradient `2 lambda theta` is already in the gradients an optimizer receives: with
//! [`Sgd`] one step is exactly `theta <- theta - lr (dJ/dtheta + 2 lambda theta)`.

mod adam;
mod lean_step;
mod mlp_step;
mod momentum;
pub mod seq;

pub use adam::{Adam, AdamOf};
pub use momentum::{Momentum, MomentumOf};

use crate::nn::mlp::{Gradients, Mlp, TENSOR_NAMES};
use crate::nn::params::Params;
use crate::{Error, Result, Scalar};

/// Updates an [`Mlp`]'s parameters from its gradients.
///
/// An update is all or nothing: it is first computed without being stored, and applied only
/// if every new parameter (and every new optimizer state value) is finite; otherwise it
/// returns an error and changes nothing.
///
/// # Examples
/// ```
/// use ctensor::{Gradients, Mlp, Optimizer, Sgd};
/// let mut net = Mlp::<1, 1, 1>::zeros();
/// let mut g = Gradients::zeros();
/// g.b2[0] = 2.0;
/// Sgd::new(0.5)?.update(&mut net, &g)?;
/// assert_eq!(net.b2[0], -1.0);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub trait Optimizer<const D: usize, const H: usize, const K: usize, T: Scalar> {
    /// Applies one update.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] if a hyper-parameter is not usable in `T` (e.g. an
    /// [`Sgd`] learning rate of `1e300` is `inf` in `f32`), [`Error::NonFiniteUpdate`] if a
    /// new parameter or state value would be NaN or infinite. Then nothing has changed.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, Gradients, Mlp, Momentum, Optimizer};
    /// let (mut net, mut momentum) = (Mlp::<1, 1, 1>::zeros(), Momentum::new(0.5, 0.9)?);
    /// let mut g = Gradients::zeros();
    /// g.b2[0] = f32::NAN;
    /// assert_eq!(momentum.update(&mut net, &g), Err(Error::NonFiniteUpdate { tensor: "b2" }));
    /// assert_eq!(net, Mlp::zeros()); // unchanged, and so is the velocity:
    /// g.b2[0] = 2.0;
    /// momentum.update(&mut net, &g)?;
    /// assert_eq!(net.b2[0], -1.0); // a first step, -lr g
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) -> Result<()>;

    /// `Some(lr)` if [`Optimizer::update`] is exactly plain SGD, `theta <- theta - lr g`:
    /// [`Mlp::train_step`] may then apply the update of `W1` as its gradient is computed,
    /// without storing it. Implementations other than [`Sgd`] keep the default, `None`.
    #[doc(hidden)]
    fn plain_sgd_learning_rate(&self) -> Option<f64> {
        None
    }
}

/// Checks a hyper-parameter after its conversion to `T`, the type it is used in: `ok` gets
/// the converted value, which must also be finite. `expected` names the range (its text is
/// completed with "in f32" or "in f64").
fn check<T: Scalar>(
    name: &'static str,
    value: f64,
    expected: [&'static str; 2],
    ok: impl Fn(T) -> bool,
) -> Result<T> {
    let converted = T::from_f64(value);
    if converted.is_finite() && ok(converted) {
        Ok(converted)
    } else {
        Err(Error::InvalidHyperParameter {
            name,
            value,
            expected: if T::BYTES == 4 {
                expected[0]
            } else {
                expected[1]
            },
        })
    }
}

pub(crate) fn check_lr<T: Scalar>(lr: f64) -> Result<T> {
    check(
        "learning rate",
        lr,
        ["finite and > 0 in f32", "finite and > 0 in f64"],
        |x| x > T::ZERO,
    )
}

/// A learning rate checked in `f64` in a `const fn` (the scalar type's check comes at each
/// update).
const fn check_const_lr(lr: f64) -> Result<()> {
    if lr.is_finite() && lr > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidHyperParameter {
            name: "learning rate",
            value: lr,
            expected: "finite and > 0",
        })
    }
}

/// A decay rate checked in `f64` in a `const fn`: in `[0, 1)`.
const fn check_const_rate(name: &'static str, x: f64) -> Result<()> {
    if x >= 0.0 && x < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidHyperParameter {
            name,
            value: x,
            expected: "in [0, 1)",
        })
    }
}

/// A decay rate (momentum, Adam's betas): in `[0, 1)` in `T`.
fn check_rate<T: Scalar>(name: &'static str, x: f64) -> Result<T> {
    check(name, x, ["in [0, 1) in f32", "in [0, 1) in f64"], |x| {
        x >= T::ZERO && x < T::ONE
    })
}

/// Whether `f(theta, a, b, g)` is finite for every element of four equally long slices, in
/// one pass with no early exit and independent accumulators (so that it vectorizes); `x * 0`
/// is 0 for a finite `x` and NaN otherwise. `f` must be the update's own arithmetic, so that
/// the answer holds for the values the update will store.
#[inline]
pub(crate) fn all_finite_after<T: Scalar>(
    theta: &[T],
    a: &[T],
    b: &[T],
    g: &[T],
    f: impl Fn(T, T, T, T) -> T,
) -> bool {
    const LANES: usize = 8;
    let mut acc = [T::ZERO; LANES];
    // `as_chunks` (a compile-time chunk size) rather than `chunks_exact`: zipping the latter
    // divides by a run-time chunk size, a panic path the firmware's panic-free build rejects.
    let (theta, theta_rest) = theta.as_chunks::<LANES>();
    let (a, a_rest) = a.as_chunks::<LANES>();
    let (b, b_rest) = b.as_chunks::<LANES>();
    let (g, g_rest) = g.as_chunks::<LANES>();
    // Whole chunks as fixed-size arrays (no bounds checks, one vector lane per accumulator),
    // then the rest.
    for (((t, a), b), g) in theta.iter().zip(a).zip(b).zip(g) {
        for l in 0..LANES {
            acc[l] += f(t[l], a[l], b[l], g[l]) * T::ZERO;
        }
    }
    let rest = acc
        .iter_mut()
        .zip(theta_rest)
        .zip(a_rest)
        .zip(b_rest)
        .zip(g_rest);
    for ((((acc, &t), &a), &b), &g) in rest {
        *acc += f(t, a, b, g) * T::ZERO;
    }
    acc.iter().all(|&x| x == T::ZERO)
}

/// Plain stochastic gradient descent: `theta <- theta - lr g`.
///
/// # Examples
/// ```
/// assert!(ctensor::Sgd::new(0.1).is_ok());
/// assert!(ctensor::Sgd::new(-0.1).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Sgd {
    lr: f64,
}

impl Sgd {
    /// SGD with learning rate `lr > 0`. `Sgd` serves networks of either scalar type, so the
    /// rate is checked again in the network's type at each update (`1e300` is fine for
    /// `f64` but an error for `f32`).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Sgd::new(0.01)?.learning_rate(), 0.01);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn new(lr: f64) -> Result<Self> {
        // The scalar type is not known yet: the f64 range here, the network's at each update.
        check::<f64>("learning rate", lr, ["finite and > 0"; 2], |x| x > 0.0)?;
        Ok(Self { lr })
    }

    /// The learning rate.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Sgd::new(0.5)?.learning_rate(), 0.5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.lr
    }

    /// Sets the learning rate (e.g. for a schedule).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive; then unchanged.
    ///
    /// # Examples
    /// ```
    /// let mut sgd = ctensor::Sgd::new(0.5)?;
    /// sgd.set_learning_rate(0.25)?;
    /// assert_eq!(sgd.learning_rate(), 0.25);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        *self = Self::new(lr)?;
        Ok(())
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Optimizer<D, H, K, T> for Sgd {
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) -> Result<()> {
        let lr = check_lr::<T>(self.lr)?;
        check_sgd_update(&net.tensors(), &grads.tensors(), lr)?;
        for (theta, g) in net.tensors_mut().into_iter().zip(grads.tensors()) {
            sgd_update(theta, g, lr);
        }
        Ok(())
    }

    fn plain_sgd_learning_rate(&self) -> Option<f64> {
        Some(self.lr)
    }
}

/// The SGD learning rate `lr` in `T`, checked (see [`Sgd::new`]).
pub(crate) fn sgd_learning_rate<T: Scalar>(lr: f64) -> Result<T> {
    check_lr(lr)
}

/// One SGD step of one value: `theta - lr g`.
#[inline(always)]
fn sgd_value<T: Scalar>(theta: T, g: T, lr: T) -> T {
    theta - lr * g
}

/// Checks that `theta - lr g` is finite for every element of the given tensors (paired by
/// position with their gradients and named as in [`TENSOR_NAMES`]).
pub(crate) fn check_sgd_update<T: Scalar>(thetas: &[&[T]], grads: &[&[T]], lr: T) -> Result<()> {
    for ((theta, g), tensor) in thetas.iter().zip(grads).zip(TENSOR_NAMES) {
        if !all_finite_after(theta, g, g, g, |t, _, _, g| sgd_value(t, g, lr)) {
            return Err(Error::NonFiniteUpdate { tensor });
        }
    }
    Ok(())
}

/// One SGD step of every tensor of `params` from `grads`, all or nothing: `Err(i)` names the
/// first tensor whose update would not be finite (then nothing changed).
pub(crate) fn sgd_apply<P: Params, G: Params<Scalar = P::Scalar>>(
    params: &mut P,
    grads: &G,
    lr: P::Scalar,
) -> core::result::Result<(), usize> {
    for i in 0..P::TENSORS {
        let (theta, g) = (params.tensor(i), grads.tensor(i));
        if !all_finite_after(theta, g, g, g, |t, _, _, g| sgd_value(t, g, lr)) {
            return Err(i);
        }
    }
    for i in 0..P::TENSORS {
        sgd_update(params.tensor_mut(i), grads.tensor(i), lr);
    }
    Ok(())
}

/// `theta -= lr g`, element by element.
#[inline]
pub(crate) fn sgd_update<T: Scalar>(theta: &mut [T], g: &[T], lr: T) {
    for (t, &g) in theta.iter_mut().zip(g) {
        *t = sgd_value(*t, g, lr);
    }
}

/// The error of an [`Mlp`] update that would make tensor `i` non-finite.
fn mlp_update_error(i: usize) -> Error {
    Error::NonFiniteUpdate {
        tensor: TENSOR_NAMES.get(i).copied().unwrap_or("?"),
    }
}
