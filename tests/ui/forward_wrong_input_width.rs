// A batch of 63-wide rows fed to a network with 64 inputs.
use ctensor::{Matrix, Mlp};

fn main() {
    let net = Mlp::<64, 32, 10>::zeros();
    let x = Matrix::<8, 63>::zeros();
    let _logits = net.forward(&x);
}
