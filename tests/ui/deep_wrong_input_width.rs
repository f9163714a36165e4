// A batch of 63-wide rows fed to a deep network with 64 inputs.
use ctensor::{Dense, Matrix, Relu, network};

network! {
    type Net = [Dense<64, 32>, Relu<32>, Dense<32, 16>, Relu<16>, Dense<16, 10>];
}

fn main() {
    let net = Net::zeros();
    let x = Matrix::<8, 63>::zeros();
    let _logits = net.forward(&x);
}
