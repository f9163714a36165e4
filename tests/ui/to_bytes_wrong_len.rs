// The weights of a 2-3-1 network do not fit a 100-byte array.
// Post-monomorphization error: only reported by `cargo build`, not `cargo check`.
use ctensor::Mlp;

fn main() {
    let _bytes: [u8; 100] = Mlp::<2, 3, 1>::zeros().to_bytes();
}
