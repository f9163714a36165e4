//! [`AdamOf<S>`]: Adam, with moment estimates of the parameters' shape `S`.

use super::{
    Optimizer, all_finite_after, check, check_const_lr, check_lr, check_rate, mlp_update_error,
};
use crate::nn::layer::Zeros;
use crate::nn::mlp::{Gradients, Mlp};
use crate::nn::params::Params;
#[cfg(doc)]
use crate::{Error, Sgd};
use crate::{Result, Scalar};

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
