//! The `ctensor` tool: conversions both ways agree with the library bit for bit (dropout
//! layers kept through the recorded layer list), the RAM it reports is the library's
//! `SeqWorkspace::BYTES` and `Seq::scratch_bytes` (any depth, dropout, f32 and f64, several
//! batches), inspect's statistics, and the binary's exit codes and messages.

use std::process::Command;

use ctensor::io::safetensors::{ImportOptions, Layout};
use ctensor::nn::layer::Forward;
use ctensor::nn::params::Params;
use ctensor::{Dense, DropoutLayer, Mlp, Relu, Seq, SeqWorkspace, network};
use ctensor_cli::convert::{FromSafetensors, convert, parse_arch, safetensors_to_weights};
use ctensor_cli::inspect::{inspect, ram_bytes, stats};
use ctensor_cli::weights;

type Layers = (
    Dense<7, 5>,
    Relu<5>,
    DropoutLayer<5>,
    Dense<5, 3>,
    Relu<3>,
    Dense<3, 1>,
);
type Layers64 = (
    Dense<7, 5, f64>,
    Relu<5, f64>,
    DropoutLayer<5, f64>,
    Dense<5, 3, f64>,
);
network! {
    /// Eleven layers: nested chains.
    type Deep = [
        Dense<6, 4>, Relu<4>, DropoutLayer<4>, Dense<4, 4>, Relu<4>, Dense<4, 3>, Relu<3>,
        DropoutLayer<3>, Dense<3, 3>, Relu<3>, Dense<3, 2>,
    ];
}

fn filled<L: Params + ctensor::nn::layer::Zeros>(seed: usize) -> L {
    let mut l = L::ZEROS;
    for t in 0..L::TENSORS {
        for (i, x) in l.tensor_mut(t).iter_mut().enumerate() {
            *x = ctensor::Scalar::from_f64(((seed + 3 * t + i) % 17) as f64 * 0.125 - 1.0);
        }
    }
    l
}

#[test]
fn ram_is_the_library_sizes() {
    fn check<L: ctensor::nn::layer::Train, const B: usize>() {
        let s = <L::Scalar as ctensor::Scalar>::BYTES;
        let (forward, train) = ram_bytes(&L::ARCH, s, B).unwrap();
        let first = L::ARCH.get(0).unwrap().inputs as usize;
        let last = L::ARCH.get(L::ARCH.len() - 1).unwrap().outputs as usize;
        assert_eq!(
            forward,
            Seq::<L>::scratch_bytes::<B>() + B * s * (first + last),
            "{} at {B}",
            L::ARCH
        );
        assert_eq!(
            train,
            SeqWorkspace::<L, B>::BYTES + B * s * first,
            "{} at {B}",
            L::ARCH
        );
    }
    check::<Layers, 1>();
    check::<Layers, 7>();
    check::<Layers, 32>();
    check::<Layers64, 1>();
    check::<Layers64, 5>();
    check::<(Dense<3, 1>,), 3>();
    check::<<Deep as HasLayers>::L, 1>();
    check::<<Deep as HasLayers>::L, 9>();
}

trait HasLayers {
    type L: ctensor::nn::layer::Train;
}
impl<L: ctensor::nn::layer::Train> HasLayers for Seq<L> {
    type L = L;
}

#[test]
fn weights_to_safetensors_and_back_is_bit_exact() {
    let net = Seq::<Layers>::new(filled(1));
    let file = net.to_vec();
    let (st, summary) = convert(&file, FromSafetensors::default()).unwrap();
    assert!(summary.contains("DropoutLayer<5>"), "{summary}");
    // The library reads it as the same network.
    let mut back = Seq::<Layers>::zeros();
    back.read_safetensors(&st, ImportOptions::new()).unwrap();
    assert_eq!(back, net);
    // And the tool converts it back to the same file: the recorded layer list keeps the
    // dropout layer.
    let (again, _) = convert(&st, FromSafetensors::default()).unwrap();
    assert_eq!(again, file);

    let wide = Seq::<Layers64>::new(filled(2));
    let (st, _) = convert(&wide.to_vec(), FromSafetensors::default()).unwrap();
    let opts = FromSafetensors {
        f64: true,
        ..FromSafetensors::default()
    };
    assert_eq!(convert(&st, opts).unwrap().0, wide.to_vec());
}

#[test]
fn mlp_version_1_files_convert() {
    let mut mlp = Mlp::<5, 3, 2>::zeros();
    for t in 0..4 {
        for (i, x) in mlp.tensor_mut(t).iter_mut().enumerate() {
            *x = (t * 10 + i) as f32 * 0.25;
        }
    }
    let mut v1 = [0u8; Mlp::<5, 3, 2>::BYTE_LEN];
    mlp.write_bytes(&mut v1).unwrap();
    let (st, summary) = convert(&v1, FromSafetensors::default()).unwrap();
    assert!(
        summary.starts_with("ctensor weights (version 1, f32"),
        "{summary}"
    );
    let mut back = Mlp::<5, 3, 2>::zeros();
    back.read_safetensors(&st, ImportOptions::new()).unwrap();
    assert_eq!(back, mlp);
    assert_eq!(
        st,
        mlp.to_safetensors().unwrap(),
        "the library's export, byte for byte"
    );
}

#[test]
fn pytorch_files_without_a_recorded_layer_list() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/pytorch/digits.safetensors"
    ))
    .unwrap();
    let (file, arch) = safetensors_to_weights(&bytes, FromSafetensors::default()).unwrap();
    type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>;
    assert_eq!(arch, <(Dense<64, 32>, Relu<32>, Dense<32, 10>)>::ARCH);
    let mut net = Net::boxed_zeros();
    net.read_safetensors(&bytes, ImportOptions::new()).unwrap();
    assert_eq!(file, net.to_vec());
    // Asked to read PyTorch's weights as Keras kernels: the layers do not connect.
    let keras = FromSafetensors {
        layout: Layout::Keras,
        ..FromSafetensors::default()
    };
    let err = safetensors_to_weights(&bytes, keras).unwrap_err();
    assert!(err.contains("\"2.weight\""), "{err}");
}

#[test]
fn bad_weights_files() {
    let net = Seq::<Layers>::new(filled(3));
    let mut file = net.to_vec();
    file[30] ^= 1;
    let err = convert(&file, FromSafetensors::default()).unwrap_err();
    assert!(
        err.starts_with("weights file is damaged: checksum"),
        "{err}"
    );
    assert!(inspect(&file, 1).is_err());
    let mut nan = Seq::<Layers>::new(filled(3));
    nan.layers.3.b[2] = f32::NAN;
    let err = convert(&nan.to_vec(), FromSafetensors::default()).unwrap_err();
    assert_eq!(
        err,
        "3.bias holds a NaN or infinite value at index 2: no loader would accept it"
    );
    // inspect counts it.
    let report = inspect(&nan.to_vec(), 1).unwrap();
    assert!(
        report
            .lines()
            .any(|l| l.contains("3.bias") && l.ends_with("non-finite 1")),
        "{report}"
    );
    assert!(weights::parse(b"CTNS").is_err());
    // A forged header (CRC recomputed) with widths whose parameter count overflows.
    let mut forged = Vec::from(*b"CTNS\x02\x00\x01\x00");
    forged.extend_from_slice(&2u32.to_le_bytes());
    for (k, i, o) in [(1u32, u32::MAX, u32::MAX), (1, u32::MAX, u32::MAX)] {
        for v in [k, i, o] {
            forged.extend_from_slice(&v.to_le_bytes());
        }
    }
    let crc = ctensor::io::crc32(&forged);
    forged.extend_from_slice(&crc.to_le_bytes());
    let err = weights::parse(&forged).unwrap_err();
    assert!(
        err.contains("needs") || err.contains("more parameters"),
        "{err}"
    );
    assert!(inspect(&forged, 1).is_err());
    assert!(convert(b"neither", FromSafetensors::default()).is_err());
}

#[test]
fn inspect_reports() {
    let net = Seq::<Layers>::new(filled(4));
    let report = inspect(&net.to_vec(), 4).unwrap();
    assert!(
        report.starts_with("ctensor weights file, format version 2, f32"),
        "{report}"
    );
    assert!(report.contains(&format!("layers (6): {}", Layers::ARCH)));
    let (forward, train) = ram_bytes(&Layers::ARCH, 4, 4).unwrap();
    assert_eq!(ram_bytes(&Layers::ARCH, 4, usize::MAX / 2), None);
    assert!(report.contains(&format!("flash: {} bytes", Seq::<Layers>::BYTE_LEN)));
    assert!(report.contains(&format!("forward pass of 4 rows: {forward} bytes")));
    assert!(report.contains(&format!("training step of 4 rows: {train} bytes")));
    let w = net
        .layers
        .0
        .w
        .iter()
        .map(|&x| f64::from(x))
        .collect::<Vec<_>>();
    let st = stats(&w);
    assert!(report.contains(&format!("min {:>11.4e}", st.min)));
    let st = stats(&[1.0, f64::NAN, -3.0, f64::INFINITY, 5.0]);
    assert_eq!(
        (st.min, st.max, st.mean, st.non_finite),
        (-3.0, 5.0, 1.0, 2)
    );
    // A safetensors file: its tensors, and the layers it records.
    let report = inspect(&net.to_safetensors().unwrap(), 4).unwrap();
    assert!(
        report.contains("metadata ctensor_arch: Dense<7, 5>"),
        "{report}"
    );
    assert!(
        report.contains("layers (recorded in the metadata)"),
        "{report}"
    );
    assert!(report.contains(&format!("training step of 4 rows: {train} bytes")));
}

#[test]
fn layer_lists_parse_as_they_print() {
    let text = Layers::ARCH.to_string();
    assert_eq!(parse_arch(&text), Some(Layers::ARCH));
    assert_eq!(parse_arch("Dense<3, 2>, Conv<3>"), None);
    assert_eq!(parse_arch(""), None);
    assert_eq!(parse_arch("Dense<8589934592, 1>"), None, "wider than a u32");
}

fn tool(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ctensor"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_binary() {
    let dir = std::env::temp_dir().join(format!("ctensor-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/pytorch/digits.safetensors"
    );
    let bin = dir.join("digits.bin");
    let (ok, stdout, _) = tool(&["convert", src, bin.to_str().unwrap()]);
    assert!(
        ok && stdout.contains("-> ctensor weights (version 2, f32"),
        "{stdout}"
    );
    let (ok, stdout, _) = tool(&["inspect", bin.to_str().unwrap(), "--batch", "32"]);
    assert!(
        ok && stdout.contains("RAM, training step of 32 rows"),
        "{stdout}"
    );
    let (ok, _, stderr) = tool(&["inspect", bin.to_str().unwrap(), "--batch", "0"]);
    assert!(
        !ok && stderr.contains("--batch takes a whole number > 0"),
        "{stderr}"
    );
    let (ok, _, stderr) = tool(&["convert", src, "x", "--layout", "sideways"]);
    assert!(
        !ok && stderr.contains("--layout takes auto, pytorch or keras"),
        "{stderr}"
    );
    let (ok, _, stderr) = tool(&["convert", "no/such/file", "x"]);
    assert!(
        !ok && stderr.contains("could not read no/such/file"),
        "{stderr}"
    );
    let (ok, _, stderr) = tool(&[]);
    assert!(!ok && stderr.contains("usage:"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
