//! The scratch memory of [`Mlp::train_step`](super::Mlp::train_step): [`Workspace`].

use super::Gradients;
#[cfg(doc)]
use super::Mlp;
use crate::{Matrix, Scalar};

/// The scratch memory of a training step with batches of up to `B` rows: activations kept
/// by [`Mlp::forward_train`] for [`Mlp::backward`], and the gradients it writes.
///
/// Make it once and reuse it: `Workspace::zeros()` for small shapes or a `static`,
/// `Workspace::boxed_zeros()` (feature `alloc`) for large ones.
///
/// # Examples
/// ```
/// let ws = ctensor::Workspace::<8, 16, 4, 2>::zeros();
/// assert_eq!(ws.grads.w1.as_flattened().len(), 16 * 4);
/// ```
#[derive(Clone, Debug, bytemuck_derive::Zeroable)]
pub struct Workspace<const B: usize, const D: usize, const H: usize, const K: usize, T = f32> {
    /// Hidden activations after ReLU and dropout, `B x H`.
    pub hidden: Matrix<B, H, T>,
    /// `d hidden / d Z1` per element: `1 / (1 - p)` where the unit is active and kept, else 0.
    pub gate: Matrix<B, H, T>,
    /// Logits after the forward pass; `dJ/dZ2` after the backward pass. `B x K`.
    pub logits: Matrix<B, K, T>,
    /// `dJ/dZ1` after the backward pass, `B x H`.
    pub d_hidden: Matrix<B, H, T>,
    /// The gradients written by [`Mlp::backward`].
    pub grads: Gradients<D, H, K, T>,
    /// Rows filled by the last forward pass.
    pub(super) len: usize,
}

impl<const B: usize, const D: usize, const H: usize, const K: usize, T: Scalar>
    Workspace<B, D, H, K, T>
{
    /// An empty workspace (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// static mut WS: ctensor::Workspace<1, 4, 4, 2> = ctensor::Workspace::zeros();
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            hidden: Matrix::zeros(),
            gate: Matrix::zeros(),
            logits: Matrix::zeros(),
            d_hidden: Matrix::zeros(),
            grads: Gradients::zeros(),
            len: 0,
        }
    }

    /// An empty workspace built directly on the heap.
    ///
    /// # Examples
    /// ```
    /// let ws = ctensor::Workspace::<128, 784, 128, 10>::boxed_zeros();
    /// assert_eq!(ws.hidden.as_flattened().len(), 128 * 128);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn boxed_zeros() -> alloc::boxed::Box<Self> {
        bytemuck::zeroed_box()
    }
}
