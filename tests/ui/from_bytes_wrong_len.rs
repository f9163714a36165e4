// A 100-byte buffer cannot hold the weights of a 64-32-10 network.
// Post-monomorphization error: only reported by `cargo build`, not `cargo check`.
use ctensor::Mlp;

fn main() {
    let _net = Mlp::<64, 32, 10>::from_bytes(&[0u8; 100]);
}
