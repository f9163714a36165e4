//! Arbitrary bytes as a weights file, for two shapes in `f32` and `f64`: `validate_bytes`,
//! `read_bytes` (into an existing network) and the `const fn` decoder `from_bytes_const`
//! must agree, never panic, leave the network untouched on `Err`, and on `Ok` give finite
//! parameters that write back to the same bytes.
#![no_main]

use ctensor::io::HEADER_LEN;
use ctensor::{Mlp, Result, Scalar};
use libfuzzer_sys::fuzz_target;

#[path = "common/damage.rs"]
mod damage;
use damage::damaged_file;

fuzz_target!(|data: &[u8]| {
    // The first byte says how to turn the rest into a file (see `make_file`); random bytes
    // almost never carry a valid CRC, so most modes repair it to reach the deeper checks.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    check(
        &make_file::<2, 3, 1, f32>(mode, rest),
        Mlp::<2, 3, 1, f32>::from_bytes_const,
    );
    check(
        &make_file::<2, 3, 1, f64>(mode, rest),
        Mlp::<2, 3, 1, f64>::from_bytes_const,
    );
    check(
        &make_file::<3, 4, 2, f32>(mode, rest),
        Mlp::<3, 4, 2, f32>::from_bytes_const,
    );
    check(
        &make_file::<3, 4, 2, f64>(mode, rest),
        Mlp::<3, 4, 2, f64>::from_bytes_const,
    );
});

/// The file to test for `Mlp<D, H, K, T>` ([`damaged_file`] of its zero network, `rest`
/// as the parameters in mode 2: a valid header, then zero-padded or cut to length).
fn make_file<const D: usize, const H: usize, const K: usize, T: Scalar>(
    mode: u8,
    rest: &[u8],
) -> Vec<u8> {
    damaged_file(mode, rest, &Mlp::<D, H, K, T>::zeros().to_vec(), HEADER_LEN)
}

/// The bits of every parameter, `w1, b1, w2, b2` in order.
fn bits<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Vec<u8> {
    net.tensors()
        .into_iter()
        .flat_map(|t| bytemuck::cast_slice::<T, u8>(t).to_vec())
        .collect()
}

fn check<const D: usize, const H: usize, const K: usize, T: Scalar>(
    bytes: &[u8],
    from_bytes_const: fn(&[u8]) -> Result<Mlp<D, H, K, T>>,
) {
    let verdict = Mlp::<D, H, K, T>::validate_bytes(bytes);
    let constant = from_bytes_const(bytes);
    assert_eq!(
        verdict,
        constant.as_ref().map(|_| ()).map_err(Clone::clone),
        "validate_bytes and from_bytes_const disagree"
    );

    // Read into a network that is not all zeros, so that a partial write would show.
    let mut net = Mlp::<D, H, K, T>::zeros();
    for (i, x) in net.tensors_mut().into_iter().flatten().enumerate() {
        *x = T::from_f64(i as f64 * 0.25 - 1.0);
    }
    let before = bits(&net);
    let read = net.read_bytes(bytes);
    assert_eq!(read, verdict, "read_bytes and validate_bytes disagree");
    match read {
        Err(e) => {
            assert_eq!(
                bits(&net),
                before,
                "read_bytes changed the network on Err({e:?})"
            );
            let _ = e.to_string();
        }
        Ok(()) => {
            assert_eq!(bytes.len(), Mlp::<D, H, K, T>::BYTE_LEN);
            let constant = constant.expect("checked equal to the run-time verdict");
            assert_eq!(
                bits(&net),
                bits(&constant),
                "const and run-time decoders differ"
            );
            assert!(
                net.tensors().into_iter().flatten().all(|x| x.is_finite()),
                "a file with a non-finite parameter was accepted"
            );
            assert_eq!(
                net.to_vec(),
                bytes,
                "writing the loaded network back changed the bytes"
            );
        }
    }
}
