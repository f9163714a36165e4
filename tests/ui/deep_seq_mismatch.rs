// The same mismatch written as a `Seq` of a tuple: reported where the type is used.
use ctensor::{Dense, Relu, Seq};

fn main() {
    let _net = Seq::<(Dense<64, 32>, Relu<32>, Dense<16, 10>)>::zeros();
}
