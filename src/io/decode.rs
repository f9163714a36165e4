//! The `const fn` decoder: `Mlp::<D, H, K, f32>::from_bytes_const` and its `f64` twin, so
//! that a model can be a `static` decoded at compile time.

use super::HEADER_LEN;
use super::check::check_file;
use crate::{Matrix, Mlp, Result, Vector};

/// A `const fn` weights decoder for one concrete scalar type (`const fn`s cannot call the
/// [`Scalar`](crate::Scalar) trait's methods, so there is one per type).
macro_rules! const_decoder {
    ($t:ident, $tag:expr, $read:ident) => {
        /// Reads the little-endian scalar at `bytes[at..]`.
        const fn $read(bytes: &[u8], at: usize) -> $t {
            let mut raw = [0u8; core::mem::size_of::<$t>()];
            let mut i = 0;
            while i < raw.len() {
                raw[i] = bytes[at + i];
                i += 1;
            }
            <$t>::from_le_bytes(raw)
        }

        impl<const D: usize, const H: usize, const K: usize> Mlp<D, H, K, $t> {
            #[doc = concat!(
                "A network decoded from a weights file at compile time: a `const fn`, so that a ",
                "model can be a `static` in flash built from `include_bytes!`, with no copy in ",
                "RAM and no parsing code in the firmware.\n\n",
                "It makes the checks of [`Mlp::validate_bytes`] (the same code: magic, length, ",
                "CRC-32, version, reserved byte, scalar type, shape, finite values; see ",
                "[the order](crate::io#checks-in-order)), with the same errors. In a `static` or ",
                "`const` item, turn an `Err` into a compile error with `panic!` (see the ",
                "example). At run time prefer [`Mlp::read_bytes`] into an existing network: this ",
                "returns the network by value, which puts it on the stack.\n\n",
                "Defined for `f32` and `f64` (this one reads `", stringify!($t), "` files).\n\n",
                "# Errors\n",
                "As [`Mlp::validate_bytes`].\n\n",
                "# Examples\n",
                "```\n",
                "use ctensor::{Error, Mlp};\n",
                "type Net = Mlp<2, 3, 1, ", stringify!($t), ">;\n",
                "# // A valid file with all parameters zero, made in a `const fn`.\n",
                "# const fn file() -> [u8; Net::BYTE_LEN] {\n",
                "#     let mut f = [0u8; Net::BYTE_LEN];\n",
                "#     let head = *b\"CTNS\\x01\\x00\\x00\\x00\\x02\\0\\0\\0\\x03\\0\\0\\0\\x01\\0\\0\\0\";\n",
                "#     let mut i = 0;\n",
                "#     while i < 20 { f[i] = head[i]; i += 1; }\n",
                "#     f[6] = ", stringify!($tag), ";\n",
                "#     let crc = ctensor::io::crc32(f.split_at(Net::BYTE_LEN - 4).0).to_le_bytes();\n",
                "#     let mut i = 0;\n",
                "#     while i < 4 { f[Net::BYTE_LEN - 4 + i] = crc[i]; i += 1; }\n",
                "#     f\n",
                "# }\n",
                "// In firmware: `const FILE: &[u8] = include_bytes!(\"net.bin\");`\n",
                "const FILE: [u8; Net::BYTE_LEN] = file();\n",
                "static NET: Net = match Net::from_bytes_const(&FILE) {\n",
                "    Ok(net) => net,\n",
                "    Err(_) => panic!(\"bad weights file\"), // a compile error, never a run-time panic\n",
                "};\n",
                "assert_eq!(NET, Net::zeros());\n",
                "const SHORT: Result<Net, Error> = Net::from_bytes_const(b\"CTNS\");\n",
                "assert!(matches!(SHORT, Err(Error::WeightsLength { found: 4, .. })));\n",
                "const DAMAGED: Result<Net, Error> = Net::from_bytes_const(&{\n",
                "    let mut f = FILE;\n",
                "    f[Net::BYTE_LEN - 5] ^= 1;\n",
                "    f\n",
                "});\n",
                "assert!(matches!(DAMAGED, Err(Error::WeightsChecksum { .. })));\n",
                "```"
            )]
            pub const fn from_bytes_const(bytes: &[u8]) -> Result<Self> {
                const SIZE: usize = core::mem::size_of::<$t>();
                // The checks of `validate_bytes`: the same code.
                if let Err(e) = check_file(bytes, Self::LAYOUT) {
                    return Err(e);
                }
                let mut at = HEADER_LEN;
                let mut w1 = [[0.0; H]; D];
                let mut i = 0;
                while i < D {
                    let mut j = 0;
                    while j < H {
                        w1[i][j] = $read(bytes, at);
                        at += SIZE;
                        j += 1;
                    }
                    i += 1;
                }
                let mut b1 = [0.0; H];
                let mut j = 0;
                while j < H {
                    b1[j] = $read(bytes, at);
                    at += SIZE;
                    j += 1;
                }
                let mut w2 = [[0.0; K]; H];
                let mut i = 0;
                while i < H {
                    let mut j = 0;
                    while j < K {
                        w2[i][j] = $read(bytes, at);
                        at += SIZE;
                        j += 1;
                    }
                    i += 1;
                }
                let mut b2 = [0.0; K];
                let mut j = 0;
                while j < K {
                    b2[j] = $read(bytes, at);
                    at += SIZE;
                    j += 1;
                }
                Ok(Self::from_parts(
                    Matrix::from_array(w1),
                    Vector::from_array(b1),
                    Matrix::from_array(w2),
                    Vector::from_array(b2),
                ))
            }
        }
    };
}
const_decoder!(f32, 1, read_f32_const);
const_decoder!(f64, 2, read_f64_const);

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::super::{CHECKSUM_LEN, HEADER_LEN, crc32};
    use crate::{Error, Mlp, Scalar};

    type Net = Mlp<3, 4, 2>;
    type Net64 = Mlp<3, 4, 2, f64>;

    fn sample<T: Scalar>() -> Mlp<3, 4, 2, T> {
        let mut net = Mlp::<3, 4, 2, T>::zeros();
        for (k, tensor) in net.tensors_mut().into_iter().enumerate() {
            for (i, x) in tensor.iter_mut().enumerate() {
                *x = T::from_f64((k as f64 + 1.0) * 0.37 - i as f64 * 1.3e-3);
            }
        }
        net
    }

    // A `static` decoded at compile time from bytes made at compile time.
    const SAMPLE_F32: [u8; Net::BYTE_LEN] = {
        let mut f = [0u8; Net::BYTE_LEN];
        let head = *b"CTNS\x01\x00\x01\x00\x03\0\0\0\x04\0\0\0\x02\0\0\0";
        let mut i = 0;
        while i < HEADER_LEN {
            f[i] = head[i];
            i += 1;
        }
        // b2[1] = 1.5 (the last scalar before the checksum).
        let v = 1.5f32.to_le_bytes();
        let mut i = 0;
        while i < 4 {
            f[Net::BYTE_LEN - 8 + i] = v[i];
            i += 1;
        }
        let crc = crc32(f.split_at(Net::BYTE_LEN - CHECKSUM_LEN).0).to_le_bytes();
        let mut i = 0;
        while i < 4 {
            f[Net::BYTE_LEN - 4 + i] = crc[i];
            i += 1;
        }
        f
    };
    static STATIC_NET: Net = match Net::from_bytes_const(&SAMPLE_F32) {
        Ok(net) => net,
        Err(_) => panic!("bad weights"),
    };

    #[test]
    fn const_decoder_in_a_static() {
        let mut expected = Net::zeros();
        expected.b2[1] = 1.5;
        assert_eq!(STATIC_NET, expected);
        assert_eq!(Net::from_bytes(&SAMPLE_F32).unwrap(), expected);
    }

    #[test]
    fn const_decoder_matches_runtime_decoder_bit_for_bit() {
        let a = sample::<f32>();
        let bytes: [u8; Net::BYTE_LEN] = a.to_bytes();
        assert_eq!(Net::from_bytes_const(&bytes).unwrap(), a);
        let b = sample::<f64>();
        let bytes: [u8; Mlp::<3, 4, 2, f64>::BYTE_LEN] = b.to_bytes();
        let c = Mlp::<3, 4, 2, f64>::from_bytes_const(&bytes).unwrap();
        for (x, y) in b
            .tensors()
            .into_iter()
            .flatten()
            .zip(c.tensors().into_iter().flatten())
        {
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }

    /// The const decoders give the run-time checks' verdict on `bytes`, as `f32` and `f64`,
    /// and on success the network `read_bytes` reads. Returns the `f32` verdict.
    fn check_same_verdict(bytes: &[u8]) -> Result<(), Error> {
        let runtime = Net::validate_bytes(bytes);
        let constant = Net::from_bytes_const(bytes);
        assert_eq!(runtime, constant.as_ref().map(|_| ()).map_err(Clone::clone));
        if let Ok(net) = constant {
            let mut read = Net::zeros();
            read.read_bytes(bytes).unwrap();
            assert_eq!(net, read);
        }
        let runtime64 = Net64::validate_bytes(bytes);
        let constant64 = Net64::from_bytes_const(bytes);
        assert_eq!(
            runtime64,
            constant64.as_ref().map(|_| ()).map_err(Clone::clone),
            "{} bytes as f64",
            bytes.len()
        );
        if let Ok(net) = constant64 {
            let mut read = Net64::zeros();
            read.read_bytes(bytes).unwrap();
            assert_eq!(net, read);
        }
        runtime
    }

    /// `bytes` with its last four bytes replaced by the CRC-32 of the others.
    fn with_crc(bytes: &[u8]) -> Vec<u8> {
        let mut v = bytes.to_vec();
        let n = v.len() - CHECKSUM_LEN;
        let crc = crc32(&v[..n]);
        v[n..].copy_from_slice(&crc.to_le_bytes());
        v
    }

    /// Which check an error comes from.
    fn kind(verdict: &Result<(), Error>) -> &'static str {
        match verdict {
            Ok(()) => "ok",
            Err(Error::WeightsMagic) => "magic",
            Err(Error::WeightsLength { .. }) => "length",
            Err(Error::WeightsChecksum { .. }) => "checksum",
            Err(Error::WeightsVersion(_)) => "version",
            Err(Error::WeightsReserved(_)) => "reserved",
            Err(Error::WeightsScalar { .. }) => "scalar",
            Err(Error::WeightsShape { .. }) => "shape",
            Err(Error::WeightsNonFinite { .. }) => "non-finite",
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }

    #[test]
    fn const_decoder_errors_equal_validate_bytes_errors() {
        let good: [u8; Net::BYTE_LEN] = sample::<f32>().to_bytes();
        let f64_file: [u8; Mlp::<3, 4, 2, f64>::BYTE_LEN] = sample::<f64>().to_bytes();
        let mut seen = std::collections::BTreeSet::new();
        let mut verdict = |bytes: &[u8]| {
            seen.insert(kind(&check_same_verdict(bytes)));
        };
        for bytes in [
            &good[..],
            &good[..10],
            &good[..good.len() - 1],
            &f64_file,
            &[],
            b"CT",
            b"PK\x03\x04",
            &[0; 200],
        ] {
            verdict(bytes);
        }
        // Every single-byte corruption of the header, one body byte and the checksum.
        for at in (0..HEADER_LEN).chain([HEADER_LEN + 5, good.len() - 1]) {
            let mut bad = good;
            bad[at] ^= 0x40;
            verdict(&bad);
        }
        // Every value of every header byte after the magic, with a correct CRC (version,
        // reserved byte, scalar tag, shape), in files of this length and of another.
        let bigger: [u8; Mlp::<4, 3, 2>::BYTE_LEN] = sample4().to_bytes();
        for file in [&good[..], &bigger[..], &f64_file[..]] {
            for at in 4..HEADER_LEN {
                for value in 0..=255 {
                    let mut bad = file.to_vec();
                    bad[at] = value;
                    verdict(&with_crc(&bad));
                    // And the same with a damaged CRC.
                    let n = bad.len();
                    bad[n - 1] ^= 0x80;
                    verdict(&bad);
                }
            }
        }
        // A NaN, both infinities and a byte-swapped value at every position, f32 and f64.
        let f32_specials: [&[u8]; 3] = [&[0xFF; 4], &[0, 0, 0x80, 0x7F], &[0, 0, 0x80, 0xFF]];
        let f64_specials: [&[u8]; 3] = [
            &[0xFF; 8],
            &[0, 0, 0, 0, 0, 0, 0xF0, 0x7F],
            &[0, 0, 0, 0, 0, 0, 0xF0, 0xFF],
        ];
        for (file, specials) in [(&good[..], f32_specials), (&f64_file[..], f64_specials)] {
            let size = specials[0].len();
            for at in (HEADER_LEN..file.len() - CHECKSUM_LEN).step_by(size) {
                for special in specials {
                    let mut bad = file.to_vec();
                    bad[at..at + size].copy_from_slice(special);
                    verdict(&with_crc(&bad));
                }
                let mut swapped = file.to_vec();
                swapped[at..at + size].reverse();
                verdict(&with_crc(&swapped));
            }
        }
        // Other shapes of the same scalar type.
        let other: [u8; Mlp::<4, 3, 2>::BYTE_LEN] = Mlp::<4, 3, 2>::zeros().to_bytes();
        verdict(&other);
        let other: [u8; Mlp::<3, 4, 1>::BYTE_LEN] = Mlp::<3, 4, 1>::zeros().to_bytes();
        verdict(&other);
        // Every check was reached at least once.
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            [
                "checksum",
                "length",
                "magic",
                "non-finite",
                "ok",
                "reserved",
                "scalar",
                "shape",
                "version"
            ]
        );
        assert!(matches!(
            Net::from_bytes_const(&f64_file),
            Err(Error::WeightsScalar {
                expected: "f32",
                found_tag: 2
            })
        ));
    }

    fn sample4() -> Mlp<4, 3, 2> {
        let mut net = Mlp::<4, 3, 2>::zeros();
        net.w1[(3, 2)] = 0.25;
        net
    }
}
