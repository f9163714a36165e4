//! The weights file format: bit-exact round trips (`f32`, `f64`; bytes, buffers, `Vec`,
//! files), the header layout at its documented offsets, and rejection, without a panic and
//! without touching the destination model, of every damaged or mismatched file.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use ctensor::io::{CHECKSUM_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC, crc32};
use ctensor::{Error, Mlp, Scalar, uniform01};
use rand::SeedableRng;
use rand::rngs::StdRng;

type Small32 = Mlp<2, 3, 2, f32>;
type Small64 = Mlp<2, 3, 2, f64>;

/// A network with random parameters and, at the start of `w1`, values whose bits are easy to
/// get wrong: -0.0, a subnormal, the largest finite value, the smallest normal.
fn tricky<const D: usize, const H: usize, const K: usize, T: Scalar>(seed: u64) -> Mlp<D, H, K, T> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut net = Mlp::<D, H, K, T>::zeros();
    for t in net.tensors_mut() {
        for x in t {
            *x = T::from_f64(uniform01(&mut rng) * 20.0 - 10.0);
        }
    }
    let specials = [
        -T::ZERO,
        T::min_positive_value() / T::from_f64(4.0),
        T::max_value(),
        T::min_positive_value(),
        T::min_value(),
        T::epsilon(),
    ];
    for (x, s) in net.w1.as_flattened_mut().iter_mut().zip(specials) {
        *x = s;
    }
    net
}

fn bits<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Vec<u64> {
    net.tensors()
        .iter()
        .flat_map(|t| t.iter().map(|&x| Scalar::to_f64(x).to_bits()))
        .collect()
}

/// A temporary file path unique to this process and test.
fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "ctensor-weights-io-{}-{name}.bin",
        std::process::id()
    ))
}

#[test]
fn byte_len_by_hand() {
    // Mlp<2, 3, 2>: W1 6 + b1 3 + W2 6 + b2 2 = 17 scalars.
    assert_eq!(Small32::LEN, 17);
    assert_eq!(Small32::BYTE_LEN, 20 + 17 * 4 + 4);
    assert_eq!(Small32::BYTE_LEN, 92);
    assert_eq!(Small64::BYTE_LEN, 20 + 17 * 8 + 4);
    assert_eq!(Small64::BYTE_LEN, 160);
    // Mlp<784, 128, 10>: 100352 + 128 + 1280 + 10 = 101770 scalars.
    assert_eq!(Mlp::<784, 128, 10>::BYTE_LEN, 20 + 101_770 * 4 + 4);
    assert_eq!(Mlp::<1, 1, 1, f64>::BYTE_LEN, 20 + 4 * 8 + 4);
    assert_eq!((HEADER_LEN, CHECKSUM_LEN, FORMAT_VERSION), (20, 4, 1));
    assert_eq!(&MAGIC, b"CTNS");
}

#[test]
fn crc32_known_values() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
}

fn header_fields<T: Scalar>() {
    let net = tricky::<2, 3, 2, T>(1);
    let bytes = net.to_vec();
    let len = Mlp::<2, 3, 2, T>::BYTE_LEN;
    assert_eq!(bytes.len(), len);
    assert_eq!(&bytes[0..4], b"CTNS");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), 1);
    assert_eq!(bytes[6], T::TAG);
    assert_eq!(bytes[6], if T::BYTES == 4 { 1 } else { 2 });
    assert_eq!(bytes[7], 0);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!([u32_at(8), u32_at(12), u32_at(16)], [2, 3, 2]);
    // Parameters: W1 row-major, b1, W2 row-major, b2, little-endian.
    let s = T::BYTES;
    let at = |i: usize| T::read_le(&bytes[HEADER_LEN + i * s..]);
    let mut i = 0;
    for r in 0..2 {
        for c in 0..3 {
            assert_eq!(at(i).to_f64().to_bits(), net.w1[(r, c)].to_f64().to_bits());
            i += 1;
        }
    }
    for c in 0..3 {
        assert_eq!(at(i), net.b1[c]);
        i += 1;
    }
    for r in 0..3 {
        for c in 0..2 {
            assert_eq!(at(i), net.w2[(r, c)]);
            i += 1;
        }
    }
    for c in 0..2 {
        assert_eq!(at(i), net.b2[c]);
        i += 1;
    }
    assert_eq!(HEADER_LEN + i * s, len - 4);
    // -0.0 really is stored with its sign bit.
    assert_eq!(bytes[HEADER_LEN + s - 1], 0x80);
    // The CRC-32 of everything before it, little-endian.
    assert_eq!(u32_at(len - 4), crc32(&bytes[..len - 4]));
}

#[test]
fn header_fields_at_documented_offsets() {
    header_fields::<f32>();
    header_fields::<f64>();
}

fn round_trips<T: Scalar>() {
    type N<T> = Mlp<2, 3, 2, T>;
    let net = tricky::<2, 3, 2, T>(7);
    let want = bits(&net);

    // write_bytes / read_bytes.
    let mut buf = vec![0u8; N::<T>::BYTE_LEN];
    net.write_bytes(&mut buf).unwrap();
    let mut back = N::<T>::zeros();
    back.read_bytes(&buf).unwrap();
    assert_eq!(bits(&back), want);
    // to_vec is the same bytes.
    assert_eq!(net.to_vec(), buf);
    // validate_bytes accepts it.
    N::<T>::validate_bytes(&buf).unwrap();

    // save / load through a file.
    let path = temp_path(T::NAME);
    net.save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), buf);
    let loaded = N::<T>::load(&path).unwrap();
    assert_eq!(bits(&loaded), want);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn round_trip_is_bit_exact() {
    round_trips::<f32>();
    round_trips::<f64>();
    // to_bytes / from_bytes need the length as a constant.
    let net = tricky::<2, 3, 2, f32>(3);
    let bytes: [u8; Small32::BYTE_LEN] = net.to_bytes();
    assert_eq!(bytes.as_slice(), net.to_vec().as_slice());
    assert_eq!(bits(&Small32::from_bytes(&bytes).unwrap()), bits(&net));
    assert_eq!(
        bits(&Small32::from_bytes_const(&bytes).unwrap()),
        bits(&net)
    );
    let net = tricky::<2, 3, 2, f64>(4);
    let bytes: [u8; Small64::BYTE_LEN] = net.to_bytes();
    assert_eq!(bits(&Small64::from_bytes(&bytes).unwrap()), bits(&net));
    assert_eq!(
        bits(&Small64::from_bytes_const(&bytes).unwrap()),
        bits(&net)
    );
    // NaN payloads survive too (the format stores bits, not values).
    let mut odd = Small32::zeros();
    odd.b2[1] = f32::from_bits(0x7fc0_1234);
    odd.b1[0] = f32::INFINITY;
    let back = Small32::from_bytes::<{ Small32::BYTE_LEN }>(&odd.to_bytes()).unwrap();
    assert_eq!(back.b2[1].to_bits(), 0x7fc0_1234);
    assert_eq!(back.b1[0], f32::INFINITY);
}

#[test]
fn large_model_round_trip_on_the_heap() {
    let net = Mlp::<784, 128, 10>::boxed_glorot(&mut StdRng::seed_from_u64(9));
    let path = temp_path("large");
    net.save(&path).unwrap();
    let back = Mlp::<784, 128, 10>::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(*back == *net);
}

/// `read_bytes` must fail with `expected` and leave `dest` as it was; `validate_bytes` and
/// `from_bytes_const` agree.
fn assert_rejected<const D: usize, const H: usize, const K: usize>(
    bytes: &[u8],
    expected: &Error,
    what: &str,
) {
    let mut dest = tricky::<D, H, K, f32>(99);
    let before = bits(&dest);
    let err = dest.read_bytes(bytes).unwrap_err();
    assert_eq!(&err, expected, "{what}");
    assert_eq!(bits(&dest), before, "{what}: destination changed");
    assert_eq!(
        Mlp::<D, H, K, f32>::validate_bytes(bytes).unwrap_err(),
        err,
        "{what}"
    );
    assert_eq!(
        <Mlp<D, H, K, f32> as ConstLoad>::load_const(bytes),
        Some(err),
        "{what}: from_bytes_const"
    );
}

/// `from_bytes_const`, behind a trait so the helper above can be generic.
trait ConstLoad {
    fn load_const(bytes: &[u8]) -> Option<Error>;
}
impl<const D: usize, const H: usize, const K: usize> ConstLoad for Mlp<D, H, K, f32> {
    fn load_const(bytes: &[u8]) -> Option<Error> {
        Self::from_bytes_const(bytes).err()
    }
}

/// The bytes with a correct CRC recomputed (to reach the checks after the checksum's).
fn with_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    let n = bytes.len();
    let crc = crc32(&bytes[..n - 4]);
    bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
    bytes
}

#[test]
fn every_truncation_is_an_error() {
    let good = tricky::<2, 3, 2, f32>(5).to_vec();
    for len in 0..Small32::BYTE_LEN {
        let cut = &good[..len];
        let mut dest = tricky::<2, 3, 2, f32>(6);
        let before = bits(&dest);
        let err = dest.read_bytes(cut).unwrap_err();
        assert_eq!(
            err,
            Error::WeightsLength {
                expected: 92,
                found: len
            },
            "truncated to {len}"
        );
        assert_eq!(bits(&dest), before);
        assert_eq!(Small32::from_bytes_const(cut).unwrap_err(), err);
        let path = temp_path(&format!("cut{len}"));
        std::fs::write(&path, cut).unwrap();
        assert_eq!(
            Small32::load(&path).unwrap_err(),
            ctensor::FileError::content("read", &path, err.clone())
        );
        std::fs::remove_file(&path).unwrap();
    }
    // Too long is an error too.
    let mut long = good.clone();
    long.push(0);
    assert_rejected::<2, 3, 2>(
        &long,
        &Error::WeightsLength {
            expected: 92,
            found: 93,
        },
        "one byte too many",
    );
    // And so is garbage of every short length (no header to speak of).
    for len in 0..40 {
        let junk: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
        assert!(Small32::validate_bytes(&junk).is_err());
        assert!(Small32::from_bytes_const(&junk).is_err());
    }
}

#[test]
fn every_flipped_bit_is_an_error() {
    let good = tricky::<2, 3, 2, f32>(8).to_vec();
    let len = good.len();
    for byte in 0..len {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            let mut dest = tricky::<2, 3, 2, f32>(10);
            let before = bits(&dest);
            let err = dest.read_bytes(&bad).unwrap_err();
            assert_eq!(
                bits(&dest),
                before,
                "byte {byte} bit {bit}: destination changed"
            );
            let what = format!("byte {byte} bit {bit}: {err:?}");
            let ok = match byte {
                0..4 => err == Error::WeightsMagic,
                4..6 => err == Error::WeightsVersion(u16::from_le_bytes([bad[4], bad[5]])),
                6 => matches!(
                    err,
                    Error::WeightsScalar {
                        expected: "f32",
                        ..
                    }
                ),
                8..20 => matches!(err, Error::WeightsShape { .. }),
                // The reserved byte, the parameters and the checksum itself.
                _ => matches!(err, Error::WeightsChecksum { .. }),
            };
            assert!(ok, "{what}");
            assert_eq!(Small32::from_bytes_const(&bad).unwrap_err(), err, "{what}");
        }
    }
    // The f64 format too.
    let good = tricky::<2, 3, 2, f64>(8).to_vec();
    for byte in 0..good.len() {
        let mut bad = good.clone();
        bad[byte] ^= 0x10;
        let mut dest = Small64::zeros();
        assert!(dest.read_bytes(&bad).is_err(), "f64 byte {byte}");
        assert_eq!(dest, Small64::zeros());
        assert!(Small64::from_bytes_const(&bad).is_err());
    }
}

#[test]
fn checksum_error_reports_both_values() {
    let mut bytes = tricky::<2, 3, 2, f32>(2).to_vec();
    let stored = u32::from_le_bytes(bytes[88..92].try_into().unwrap());
    bytes[40] = bytes[40].wrapping_add(1);
    let computed = crc32(&bytes[..88]);
    assert_ne!(stored, computed);
    assert_rejected::<2, 3, 2>(
        &bytes,
        &Error::WeightsChecksum { stored, computed },
        "damaged body",
    );
}

#[test]
fn bad_magic_and_bad_version() {
    let good = tricky::<2, 3, 2, f32>(11).to_vec();
    for magic in [*b"CTNX", *b"ctns", [0; 4], *b"NSTC"] {
        let mut bad = good.clone();
        bad[..4].copy_from_slice(&magic);
        assert_rejected::<2, 3, 2>(&with_crc(bad), &Error::WeightsMagic, "magic");
    }
    for version in [0_u16, 2, 256, u16::MAX] {
        let mut bad = good.clone();
        bad[4..6].copy_from_slice(&version.to_le_bytes());
        assert_rejected::<2, 3, 2>(&with_crc(bad), &Error::WeightsVersion(version), "version");
    }
}

#[test]
fn another_shape_is_reported_as_such() {
    // Same number of scalars (17), another shape: the length matches, the header does not.
    assert_eq!(Mlp::<3, 2, 3, f32>::BYTE_LEN, Small32::BYTE_LEN);
    let other = tricky::<3, 2, 3, f32>(12).to_vec();
    assert_rejected::<2, 3, 2>(
        &other,
        &Error::WeightsShape {
            expected: [2, 3, 2],
            found: [3, 2, 3],
        },
        "same length, other shape",
    );
    // Another length: still reported as the shape, not as a length.
    let bigger = tricky::<4, 3, 2, f32>(13).to_vec();
    assert_rejected::<2, 3, 2>(
        &bigger,
        &Error::WeightsShape {
            expected: [2, 3, 2],
            found: [4, 3, 2],
        },
        "other shape, other length",
    );
    let path = temp_path("shape");
    tricky::<4, 3, 2, f32>(13).save(&path).unwrap();
    assert_eq!(
        Small32::load(&path).unwrap_err().cause,
        ctensor::FileErrorCause::Content(Error::WeightsShape {
            expected: [2, 3, 2],
            found: [4, 3, 2]
        })
    );
    std::fs::remove_file(&path).unwrap();
    // Every single dimension matters.
    for (i, dims) in [[1_u32, 3, 2], [2, 4, 2], [2, 3, 1]]
        .into_iter()
        .enumerate()
    {
        let mut bad = tricky::<2, 3, 2, f32>(14).to_vec();
        bad[8 + 4 * i..12 + 4 * i].copy_from_slice(&dims[i].to_le_bytes());
        assert_rejected::<2, 3, 2>(
            &with_crc(bad),
            &Error::WeightsShape {
                expected: [2, 3, 2],
                found: dims,
            },
            "one dimension",
        );
    }
}

#[test]
fn another_scalar_type_is_reported_as_such() {
    // f64 file into an f32 network of the same shape (another length).
    let f64_file = tricky::<2, 3, 2, f64>(15).to_vec();
    assert_rejected::<2, 3, 2>(
        &f64_file,
        &Error::WeightsScalar {
            expected: "f32",
            found_tag: 2,
        },
        "f64 file",
    );
    // f32 file into an f64 network.
    let f32_file = tricky::<2, 3, 2, f32>(16).to_vec();
    let mut dest = Small64::zeros();
    let err = dest.read_bytes(&f32_file).unwrap_err();
    assert_eq!(
        err,
        Error::WeightsScalar {
            expected: "f64",
            found_tag: 1
        }
    );
    assert!(err.to_string().contains("f64"));
    assert_eq!(dest, Small64::zeros());
    // The same length in bytes: Mlp<1, 1, 3, f32> (8 scalars) and Mlp<1, 1, 1, f64> (4).
    assert_eq!(Mlp::<1, 1, 3, f32>::BYTE_LEN, Mlp::<1, 1, 1, f64>::BYTE_LEN);
    let f32_file = tricky::<1, 1, 3, f32>(17).to_vec();
    assert_eq!(
        Mlp::<1, 1, 1, f64>::validate_bytes(&f32_file).unwrap_err(),
        Error::WeightsScalar {
            expected: "f64",
            found_tag: 1
        }
    );
    // An unknown tag.
    let mut bad = tricky::<2, 3, 2, f32>(18).to_vec();
    bad[6] = 7;
    assert_rejected::<2, 3, 2>(
        &with_crc(bad),
        &Error::WeightsScalar {
            expected: "f32",
            found_tag: 7,
        },
        "tag 7",
    );
}

#[test]
fn write_bytes_rejects_a_buffer_of_the_wrong_length() {
    let net = tricky::<2, 3, 2, f32>(19);
    for len in [0, 91, 93, 200] {
        let mut buf = vec![0xAA_u8; len];
        assert_eq!(
            net.write_bytes(&mut buf).unwrap_err(),
            Error::WeightsLength {
                expected: 92,
                found: len
            }
        );
        assert!(buf.iter().all(|&b| b == 0xAA), "nothing is written");
    }
}

#[test]
fn missing_file_is_an_io_error() {
    let path = temp_path("does-not-exist");
    let _ = std::fs::remove_file(&path);
    let err = Small32::load(&path).unwrap_err();
    assert_eq!(
        err,
        ctensor::FileError {
            action: "read",
            path: path.clone(),
            cause: ctensor::FileErrorCause::Io(std::io::ErrorKind::NotFound)
        }
    );
    let dir = temp_path("dir-not-file");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(matches!(
        tricky::<2, 3, 2, f32>(1).save(&dir),
        Err(ctensor::FileError {
            action: "write",
            ..
        })
    ));
    std::fs::remove_dir(&dir).unwrap();
}
