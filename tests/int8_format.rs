//! The int8 weights format (issue 11): round trips (run time and `const`), every damaged
//! byte refused, each header field and each layer value named in its error, `Err` changes
//! nothing.
#![cfg(feature = "alloc")] // post-training quantization and int8 files need `alloc`

use ctensor::io::crc32;
use ctensor::nn::arch::{LayerKind, LayerSpec};
use ctensor::nn::layer::Zeros;
use ctensor::quant::{QDense, QRelu, QSeq};
use ctensor::{Dense, Error, Mlp, Relu, network, qseq_from_bytes_const};
use rand::{RngExt, SeedableRng, rngs::StdRng};

type Net = QSeq<(QDense<13, 7>, QRelu<7>, QDense<7, 3>)>;

fn trained() -> Net {
    let mut rng = StdRng::seed_from_u64(3);
    let mlp = Mlp::<13, 7, 3>::glorot(&mut rng);
    let rows: Vec<[f32; 13]> = (0..50)
        .map(|_| core::array::from_fn(|_| rng.random_range(-2.0..2.0)))
        .collect();
    mlp.quantize(&rows).unwrap()
}

fn fix_crc(bytes: &mut [u8]) {
    let end = bytes.len() - 4;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
}

fn decode_const(bytes: &[u8]) -> Result<Net, Error> {
    qseq_from_bytes_const!(bytes => [QDense<13, 7>, QRelu<7>, QDense<7, 3>])
}

#[test]
fn round_trip_run_time_and_const() {
    let net = trained();
    let bytes = net.to_vec().unwrap();
    assert_eq!(bytes.len(), Net::BYTE_LEN);
    assert_eq!(
        Net::BYTE_LEN,
        12 + 36 + (12 + 16 * 7 + 91) + 8 + (12 + 16 * 3 + 21) + 4
    );
    assert_eq!(&bytes[..8], b"CTNS\x02\x00\x03\x00");
    assert_eq!(Net::from_bytes(&bytes).unwrap(), net);
    assert_eq!(decode_const(&bytes).unwrap(), net);
    let mut out = [0u8; Net::BYTE_LEN];
    net.write_bytes(&mut out).unwrap();
    assert_eq!(out.as_slice(), bytes.as_slice());
    assert_eq!(
        net.write_bytes(&mut [0u8; 10]).unwrap_err(),
        Error::WeightsLength {
            expected: Net::BYTE_LEN,
            found: 10
        }
    );
}

#[test]
fn every_damaged_byte_is_refused_and_err_changes_nothing() {
    let net = trained();
    let bytes = net.to_vec().unwrap();
    let mut other = trained();
    other.layers.0.bias[0] += 1; // differs from `net`, so a partial read would show
    let before = other.clone();
    for at in 0..bytes.len() {
        for bit in [0x01_u8, 0x80] {
            let mut bad = bytes.clone();
            bad[at] ^= bit;
            let verdict = Net::validate_bytes(&bad);
            assert!(verdict.is_err(), "byte {at} bit {bit:#x} accepted");
            assert_eq!(decode_const(&bad).map(|_| ()), verdict, "byte {at}");
            assert_eq!(other.read_bytes(&bad), verdict);
            assert_eq!(other, before);
        }
    }
    for len in [0, 3, 4, 11, 16, bytes.len() - 1] {
        assert!(Net::validate_bytes(&bytes[..len]).is_err(), "length {len}");
    }
}

#[test]
fn header_errors_name_the_field() {
    let bytes = trained().to_vec().unwrap();
    let with = |at: usize, v: &[u8]| {
        let mut b = bytes.clone();
        b[at..at + v.len()].copy_from_slice(v);
        fix_crc(&mut b);
        Net::validate_bytes(&b).unwrap_err()
    };
    assert_eq!(with(0, b"CTNX"), Error::WeightsMagic);
    assert_eq!(with(4, &[3, 0]), Error::WeightsVersion(3));
    assert_eq!(with(4, &[1, 0]), Error::WeightsVersion(1));
    assert_eq!(with(7, &[9]), Error::WeightsReserved(9));
    let e = with(6, &[1]);
    assert_eq!(
        e,
        Error::WeightsScalar {
            expected: "i8",
            found_tag: 1
        }
    );
    assert!(e.to_string().contains("f32"), "{e}");
    // The checksum, if not repaired.
    let mut b = bytes.clone();
    b[40] ^= 1;
    assert!(matches!(
        Net::validate_bytes(&b),
        Err(Error::WeightsChecksum { .. })
    ));
    // Another architecture: the first layer that differs.
    type Other = QSeq<(QDense<13, 7>, QRelu<7>, QDense<7, 4>)>;
    let mut rng = StdRng::seed_from_u64(4);
    let rows: Vec<[f32; 13]> = (0..10)
        .map(|_| core::array::from_fn(|_| rng.random()))
        .collect();
    let other: Other = Mlp::<13, 7, 4>::glorot(&mut rng).quantize(&rows).unwrap();
    let e = Net::validate_bytes(&other.to_vec().unwrap()).unwrap_err();
    assert_eq!(
        e,
        Error::WeightsLayer {
            layer: 2,
            expected: LayerSpec::new(LayerKind::DenseI8, 7, 3),
            found: LayerSpec::new(LayerKind::DenseI8, 7, 4),
        }
    );
    assert!(
        e.to_string()
            .contains("expected QDense<7, 3>, found QDense<7, 4>"),
        "{e}"
    );
    // A float network's file.
    let float = ctensor::MlpSeq::<13, 7, 3>::zeros();
    let e = Net::validate_bytes(&float.to_vec()).unwrap_err();
    assert!(
        matches!(e, Error::WeightsLength { .. } | Error::WeightsScalar { .. }),
        "{e:?}"
    );
}

#[test]
fn layer_values_are_checked_with_layer_field_and_channel() {
    let net = trained();
    let bytes = net.to_vec().unwrap();
    let start = 12 + 36;
    let with = |at: usize, v: &[u8]| {
        let mut b = bytes.clone();
        b[at..at + v.len()].copy_from_slice(v);
        fix_crc(&mut b);
        let e = Net::validate_bytes(&b).unwrap_err();
        assert_eq!(decode_const(&b).unwrap_err(), e);
        e
    };
    let q = |layer, what, channel| Error::InvalidQuantizedLayer {
        layer,
        what,
        channel,
    };
    // A weight of -128: layer 0, output channel 2, weight 5.
    let w0 = start + 12 + 16 * 7;
    assert_eq!(
        with(w0 + 2 * 13 + 5, &[0x80]),
        q(0, "weight (-128, outside [-127, 127])", 2)
    );
    // Scales.
    assert_eq!(
        with(start, &0.0f32.to_le_bytes()),
        q(0, "input scale (not finite and > 0)", 0)
    );
    assert_eq!(
        with(start + 4, &f32::NAN.to_le_bytes()),
        q(0, "output scale (not finite and > 0)", 0)
    );
    // The reserved byte of a dense record, and act_min.
    assert_eq!(with(start + 11, &[1]), q(0, "reserved byte (not 0)", 0));
    assert_eq!(
        with(start + 10, &[7]),
        q(0, "act_min (not -128 nor the output zero point)", 0)
    );
    // Channel 4's multiplier, and its bias.
    let c4 = start + 12 + 16 * 4;
    assert_eq!(
        with(c4 + 8, &(1_i32 << 30).to_le_bytes()),
        q(0, "multiplier (not quantize_multiplier(s_x s_w / s_y))", 4)
    );
    assert_eq!(
        with(c4 + 4, &i32::MAX.to_le_bytes()),
        q(0, "bias (an accumulator could overflow i32)", 4)
    );
    // The ReLU's zero point, no longer the dense layer's output zero point.
    let relu = start + 12 + 16 * 7 + 91;
    assert_eq!(
        with(
            relu + 4,
            &[(net.layers.0.output.zero_point as u8).wrapping_add(1)]
        ),
        q(1, "input quantization (not the previous layer's output)", 0)
    );
    assert_eq!(with(relu + 6, &[1]), q(1, "reserved byte (not 0)", 0));
}

network! {
    type Deep = [
        Dense<5, 6>, Relu<6>, Dense<6, 6>, Relu<6>, Dense<6, 6>, Relu<6>, Dense<6, 6>, Relu<6>,
        Dense<6, 4>, Relu<4>, Dense<4, 2>,
    ];
}

#[test]
fn deep_networks_nest_and_round_trip() {
    let mut rng = StdRng::seed_from_u64(8);
    let net = Deep::glorot(&mut rng);
    let rows: Vec<[f32; 5]> = (0..100)
        .map(|_| core::array::from_fn(|_| rng.random_range(-1.0..1.0)))
        .collect();
    let q = net.quantize(&rows).unwrap();
    let bytes = q.to_vec().unwrap();
    let decoded = qseq_from_bytes_const!(&bytes => [
        QDense<5, 6>, QRelu<6>, QDense<6, 6>, QRelu<6>, QDense<6, 6>, QRelu<6>, QDense<6, 6>,
        QRelu<6>, QDense<6, 4>, QRelu<4>, QDense<4, 2>,
    ])
    .unwrap();
    assert_eq!(decoded, q);
    for x in &rows {
        assert_eq!(
            decoded.logits_q(&q.quantize_input(x).unwrap()),
            q.logits_q(&q.quantize_input(x).unwrap())
        );
    }
    let mut agree = 0;
    for x in &rows {
        agree += usize::from(net.classify(x).unwrap() == q.classify(x).unwrap());
    }
    assert!(agree >= 90, "{agree} of 100");
    let _ = QRelu::<1>::ZEROS;
}

/// Regenerates `tests/data/int8_13_7_3.bin` (run with `--ignored` after a format change).
#[test]
#[ignore = "writes tests/data/int8_13_7_3.bin"]
fn write_committed_file() {
    std::fs::write("tests/data/int8_13_7_3.bin", trained().to_vec().unwrap()).unwrap();
}

/// A committed file decoded at compile time into a `static` (as in flash).
static FLASH: Net = match qseq_from_bytes_const!(
    include_bytes!("data/int8_13_7_3.bin") => [QDense<13, 7>, QRelu<7>, QDense<7, 3>]
) {
    Ok(net) => net,
    Err(_) => panic!("tests/data/int8_13_7_3.bin is not a valid int8 weights file"),
};

#[test]
fn committed_file_decodes_at_compile_time() {
    assert_eq!(FLASH, trained());
}

#[test]
fn networks_with_dropout_layers_quantize_and_round_trip() {
    use ctensor::DropoutLayer;
    use ctensor::quant::QDropout;
    type Net = ctensor::Seq<(Dense<6, 9>, Relu<9>, DropoutLayer<9>, Dense<9, 4>)>;
    let mut rng = StdRng::seed_from_u64(21);
    let net = Net::glorot(&mut rng);
    let rows: Vec<[f32; 6]> = (0..60)
        .map(|_| core::array::from_fn(|_| rng.random_range(-1.0..1.0)))
        .collect();
    let q = net.quantize(&rows).unwrap();
    assert_eq!(q.layers.2, QDropout::new(q.layers.1.params));
    let bytes = q.to_vec().unwrap();
    let decoded =
        qseq_from_bytes_const!(&bytes => [QDense<6, 9>, QRelu<9>, QDropout<9>, QDense<9, 4>])
            .unwrap();
    assert_eq!(decoded, q);
    let mut agree = 0;
    for x in &rows {
        agree += usize::from(net.classify(x).unwrap() == q.classify(x).unwrap());
    }
    assert!(agree >= 55, "{agree} of 60");
    // A changed dropout record is refused as the ReLU's would be.
    let at = 12 + 12 * 4 + (12 + 16 * 9 + 54) + 8 + 5;
    let mut bad = bytes.clone();
    bad[at] = 1;
    let end = bad.len() - 4;
    let crc = crc32(&bad[..end]);
    bad[end..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        QSeq::<(QDense<6, 9>, QRelu<9>, QDropout<9>, QDense<9, 4>)>::validate_bytes(&bad)
            .unwrap_err(),
        Error::InvalidQuantizedLayer {
            layer: 2,
            what: "reserved byte (not 0)",
            channel: 0
        }
    );
}
