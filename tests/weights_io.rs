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
        .flat_map(|t| t.iter().map(|&x| Scalar::as_f64(x).to_bits()))
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
            assert_eq!(at(i).as_f64().to_bits(), net.w1[(r, c)].as_f64().to_bits());
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
}

#[test]
fn large_model_round_trip_on_the_heap() {
    let net = Mlp::<784, 128, 10>::boxed_glorot(&mut StdRng::seed_from_u64(9));
    let path = temp_path("large");
    net.save(&path).unwrap();
    let back = Mlp::<784, 128, 10>::boxed_load(&path).unwrap();
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
    assert_rejected_as::<D, H, K, f32>(bytes, expected, what);
}

/// [`assert_rejected`] for a network of scalar type `T`.
fn assert_rejected_as<const D: usize, const H: usize, const K: usize, T: Scalar>(
    bytes: &[u8],
    expected: &Error,
    what: &str,
) where
    Mlp<D, H, K, T>: ConstLoad,
{
    let mut dest = tricky::<D, H, K, T>(99);
    let before = bits(&dest);
    let err = dest.read_bytes(bytes).unwrap_err();
    assert_eq!(&err, expected, "{what}");
    assert_eq!(bits(&dest), before, "{what}: destination changed");
    assert_eq!(
        Mlp::<D, H, K, T>::validate_bytes(bytes).unwrap_err(),
        err,
        "{what}"
    );
    assert_eq!(
        <Mlp<D, H, K, T> as ConstLoad>::load_const(bytes),
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
impl<const D: usize, const H: usize, const K: usize> ConstLoad for Mlp<D, H, K, f64> {
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
            // The magic is checked first; then the CRC, before any header field is trusted:
            // a damaged version, scalar tag, reserved byte or shape is reported as damage.
            let ok = match byte {
                0..4 => err == Error::WeightsMagic,
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
        let err = dest.read_bytes(&bad).unwrap_err();
        assert_eq!(dest, Small64::zeros());
        if byte < 4 {
            assert_eq!(err, Error::WeightsMagic, "f64 byte {byte}");
        } else {
            assert!(
                matches!(err, Error::WeightsChecksum { .. }),
                "f64 byte {byte}: {err:?}"
            );
        }
        assert_eq!(Small64::from_bytes_const(&bad).unwrap_err(), err);
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
    // A folder where the file should be: the temporary file cannot replace it.
    assert!(matches!(
        tricky::<2, 3, 2, f32>(1).save(&dir),
        Err(ctensor::FileError {
            action: "replace",
            ..
        })
    ));
    std::fs::remove_dir(&dir).unwrap();
}

#[test]
fn a_damaged_header_field_is_reported_as_damage() {
    // Without a recomputed CRC, a changed version, scalar tag, reserved byte or dimension is
    // damage (WeightsChecksum), not a file of another version, type or shape.
    let good = tricky::<2, 3, 2, f32>(20).to_vec();
    let stored = u32::from_le_bytes(good[88..92].try_into().unwrap());
    for (at, value) in [
        (4, 2),
        (5, 1),
        (6, 2),
        (6, 7),
        (7, 1),
        (8, 4),
        (12, 2),
        (19, 1),
    ] {
        let mut bad = good.clone();
        bad[at] = value;
        let computed = crc32(&bad[..88]);
        assert_rejected::<2, 3, 2>(
            &bad,
            &Error::WeightsChecksum { stored, computed },
            &format!("header byte {at} = {value}"),
        );
    }
}

#[test]
fn reserved_byte_must_be_zero() {
    let good = tricky::<2, 3, 2, f32>(21).to_vec();
    for b in [1_u8, 0x40, 0x80, 0xFF] {
        let mut bad = good.clone();
        bad[7] = b;
        assert_rejected::<2, 3, 2>(&with_crc(bad), &Error::WeightsReserved(b), "reserved");
    }
    let mut bad = tricky::<2, 3, 2, f64>(21).to_vec();
    bad[7] = 3;
    assert_rejected_as::<2, 3, 2, f64>(&with_crc(bad), &Error::WeightsReserved(3), "f64");
}

/// A file whose header fields are replaced, with a correct CRC.
fn with_header(mut bytes: Vec<u8>, version: u16, reserved: u8, tag: u8, dims: [u32; 3]) -> Vec<u8> {
    bytes[4..6].copy_from_slice(&version.to_le_bytes());
    bytes[6] = tag;
    bytes[7] = reserved;
    for (i, d) in dims.into_iter().enumerate() {
        bytes[8 + 4 * i..12 + 4 * i].copy_from_slice(&d.to_le_bytes());
    }
    with_crc(bytes)
}

#[test]
fn header_fields_are_checked_in_the_documented_order() {
    let good = tricky::<2, 3, 2, f32>(22).to_vec();
    let shape = Error::WeightsShape {
        expected: [2, 3, 2],
        found: [5, 5, 5],
    };
    let scalar = Error::WeightsScalar {
        expected: "f32",
        found_tag: 9,
    };
    // Everything wrong: the version is reported; then the reserved byte, the scalar tag, the
    // shape, as each earlier field is made right.
    let cases = [
        (
            with_header(good.clone(), 7, 1, 9, [5, 5, 5]),
            Error::WeightsVersion(7),
        ),
        (
            with_header(good.clone(), 1, 1, 9, [5, 5, 5]),
            Error::WeightsReserved(1),
        ),
        (with_header(good.clone(), 1, 0, 9, [5, 5, 5]), scalar),
        (with_header(good.clone(), 1, 0, 1, [5, 5, 5]), shape),
    ];
    for (bytes, err) in &cases {
        assert_rejected::<2, 3, 2>(bytes, err, "order");
    }
    // The magic comes before everything, the checksum included.
    let mut bad = with_header(good.clone(), 7, 1, 9, [5, 5, 5]);
    bad[0] = b'X';
    bad[50] ^= 1;
    assert_rejected::<2, 3, 2>(&bad, &Error::WeightsMagic, "magic first");
    // The checksum comes before the values: a NaN in a damaged file is damage.
    let mut nan = tricky::<2, 3, 2, f32>(22);
    nan.b1[1] = f32::NAN;
    let mut bad = nan.to_vec();
    bad[HEADER_LEN] ^= 1;
    let stored = u32::from_le_bytes(bad[88..92].try_into().unwrap());
    let computed = crc32(&bad[..88]);
    assert_rejected::<2, 3, 2>(
        &bad,
        &Error::WeightsChecksum { stored, computed },
        "crc before values",
    );
    // The header comes before the values: a file of another shape (same length) with a NaN
    // is reported as another shape.
    let mut other = tricky::<3, 2, 3, f32>(23);
    other.w1[(0, 0)] = f32::NAN;
    assert_rejected::<2, 3, 2>(
        &other.to_vec(),
        &Error::WeightsShape {
            expected: [2, 3, 2],
            found: [3, 2, 3],
        },
        "header before values",
    );
}

#[test]
fn another_length_with_a_valid_crc_names_the_header_mismatch() {
    // A file for Mlp<4, 3, 2> (another length) whose own CRC is right: its header says why
    // it does not fit, in the same order as for a file of the right length.
    let bigger = tricky::<4, 3, 2, f32>(24).to_vec();
    let cases = [
        (
            with_header(bigger.clone(), 2, 0, 1, [4, 3, 2]),
            Error::WeightsVersion(2),
        ),
        (
            with_header(bigger.clone(), 1, 5, 1, [4, 3, 2]),
            Error::WeightsReserved(5),
        ),
        (
            with_header(bigger.clone(), 1, 0, 3, [4, 3, 2]),
            Error::WeightsScalar {
                expected: "f32",
                found_tag: 3,
            },
        ),
        (
            bigger.clone(),
            Error::WeightsShape {
                expected: [2, 3, 2],
                found: [4, 3, 2],
            },
        ),
    ];
    for (bytes, err) in &cases {
        assert_rejected::<2, 3, 2>(bytes, err, "another length, valid crc");
    }
    let length = Error::WeightsLength {
        expected: 92,
        found: bigger.len(),
    };
    // Its CRC damaged: the header cannot be trusted, only the length is reported.
    for at in [5, 6, 7, 8, 30, bigger.len() - 1] {
        let mut bad = bigger.clone();
        bad[at] ^= 0x22;
        assert_rejected::<2, 3, 2>(&bad, &length, &format!("another length, byte {at} damaged"));
    }
    // A file of this network with bytes appended and a CRC over all of them: its header
    // matches, so the length is the only thing to report.
    let mut long = tricky::<2, 3, 2, f32>(25).to_vec();
    long.extend_from_slice(&[0; 8]);
    assert_rejected::<2, 3, 2>(
        &with_crc(long),
        &Error::WeightsLength {
            expected: 92,
            found: 100,
        },
        "appended bytes",
    );
}

#[test]
fn not_a_weights_file_is_a_magic_error_whatever_its_length() {
    let png = {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.resize(300, 7);
        v
    };
    for bytes in [
        &png[..],
        &png[..92],
        &png[..4],
        &png[..1],
        b"{\"w1\": []}",
        b"CTX",
    ] {
        assert_rejected::<2, 3, 2>(bytes, &Error::WeightsMagic, "not CTNS");
    }
    // Nothing, or too short to tell (a start of the magic): a length error.
    for bytes in [&b""[..], b"C", b"CTN", b"CTNS", b"CTNS\x01\x00"] {
        let expected = Error::WeightsLength {
            expected: 92,
            found: bytes.len(),
        };
        assert_rejected::<2, 3, 2>(bytes, &expected, "short");
    }
}

const TENSORS: [&str; 4] = ["w1", "b1", "w2", "b2"];

fn non_finite_values_are_rejected<T: Scalar>(specials: [T; 4])
where
    Mlp<2, 3, 2, T>: ConstLoad,
{
    let lens = [6, 3, 6, 2];
    for (t, name) in TENSORS.into_iter().enumerate() {
        for index in [0, lens[t] / 2, lens[t] - 1] {
            for value in specials {
                let mut net = tricky::<2, 3, 2, T>(30);
                net.tensors_mut()[t][index] = value;
                // Writing stores the bits as they are; reading rejects them.
                let bytes = net.to_vec();
                assert_rejected_as::<2, 3, 2, T>(
                    &bytes,
                    &Error::WeightsNonFinite {
                        tensor: name,
                        index,
                    },
                    &format!("{} {value} in {name}[{index}]", T::NAME),
                );
            }
        }
    }
    // The first one (w1, b1, w2, b2, row-major) is reported.
    let mut net = tricky::<2, 3, 2, T>(31);
    net.b2[1] = specials[0];
    net.w2[(1, 1)] = specials[1];
    net.w2[(2, 0)] = specials[2];
    assert_rejected_as::<2, 3, 2, T>(
        &net.to_vec(),
        &Error::WeightsNonFinite {
            tensor: "w2",
            index: 3,
        },
        "first of several",
    );
    // Through a file too (written by hand: `save` refuses such a network).
    let path = temp_path(&format!("nan-{}", T::NAME));
    std::fs::write(&path, net.to_vec()).unwrap();
    let err = Mlp::<2, 3, 2, T>::load(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        err,
        ctensor::FileError::content(
            "read",
            &path,
            Error::WeightsNonFinite {
                tensor: "w2",
                index: 3
            }
        )
    );
}

#[test]
fn nan_and_infinity_are_rejected_in_every_tensor() {
    non_finite_values_are_rejected::<f32>([
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(0xFF80_0001), // a negative signaling NaN
    ]);
    non_finite_values_are_rejected::<f64>([
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::from_bits(0x7FF0_0000_0000_0001),
    ]);
    // The largest finite values are still fine.
    let mut net = Small32::zeros();
    net.b1[0] = f32::MAX;
    net.b1[1] = f32::MIN;
    net.b2[0] = -f32::from_bits(1);
    assert_eq!(Small32::from_bytes_const(&net.to_vec()).unwrap(), net);
}

/// `net`'s weights file written with big-endian scalars (header little-endian, CRC right):
/// what an exporter that forgot the byte order produces.
fn big_endian_file<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Vec<u8> {
    let mut bytes = net.to_vec();
    let end = bytes.len() - CHECKSUM_LEN;
    for chunk in bytes[HEADER_LEN..end].chunks_exact_mut(T::BYTES) {
        chunk.reverse();
    }
    with_crc(bytes)
}

/// The first (tensor, index) whose value read with the wrong byte order is not finite.
fn first_non_finite_swapped<const D: usize, const H: usize, const K: usize, T: Scalar>(
    net: &Mlp<D, H, K, T>,
) -> Option<Error> {
    for (t, tensor) in net.tensors().into_iter().enumerate() {
        for (index, &x) in tensor.iter().enumerate() {
            let mut le = vec![0; T::BYTES];
            x.write_le(&mut le);
            le.reverse();
            if !T::read_le(&le).is_finite() {
                return Some(Error::WeightsNonFinite {
                    tensor: TENSORS[t],
                    index,
                });
            }
        }
    }
    None
}

#[test]
fn big_endian_export_is_rejected() {
    // A plausible model: every value 0.5 (which byte-swapped is a finite subnormal) but one
    // weight near 0.25 whose bytes, swapped, are a NaN.
    let mut net = Mlp::<2, 3, 2, f32>::zeros();
    for t in net.tensors_mut() {
        t.fill(0.5);
    }
    net.w2[(1, 0)] = f32::from_bits(0x3E80_80FF); // 0.2510..., swapped 0xFF80_803E
    assert!((net.w2[(1, 0)] - 0.251).abs() < 1e-3);
    let bytes = big_endian_file(&net);
    assert_rejected_as::<2, 3, 2, f32>(
        &bytes,
        &Error::WeightsNonFinite {
            tensor: "w2",
            index: 2,
        },
        "big-endian f32",
    );
    let mut net = Mlp::<2, 3, 2, f64>::zeros();
    for t in net.tensors_mut() {
        t.fill(0.5);
    }
    net.b1[2] = f64::from_bits(0x3FD0_0000_0000_F0FF); // 0.25..., swapped 0xFFF0_..._D03F
    assert!((net.b1[2] - 0.25).abs() < 1e-9);
    assert_rejected_as::<2, 3, 2, f64>(
        &big_endian_file(&net),
        &Error::WeightsNonFinite {
            tensor: "b1",
            index: 2,
        },
        "big-endian f64",
    );
    // A trained-looking model of firmware size: some weight turns non-finite when swapped,
    // and the first one is reported.
    let net = Mlp::<64, 32, 10>::glorot(&mut StdRng::seed_from_u64(33));
    let expected = first_non_finite_swapped(&net).expect("a swapped value that is not finite");
    let bytes = big_endian_file(&net);
    let mut dest = Mlp::<64, 32, 10>::zeros();
    assert_eq!(dest.read_bytes(&bytes).unwrap_err(), expected);
    assert_eq!(dest, Mlp::zeros());
    assert_eq!(
        Mlp::<64, 32, 10>::from_bytes_const(&bytes).unwrap_err(),
        expected
    );
}
