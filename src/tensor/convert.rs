//! Conversions between [`Matrix`]/[`Vector`] and arrays and slices, and `IntoIterator`.

use core::array::TryFromSliceError;

use super::{Matrix, Vector};
use crate::Scalar;

/// Wraps a row-major array, as [`Matrix::from_array`].
///
/// # Examples
/// ```
/// let m: ctensor::Matrix<1, 2> = [[1.0, 2.0]].into();
/// assert_eq!(m[(0, 1)], 2.0);
/// ```
impl<const R: usize, const C: usize, T> From<[[T; C]; R]> for Matrix<R, C, T> {
    fn from(rows: [[T; C]; R]) -> Self {
        Self::from_array(rows)
    }
}

/// Unwraps into the row-major array, as [`Matrix::into_array`].
///
/// # Examples
/// ```
/// let rows: [[f32; 2]; 1] = ctensor::Matrix::from_array([[1.0, 2.0]]).into();
/// assert_eq!(rows, [[1.0, 2.0]]);
/// ```
impl<const R: usize, const C: usize, T> From<Matrix<R, C, T>> for [[T; C]; R] {
    fn from(m: Matrix<R, C, T>) -> Self {
        m.into_array()
    }
}

/// Wraps an array, as [`Vector::from_array`].
///
/// # Examples
/// ```
/// let v: ctensor::Vector<2> = [1.0, 2.0].into();
/// assert_eq!(v[1], 2.0);
/// ```
impl<const N: usize, T> From<[T; N]> for Vector<N, T> {
    fn from(a: [T; N]) -> Self {
        Self::from_array(a)
    }
}

/// Unwraps into the array, as [`Vector::into_array`].
///
/// # Examples
/// ```
/// let a: [f64; 2] = ctensor::Vector::from_array([1.0, 2.0]).into();
/// assert_eq!(a, [1.0, 2.0]);
/// ```
impl<const N: usize, T> From<Vector<N, T>> for [T; N] {
    fn from(v: Vector<N, T>) -> Self {
        v.into_array()
    }
}

/// The error of a failed `<[T; N]>::try_from(&[T])`, which core only lets its own
/// conversions build: a conversion from a slice that cannot fail is made to.
fn slice_length_error() -> TryFromSliceError {
    match <[u8; 1]>::try_from(&[][..]) {
        Err(e) => e,
        Ok(_) => unreachable!("an empty slice is not 1 element long"),
    }
}

/// Copies `R * C` elements, row after row, from a slice (like `<[T; N]>::try_from(&[T])`).
///
/// # Errors
/// [`TryFromSliceError`] if the slice's length is not `R * C`.
///
/// # Examples
/// ```
/// use ctensor::Matrix;
/// let data = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let m = Matrix::<2, 3>::try_from(&data[..])?;
/// assert_eq!(m.into_array(), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// assert!(Matrix::<2, 2>::try_from(&data[..]).is_err());
/// # Ok::<(), core::array::TryFromSliceError>(())
/// ```
impl<const R: usize, const C: usize, T: Scalar> TryFrom<&[T]> for Matrix<R, C, T> {
    type Error = TryFromSliceError;
    fn try_from(elems: &[T]) -> Result<Self, TryFromSliceError> {
        if elems.len() != R * C {
            return Err(slice_length_error());
        }
        let mut m = Self::zeros();
        m.as_flattened_mut().copy_from_slice(elems);
        Ok(m)
    }
}

/// Copies `N` elements from a slice (like `<[T; N]>::try_from(&[T])`).
///
/// # Errors
/// [`TryFromSliceError`] if the slice's length is not `N`.
///
/// # Examples
/// ```
/// use ctensor::Vector;
/// let data = [1.0, 2.0, 3.0];
/// assert_eq!(Vector::<3>::try_from(&data[..])?[2], 3.0);
/// assert!(Vector::<2>::try_from(&data[..]).is_err());
/// # Ok::<(), core::array::TryFromSliceError>(())
/// ```
impl<const N: usize, T: Copy> TryFrom<&[T]> for Vector<N, T> {
    type Error = TryFromSliceError;
    fn try_from(elems: &[T]) -> Result<Self, TryFromSliceError> {
        <[T; N]>::try_from(elems).map(Self::from_array)
    }
}

/// All elements, row after row, as [`Matrix::iter`].
///
/// # Examples
/// ```
/// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
/// let mut sum = 0.0;
/// for x in &m {
///     sum += x;
/// }
/// assert_eq!(sum, 10.0);
/// ```
impl<'a, const R: usize, const C: usize, T> IntoIterator for &'a Matrix<R, C, T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// All elements, row after row, mutably, as [`Matrix::iter_mut`].
///
/// # Examples
/// ```
/// let mut m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
/// for x in &mut m {
///     *x *= 10.0;
/// }
/// assert_eq!(m[(1, 0)], 30.0);
/// ```
impl<'a, const R: usize, const C: usize, T> IntoIterator for &'a mut Matrix<R, C, T> {
    type Item = &'a mut T;
    type IntoIter = core::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// The elements, by value.
///
/// # Examples
/// ```
/// let v = ctensor::Vector::from_array([1.0, 2.0]);
/// let doubled: Vec<f32> = v.into_iter().map(|x| 2.0 * x).collect();
/// assert_eq!(doubled, [2.0, 4.0]);
/// ```
impl<const N: usize, T> IntoIterator for Vector<N, T> {
    type Item = T;
    type IntoIter = core::array::IntoIter<T, N>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_array().into_iter()
    }
}

/// The elements, by reference.
///
/// # Examples
/// ```
/// let v = ctensor::Vector::from_array([1.0, 2.0]);
/// let mut sum = 0.0;
/// for x in &v {
///     sum += x;
/// }
/// assert_eq!(sum, 3.0);
/// ```
impl<'a, const N: usize, T> IntoIterator for &'a Vector<N, T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The elements, mutably.
///
/// # Examples
/// ```
/// let mut v = ctensor::Vector::from_array([1.0, 2.0]);
/// for x in &mut v {
///     *x += 1.0;
/// }
/// assert_eq!(v.into_array(), [2.0, 3.0]);
/// ```
impl<'a, const N: usize, T> IntoIterator for &'a mut Vector<N, T> {
    type Item = &'a mut T;
    type IntoIter = core::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}
