//! [`Matrix`] and [`Vector`] to and from [`GenericArray`]: an `R x C` matrix is a
//! `GenericArray` of `R` rows, each a `GenericArray` of `C` elements (the same row-major
//! layout), a vector a `GenericArray` of its elements.

use generic_array::{ConstArrayLength, GenericArray, IntoArrayLength};
use typenum::Const;

use crate::{Matrix, Vector};

/// The `GenericArray` twin of a `Matrix<R, C, T>`.
pub type GenericMatrix<const R: usize, const C: usize, T> =
    GenericArray<GenericArray<T, ConstArrayLength<C>>, ConstArrayLength<R>>;

impl<const R: usize, const C: usize, T: Copy> Matrix<R, C, T>
where
    Const<R>: IntoArrayLength,
    Const<C>: IntoArrayLength,
{
    /// The matrix as a `GenericArray` of rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// let m = Matrix::from_array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let g = m.to_generic_array();
    /// assert_eq!(g[1][2], 6.0);
    /// assert_eq!(Matrix::from_generic_array(g), m);
    /// ```
    #[must_use]
    pub fn to_generic_array(&self) -> GenericMatrix<R, C, T> {
        GenericArray::from_array(self.as_array().map(GenericArray::from_array))
    }

    /// A matrix from a `GenericArray` of rows.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// use generic_array::GenericArray;
    /// let g = GenericArray::from_array([GenericArray::from_array([1.0_f32, 2.0])]);
    /// assert_eq!(Matrix::<1, 2>::from_generic_array(g)[(0, 1)], 2.0);
    /// ```
    #[must_use]
    pub fn from_generic_array(rows: GenericMatrix<R, C, T>) -> Self {
        let rows: [GenericArray<T, ConstArrayLength<C>>; R] = rows.into_array();
        Matrix::from_array(rows.map(GenericArray::into_array))
    }
}

impl<const N: usize, T: Copy> Vector<N, T>
where
    Const<N>: IntoArrayLength,
{
    /// The vector as a `GenericArray`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Vector;
    /// let v = Vector::from_array([1.0, 2.0]);
    /// assert_eq!(v.to_generic_array().as_slice(), &[1.0, 2.0]);
    /// assert_eq!(Vector::from_generic_array(v.to_generic_array()), v);
    /// ```
    #[must_use]
    pub fn to_generic_array(&self) -> GenericArray<T, ConstArrayLength<N>> {
        GenericArray::from_array(*self.as_array())
    }

    /// A vector from a `GenericArray`.
    ///
    /// # Examples
    /// ```
    /// use generic_array::GenericArray;
    /// let v = ctensor::Vector::<1, f64>::from_generic_array(GenericArray::from_array([3.0]));
    /// assert_eq!(v[0], 3.0);
    /// ```
    #[must_use]
    pub fn from_generic_array(a: GenericArray<T, ConstArrayLength<N>>) -> Self {
        Vector::from_array(a.into_array())
    }
}
