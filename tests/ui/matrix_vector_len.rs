// The vector's length must be the matrix's column count.
use ctensor::{Matrix, Vector};

fn main() {
    let a = Matrix::<2, 3>::zeros();
    let v = Vector::<4>::zeros();
    let _w = &a * &v;
}
