//! [`SeqOptimizer`]: the optimizers of a [`Seq<L>`](crate::Seq)'s parameters, [`Sgd`],
//! [`MomentumOf<L>`] and [`AdamOf<L>`], with the update rules of the [`Mlp`](crate::Mlp)'s.

use super::{AdamOf, MomentumOf, Sgd, check_lr, sgd_apply};
use crate::nn::layer::Zeros;
use crate::nn::params::Params;
use crate::{Error, Result};

/// Updates the parameters of a network's layers `L` from their gradients (of the same
/// type): what [`Seq::train_step`](crate::Seq::train_step) calls.
///
/// An update is all or nothing: it is first computed without being stored, and applied only
/// if every new parameter (and every new optimizer state value) is finite; otherwise it
/// returns an error and changes nothing.
///
/// # Examples
/// ```
/// use ctensor::{AdamOf, Dense, Relu, SeqOptimizer, Sgd};
/// use ctensor::nn::layer::Zeros;
/// type Layers = (Dense<1, 1>, Relu<1>, Dense<1, 1>);
/// let (mut layers, mut grads) = (Layers::ZEROS, Layers::ZEROS);
/// grads.2.b[0] = 2.0;
/// Sgd::new(0.5)?.update(&mut layers, &grads)?;
/// assert_eq!(layers.2.b[0], -1.0);
/// let mut adam = AdamOf::<Layers>::new(0.1)?;
/// adam.update(&mut layers, &grads)?;
/// assert!((layers.2.b[0] + 1.1).abs() < 1e-6);
/// # Ok::<(), ctensor::Error>(())
/// ```
pub trait SeqOptimizer<L: Params> {
    /// Applies one update.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] if a hyper-parameter is not usable in the scalar
    /// type, [`Error::NonFiniteLayerUpdate`] if a new parameter or state value would be NaN
    /// or infinite. Then nothing has changed.
    ///
    /// # Examples
    /// ```
    /// use ctensor::nn::layer::Zeros;
    /// use ctensor::{AdamOf, Dense, Error, Relu, SeqOptimizer};
    /// type Layers = (Dense<1, 1>, Relu<1>, Dense<1, 1>);
    /// let (mut layers, mut grads) = (Layers::ZEROS, Layers::ZEROS);
    /// let mut adam = AdamOf::<Layers>::new(0.1)?;
    /// grads.2.b[0] = f32::NAN;
    /// let err = adam.update(&mut layers, &grads);
    /// assert_eq!(err, Err(Error::NonFiniteLayerUpdate { layer: 2, tensor: "bias" }));
    /// assert_eq!(layers, Layers::ZEROS); // unchanged, and so are Adam's moments:
    /// grads.2.b[0] = 2.0;
    /// adam.update(&mut layers, &grads)?;
    /// assert!((layers.2.b[0] + 0.1).abs() < 1e-6); // a first Adam step, -lr sign(g)
    /// # Ok::<(), ctensor::Error>(())
    /// ```
    fn update(&mut self, params: &mut L, grads: &L) -> Result<()>;
}

/// The error of an update that would make tensor `i` of `L` non-finite.
fn update_error<L: Params>(i: usize) -> Error {
    let info = L::tensor_info(i);
    Error::NonFiniteLayerUpdate {
        layer: info.map_or(0, |t| t.layer),
        tensor: info.map_or("?", |t| t.name),
    }
}

impl<L: Params> SeqOptimizer<L> for Sgd {
    fn update(&mut self, params: &mut L, grads: &L) -> Result<()> {
        let lr = check_lr::<L::Scalar>(self.learning_rate())?;
        sgd_apply(params, grads, lr).map_err(update_error::<L>)
    }
}

impl<L: Params + Zeros> SeqOptimizer<L> for MomentumOf<L> {
    fn update(&mut self, params: &mut L, grads: &L) -> Result<()> {
        self.apply(params, grads)?.map_err(update_error::<L>)
    }
}

impl<L: Params + Zeros> SeqOptimizer<L> for AdamOf<L> {
    fn update(&mut self, params: &mut L, grads: &L) -> Result<()> {
        self.apply(params, grads)?.map_err(update_error::<L>)
    }
}
