//! Shaped storage: [`Matrix<R, C, T>`] and [`Vector<N, T>`].
//!
//! Shapes are const generics over plain arrays: contiguous, row-major, no heap, usable in
//! `static` items. Products go through [`crate::kernels`].

mod matrix;
mod vector;

pub use matrix::Matrix;
pub use vector::Vector;
