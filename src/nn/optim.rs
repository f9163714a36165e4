//! Optimizers: [`Sgd`], [`Momentum`] and [`Adam`].
//!
//! The L2 penalty is part of the objective (see [`TrainConfig::l2`](crate::TrainConfig)), so
//! its gradient `2 lambda theta` is already in the gradients an optimizer receives: with
//! [`Sgd`] one step is exactly `theta <- theta - lr (dJ/dtheta + 2 lambda theta)`.

use crate::nn::mlp::{Gradients, Mlp};
use crate::{Error, Result, Scalar};

/// Updates an [`Mlp`]'s parameters from its gradients.
///
/// # Examples
/// ```
/// use ctensor::{Gradients, Mlp, Optimizer, Sgd};
/// let mut net = Mlp::<1, 1, 1>::zeros();
/// let mut g = Gradients::zeros();
/// g.b2[0] = 2.0;
/// Sgd::new(0.5)?.update(&mut net, &g);
/// assert_eq!(net.b2[0], -1.0);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub trait Optimizer<const D: usize, const H: usize, const K: usize, T: Scalar> {
    /// Applies one update.
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>);

    /// `Some(lr)` if [`Optimizer::update`] is exactly plain SGD, `theta <- theta - lr g`:
    /// [`Mlp::train_step`] may then apply the update of `W1` as its gradient is computed,
    /// without storing it. Implementations other than [`Sgd`] keep the default, `None`.
    #[doc(hidden)]
    fn plain_sgd_learning_rate(&self) -> Option<f64> {
        None
    }
}

fn check(name: &'static str, value: f64, ok: bool) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidHyperParameter {
            name,
            value,
            expected: "in its documented range",
        })
    }
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
    /// SGD with learning rate `lr > 0`.
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
        check("learning rate", lr, lr > 0.0)?;
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
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) {
        let lr = T::from_f64(self.lr);
        for (theta, g) in net.tensors_mut().into_iter().zip(grads.tensors()) {
            sgd_update(theta, g, lr);
        }
    }

    fn plain_sgd_learning_rate(&self) -> Option<f64> {
        Some(self.lr)
    }
}

/// `theta -= lr g`, element by element.
#[inline]
pub(crate) fn sgd_update<T: Scalar>(theta: &mut [T], g: &[T], lr: T) {
    for (t, &g) in theta.iter_mut().zip(g) {
        *t -= lr * g;
    }
}

/// SGD with momentum, PyTorch's convention: `v <- mu v + g`, `theta <- theta - lr v`.
///
/// Holds a velocity the size of the model: build large ones with [`Momentum::boxed`].
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
#[derive(Clone, Debug)]
pub struct Momentum<const D: usize, const H: usize, const K: usize, T = f32> {
    lr: f64,
    momentum: f64,
    velocity: Gradients<D, H, K, T>,
}

// SAFETY: `f64`s and a `Gradients` of a `Zeroable` scalar are all valid when zero.
unsafe impl<const D: usize, const H: usize, const K: usize, T: bytemuck::Zeroable>
    bytemuck::Zeroable for Momentum<D, H, K, T>
{
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Momentum<D, H, K, T> {
    /// Momentum SGD with learning rate `lr > 0` and momentum `mu` in `[0, 1)`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] for a value out of range.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Momentum::<2, 2, 2>::new(0.1, 1.0).is_err());
    /// ```
    pub fn new(lr: f64, momentum: f64) -> Result<Self> {
        check("learning rate", lr, lr > 0.0)?;
        check("momentum", momentum, (0.0..1.0).contains(&momentum))?;
        Ok(Self {
            lr,
            momentum,
            velocity: Gradients::zeros(),
        })
    }

    /// As [`Momentum::new`], built directly on the heap.
    ///
    /// # Errors
    /// As [`Momentum::new`].
    ///
    /// # Examples
    /// ```
    /// let opt = ctensor::Momentum::<784, 128, 10>::boxed(0.01, 0.9)?;
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64, momentum: f64) -> Result<alloc::boxed::Box<Self>> {
        check("learning rate", lr, lr > 0.0)?;
        check("momentum", momentum, (0.0..1.0).contains(&momentum))?;
        let mut opt: alloc::boxed::Box<Self> = bytemuck::zeroed_box();
        opt.lr = lr;
        opt.momentum = momentum;
        Ok(opt)
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Optimizer<D, H, K, T>
    for Momentum<D, H, K, T>
{
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) {
        let (lr, mu) = (T::from_f64(self.lr), T::from_f64(self.momentum));
        for ((theta, v), g) in net
            .tensors_mut()
            .into_iter()
            .zip(self.velocity.tensors_mut())
            .zip(grads.tensors())
        {
            for ((t, v), &g) in theta.iter_mut().zip(v.iter_mut()).zip(g) {
                *v = mu * *v + g;
                *t -= lr * *v;
            }
        }
    }
}

/// Adam (Kingma & Ba, 2015) with bias correction, as PyTorch's `Adam` (L2, if any, is in
/// the gradient, like PyTorch's `Adam(weight_decay=...)`, not decoupled as in AdamW).
///
/// Holds two moment estimates the size of the model: build large ones with [`Adam::boxed`].
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
#[derive(Clone, Debug)]
pub struct Adam<const D: usize, const H: usize, const K: usize, T = f32> {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    step: u64,
    m: Gradients<D, H, K, T>,
    v: Gradients<D, H, K, T>,
}

// SAFETY: `f64`s, a `u64` and `Gradients` of a `Zeroable` scalar are all valid when zero.
unsafe impl<const D: usize, const H: usize, const K: usize, T: bytemuck::Zeroable>
    bytemuck::Zeroable for Adam<D, H, K, T>
{
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Adam<D, H, K, T> {
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
    /// `eps > 0`, all finite.
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
            m: Gradients::zeros(),
            v: Gradients::zeros(),
        })
    }

    /// As [`Adam::new`], built directly on the heap.
    ///
    /// # Errors
    /// As [`Adam::new`].
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
        check("learning rate", lr, lr > 0.0)?;
        check("beta1", beta1, (0.0..1.0).contains(&beta1))?;
        check("beta2", beta2, (0.0..1.0).contains(&beta2))?;
        check("epsilon", eps, eps > 0.0)
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
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Optimizer<D, H, K, T>
    for Adam<D, H, K, T>
{
    fn update(&mut self, net: &mut Mlp<D, H, K, T>, grads: &Gradients<D, H, K, T>) {
        self.step += 1;
        let t = self.step.min(i32::MAX as u64) as i32;
        let (b1, b2) = (T::from_f64(self.beta1), T::from_f64(self.beta2));
        let (one_b1, one_b2) = (T::from_f64(1.0 - self.beta1), T::from_f64(1.0 - self.beta2));
        // Bias corrections folded into the step size and epsilon, computed in f64.
        let c1 = 1.0 - num_traits::float::FloatCore::powi(self.beta1, t);
        let c2 = 1.0 - num_traits::float::FloatCore::powi(self.beta2, t);
        let step = T::from_f64(self.lr / c1);
        let inv_sqrt_c2 = T::from_f64(1.0 / Scalar::sqrt(c2));
        let eps = T::from_f64(self.eps);
        for (((theta, m), v), g) in net
            .tensors_mut()
            .into_iter()
            .zip(self.m.tensors_mut())
            .zip(self.v.tensors_mut())
            .zip(grads.tensors())
        {
            for (((t, m), v), &g) in theta.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g) {
                *m = b1 * *m + one_b1 * g;
                *v = b2 * *v + one_b2 * g * g;
                *t -= step * *m / (v.sqrt() * inv_sqrt_c2 + eps);
            }
        }
    }
}
