//! Networks of any depth, inference: `Seq` computes exactly what the layers' formulas say,
//! the `Mlp`-equivalent `Seq` computes exactly what `Mlp` does, nested chains compute what
//! flat ones do, and parameters are numbered as in a flat PyTorch `nn.Sequential`.

use ctensor::nn::arch::LayerKind;
use ctensor::nn::layer::{Forward, Zeros};
use ctensor::nn::params::Params;
use ctensor::{
    Dense, DropoutLayer, Error, Label, Matrix, Mlp, MlpSeq, Relu, Seq, network, uniform01,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Every parameter uniform in `[-1, 1)`.
fn randomize<P: Params<Scalar = f64>>(p: &mut P, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for i in 0..P::TENSORS {
        for x in p.tensor_mut(i) {
            *x = 2.0 * uniform01(&mut rng) - 1.0;
        }
    }
}

/// `relu(x W + b)` or `x W + b`, computed the obvious way.
fn dense_reference<const I: usize, const O: usize>(
    layer: &Dense<I, O, f64>,
    x: &[f64; I],
    relu: bool,
) -> [f64; O] {
    core::array::from_fn(|j| {
        let z = layer.b[j] + (0..I).map(|i| x[i] * layer.w[(i, j)]).sum::<f64>();
        if relu { z.max(0.0) } else { z }
    })
}

type Three = Seq<(
    Dense<5, 7, f64>,
    Relu<7, f64>,
    Dense<7, 6, f64>,
    Relu<6, f64>,
    DropoutLayer<6, f64>,
    Dense<6, 3, f64>,
)>;

#[test]
fn three_dense_layers_compute_their_formula() {
    let mut net = Three::zeros();
    randomize(&mut net.layers, 1);
    let x = Matrix::<4, 5, f64>::from_fn(|r, c| (r as f64 - 1.5) * 0.7 + c as f64 * 0.3);
    let out = net.forward(&x);
    let (l0, _, l2, _, _, l5) = &net.layers;
    for (r, row) in x.rows().enumerate() {
        let h = dense_reference(l0, row, true);
        let h = dense_reference(l2, &h, true);
        let expected = dense_reference(l5, &h, false);
        for (a, e) in out[r].iter().zip(expected) {
            assert!((a - e).abs() <= 1e-12 * (1.0 + e.abs()), "{a} vs {e}");
        }
        // One row at a time gives the batch's row (the kernels' one-row path may round
        // differently).
        for (a, e) in net.logits(row).iter().zip(out[r]) {
            assert!((a - e).abs() <= 1e-12 * (1.0 + e.abs()), "{a} vs {e}");
        }
    }
}

#[test]
fn mlp_seq_matches_mlp_bit_for_bit() {
    let mlp = Mlp::<64, 32, 10>::glorot(&mut StdRng::seed_from_u64(3));
    let seq = MlpSeq::from_mlp(&mlp);
    let x = Matrix::<16, 64>::from_fn(|r, c| ((r * 64 + c) % 17) as f32 / 16.0);
    assert_eq!(seq.forward(&x), mlp.forward(&x));
    for row in x.rows() {
        assert_eq!(seq.logits(row), mlp.logits(row));
        assert_eq!(seq.classify(row), mlp.classify(row));
    }
    assert_eq!(seq.to_mlp(), mlp);
    assert_eq!(MlpSeq::<64, 32, 10>::PARAMS, Mlp::<64, 32, 10>::LEN);
}

network! {
    /// 11 layers: a chain of 8 and a chain of 3.
    type Nested = [
        Dense<3, 4, f64>, Relu<4, f64>, Dense<4, 5, f64>, Relu<5, f64>,
        Dense<5, 4, f64>, Relu<4, f64>, Dense<4, 6, f64>, Relu<6, f64>,
        Dense<6, 5, f64>, Relu<5, f64>, Dense<5, 2, f64>,
    ];
}

#[test]
fn nested_chains_number_layers_as_a_flat_list_and_compute_the_same() {
    assert_eq!(Nested::LAYERS, 11);
    let arch = <<Nested as HasLayers>::L as Forward>::ARCH;
    let kinds: Vec<_> = arch.as_slice().iter().map(|s| s.kind).collect();
    assert_eq!(kinds[8], LayerKind::Dense);
    assert_eq!(arch.as_slice()[10].to_string(), "Dense<5, 2>");
    // Tensors 0..12: two per dense layer, on layers 0, 2, .., 10.
    type L = <Nested as HasLayers>::L;
    assert_eq!(L::TENSORS, 12);
    let names: Vec<String> = (0..L::TENSORS)
        .map(|i| L::tensor_info(i).unwrap().to_string())
        .collect();
    assert_eq!(names[8], "8.weight");
    assert_eq!(names[11], "10.bias");
    assert_eq!(L::tensor_info(12), None);

    let mut net = Nested::zeros();
    randomize(&mut net.layers, 5);
    // The same layers as one flat computation.
    let x = [0.3, -0.2, 0.9];
    let ((a, _, b, _, c, _, d, _), (e, _, f)) = &net.layers;
    let h = dense_reference(a, &x, true);
    let h = dense_reference(b, &h, true);
    let h = dense_reference(c, &h, true);
    let h = dense_reference(d, &h, true);
    let h = dense_reference(e, &h, true);
    let expected = dense_reference(f, &h, false);
    let got = net.logits(&x);
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() <= 1e-12 * (1.0 + e.abs()));
    }
    // `tensor` follows the numbering.
    assert_eq!(net.layers.tensor(10), net.layers.1.2.w.as_flattened());
}

/// The layer tuple of a `Seq` type (for the tests).
trait HasLayers {
    type L;
}
impl<L: Forward> HasLayers for Seq<L> {
    type L = L;
}

#[test]
fn classify_refuses_nan_and_reports_non_finite_outputs() {
    let mut net = Seq::<(Dense<2, 3>, Relu<3>, Dense<3, 2>)>::zeros();
    assert_eq!(
        net.classify(&[f32::NAN, 0.0]),
        Err(Error::NonFiniteInput { row: 0, col: 0 })
    );
    net.layers.2.b[1] = f32::INFINITY;
    assert_eq!(
        net.classify(&[0.0, 0.0]),
        Err(Error::NonFiniteOutput { index: 1 })
    );
    net.layers.2.b[1] = 1.0;
    assert_eq!(net.classify(&[0.0, 0.0]), Ok(Label::new(1).unwrap()));
    assert_eq!(
        net.probabilities(&[0.0, 0.0])[1],
        ctensor::softmax(&[0.0, 1.0])[1]
    );
}

// A network and its inference scratch can be statics.
static NET: Seq<(Dense<2, 2>, Relu<2>, Dense<2, 1>)> = Seq::new((
    Dense::from_parts(
        Matrix::from_array([[1.0, -1.0], [2.0, 0.5]]),
        ctensor::Vector::from_array([0.0, 0.25]),
    ),
    Relu::new(),
    Dense::from_parts(
        Matrix::from_array([[1.0], [1.0]]),
        ctensor::Vector::from_array([0.5]),
    ),
));

#[test]
fn a_network_can_be_a_static() {
    // relu([1 + 2, -1 + 0.5 + 0.25]) = [3, 0]; 3 + 0 + 0.5.
    assert_eq!(NET.logits(&[1.0, 1.0]), [3.5]);
    let mut scratch = <(Dense<2, 2>, Relu<2>, Dense<2, 1>) as Forward>::Scratch::<4>::ZEROS;
    let mut out = Matrix::<4, 1>::zeros();
    NET.forward_into(&Matrix::splat(1.0), &mut out, &mut scratch);
    assert_eq!(out, Matrix::splat(3.5));
}

#[cfg(feature = "std")]
network! {
    type Wide = [Dense<784, 1024>, Relu<1024>, Dense<1024, 1024>, Relu<1024>, Dense<1024, 10>];
}

/// Uses the heap constructors of the default `std` feature (`alloc`).
#[cfg(feature = "std")]
#[test]
fn large_networks_run_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let net = Wide::boxed_glorot(&mut StdRng::seed_from_u64(9));
            let mut scratch = Wide::boxed_scratch::<256>();
            let x = Box::new(Matrix::<256, 784>::splat(0.5));
            let mut out = Box::new(Matrix::<256, 10>::zeros());
            net.forward_into(&x, &mut out, &mut scratch);
            assert!(out.is_finite());
            for (a, e) in out[255].iter().zip(net.logits(&x[0])) {
                assert!((a - e).abs() <= 1e-5 * (1.0 + e.abs()), "{a} vs {e}");
            }
            assert!(Wide::scratch_bytes::<256>() > 2 << 20);
        })
        .unwrap()
        .join()
        .unwrap();
}
