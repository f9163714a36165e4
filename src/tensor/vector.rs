//! [`Vector<N, T>`]: a vector of `N` elements with its length in its type.

use core::ops::{Deref, DerefMut, Index, IndexMut};

use crate::Scalar;

/// A vector of `N` elements of `T` (default `f32`), stored as `[T; N]`: biases, a single
/// sample's features or outputs.
///
/// It dereferences to `[T; N]`, so slices' methods and iteration work directly.
///
/// # Operators
///
/// By value or by reference, in any mix: `u + v`, `u - v`, `u += v`, `u -= v` (element-wise,
/// same `N`); `v * k`, `k * v`, `v / k`, `v *= k`, `v /= k` (scalar `T`; `k * v` for `f32` and
/// `f64`); `-v`. A [`Matrix<R, N>`](crate::Matrix) times a `Vector<N>` is a `Vector<R>`.
/// There is no `u * v`: use [`dot`](Vector::dot) (or `zip` for element-wise products).
///
/// # Examples
/// ```
/// use ctensor::Vector;
/// let v = Vector::from_array([3.0, 4.0]);
/// assert_eq!(v.dot(&v), 25.0);
/// assert_eq!(v[1], 4.0);
/// assert_eq!(v.iter().sum::<f32>(), 7.0);
/// static B: Vector<3, f64> = Vector::zeros();
/// assert_eq!(B.len(), 3);
/// ```
#[derive(Clone, Copy, PartialEq, Debug, bytemuck_derive::Zeroable)]
#[repr(transparent)]
pub struct Vector<const N: usize, T = f32>([T; N]);

/// The zero vector, as [`Vector::zeros`].
///
/// # Examples
/// ```
/// let v: ctensor::Vector<3> = Default::default();
/// assert_eq!(v.into_array(), [0.0; 3]);
/// ```
impl<const N: usize, T: Scalar> Default for Vector<N, T> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<const N: usize, T> Vector<N, T> {
    /// Wraps an array (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// const V: ctensor::Vector<2> = ctensor::Vector::from_array([1.0, 2.0]);
    /// assert_eq!(V[0], 1.0);
    /// ```
    #[must_use]
    pub const fn from_array(a: [T; N]) -> Self {
        Self(a)
    }

    /// The elements as an array.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Vector::from_array([1.0]).as_array(), &[1.0]);
    /// ```
    #[must_use]
    pub const fn as_array(&self) -> &[T; N] {
        &self.0
    }

    /// The elements as a mutable array.
    ///
    /// # Examples
    /// ```
    /// let mut v = ctensor::Vector::<2>::zeros();
    /// v.as_array_mut()[1] = 2.0;
    /// assert_eq!(v[1], 2.0);
    /// ```
    pub const fn as_array_mut(&mut self) -> &mut [T; N] {
        &mut self.0
    }

    /// Unwraps into the array.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Vector::from_array([1.0_f64]).into_array(), [1.0]);
    /// ```
    #[must_use]
    pub fn into_array(self) -> [T; N] {
        self.0
    }

    /// Iterates over the elements (`&v` in a `for` loop does the same).
    ///
    /// # Examples
    /// ```
    /// let v = ctensor::Vector::from_array([1.0, 2.0]);
    /// assert_eq!(v.iter().sum::<f32>(), 3.0);
    /// ```
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// Iterates mutably over the elements (`&mut v` in a `for` loop does the same).
    ///
    /// # Examples
    /// ```
    /// let mut v = ctensor::Vector::from_array([1.0_f32, -2.0]);
    /// v.iter_mut().for_each(|x| *x = x.abs());
    /// assert_eq!(v.into_array(), [1.0, 2.0]);
    /// ```
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }
}

impl<const N: usize, T: Scalar> Vector<N, T> {
    /// The zero vector (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Vector::<3>::zeros()[2], 0.0);
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self([T::ZERO; N])
    }

    /// Every element equal to `value`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Vector::<2>::splat(7.0)[1], 7.0);
    /// ```
    #[must_use]
    pub const fn splat(value: T) -> Self {
        Self([value; N])
    }

    /// Builds the vector with `f(i)` for each element.
    ///
    /// # Examples
    /// ```
    /// let v = ctensor::Vector::<3>::from_fn(|i| i as f32);
    /// assert_eq!(v.into_array(), [0.0, 1.0, 2.0]);
    /// ```
    #[must_use]
    pub fn from_fn(f: impl FnMut(usize) -> T) -> Self {
        Self(core::array::from_fn(f))
    }

    /// Applies `f` to every element.
    ///
    /// # Examples
    /// ```
    /// let v = ctensor::Vector::from_array([1.0, -1.0]).map(|x: f32| x.abs());
    /// assert_eq!(v.into_array(), [1.0, 1.0]);
    /// ```
    #[must_use]
    pub fn map(&self, mut f: impl FnMut(T) -> T) -> Self {
        Self::from_fn(|i| f(self.0[i]))
    }

    /// The dot product.
    ///
    /// # Examples
    /// ```
    /// let v = ctensor::Vector::from_array([1.0, 2.0]);
    /// assert_eq!(v.dot(&v), 5.0);
    /// ```
    #[must_use]
    pub fn dot(&self, other: &Self) -> T {
        self.0.iter().zip(&other.0).map(|(&a, &b)| a * b).sum()
    }

    /// Sum of squares of the elements.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Vector::from_array([3.0, 4.0]).norm_squared(), 25.0);
    /// ```
    #[must_use]
    pub fn norm_squared(&self) -> T {
        self.dot(self)
    }

    /// `true` when no element is NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// assert!(ctensor::Vector::from_array([1.0, 2.0]).is_finite());
    /// ```
    #[must_use]
    pub fn is_finite(&self) -> bool {
        self.0.iter().all(|x| x.is_finite())
    }
}

impl<const N: usize, T> Deref for Vector<N, T> {
    type Target = [T; N];
    fn deref(&self) -> &[T; N] {
        &self.0
    }
}

impl<const N: usize, T> DerefMut for Vector<N, T> {
    fn deref_mut(&mut self) -> &mut [T; N] {
        &mut self.0
    }
}

impl<const N: usize, T> Index<usize> for Vector<N, T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.0[i]
    }
}

impl<const N: usize, T> IndexMut<usize> for Vector<N, T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.0[i]
    }
}
