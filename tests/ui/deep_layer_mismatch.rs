// Two neighbouring layers whose widths do not match: 32 outputs, then 16 inputs.
use ctensor::{Dense, Relu, network};

network! {
    type Net = [Dense<64, 32>, Relu<32>, Dense<16, 10>];
}

fn main() {}
