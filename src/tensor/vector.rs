//! [`Vector<N, T>`]: a vector of `N` elements with its length in its type.

use core::ops::{Add, AddAssign, Deref, DerefMut, Index, IndexMut, Mul, Sub, SubAssign};

use crate::Scalar;

/// A vector of `N` elements of `T` (default `f32`), stored as `[T; N]`: biases, a single
/// sample's features or outputs.
///
/// It dereferences to `[T; N]`, so slices' methods and iteration work directly.
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
#[derive(Clone, Copy, PartialEq, Debug)]
#[repr(transparent)]
pub struct Vector<const N: usize, T = f32>([T; N]);

// SAFETY: `Vector` is `repr(transparent)` over `[T; N]`, which is valid all-zero when `T` is.
unsafe impl<const N: usize, T: bytemuck::Zeroable> bytemuck::Zeroable for Vector<N, T> {}

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

impl<const N: usize, T> From<[T; N]> for Vector<N, T> {
    fn from(a: [T; N]) -> Self {
        Self(a)
    }
}

impl<const N: usize, T: Scalar> AddAssign<&Vector<N, T>> for Vector<N, T> {
    fn add_assign(&mut self, rhs: &Self) {
        for (a, &b) in self.0.iter_mut().zip(&rhs.0) {
            *a += b;
        }
    }
}

impl<const N: usize, T: Scalar> SubAssign<&Vector<N, T>> for Vector<N, T> {
    fn sub_assign(&mut self, rhs: &Self) {
        for (a, &b) in self.0.iter_mut().zip(&rhs.0) {
            *a -= b;
        }
    }
}

impl<const N: usize, T: Scalar> Add for Vector<N, T> {
    type Output = Self;
    fn add(mut self, rhs: Self) -> Self {
        self += &rhs;
        self
    }
}

impl<const N: usize, T: Scalar> Sub for Vector<N, T> {
    type Output = Self;
    fn sub(mut self, rhs: Self) -> Self {
        self -= &rhs;
        self
    }
}

impl<const N: usize, T: Scalar> Mul<T> for Vector<N, T> {
    type Output = Self;
    fn mul(self, k: T) -> Self {
        self.map(|x| x * k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let a = Vector::from_array([1.0_f64, 2.0]);
        let b = Vector::splat(1.0);
        assert_eq!((a + b).into_array(), [2.0, 3.0]);
        assert_eq!((a - b).into_array(), [0.0, 1.0]);
        assert_eq!((a * 3.0).into_array(), [3.0, 6.0]);
    }
}
