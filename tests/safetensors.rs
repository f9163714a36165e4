//! safetensors in and out (feature `safetensors`, issue 10): every error of the import made
//! by a file written in the test with the format's reference writer, and each names the
//! tensor and both shapes; an `Err` leaves the network unchanged; PyTorch's and Keras'
//! layouts give the same network; round trips are bit-exact for `Seq` (any depth, dropout
//! layers counted in the names) and `Mlp`, in `f32` and `f64`; the build-time conversion
//! writes exactly the weights file of the network.
#![cfg(feature = "safetensors")]

use ctensor::io::safetensors::{
    ImportOptions, Layout, arch_from_safetensors, weights_from_safetensors,
};
use ctensor::nn::layer::Forward;
use ctensor::nn::params::Params;
use ctensor::{Dense, DropoutLayer, ImportError, Mlp, MlpSeq, Relu, Seq, uniform01};
use rand::SeedableRng;
use rand::rngs::StdRng;
use safetensors::tensor::{Dtype, TensorView};

/// Odd, prime and unit widths; a dropout layer counted in the names (layer 4).
type Layers = (
    Dense<7, 5>,
    Relu<5>,
    Dense<5, 3>,
    Relu<3>,
    DropoutLayer<3>,
    Dense<3, 1>,
);
type Deep = Seq<Layers>;
type Deep64 = Seq<(
    Dense<7, 5, f64>,
    Relu<5, f64>,
    Dense<5, 3, f64>,
    Relu<3, f64>,
    DropoutLayer<3, f64>,
    Dense<3, 1, f64>,
)>;
/// Every weight square: the layout cannot be told.
type Square = Seq<(Dense<4, 4>, Relu<4>, Dense<4, 4>)>;

fn random<P: Params>(p: &mut P, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for t in 0..P::TENSORS {
        for x in p.tensor_mut(t) {
            *x = ctensor::Scalar::from_f64(uniform01(&mut rng) * 4.0 - 2.0);
        }
    }
}

fn deep() -> Deep {
    let mut net = Deep::zeros();
    random(&mut net.layers, 1);
    net
}

/// One tensor of a test file.
struct T {
    name: &'static str,
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

fn f32s(name: &'static str, shape: &[usize], values: &[f32]) -> T {
    T {
        name,
        dtype: Dtype::F32,
        shape: shape.to_vec(),
        data: values.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

/// A tensor of `shape` filled with `0.01 i`.
fn ramp(name: &'static str, shape: &[usize]) -> T {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|i| i as f32 * 0.01).collect();
    f32s(name, shape, &v)
}

fn file(tensors: &[T]) -> Vec<u8> {
    let views = tensors.iter().map(|t| {
        let view = TensorView::new(t.dtype, t.shape.clone(), &t.data).unwrap();
        (t.name, view)
    });
    safetensors::serialize(views, None).unwrap()
}

/// The tensors of `Deep` in PyTorch's layout, with `0.01 i` values.
fn deep_pytorch() -> Vec<T> {
    vec![
        ramp("0.weight", &[5, 7]),
        ramp("0.bias", &[5]),
        ramp("2.weight", &[3, 5]),
        ramp("2.bias", &[3]),
        ramp("5.weight", &[1, 3]),
        ramp("5.bias", &[1]),
    ]
}

/// Reads `bytes` into a random `Deep`, expects an error and checks nothing changed.
fn deep_err(bytes: &[u8], opts: ImportOptions) -> ImportError {
    let mut net = deep();
    let err = net.read_safetensors(bytes, opts).unwrap_err();
    assert_eq!(net, deep(), "an Err changed the network");
    err
}

#[test]
fn round_trips_are_bit_exact() {
    let a = deep();
    let mut b = Deep::zeros();
    b.read_safetensors(&a.to_safetensors().unwrap(), ImportOptions::new())
        .unwrap();
    assert_eq!(a, b);

    let mut a = Deep64::zeros();
    random(&mut a.layers, 2);
    let mut b = Deep64::zeros();
    b.read_safetensors(&a.to_safetensors().unwrap(), ImportOptions::new())
        .unwrap();
    assert_eq!(a, b);

    let mut m = Mlp::<3, 1, 2>::zeros();
    random(&mut m, 3);
    let mut n = Mlp::<3, 1, 2>::zeros();
    n.read_safetensors(&m.to_safetensors().unwrap(), ImportOptions::new())
        .unwrap();
    assert_eq!(m, n);
}

#[test]
fn export_uses_pytorch_names_and_layout() {
    let net = deep();
    let bytes = net.to_safetensors().unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names = st.names();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "0.bias", "0.weight", "2.bias", "2.weight", "5.bias", "5.weight"
        ]
    );
    let w = st.tensor("2.weight").unwrap();
    assert_eq!((w.dtype(), w.shape()), (Dtype::F32, &[3, 5][..]));
    // PyTorch's weight[o][i] is ctensor's w[(i, o)].
    for o in 0..3 {
        for i in 0..5 {
            let at = (o * 5 + i) * 4;
            let x = f32::from_le_bytes(w.data()[at..at + 4].try_into().unwrap());
            assert_eq!(x, net.layers.2.w[(i, o)]);
        }
    }
    assert_eq!(st.tensor("5.bias").unwrap().shape(), [1]);
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let meta = meta.metadata().as_ref().unwrap();
    assert_eq!(meta.len(), 1);
    assert_eq!(
        meta["ctensor_arch"],
        "Dense<7, 5>, Relu<5>, Dense<5, 3>, Relu<3>, DropoutLayer<3>, Dense<3, 1>"
    );
    // f64 networks export F64.
    let bytes = Deep64::zeros().to_safetensors().unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    assert_eq!(st.tensor("0.weight").unwrap().dtype(), Dtype::F64);
}

#[test]
fn pytorch_and_keras_layouts_give_the_same_network() {
    let pt = file(&deep_pytorch());
    let mut a = Deep::zeros();
    a.read_safetensors(&pt, ImportOptions::new()).unwrap();
    // weight[o][i] = 0.01 (o * 7 + i) lands at w[(i, o)].
    assert_eq!(a.layers.0.w[(6, 4)], (4 * 7 + 6) as f32 * 0.01);
    assert_eq!(a.layers.0.w[(1, 2)], (2 * 7 + 1) as f32 * 0.01);
    assert_eq!(a.layers.2.b[2], 0.02);
    let mut b = Deep::zeros();
    b.read_safetensors(&pt, ImportOptions::new().layout(Layout::PyTorch))
        .unwrap();
    assert_eq!(a, b);

    // The same network written as Keras kernels, [in, out].
    let keras: Vec<T> = deep_pytorch()
        .into_iter()
        .map(|t| {
            if t.shape.len() == 1 {
                return t;
            }
            let (o, i) = (t.shape[0], t.shape[1]);
            let v: Vec<f32> = (0..i * o)
                .map(|k| ((k % o) * i + k / o) as f32 * 0.01)
                .collect();
            f32s(t.name, &[i, o], &v)
        })
        .collect();
    let keras = file(&keras);
    for layout in [Layout::Auto, Layout::Keras] {
        let mut c = Deep::zeros();
        c.read_safetensors(&keras, ImportOptions::new().layout(layout))
            .unwrap();
        assert_eq!(a, c, "{layout:?}");
    }
}

#[test]
fn mlp_and_its_seq_read_the_same_file() {
    let mut m = Mlp::<5, 3, 2>::zeros();
    random(&mut m, 4);
    let bytes = m.to_safetensors().unwrap();
    let mut s = MlpSeq::<5, 3, 2>::zeros();
    s.read_safetensors(&bytes, ImportOptions::new()).unwrap();
    assert_eq!(s.to_mlp(), m);
    assert_eq!(s.to_safetensors().unwrap(), bytes, "the same bytes");
}

#[test]
fn f64_files_load_into_f32_networks_and_back() {
    let mut a = Deep64::zeros();
    random(&mut a.layers, 5);
    let mut b = Deep::zeros();
    b.read_safetensors(&a.to_safetensors().unwrap(), ImportOptions::new())
        .unwrap();
    assert_eq!(b.layers.2.w[(4, 1)], a.layers.2.w[(4, 1)] as f32);
    let mut c = Deep64::zeros();
    c.read_safetensors(&deep().to_safetensors().unwrap(), ImportOptions::new())
        .unwrap();
    assert_eq!(c.layers.0.w[(6, 4)], f64::from(deep().layers.0.w[(6, 4)]));
}

#[test]
fn missing_tensor() {
    let mut t = deep_pytorch();
    t.remove(2); // 2.weight
    let err = deep_err(&file(&t), ImportOptions::new());
    let ImportError::Missing {
        tensor, expected, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((tensor.as_str(), &expected[..]), ("2.weight", &[3, 5][..]));
    let msg = err.to_string();
    assert!(
        msg.contains("\"2.weight\" (shape [3, 5]) is missing"),
        "{msg}"
    );
    assert!(msg.contains("\"5.bias\""), "lists the file's names: {msg}");
}

#[test]
fn extra_tensor() {
    let mut t = deep_pytorch();
    t.push(ramp("7.weight", &[2, 1]));
    let err = deep_err(&file(&t), ImportOptions::new());
    assert!(
        matches!(&err, ImportError::Extra { tensor, found, .. } if tensor == "7.weight" && found == &[2, 1]),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("\"7.weight\" (shape [2, 1]) is in the file but not in the network")
    );
    // A bigger network's file in a smaller one.
    let bytes = deep().to_safetensors().unwrap();
    let mut small = Seq::<(Dense<7, 5>,)>::zeros();
    let err = small
        .read_safetensors(&bytes, ImportOptions::new())
        .unwrap_err();
    assert!(
        matches!(&err, ImportError::Extra { tensor, .. } if tensor == "2.bias"),
        "{err:?}"
    );
    assert_eq!(small, Seq::<(Dense<7, 5>,)>::zeros());
}

#[test]
fn wrong_shape_names_both_shapes() {
    let mut t = deep_pytorch();
    t[2] = ramp("2.weight", &[3, 6]);
    let err = deep_err(&file(&t), ImportOptions::new());
    assert_eq!(
        err,
        ImportError::Shape {
            tensor: "2.weight".into(),
            expected: vec![3, 5],
            found: vec![3, 6]
        }
    );
    assert_eq!(
        err.to_string(),
        "tensor \"2.weight\" has shape [3, 6], expected [3, 5]: the file is for another \
         architecture"
    );
    let mut t = deep_pytorch();
    t[3] = ramp("2.bias", &[1, 3]); // a bias must be 1-D
    let err = deep_err(&file(&t), ImportOptions::new());
    assert!(
        matches!(&err, ImportError::Shape { tensor, expected, found }
        if tensor == "2.bias" && expected == &[3] && found == &[1, 3]),
        "{err:?}"
    );
    // In the Keras layout, the expected shape is [in, out].
    let mut t = deep_pytorch();
    t[0] = ramp("0.weight", &[8, 5]);
    let err = deep_err(&file(&t), ImportOptions::new().layout(Layout::Keras));
    assert!(
        matches!(&err, ImportError::Shape { expected, .. } if expected == &[7, 5]),
        "{err:?}"
    );
}

#[test]
fn transposed_only_with_a_layout_given() {
    let pt = file(&deep_pytorch());
    let err = deep_err(&pt, ImportOptions::new().layout(Layout::Keras));
    assert_eq!(
        err,
        ImportError::Transposed {
            tensor: "0.weight".into(),
            layout: "Keras",
            expected: vec![7, 5],
            found: vec![5, 7]
        }
    );
    assert!(err.to_string().contains("use Layout::PyTorch"), "{err}");
    let keras = file(&[
        ramp("0.weight", &[7, 5]),
        ramp("0.bias", &[5]),
        ramp("2.weight", &[5, 3]),
        ramp("2.bias", &[3]),
        ramp("5.weight", &[3, 1]),
        ramp("5.bias", &[1]),
    ]);
    let err = deep_err(&keras, ImportOptions::new().layout(Layout::PyTorch));
    assert!(
        matches!(&err, ImportError::Transposed { tensor, layout: "PyTorch", expected, found }
        if tensor == "0.weight" && expected == &[5, 7] && found == &[7, 5]),
        "{err:?}"
    );
    assert!(err.to_string().contains("use Layout::Keras"), "{err}");
}

#[test]
fn mixed_layouts_conflict() {
    let mut t = deep_pytorch();
    t[2] = ramp("2.weight", &[5, 3]); // Keras
    let err = deep_err(&file(&t), ImportOptions::new());
    assert!(
        matches!(&err, ImportError::LayoutConflict { pytorch_tensor, keras_tensor, keras_shape, .. }
        if pytorch_tensor == "0.weight" && keras_tensor == "2.weight" && keras_shape == &[5, 3]),
        "{err:?}"
    );
}

#[test]
fn square_networks_need_the_layout() {
    let t = [
        ramp("0.weight", &[4, 4]),
        ramp("0.bias", &[4]),
        ramp("2.weight", &[4, 4]),
        ramp("2.bias", &[4]),
    ];
    let bytes = file(&t);
    let mut net = Square::zeros();
    let err = net
        .read_safetensors(&bytes, ImportOptions::new())
        .unwrap_err();
    assert_eq!(
        err,
        ImportError::AmbiguousLayout {
            tensor: "0.weight".into(),
            found: vec![4, 4]
        }
    );
    assert!(err.to_string().contains("Layout::PyTorch"));
    assert_eq!(net, Square::zeros());
    net.read_safetensors(&bytes, ImportOptions::new().layout(Layout::PyTorch))
        .unwrap();
    assert_eq!(net.layers.0.w[(1, 2)], 9.0 * 0.01); // weight[2][1], index 2 * 4 + 1
    net.read_safetensors(&bytes, ImportOptions::new().layout(Layout::Keras))
        .unwrap();
    assert_eq!(net.layers.0.w[(1, 2)], 6.0 * 0.01); // kernel[1][2], index 1 * 4 + 2
}

#[test]
fn dtypes_other_than_f32_f64_are_refused() {
    for (dtype, size) in [(Dtype::I64, 8), (Dtype::I32, 4), (Dtype::U8, 1)] {
        let mut t = deep_pytorch();
        t[3] = T {
            name: "2.bias",
            dtype,
            shape: vec![3],
            data: vec![0; 3 * size],
        };
        let err = deep_err(&file(&t), ImportOptions::new());
        assert_eq!(
            err,
            ImportError::Dtype {
                tensor: "2.bias".into(),
                dtype: dtype.to_string(),
                found: vec![3]
            }
        );
        assert!(err.to_string().contains("expected F32 or F64"));
    }
}

/// `Deep`'s PyTorch tensors with `0.bias` in half precision: 1.0, -2.0, 0.5, 65504 (the
/// largest F16), 2^-24 (the smallest subnormal); as BF16: 1.0, -3.0, 0.5, 2^100, -0.
fn with_half(dtype: Dtype) -> Vec<u8> {
    let bits: [u16; 5] = if dtype == Dtype::F16 {
        [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001]
    } else {
        [0x3F80, 0xC040, 0x3F00, 0x7180, 0x8000]
    };
    let mut t = deep_pytorch();
    t[1] = T {
        name: "0.bias",
        dtype,
        shape: vec![5],
        data: bits.iter().flat_map(|b| b.to_le_bytes()).collect(),
    };
    file(&t)
}

#[test]
fn half_precision_needs_a_request() {
    for (dtype, name) in [(Dtype::F16, "F16"), (Dtype::BF16, "BF16")] {
        let err = deep_err(&with_half(dtype), ImportOptions::new());
        assert_eq!(
            err,
            ImportError::HalfPrecision {
                tensor: "0.bias".into(),
                dtype: name
            }
        );
        assert!(err.to_string().contains("convert_half(true)"), "{err}");
    }
    let mut net = Deep::zeros();
    let opts = ImportOptions::new().convert_half(true);
    net.read_safetensors(&with_half(Dtype::F16), opts).unwrap();
    assert_eq!(
        net.layers.0.b.as_slice(),
        [1.0, -2.0, 0.5, 65504.0, 2f32.powi(-24)]
    );
    net.read_safetensors(&with_half(Dtype::BF16), opts).unwrap();
    assert_eq!(
        net.layers.0.b.as_slice(),
        [1.0, -3.0, 0.5, 2f32.powi(100), -0.0]
    );
}

#[test]
fn non_finite_values_are_refused() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut t = deep_pytorch();
        let mut v = vec![0.5f32; 15];
        v[11] = bad;
        t[2] = f32s("2.weight", &[3, 5], &v);
        let err = deep_err(&file(&t), ImportOptions::new());
        assert!(
            matches!(&err, ImportError::NonFinite { tensor, index: 11, scalar: "f32", .. }
            if tensor == "2.weight"),
            "{err:?}"
        );
        assert!(err.to_string().contains("at index 11"));
    }
    // Finite in the file's F64, infinite in the network's f32.
    let mut t = deep_pytorch();
    t[5] = T {
        name: "5.bias",
        dtype: Dtype::F64,
        shape: vec![1],
        data: 1e39f64.to_le_bytes().to_vec(),
    };
    let bytes = file(&t);
    let err = deep_err(&bytes, ImportOptions::new());
    assert_eq!(
        err,
        ImportError::NonFinite {
            tensor: "5.bias".into(),
            index: 0,
            value: 1e39,
            scalar: "f32"
        }
    );
    let mut wide = Deep64::zeros();
    wide.read_safetensors(&bytes, ImportOptions::new()).unwrap();
    assert_eq!(wide.layers.5.b[0], 1e39);
    // Non-finite parameters are not exported.
    let mut net = deep();
    net.layers.2.b[1] = f32::NAN;
    assert!(matches!(
        net.to_safetensors(),
        Err(ImportError::Weights(
            ctensor::Error::WeightsLayerNonFinite {
                layer: 2,
                tensor: "bias",
                index: 1
            }
        ))
    ));
}

#[test]
fn not_safetensors() {
    let err = deep_err(b"CTNS\x02\x00\x01\x00", ImportOptions::new());
    assert!(matches!(err, ImportError::Format(_)), "{err:?}");
    assert!(err.to_string().starts_with("not a safetensors file: "));
    let mut bytes = deep().to_safetensors().unwrap();
    bytes.truncate(bytes.len() - 1);
    assert!(matches!(
        deep_err(&bytes, ImportOptions::new()),
        ImportError::Format(_)
    ));
}

#[test]
fn build_time_conversion_is_the_weights_file() {
    let net = deep();
    let bytes = net.to_safetensors().unwrap();
    let weights =
        weights_from_safetensors::<f32>(&bytes, &Layers::ARCH, ImportOptions::new()).unwrap();
    assert_eq!(weights, net.to_vec());
    assert_eq!(
        Deep::from_bytes::<{ Deep::BYTE_LEN }>(&weights.try_into().unwrap()).unwrap(),
        net
    );
    // f64 out of an f32 file.
    let mut wide = Deep64::zeros();
    wide.read_safetensors(&bytes, ImportOptions::new()).unwrap();
    let weights = weights_from_safetensors::<f64>(&bytes, &Layers::ARCH, ImportOptions::new());
    assert_eq!(weights.unwrap(), wide.to_vec());
    // Another architecture: the error of the import.
    let err = weights_from_safetensors::<f32>(
        &bytes,
        &<(Dense<7, 5>, Relu<5>, Dense<5, 4>)>::ARCH,
        ImportOptions::new(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Shape { tensor, .. } if tensor == "2.weight"),
        "{err:?}"
    );
}

#[test]
fn architecture_from_the_tensors() {
    // Dropout is taken for ReLU: the arch differs at layer 4 only.
    let (arch, layout) = arch_from_safetensors(&file(&deep_pytorch()), Layout::Auto).unwrap();
    assert_eq!(layout, Layout::PyTorch);
    assert_eq!(
        arch.to_string(),
        "Dense<7, 5>, Relu<5>, Dense<5, 3>, Relu<3>, Relu<3>, Dense<3, 1>"
    );
    let mlp = Mlp::<6, 4, 9>::zeros().to_safetensors().unwrap();
    let (arch, _) = arch_from_safetensors(&mlp, Layout::Auto).unwrap();
    assert_eq!(arch, <(Dense<6, 4>, Relu<4>, Dense<4, 9>)>::ARCH);
    // Keras kernels chain only as [in, out].
    let keras = file(&[
        ramp("0.weight", &[6, 4]),
        ramp("0.bias", &[4]),
        ramp("2.weight", &[4, 9]),
    ]);
    let (arch, layout) = arch_from_safetensors(&keras, Layout::Auto).unwrap();
    assert_eq!(
        (arch.to_string().as_str(), layout),
        ("Dense<6, 4>, Relu<4>, Dense<4, 9>", Layout::Keras)
    );
    // A single non-square layer chains both ways.
    let one = file(&[ramp("0.weight", &[6, 4]), ramp("0.bias", &[6])]);
    assert!(matches!(
        arch_from_safetensors(&one, Layout::Auto),
        Err(ImportError::AmbiguousLayout { .. })
    ));
    let (arch, _) = arch_from_safetensors(&one, Layout::PyTorch).unwrap();
    assert_eq!(arch.to_string(), "Dense<4, 6>");
    // Layers that do not connect.
    let broken = file(&[ramp("0.weight", &[6, 4]), ramp("2.weight", &[5, 7])]);
    assert!(matches!(
        arch_from_safetensors(&broken, Layout::Auto),
        Err(ImportError::Shape { .. })
    ));
    // A width the format cannot record (an empty tensor, so a tiny file): an error, not a
    // panic.
    let huge = file(&[ramp("0.weight", &[1 << 33, 0])]);
    let err = arch_from_safetensors(&huge, Layout::Auto).unwrap_err();
    assert!(
        err.to_string()
            .contains("must fit the weights format's u32"),
        "{err}"
    );
    let named = file(&[ramp("fc1.weight", &[6, 4])]);
    let err = arch_from_safetensors(&named, Layout::Auto).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"fc1.weight\" is not named as in an nn.Sequential"),
        "{err}"
    );
}

#[test]
fn files_on_disk() {
    let dir = std::env::temp_dir().join(format!("ctensor-st-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deep.safetensors");
    deep().save_safetensors(&path).unwrap();
    assert_eq!(
        *Deep::load_safetensors(&path, ImportOptions::new()).unwrap(),
        deep()
    );
    let err =
        Deep::load_safetensors(dir.join("none.safetensors"), ImportOptions::new()).unwrap_err();
    assert!(
        matches!(&err, ImportError::File(e) if e.path.ends_with("none.safetensors")),
        "{err:?}"
    );
    let err = Mlp::<7, 5, 3>::load_safetensors(&path, ImportOptions::new()).unwrap_err();
    // Its first layers are Deep's; layer 5 is not an Mlp's.
    assert!(
        matches!(&err, ImportError::Extra { tensor, .. } if tensor == "5.bias"),
        "{err:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
