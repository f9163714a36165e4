//! [`Matrix<R, C, T>`]: an `R x C` row-major matrix with its shape in its type.

use core::ops::{Index, IndexMut};

use super::Vector;
use crate::Scalar;
use crate::kernels;

/// An `R x C` matrix of `T` (default `f32`), stored row-major as `[[T; C]; R]`.
///
/// A batch of `B` samples with `D` features is a `Matrix<B, D>`. Products check shapes at
/// compile time: `Matrix<R, K> * Matrix<K, C> -> Matrix<R, C>`; any other pairing does not
/// compile.
///
/// # Operators
///
/// Each takes its operands by value or by reference, in any mix (`a + b`, `a + &b`,
/// `&a + b`, `&a + &b`); prefer references for large matrices, and
/// [`matmul_into`](Matrix::matmul_into) to write a product into a buffer you own. A
/// by-value operand's storage is reused for the result, so `a + b` and `&a + b` make no
/// copy beyond moving their arguments.
///
/// | expression | shapes | result |
/// |---|---|---|
/// | `a + b`, `a - b`, `a += b`, `a -= b` | `R x C`, `R x C` | element-wise, `R x C` |
/// | `a * b` | `R x K`, `K x C` | the matrix product, `R x C` |
/// | `a * v` | `R x C`, [`Vector<C>`](Vector) | `Vector<R>`: `v` as a column |
/// | `a * k`, `k * a`, `a / k`, `a *= k`, `a /= k` | `R x C`, scalar `T` | element-wise, `R x C` |
/// | `-a` | `R x C` | `R x C` |
///
/// (`k * a` is implemented for `f32` and `f64` only, the [`Scalar`] types.)
///
/// # Examples
/// ```
/// use ctensor::Matrix;
/// let a = Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]); // 3 x 2
/// let b = Matrix::from_array([[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]]); // 2 x 3
/// let c: Matrix<3, 3> = &a * &b;
/// assert_eq!(c[(2, 2)], 7.0);
/// assert_eq!(a.transpose()[(1, 2)], 6.0);
/// let v = ctensor::Vector::from_array([1.0, -1.0]);
/// assert_eq!((&a * &v).into_array(), [-1.0, -1.0, -1.0]);
/// assert_eq!(2.0 * &a - &a, a);
/// assert_eq!(format!("{:.1}", a.column(0)), "[1.0, 3.0, 5.0]");
/// assert_eq!(format!("{b}"), "[[ 1,  0, -1],\n [ 0,  1,  2]]");
/// // A matrix can be a `static`, built at compile time:
/// static W: Matrix<2, 2> = Matrix::from_array([[1.0, 0.0], [0.0, 1.0]]);
/// assert_eq!(&W * &W, W);
/// ```
#[derive(Clone, Copy, PartialEq, Debug, bytemuck_derive::Zeroable)]
#[repr(transparent)]
pub struct Matrix<const R: usize, const C: usize, T = f32>([[T; C]; R]);

/// The zero matrix, as [`Matrix::zeros`].
///
/// # Examples
/// ```
/// let m: ctensor::Matrix<2, 2, f64> = Default::default();
/// assert_eq!(m, ctensor::Matrix::zeros());
/// ```
impl<const R: usize, const C: usize, T: Scalar> Default for Matrix<R, C, T> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<const R: usize, const C: usize, T: Scalar> Matrix<R, C, T> {
    /// Number of rows.
    pub const ROWS: usize = R;
    /// Number of columns.
    pub const COLS: usize = C;

    /// The zero matrix (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// static Z: Matrix<2, 3, f64> = Matrix::zeros();
    /// assert!(Z.as_flattened().iter().all(|&x| x == 0.0));
    /// ```
    #[must_use]
    pub const fn zeros() -> Self {
        Self([[T::ZERO; C]; R])
    }

    /// Every element equal to `value`.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::<2, 2>::splat(0.5);
    /// assert_eq!(m[(1, 0)], 0.5);
    /// ```
    #[must_use]
    pub const fn splat(value: T) -> Self {
        Self([[value; C]; R])
    }

    /// Builds the matrix with `f(row, col)` for each element.
    ///
    /// # Examples
    /// ```
    /// let eye = ctensor::Matrix::<3, 3>::from_fn(|r, c| if r == c { 1.0 } else { 0.0 });
    /// assert_eq!(eye[(1, 1)], 1.0);
    /// ```
    #[must_use]
    pub fn from_fn(mut f: impl FnMut(usize, usize) -> T) -> Self {
        Self(core::array::from_fn(|r| core::array::from_fn(|c| f(r, c))))
    }

    /// Sets every element to `f(row, col)`, in place (no temporary on the stack).
    ///
    /// # Examples
    /// ```
    /// let mut m = ctensor::Matrix::<2, 2>::zeros();
    /// m.fill_with(|r, c| (r * 2 + c) as f32);
    /// assert_eq!(m.as_flattened(), &[0.0, 1.0, 2.0, 3.0]);
    /// ```
    pub fn fill_with(&mut self, mut f: impl FnMut(usize, usize) -> T) {
        for (r, row) in self.0.iter_mut().enumerate() {
            for (c, x) in row.iter_mut().enumerate() {
                *x = f(r, c);
            }
        }
    }
}

impl<const R: usize, const C: usize, T> Matrix<R, C, T> {
    /// Wraps a row-major array (usable in `const` and `static` items).
    ///
    /// # Examples
    /// ```
    /// const M: ctensor::Matrix<1, 2> = ctensor::Matrix::from_array([[1.0, 2.0]]);
    /// assert_eq!(M[0], [1.0, 2.0]);
    /// ```
    #[must_use]
    pub const fn from_array(rows: [[T; C]; R]) -> Self {
        Self(rows)
    }

    /// The rows, as an array of arrays.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0]]);
    /// assert_eq!(m.as_array(), &[[1.0, 2.0]]);
    /// ```
    #[must_use]
    pub const fn as_array(&self) -> &[[T; C]; R] {
        &self.0
    }

    /// The rows, mutably.
    ///
    /// # Examples
    /// ```
    /// let mut m = ctensor::Matrix::<1, 2>::zeros();
    /// m.as_array_mut()[0][1] = 3.0;
    /// assert_eq!(m[(0, 1)], 3.0);
    /// ```
    pub const fn as_array_mut(&mut self) -> &mut [[T; C]; R] {
        &mut self.0
    }

    /// Unwraps into the row-major array.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0_f64], [2.0]]);
    /// assert_eq!(m.into_array(), [[1.0], [2.0]]);
    /// ```
    #[must_use]
    pub fn into_array(self) -> [[T; C]; R] {
        self.0
    }

    /// All elements, row after row, as one slice of length `R * C`.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(m.as_flattened(), &[1.0, 2.0, 3.0, 4.0]);
    /// ```
    #[must_use]
    pub const fn as_flattened(&self) -> &[T] {
        self.0.as_flattened()
    }

    /// All elements, row after row, mutably.
    ///
    /// # Examples
    /// ```
    /// let mut m = ctensor::Matrix::<2, 2>::zeros();
    /// m.as_flattened_mut()[3] = 1.0;
    /// assert_eq!(m[(1, 1)], 1.0);
    /// ```
    pub const fn as_flattened_mut(&mut self) -> &mut [T] {
        self.0.as_flattened_mut()
    }

    /// Row `r`.
    ///
    /// # Panics
    /// If `r >= R`.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(m.row(1), &[3.0, 4.0]);
    /// ```
    #[must_use]
    pub const fn row(&self, r: usize) -> &[T; C] {
        &self.0[r]
    }

    /// Iterates over the rows.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
    /// let sums: Vec<f32> = m.rows().map(|r| r.iter().sum()).collect();
    /// assert_eq!(sums, [3.0, 7.0]);
    /// ```
    pub fn rows(&self) -> core::slice::Iter<'_, [T; C]> {
        self.0.iter()
    }

    /// Iterates over all elements, row after row (`&m` in a `for` loop does the same).
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0_f32, 2.0], [3.0, 4.0]]);
    /// assert!(m.iter().copied().eq([1.0, 2.0, 3.0, 4.0]));
    /// assert_eq!(m.iter().fold(0.0, |max, &x| x.max(max)), 4.0);
    /// ```
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.as_flattened().iter()
    }

    /// Iterates mutably over all elements, row after row (`&mut m` in a `for` loop does the
    /// same).
    ///
    /// # Examples
    /// ```
    /// let mut m = ctensor::Matrix::from_array([[1.0_f32, -2.0], [-3.0, 4.0]]);
    /// for x in m.iter_mut() {
    ///     *x = x.max(0.0);
    /// }
    /// assert_eq!(m.into_array(), [[1.0, 0.0], [0.0, 4.0]]);
    /// ```
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.as_flattened_mut().iter_mut()
    }
}

impl<const N: usize, T: Scalar> Matrix<N, N, T> {
    /// The `N x N` identity matrix (usable in `const` and `static` items). Only square
    /// matrices have one: `Matrix::<2, 3>::identity()` does not compile.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// const I: Matrix<3, 3, f64> = Matrix::identity();
    /// assert_eq!(I[(1, 1)], 1.0);
    /// assert_eq!(I[(1, 2)], 0.0);
    /// let a = Matrix::from_array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(&a * &I, a);
    /// ```
    #[must_use]
    pub const fn identity() -> Self {
        let mut m = Self::zeros();
        let mut i = 0;
        while i < N {
            m.0[i][i] = T::ONE;
            i += 1;
        }
        m
    }
}

impl<const R: usize, const C: usize, T: Scalar> Matrix<R, C, T> {
    /// The transpose, a `C x R` matrix.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0, 3.0]]);
    /// assert_eq!(m.transpose().into_array(), [[1.0], [2.0], [3.0]]);
    /// ```
    #[must_use]
    pub fn transpose(&self) -> Matrix<C, R, T> {
        Matrix::from_fn(|r, c| self.0[c][r])
    }

    /// Column `c`, copied into a [`Vector`] of length `R`.
    ///
    /// # Panics
    /// If `c >= C`.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// assert_eq!(m.column(1).into_array(), [2.0, 4.0, 6.0]);
    /// ```
    #[must_use]
    pub fn column(&self, c: usize) -> Vector<R, T> {
        assert!(c < C, "column index out of range");
        Vector::from_fn(|r| self.0[r][c])
    }

    /// Applies `f` to every element.
    ///
    /// # Examples
    /// ```
    /// let m = ctensor::Matrix::from_array([[-1.0, 2.0]]).map(|x: f32| x.max(0.0));
    /// assert_eq!(m[0], [0.0, 2.0]);
    /// ```
    #[must_use]
    pub fn map(&self, mut f: impl FnMut(T) -> T) -> Self {
        Self::from_fn(|r, c| f(self.0[r][c]))
    }

    /// Combines two matrices of the same shape element by element.
    ///
    /// # Examples
    /// ```
    /// let a = ctensor::Matrix::from_array([[1.0, 2.0]]);
    /// let b = ctensor::Matrix::from_array([[3.0, 4.0]]);
    /// assert_eq!(a.zip_map(&b, |x, y| x * y)[0], [3.0, 8.0]);
    /// ```
    #[must_use]
    pub fn zip_map(&self, other: &Self, mut f: impl FnMut(T, T) -> T) -> Self {
        Self::from_fn(|r, c| f(self.0[r][c], other.0[r][c]))
    }

    /// The element-wise (Hadamard) product.
    ///
    /// # Examples
    /// ```
    /// let a = ctensor::Matrix::from_array([[1.0, 2.0]]);
    /// assert_eq!(a.hadamard(&a)[0], [1.0, 4.0]);
    /// ```
    #[must_use]
    pub fn hadamard(&self, other: &Self) -> Self {
        self.zip_map(other, |a, b| a * b)
    }

    /// Sum of all elements.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Matrix::<2, 3>::splat(0.5).sum(), 3.0);
    /// ```
    #[must_use]
    pub fn sum(&self) -> T {
        self.as_flattened().iter().copied().sum()
    }

    /// Squared Frobenius norm, the sum of squares of all elements.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ctensor::Matrix::from_array([[3.0, 4.0]]).norm_squared(), 25.0);
    /// ```
    #[must_use]
    pub fn norm_squared(&self) -> T {
        self.as_flattened().iter().map(|&x| x * x).sum()
    }

    /// `true` when no element is NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// assert!(!ctensor::Matrix::from_array([[1.0, f32::NAN]]).is_finite());
    /// ```
    #[must_use]
    pub fn is_finite(&self) -> bool {
        self.as_flattened().iter().all(|x| x.is_finite())
    }

    /// The product `self * rhs`, an `R x N` matrix.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// let a = Matrix::from_array([[1.0, 2.0]]);
    /// let b = Matrix::from_array([[3.0], [4.0]]);
    /// assert_eq!(a.matmul(&b).into_array(), [[11.0]]);
    /// ```
    #[must_use]
    pub fn matmul<const N: usize>(&self, rhs: &Matrix<C, N, T>) -> Matrix<R, N, T> {
        let mut out = Matrix::zeros();
        self.matmul_into(rhs, &mut out);
        out
    }

    /// Writes `self * rhs` into `out` (for large shapes, where a returned value would be a
    /// large stack temporary).
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// let a = Matrix::from_array([[1.0, 2.0]]);
    /// let b = Matrix::from_array([[3.0], [4.0]]);
    /// let mut out = Matrix::splat(99.0);
    /// a.matmul_into(&b, &mut out);
    /// assert_eq!(out.into_array(), [[11.0]]);
    /// ```
    pub fn matmul_into<const N: usize>(&self, rhs: &Matrix<C, N, T>, out: &mut Matrix<R, N, T>) {
        kernels::matmul(&self.0, &rhs.0, &mut out.0, false);
    }

    /// The product `self^T * rhs` without forming the transpose: `(R x C)^T (R x N) -> C x N`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// let a = Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(a.tr_matmul(&a), a.transpose().matmul(&a));
    /// ```
    #[must_use]
    pub fn tr_matmul<const N: usize>(&self, rhs: &Matrix<R, N, T>) -> Matrix<C, N, T> {
        let mut out = Matrix::zeros();
        kernels::matmul_tn(&self.0, &rhs.0, &mut out.0, false);
        out
    }

    /// The product `self * rhs^T` without forming the transpose: `(R x C) (N x C)^T -> R x N`.
    ///
    /// # Examples
    /// ```
    /// use ctensor::Matrix;
    /// let a = Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(a.matmul_tr(&a), a.matmul(&a.transpose()));
    /// ```
    #[must_use]
    pub fn matmul_tr<const N: usize>(&self, rhs: &Matrix<N, C, T>) -> Matrix<R, N, T> {
        let mut out = Matrix::zeros();
        kernels::matmul_nt(&self.0, &rhs.0, &mut out.0, false);
        out
    }
}

impl<const R: usize, const C: usize, T> Index<(usize, usize)> for Matrix<R, C, T> {
    type Output = T;
    fn index(&self, (r, c): (usize, usize)) -> &T {
        &self.0[r][c]
    }
}

impl<const R: usize, const C: usize, T> IndexMut<(usize, usize)> for Matrix<R, C, T> {
    fn index_mut(&mut self, (r, c): (usize, usize)) -> &mut T {
        &mut self.0[r][c]
    }
}

impl<const R: usize, const C: usize, T> Index<usize> for Matrix<R, C, T> {
    type Output = [T; C];
    fn index(&self, r: usize) -> &[T; C] {
        &self.0[r]
    }
}

impl<const R: usize, const C: usize, T> IndexMut<usize> for Matrix<R, C, T> {
    fn index_mut(&mut self, r: usize) -> &mut [T; C] {
        &mut self.0[r]
    }
}
