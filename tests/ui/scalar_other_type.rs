// An f64 scalar does not multiply an f32 matrix.
use ctensor::Matrix;

fn main() {
    let a = Matrix::<2, 2, f32>::zeros();
    let _b = 2.0_f64 * a;
}
