//! The PyTorch-trained digits model committed by `tools/train_pytorch_digits.py`: loaded into
//! a `Seq` and into an `Mlp`, its logits on every test row match the ones PyTorch recorded
//! within 1e-5 and every class agrees; written back out, it is the same tensors.
#![cfg(all(feature = "std", feature = "safetensors"))]

use ctensor::data::{Dataset, Header};
use ctensor::io::safetensors::{ImportOptions, Layout};
use ctensor::{Dense, ImportError, Label, Mlp, Relu, Seq};

type Net = Seq<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>;

const MODEL: &[u8] = include_bytes!("../models/pytorch/digits.safetensors");
const REFERENCE: &[u8] = include_bytes!("../models/pytorch/digits_reference.safetensors");

fn test_split() -> Dataset<64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits_test.csv");
    let mut test = Dataset::<64>::from_csv_file(path, Header::Present).unwrap();
    test.scale(1.0 / 16.0);
    test
}

fn torch_logits(rows: usize) -> Vec<[f32; 10]> {
    let file = safetensors::SafeTensors::deserialize(REFERENCE).unwrap();
    let view = file.tensor("logits").unwrap();
    assert_eq!(view.shape(), [rows, 10]);
    view.data()
        .chunks_exact(40)
        .map(|row| {
            core::array::from_fn(|j| f32::from_le_bytes(row[4 * j..4 * j + 4].try_into().unwrap()))
        })
        .collect()
}

fn check(logits: impl Fn(&[f32; 64]) -> [f32; 10]) {
    let test = test_split();
    let torch = torch_logits(test.len());
    let mut max_diff = 0.0f32;
    for (row, (x, t)) in test.features.iter().zip(&torch).enumerate() {
        let ours = logits(x);
        for (a, b) in ours.iter().zip(t) {
            max_diff = max_diff.max((a - b).abs());
        }
        assert_eq!(
            Label::<10>::argmax(&ours).unwrap(),
            Label::<10>::argmax(t).unwrap(),
            "row {row}"
        );
    }
    assert!(max_diff <= 1e-5, "logits differ by {max_diff}");
}

#[test]
fn seq_matches_pytorch() {
    let mut net = Net::boxed_zeros();
    net.read_safetensors(MODEL, ImportOptions::new()).unwrap();
    check(|x| net.logits(x));
    // PyTorch's recorded accuracy is ours.
    let (_, meta) = safetensors::SafeTensors::read_metadata(REFERENCE).unwrap();
    let torch: f64 = meta.metadata().as_ref().unwrap()["test_accuracy"]
        .parse()
        .unwrap();
    let ours = test_split().accuracy(|x| net.classify(x)).unwrap();
    assert!((ours - torch).abs() < 1e-6, "{ours} vs {torch}");
    assert!(ours > 0.95, "{ours}");
}

#[test]
fn mlp_matches_pytorch() {
    let mut net = Mlp::<64, 32, 10>::boxed_zeros();
    net.read_safetensors(MODEL, ImportOptions::new().layout(Layout::PyTorch))
        .unwrap();
    check(|x| net.logits(x));
}

#[test]
fn written_back_it_is_the_same_tensors() {
    let mut net = Net::boxed_zeros();
    net.read_safetensors(MODEL, ImportOptions::new()).unwrap();
    let out = net.to_safetensors().unwrap();
    let (a, b) = (
        safetensors::SafeTensors::deserialize(MODEL).unwrap(),
        safetensors::SafeTensors::deserialize(&out).unwrap(),
    );
    let mut names = a.names();
    names.sort_unstable();
    assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight"]);
    for name in names {
        let (x, y) = (a.tensor(name).unwrap(), b.tensor(name).unwrap());
        assert_eq!(
            (x.dtype(), x.shape(), x.data()),
            (y.dtype(), y.shape(), y.data()),
            "{name}"
        );
    }
}

#[test]
fn the_pytorch_file_in_the_wrong_places() {
    // Read as Keras kernels, or into a network of other widths: refused, naming the tensor.
    let mut net = Net::boxed_zeros();
    let err = net
        .read_safetensors(MODEL, ImportOptions::new().layout(Layout::Keras))
        .unwrap_err();
    assert!(matches!(&err, ImportError::Transposed { tensor, .. } if tensor == "0.weight"));
    let mut wide = Seq::<(Dense<64, 64>, Relu<64>, Dense<64, 10>)>::boxed_zeros();
    let err = wide
        .read_safetensors(MODEL, ImportOptions::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor \"0.weight\" has shape [32, 64], expected [64, 64]: the file is for another \
         architecture"
    );
}
