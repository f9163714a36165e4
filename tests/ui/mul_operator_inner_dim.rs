// The `*` operator on references checks the inner dimension too.
use ctensor::Matrix;

fn main() {
    let a = Matrix::<2, 3>::zeros();
    let b = Matrix::<4, 5>::zeros();
    let _c = &a * &b;
}
