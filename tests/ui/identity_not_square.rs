// Only square matrices have an identity.
use ctensor::Matrix;

fn main() {
    let _i = Matrix::<2, 3>::identity();
}
