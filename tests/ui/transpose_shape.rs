// The transpose of a 2x3 matrix is 3x2, not 2x3.
use ctensor::Matrix;

fn main() {
    let a = Matrix::<2, 3>::zeros();
    let _t: Matrix<2, 3> = a.transpose();
}
