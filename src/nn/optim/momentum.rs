//! [`MomentumOf<S>`]: SGD with momentum, with a velocity of the parameters' shape `S`.

use super::{
    Optimizer, all_finite_after, check_const_lr, check_const_rate, check_lr, check_rate,
    mlp_update_error,
};
use crate::nn::layer::Zeros;
use crate::nn::mlp::{Gradients, Mlp};
use crate::nn::params::Params;
#[cfg(doc)]
use crate::{Error, Sgd};
use crate::{Result, Scalar};

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
