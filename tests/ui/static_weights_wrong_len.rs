// A weights file decoded at compile time into a `static` (as firmware does with
// `include_bytes!`): a 100-byte file is not a 2-3-1 network, and the `panic!` on the `Err`
// becomes a compile error.
use ctensor::Mlp;

static NET: Mlp<2, 3, 1> = match Mlp::<2, 3, 1>::from_bytes_const(&[0u8; 100]) {
    Ok(net) => net,
    Err(_) => panic!("bad weights file"),
};

fn main() {
    let _ = &NET;
}
