// A 2x3 matrix times a 4x5 matrix: the inner dimensions (3 and 4) differ.
use ctensor::Matrix;

fn main() {
    let a = Matrix::<2, 3>::zeros();
    let b = Matrix::<4, 5>::zeros();
    let _c = a.matmul(&b);
}
