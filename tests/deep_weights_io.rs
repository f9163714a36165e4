//! Weights files of networks of any depth: bit-exact round trips; the version-2 layout (a
//! committed golden file); `Mlp`'s version-1 files (committed, made by `Mlp::write_bytes`)
//! still load; a file of another architecture names the layer that differs; every damaged
//! file is refused, with the same verdict from the run-time checks and the compile-time
//! decoder, and nothing is read into the network.
#![cfg(feature = "std")]

use ctensor::io::{SEQ_FORMAT_VERSION, crc32};
use ctensor::nn::arch::{LayerKind, LayerSpec};
use ctensor::nn::params::Params;
use ctensor::{
    Dense, DropoutLayer, Error, FileErrorCause, Mlp, MlpSeq, Relu, Scalar, Seq, network,
    seq_from_bytes_const, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

type Five = Seq<(
    Dense<3, 5>,
    Relu<5>,
    Dense<5, 4>,
    Relu<4>,
    DropoutLayer<4>,
    Dense<4, 2>,
)>;
type Five64 = Seq<(
    Dense<3, 5, f64>,
    Relu<5, f64>,
    Dense<5, 4, f64>,
    Relu<4, f64>,
    DropoutLayer<4, f64>,
    Dense<4, 2, f64>,
)>;

const GOLDEN_V2: &[u8] = include_bytes!("data/seq-v2-3-5-4-2-f32.bin");
const MLP_V1_F32: &[u8] = include_bytes!("data/mlp-v1-4-5-3-f32.bin");
const MLP_V1_F64: &[u8] = include_bytes!("data/mlp-v1-3-4-2-f64.bin");

/// Tensor `k`, element `i` is `(k + 1) 0.37 - 0.013 i`: the pattern of the committed files.
fn fill<P: Params>(p: &mut P) {
    for k in 0..P::TENSORS {
        for (i, x) in p.tensor_mut(k).iter_mut().enumerate() {
            *x = P::Scalar::from_f64((k as f64 + 1.0) * 0.37 - i as f64 * 0.013);
        }
    }
}

fn random<P: Params>(p: &mut P, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for k in 0..P::TENSORS {
        for x in p.tensor_mut(k) {
            *x = P::Scalar::from_f64(uniform01(&mut rng) * 20.0 - 10.0);
        }
    }
}

fn bits<P: Params>(p: &P) -> Vec<u64> {
    (0..P::TENSORS)
        .flat_map(|k| {
            p.tensor(k)
                .iter()
                .map(|&x| x.as_f64().to_bits())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn version_2_layout_is_the_documented_one() {
    let mut net = Five::zeros();
    fill(&mut net.layers);
    let bytes = net.to_vec();
    assert_eq!(
        bytes, GOLDEN_V2,
        "the writer changed the committed file's bytes"
    );
    assert_eq!(
        Five::BYTE_LEN,
        12 + 12 * 6 + 4 * (15 + 5 + 20 + 4 + 8 + 2) + 4
    );
    assert_eq!(&bytes[..4], b"CTNS");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), SEQ_FORMAT_VERSION);
    assert_eq!((bytes[6], bytes[7]), (1, 0));
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(8), 6);
    let records: Vec<u32> = (0..18).map(|r| u32_at(12 + 4 * r)).collect();
    assert_eq!(
        records,
        [1, 3, 5, 2, 5, 5, 1, 5, 4, 2, 4, 4, 3, 4, 4, 1, 4, 2]
    );
    // W of layer 0, row-major, then its bias.
    let f32_at = |at: usize| f32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(f32_at(84), net.layers.0.w[(0, 0)]);
    assert_eq!(f32_at(84 + 4 * 6), net.layers.0.w[(1, 1)]);
    assert_eq!(f32_at(84 + 4 * 15), net.layers.0.b[0]);
    let n = bytes.len() - 4;
    assert_eq!(u32_at(n), crc32(&bytes[..n]));
    assert_eq!(
        Five::from_bytes::<{ Five::BYTE_LEN }>(GOLDEN_V2.try_into().unwrap()),
        Ok(net)
    );
}

#[test]
fn round_trips_are_bit_exact() {
    let mut a = Five::zeros();
    random(&mut a.layers, 1);
    a.layers.0.w[(0, 0)] = -0.0;
    a.layers.0.w[(0, 1)] = f32::MIN_POSITIVE / 4.0;
    a.layers.0.w[(0, 2)] = f32::MAX;
    let mut b = Five::zeros();
    b.read_bytes(&a.to_vec()).unwrap();
    assert_eq!(bits(&a.layers), bits(&b.layers));
    let mut c = Five64::zeros();
    random(&mut c.layers, 2);
    let bytes: [u8; Five64::BYTE_LEN] = c.to_bytes();
    assert_eq!(
        bits(&Five64::from_bytes(&bytes).unwrap().layers),
        bits(&c.layers)
    );
    // Files on disk.
    let path = std::env::temp_dir().join(format!("ctensor-deep-io-{}.bin", std::process::id()));
    c.save(&path).unwrap();
    assert_eq!(bits(&Five64::load(&path).unwrap().layers), bits(&c.layers));
    let err = Five::load(&path).unwrap_err();
    assert!(matches!(
        err.cause,
        FileErrorCause::Content(Error::WeightsScalar {
            expected: "f32",
            found_tag: 2
        })
    ));
    let mut nan = c.clone();
    nan.layers.5.b[1] = f64::NAN;
    let err = nan.save(&path).unwrap_err();
    assert_eq!(
        err.cause,
        FileErrorCause::Content(Error::WeightsLayerNonFinite {
            layer: 5,
            tensor: "bias",
            index: 1
        })
    );
    assert_eq!(bits(&Five64::load(&path).unwrap().layers), bits(&c.layers));
    std::fs::remove_file(&path).unwrap();
}

network! {
    type Autoencoder = [
        Dense<640, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 8>, Relu<8>, Dense<8, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 640>,
    ];
}

#[test]
fn a_19_layer_network_round_trips_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let net = Autoencoder::boxed_glorot(&mut StdRng::seed_from_u64(3));
            let bytes = net.to_vec();
            assert_eq!(bytes.len(), Autoencoder::BYTE_LEN);
            assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 19);
            let mut back = Autoencoder::boxed_zeros();
            back.read_bytes(&bytes).unwrap();
            assert!(*back == *net);
            // Layer 18 (the last, in the third nested chain) is named by its flat index.
            let mut other = bytes.clone();
            let record = 12 + 12 * 18;
            other[record + 8..record + 12].copy_from_slice(&641u32.to_le_bytes());
            let n = other.len() - 4;
            let crc = crc32(&other[..n]);
            other[n..].copy_from_slice(&crc.to_le_bytes());
            assert_eq!(
                back.read_bytes(&other),
                Err(Error::WeightsLayer {
                    layer: 18,
                    expected: LayerSpec::new(LayerKind::Dense, 128, 640),
                    found: LayerSpec::new(LayerKind::Dense, 128, 641),
                })
            );
            assert!(*back == *net);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// An `Mlp` version-1 file, decoded at compile time.
static FROM_V1: MlpSeq<4, 5, 3> = match seq_from_bytes_const!(MLP_V1_F32 => [Dense<4, 5>, Relu<5>, Dense<5, 3>])
{
    Ok(net) => net,
    Err(_) => panic!("the committed version-1 file does not load"),
};
/// The golden version-2 file, decoded at compile time.
static FROM_V2: Five = match seq_from_bytes_const!(
    GOLDEN_V2 => [Dense<3, 5>, Relu<5>, Dense<5, 4>, Relu<4>, DropoutLayer<4>, Dense<4, 2>]
) {
    Ok(net) => net,
    Err(_) => panic!("the committed version-2 file does not load"),
};

#[test]
fn version_1_files_of_mlp_still_load() {
    let mut expected = MlpSeq::<4, 5, 3>::zeros();
    fill(&mut expected.layers);
    let mut seq = MlpSeq::<4, 5, 3>::zeros();
    seq.read_bytes(MLP_V1_F32).unwrap();
    assert_eq!(seq, expected);
    assert_eq!(FROM_V1, expected);
    let mlp =
        Mlp::<4, 5, 3>::from_bytes::<{ Mlp::<4, 5, 3>::BYTE_LEN }>(MLP_V1_F32.try_into().unwrap())
            .unwrap();
    assert_eq!(seq.to_mlp(), mlp);
    let mut seq64 = MlpSeq::<3, 4, 2, f64>::zeros();
    seq64.read_bytes(MLP_V1_F64).unwrap();
    let mut expected64 = MlpSeq::<3, 4, 2, f64>::zeros();
    fill(&mut expected64.layers);
    assert_eq!(seq64, expected64);
    // Saved again, it is a version-2 file of the same network.
    let again = seq.to_vec();
    assert_eq!(u16::from_le_bytes([again[4], again[5]]), 2);
    let mut back = MlpSeq::<4, 5, 3>::zeros();
    back.read_bytes(&again).unwrap();
    assert_eq!(back, seq);
    let mut five = Five::zeros();
    fill(&mut five.layers);
    assert_eq!(FROM_V2, five);
}

#[test]
fn a_file_of_another_architecture_names_the_layer_that_differs() {
    // A version-1 file of Mlp<4, 5, 3> read as other networks.
    let mut other = MlpSeq::<4, 6, 3>::zeros();
    let err = other.read_bytes(MLP_V1_F32).unwrap_err();
    assert_eq!(
        err,
        Error::WeightsLayer {
            layer: 0,
            expected: LayerSpec::new(LayerKind::Dense, 4, 6),
            found: LayerSpec::new(LayerKind::Dense, 4, 5),
        }
    );
    assert_eq!(
        err.to_string(),
        "weights file is for another architecture: layer 0 differs: expected Dense<4, 6>, \
         found Dense<4, 5>"
    );
    assert_eq!(
        Five::validate_bytes(MLP_V1_F32),
        Err(Error::WeightsLayerCount {
            expected: 6,
            found: 3
        })
    );
    // Version-2 files of other networks.
    let v2 = Five::zeros().to_vec();
    type Relu6 = Seq<(
        Dense<3, 5>,
        Relu<5>,
        Dense<5, 4>,
        Relu<4>,
        Relu<4>,
        Dense<4, 2>,
    )>;
    assert_eq!(
        Relu6::validate_bytes(&v2),
        Err(Error::WeightsLayer {
            layer: 4,
            expected: LayerSpec::new(LayerKind::Relu, 4, 4),
            found: LayerSpec::new(LayerKind::Dropout, 4, 4),
        })
    );
    assert_eq!(
        MlpSeq::<3, 5, 4>::validate_bytes(&v2),
        Err(Error::WeightsLayerCount {
            expected: 3,
            found: 6
        })
    );
    assert!(
        Error::WeightsLayerCount {
            expected: 3,
            found: 6
        }
        .to_string()
        .contains("it has 6 layers, expected 3")
    );
    // An Mlp refuses a version-2 file, naming the version.
    let mlp_shaped = MlpSeq::<4, 5, 3>::zeros().to_vec();
    assert_eq!(
        Mlp::<4, 5, 3>::validate_bytes(&mlp_shaped),
        Err(Error::WeightsVersion(2))
    );
}

/// The run-time checks, and the compile-time decoder run at run time (the same `const fn`),
/// give the same verdict; on success both read the same network. Returns the verdict.
fn verdict(bytes: &[u8]) -> Result<(), Error> {
    let runtime = Five::validate_bytes(bytes);
    let constant = seq_from_bytes_const!(
        bytes => [Dense<3, 5>, Relu<5>, Dense<5, 4>, Relu<4>, DropoutLayer<4>, Dense<4, 2>]
    );
    assert_eq!(runtime, constant.as_ref().map(|_| ()).map_err(Clone::clone));
    let mut target = Five::zeros();
    random(&mut target.layers, 9);
    let before = bits(&target.layers);
    let read = target.read_bytes(bytes);
    assert_eq!(read, runtime);
    match constant {
        Ok(net) => assert_eq!(bits(&net.layers), bits(&target.layers)),
        Err(_) => assert_eq!(
            bits(&target.layers),
            before,
            "a refused file changed the net"
        ),
    }
    runtime
}

fn with_crc(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    let n = v.len() - 4;
    let crc = crc32(&v[..n]);
    v[n..].copy_from_slice(&crc.to_le_bytes());
    v
}

fn kind(v: &Result<(), Error>) -> &'static str {
    match v {
        Ok(()) => "ok",
        Err(Error::WeightsMagic) => "magic",
        Err(Error::WeightsLength { .. }) => "length",
        Err(Error::WeightsChecksum { .. }) => "checksum",
        Err(Error::WeightsVersion(_)) => "version",
        Err(Error::WeightsReserved(_)) => "reserved",
        Err(Error::WeightsScalar { .. }) => "scalar",
        Err(Error::WeightsLayerCount { .. }) => "count",
        Err(Error::WeightsLayer { .. }) => "layer",
        Err(Error::WeightsLayerNonFinite { .. }) => "non-finite",
        Err(e) => panic!("unexpected {e:?}"),
    }
}

#[test]
fn every_damaged_file_is_refused_with_the_same_verdict_at_compile_and_run_time() {
    let mut good = Five::zeros();
    random(&mut good.layers, 4);
    let good = good.to_vec();
    let mut seen = std::collections::BTreeSet::new();
    let mut check = |bytes: &[u8]| {
        let v = verdict(bytes);
        seen.insert(kind(&v));
        v
    };
    check(&good).unwrap();
    // Every truncation and extension.
    for n in 0..good.len() {
        check(&good[..n]).unwrap_err();
    }
    check(&[good.clone(), vec![0]].concat()).unwrap_err();
    // Every single-bit flip: magic or checksum.
    for at in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[at] ^= 1 << bit;
            let v = check(&bad);
            let expected = if at < 4 { "magic" } else { "checksum" };
            assert_eq!(kind(&v), expected, "bit {bit} of byte {at}: {v:?}");
        }
    }
    // Every value of every header byte after the magic, with a correct CRC.
    for at in 4..12 + 12 * 6 {
        for value in 0..=255u8 {
            let mut bad = good.clone();
            bad[at] = value;
            let _ = check(&with_crc(&bad));
        }
    }
    // A NaN and both infinities at every parameter, naming layer, tensor and index.
    for at in (84..good.len() - 4).step_by(4) {
        for special in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut bad = good.clone();
            bad[at..at + 4].copy_from_slice(&special.to_le_bytes());
            let v = check(&with_crc(&bad));
            assert!(
                matches!(v, Err(Error::WeightsLayerNonFinite { .. })),
                "{v:?}"
            );
        }
    }
    let mut bad = good.clone();
    bad[84 + 4 * (15 + 5 + 3)..][..4].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(
        verdict(&with_crc(&bad)),
        Err(Error::WeightsLayerNonFinite {
            layer: 2,
            tensor: "weight",
            index: 3
        })
    );
    // Files of other kinds.
    check(MLP_V1_F32).unwrap_err();
    check(&Five64::zeros().to_vec()).unwrap_err();
    check(&MlpSeq::<3, 5, 2>::zeros().to_vec()).unwrap_err();
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "checksum",
            "count",
            "layer",
            "length",
            "magic",
            "non-finite",
            "ok",
            "reserved",
            "scalar",
            "version"
        ]
    );
}
