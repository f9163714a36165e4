// No value/reference mix adds two shapes.
use ctensor::Matrix;

fn main() {
    let a = Matrix::<2, 3>::zeros();
    let b = Matrix::<3, 2>::zeros();
    let _c = &a + b;
}
