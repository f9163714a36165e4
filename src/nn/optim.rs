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

pub mod seq;

use crate::nn::layer::Zeros;
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
    let chunks = theta
        .chunks_exact(LANES)
        .zip(a.chunks_exact(LANES))
        .zip(b.chunks_exact(LANES))
        .zip(g.chunks_exact(LANES));
    let rest = (
        theta.chunks_exact(LANES).remainder(),
        a.chunks_exact(LANES).remainder(),
        b.chunks_exact(LANES).remainder(),
        g.chunks_exact(LANES).remainder(),
    );
    for (((t, a), b), g) in chunks.chain(core::iter::once((((rest.0, rest.1), rest.2), rest.3))) {
        for ((((acc, &t), &a), &b), &g) in acc.iter_mut().zip(t).zip(a).zip(b).zip(g) {
            *acc += f(t, a, b, g) * T::ZERO;
        }
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

/// SGD with momentum, PyTorch's convention: `v <- mu v + g`, `theta <- theta - lr v`.
///
/// `S` is the shape of the velocity, the shape of the parameters updated:
/// [`Momentum<D, H, K, T>`] for an [`Mlp`], `MomentumOf<L>` for a [`Seq<L>`](crate::Seq).
/// Holds a velocity the size of the model: build large ones with [`MomentumOf::boxed`].
///
/// # Examples
/// ```
/// use ctensor::{Gradients, Momentum, Mlp, Optimizer};
/// let mut opt = Momentum::<1, 1, 1>::new(1.0, 0.5)?;
/// let mut net = Mlp::zeros();
/// let mut g = Gradients::zeros();
/// g.b2[0] = 1.0;
/// opt.update(&mut net, &g); // v = 1
/// opt.update(&mut net, &g); // v = 1.5
/// assert_eq!(net.b2[0], -2.5);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct MomentumOf<S> {
    lr: f64,
    momentum: f64,
    velocity: S,
}

/// [`MomentumOf`] an [`Mlp<D, H, K, T>`]'s parameters.
///
/// # Examples
/// ```
/// let opt = ctensor::Momentum::<4, 8, 2>::new(0.1, 0.9)?;
/// assert_eq!(opt.learning_rate(), 0.1);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub type Momentum<const D: usize, const H: usize, const K: usize, T = f32> =
    MomentumOf<Gradients<D, H, K, T>>;

impl<S: Params + Zeros> MomentumOf<S> {
    /// Momentum SGD with learning rate `lr > 0` and momentum `mu` in `[0, 1)`, both as
    /// converted to the scalar type.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] for a value out of range.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Momentum::<2, 2, 2>::new(0.1, 1.0).is_err());
    /// ```
    pub fn new(lr: f64, momentum: f64) -> Result<Self> {
        Self::check(lr, momentum)?;
        Ok(Self {
            lr,
            momentum,
            velocity: S::ZEROS,
        })
    }

    /// As [`MomentumOf::new`], in a `const` context (a `static` optimizer on a device): the
    /// hyper-parameters are checked here in `f64` (as [`Sgd::new`] does), and, as always,
    /// again in the scalar type at every update ([`Error::InvalidHyperParameter`] then, and
    /// nothing changes).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive and `momentum`
    /// is in `[0, 1)`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, MomentumOf, Relu};
    /// type Layers = (Dense<4, 8>, Relu<8>, Dense<8, 2>);
    /// static OPT: std::sync::Mutex<MomentumOf<Layers>> = std::sync::Mutex::new(
    ///     match MomentumOf::new_const(0.01, 0.9) {
    ///         Ok(opt) => opt,
    ///         Err(_) => panic!("bad hyper-parameters"),
    ///     },
    /// );
    /// assert_eq!(OPT.lock().unwrap().learning_rate(), 0.01);
    /// ```
    pub const fn new_const(lr: f64, momentum: f64) -> Result<Self> {
        if let Err(e) = check_const_lr(lr) {
            return Err(e);
        }
        if let Err(e) = check_const_rate("momentum", momentum) {
            return Err(e);
        }
        Ok(Self {
            lr,
            momentum,
            velocity: S::ZEROS,
        })
    }

    /// As [`MomentumOf::new`], built directly on the heap.
    ///
    /// # Errors
    /// As [`MomentumOf::new`].
    ///
    /// # Examples
    /// ```
    /// let opt = ctensor::Momentum::<784, 128, 10>::boxed(0.01, 0.9)?;
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64, momentum: f64) -> Result<alloc::boxed::Box<Self>> {
        Self::check(lr, momentum)?;
        let mut opt: alloc::boxed::Box<Self> = bytemuck::zeroed_box();
        opt.lr = lr;
        opt.momentum = momentum;
        Ok(opt)
    }

    /// The learning rate and momentum in the scalar type.
    fn check(lr: f64, momentum: f64) -> Result<(S::Scalar, S::Scalar)> {
        Ok((check_lr(lr)?, check_rate("momentum", momentum)?))
    }

    /// The learning rate.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Momentum::<1, 1, 1>::new(0.5, 0.9)?.learning_rate(), 0.5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.lr
    }

    /// Sets the learning rate (e.g. for a schedule); the velocity is kept.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive in the scalar
    /// type; then unchanged.
    ///
    /// # Examples
    /// ```
    /// let mut opt = ctensor::Momentum::<1, 1, 1>::new(0.5, 0.9)?;
    /// opt.set_learning_rate(0.05)?;
    /// assert_eq!(opt.learning_rate(), 0.05);
    /// assert!(opt.set_learning_rate(1e300).is_err()); // inf in f32
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        check_lr::<S::Scalar>(lr)?;
        self.lr = lr;
        Ok(())
    }

    /// One update of `params` (of the same shape as `S`) from `grads`, all or nothing;
    /// `Err(i)` names the first tensor whose update would not be finite.
    pub(crate) fn apply<P, G>(&mut self, params: &mut P, grads: &G) -> Result<Result<(), usize>>
    where
        P: Params<Scalar = S::Scalar>,
        G: Params<Scalar = S::Scalar>,
    {
        let (lr, mu) = Self::check(self.lr, self.momentum)?;
        let step = |t: S::Scalar, v: S::Scalar, g: S::Scalar| {
            let v = mu * v + g;
            (t - lr * v, v)
        };
        for i in 0..S::TENSORS {
            let (theta, v, g) = (params.tensor(i), self.velocity.tensor(i), grads.tensor(i));
            let finite = all_finite_after(theta, v, g, g, |t, v, _, g| {
                let (t, v) = step(t, v, g);
                t + v * S::Scalar::ZERO
            });
            if !finite {
                return Ok(Err(i));
            }
        }
        for i in 0..S::TENSORS {
            let (theta, v) = (params.tensor_mut(i), self.velocity.tensor_mut(i));
            for ((t, v), &g) in theta.iter_mut().zip(v.iter_mut()).zip(grads.tensor(i)) {
                (*t, *v) = step(*t, *v, g);
            }
        }
        Ok(Ok(()))
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Optimizer<D, H, K, T>
    for Momentum<D, H, K, T>
{
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) -> Result<()> {
        self.apply(net, grads)?.map_err(mlp_update_error)
    }
}

/// The error of an [`Mlp`] update that would make tensor `i` non-finite.
fn mlp_update_error(i: usize) -> Error {
    Error::NonFiniteUpdate {
        tensor: TENSOR_NAMES.get(i).copied().unwrap_or("?"),
    }
}

/// Adam (Kingma & Ba, 2015) with bias correction, as PyTorch's `Adam` (L2, if any, is in
/// the gradient, like PyTorch's `Adam(weight_decay=...)`, not decoupled as in AdamW).
///
/// `S` is the shape of the moment estimates, the shape of the parameters updated:
/// [`Adam<D, H, K, T>`] for an [`Mlp`], `AdamOf<L>` for a [`Seq<L>`](crate::Seq).
/// Holds two moment estimates the size of the model: build large ones with
/// [`AdamOf::boxed`].
///
/// # Examples
/// ```
/// use ctensor::{Adam, Gradients, Mlp, Optimizer};
/// let mut opt = Adam::<1, 1, 1, f64>::new(0.1)?;
/// let mut net = Mlp::zeros();
/// let mut g = Gradients::zeros();
/// g.b2[0] = 3.0;
/// opt.update(&mut net, &g);
/// // The first step moves each parameter by about lr against the gradient's sign.
/// assert!((net.b2[0] + 0.1).abs() < 1e-7);
/// # Ok::<(), ctensor::Error>(())
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
#[zeroable(bound = "")]
pub struct AdamOf<S> {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    step: u64,
    m: S,
    v: S,
}

/// [`AdamOf`] an [`Mlp<D, H, K, T>`]'s parameters.
///
/// # Examples
/// ```
/// let adam = ctensor::Adam::<4, 8, 2>::new(1e-3)?;
/// assert_eq!(adam.steps(), 0);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub type Adam<const D: usize, const H: usize, const K: usize, T = f32> =
    AdamOf<Gradients<D, H, K, T>>;

impl<S: Params + Zeros> AdamOf<S> {
    /// Adam with learning rate `lr` and the usual `beta1 = 0.9`, `beta2 = 0.999`,
    /// `eps = 1e-8`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive.
    ///
    /// # Examples
    /// ```
    /// let adam = ctensor::Adam::<4, 4, 2>::new(1e-3)?;
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn new(lr: f64) -> Result<Self> {
        Self::with_betas(lr, 0.9, 0.999, 1e-8)
    }

    /// Adam with every hyper-parameter given.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr > 0`, `beta1, beta2` in `[0, 1)` and
    /// `eps > 0`, all finite, as converted to the scalar type (`eps = 1e-50` is 0 in `f32`,
    /// `beta2 = 0.9999999999` is 1 in `f32`).
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Adam::<4, 4, 2>::with_betas(1e-3, 0.9, 1.0, 1e-8).is_err());
    /// ```
    pub fn with_betas(lr: f64, beta1: f64, beta2: f64, eps: f64) -> Result<Self> {
        Self::check(lr, beta1, beta2, eps)?;
        Ok(Self {
            lr,
            beta1,
            beta2,
            eps,
            step: 0,
            m: S::ZEROS,
            v: S::ZEROS,
        })
    }

    /// As [`AdamOf::new`], in a `const` context (a `static` optimizer on a device): the
    /// learning rate is checked here in `f64` (as [`Sgd::new`] does), and, as always, every
    /// hyper-parameter again in the scalar type at every update
    /// ([`Error::InvalidHyperParameter`] then, and nothing changes).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{AdamOf, Dense, Relu};
    /// type Layers = (Dense<4, 8>, Relu<8>, Dense<8, 2>);
    /// static ADAM: std::sync::Mutex<AdamOf<Layers>> = std::sync::Mutex::new(
    ///     match AdamOf::new_const(1e-3) {
    ///         Ok(adam) => adam,
    ///         Err(_) => panic!("bad learning rate"),
    ///     },
    /// );
    /// assert_eq!(ADAM.lock().unwrap().steps(), 0);
    /// assert!(AdamOf::<Layers>::new_const(f64::NAN).is_err());
    /// ```
    pub const fn new_const(lr: f64) -> Result<Self> {
        if let Err(e) = check_const_lr(lr) {
            return Err(e);
        }
        Ok(Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            step: 0,
            m: S::ZEROS,
            v: S::ZEROS,
        })
    }

    /// As [`AdamOf::new`], built directly on the heap.
    ///
    /// # Errors
    /// As [`AdamOf::new`].
    ///
    /// # Examples
    /// ```
    /// let adam = ctensor::Adam::<784, 128, 10>::boxed(1e-3)?;
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64) -> Result<alloc::boxed::Box<Self>> {
        Self::check(lr, 0.9, 0.999, 1e-8)?;
        let mut opt: alloc::boxed::Box<Self> = bytemuck::zeroed_box();
        (opt.lr, opt.beta1, opt.beta2, opt.eps) = (lr, 0.9, 0.999, 1e-8);
        Ok(opt)
    }

    fn check(lr: f64, beta1: f64, beta2: f64, eps: f64) -> Result<()> {
        check_lr::<S::Scalar>(lr)?;
        check_rate::<S::Scalar>("beta1", beta1)?;
        check_rate::<S::Scalar>("beta2", beta2)?;
        check::<S::Scalar>(
            "epsilon",
            eps,
            ["finite and > 0 in f32", "finite and > 0 in f64"],
            |x| x > S::Scalar::ZERO,
        )?;
        Ok(())
    }

    /// The learning rate.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Adam::<1, 1, 1>::new(0.5)?.learning_rate(), 0.5);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.lr
    }

    /// Sets the learning rate (e.g. for a schedule); the moment estimates are kept.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] unless `lr` is finite and positive in the scalar
    /// type; then unchanged.
    ///
    /// # Examples
    /// ```
    /// let mut adam = ctensor::Adam::<1, 1, 1>::new(1e-3)?;
    /// adam.set_learning_rate(1e-4)?;
    /// assert_eq!(adam.learning_rate(), 1e-4);
    /// assert!(adam.set_learning_rate(0.0).is_err());
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        check_lr::<S::Scalar>(lr)?;
        self.lr = lr;
        Ok(())
    }

    /// Steps taken so far.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Adam::<1, 1, 1>::new(0.1)?.steps(), 0);
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// One update of `params` (of the same shape as `S`) from `grads`, all or nothing (the
    /// step count included); `Err(i)` names the first tensor whose update would not be
    /// finite.
    pub(crate) fn apply<P, G>(&mut self, params: &mut P, grads: &G) -> Result<Result<(), usize>>
    where
        P: Params<Scalar = S::Scalar>,
        G: Params<Scalar = S::Scalar>,
    {
        Self::check(self.lr, self.beta1, self.beta2, self.eps)?;
        let from = S::Scalar::from_f64;
        let step_count = self.step.saturating_add(1);
        let t = step_count.min(i32::MAX as u64) as i32;
        let (b1, b2) = (from(self.beta1), from(self.beta2));
        let (one_b1, one_b2) = (from(1.0 - self.beta1), from(1.0 - self.beta2));
        // Bias corrections folded into the step size and epsilon, computed in f64.
        let c1 = 1.0 - num_traits::float::FloatCore::powi(self.beta1, t);
        let c2 = 1.0 - num_traits::float::FloatCore::powi(self.beta2, t);
        let rate = from(self.lr / c1);
        let inv_sqrt_c2 = from(1.0 / Scalar::sqrt(c2));
        let eps = from(self.eps);
        let step = |t: S::Scalar, m: S::Scalar, v: S::Scalar, g: S::Scalar| {
            let m = b1 * m + one_b1 * g;
            let v = b2 * v + one_b2 * g * g;
            (t - rate * m / (v.sqrt() * inv_sqrt_c2 + eps), m, v)
        };
        for i in 0..S::TENSORS {
            let (theta, m, v) = (params.tensor(i), self.m.tensor(i), self.v.tensor(i));
            let finite = all_finite_after(theta, m, v, grads.tensor(i), |t, m, v, g| {
                let (t, m, v) = step(t, m, v, g);
                t + m * S::Scalar::ZERO + v * S::Scalar::ZERO
            });
            if !finite {
                return Ok(Err(i));
            }
        }
        for i in 0..S::TENSORS {
            let (theta, m, v) = (
                params.tensor_mut(i),
                self.m.tensor_mut(i),
                self.v.tensor_mut(i),
            );
            for (((t, m), v), &g) in theta
                .iter_mut()
                .zip(m.iter_mut())
                .zip(v.iter_mut())
                .zip(grads.tensor(i))
            {
                (*t, *m, *v) = step(*t, *m, *v, g);
            }
        }
        self.step = step_count;
        Ok(Ok(()))
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Optimizer<D, H, K, T>
    for Adam<D, H, K, T>
{
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) -> Result<()> {
        self.apply(net, grads)?.map_err(mlp_update_error)
    }
}
