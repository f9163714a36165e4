// Vectors of different lengths cannot be added.
use ctensor::Vector;

fn main() {
    let a = Vector::<3>::zeros();
    let b = Vector::<4>::zeros();
    let _c = a + b;
}
