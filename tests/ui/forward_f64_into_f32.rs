// f64 inputs fed to an f32 network.
use ctensor::{Matrix, Mlp};

fn main() {
    let net = Mlp::<2, 3, 1>::zeros();
    let x = Matrix::<4, 2, f64>::zeros();
    let _logits = net.forward(&x);
}
