// `to_bytes` / `from_bytes` with an array of exactly `Mlp::BYTE_LEN` bytes compile.
use ctensor::Mlp;

fn main() -> ctensor::Result<()> {
    let mut net = Mlp::<2, 3, 1>::zeros();
    net.b2[0] = 1.5;
    let bytes: [u8; Mlp::<2, 3, 1>::BYTE_LEN] = net.to_bytes();
    assert_eq!(Mlp::<2, 3, 1>::from_bytes(&bytes)?, net);
    // A buffer of the right length is accepted by the compiler; its contents are checked
    // at run time.
    assert!(Mlp::<2, 3, 1>::from_bytes(&[0u8; Mlp::<2, 3, 1>::BYTE_LEN]).is_err());
    Ok(())
}
