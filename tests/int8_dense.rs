//! The int8 dense layer and networks (issue 11): bit-exact against a naive integer
//! reference, within one output step of the real-valued function they stand for, on shapes
//! including primes and 1; post-training quantization of float networks of several depths.
#![cfg(feature = "alloc")] // post-training quantization and int8 files need `alloc`
#![allow(clippy::needless_range_loop)]

use ctensor::nn::layer::{Forward, Zeros};
use ctensor::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};
use ctensor::quant::{QDense, QRelu, QSeq, QuantParams};
use ctensor::{Dense, Error, Mlp, Relu, Seq};
use rand::{RngExt, SeedableRng, rngs::StdRng};

fn random_layer<const I: usize, const O: usize>(rng: &mut StdRng, relu: bool) -> QDense<I, O> {
    let input =
        QuantParams::new(rng.random_range(0.001..0.1), rng.random_range(-128..=127)).unwrap();
    let output =
        QuantParams::new(rng.random_range(0.01..1.0), rng.random_range(-128..=127)).unwrap();
    let mut w = [[0_i8; I]; O];
    for row in &mut w {
        for v in row.iter_mut() {
            *v = rng.random_range(-127..=127);
        }
    }
    let w_scale = core::array::from_fn(|_| rng.random_range(0.0005..0.05));
    let bias = core::array::from_fn(|_| rng.random_range(-100_000..100_000));
    let act_min = if relu { output.zero_point } else { -128 };
    QDense::new(w, w_scale, bias, input, output, act_min).unwrap()
}

/// The layer computed the plain way: `i64` accumulation, then the output stage.
fn reference<const I: usize, const O: usize>(l: &QDense<I, O>, x: &[i8; I]) -> [i8; O] {
    core::array::from_fn(|o| {
        let acc: i64 = i64::from(l.bias[o])
            + (0..I)
                .map(|i| i64::from(l.w[o][i]) * i64::from(x[i]))
                .sum::<i64>();
        let acc = i32::try_from(acc).unwrap();
        let v = i64::from(multiply_by_quantized_multiplier(acc, l.multiplier[o]))
            + i64::from(l.output.zero_point);
        v.clamp(i64::from(l.act_min), 127) as i8
    })
}

fn check_shape<const I: usize, const O: usize>(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut within = 0_usize;
    let mut total = 0_usize;
    for trial in 0..20 {
        let l = random_layer::<I, O>(&mut rng, trial % 2 == 0);
        for _ in 0..20 {
            let x: [i8; I] = core::array::from_fn(|_| rng.random());
            let y = l.logits_q(&x);
            assert_eq!(y, reference(&l, &x), "I = {I}, O = {O}, trial {trial}");
            // Batch path: the same bits.
            let mut yb = [[0; O]; 3];
            l.forward::<4>(&[x, x, x], &mut yb, &mut ());
            assert_eq!(yb, [y; 3]);
            // The real-valued function: y = z_y + acc s_x s_w / s_y, clamped; the int8 output
            // is within one step of it (rounded twice, in the high multiply and in the right
            // shift, as TFLite: usually the nearest value, at worst the next one).
            for o in 0..O {
                let acc = i64::from(l.bias[o])
                    + (0..I)
                        .map(|i| i64::from(l.w[o][i]) * i64::from(x[i]))
                        .sum::<i64>();
                let m =
                    f64::from(l.input.scale) * f64::from(l.w_scale[o]) / f64::from(l.output.scale);
                let real = (f64::from(l.output.zero_point) + acc as f64 * m)
                    .clamp(f64::from(l.act_min), 127.0);
                let err = (f64::from(y[o]) - real).abs();
                assert!(err <= 1.0, "I = {I}, O = {O}: {} vs {real}", y[o]);
                within += usize::from(err <= 0.5 + 1e-9);
                total += 1;
            }
        }
    }
    // Double rounding misses the nearest value only near ties.
    assert!(within * 10 >= total * 9, "{within} of {total} nearest");
}

#[test]
fn dense_is_exact_on_many_shapes() {
    check_shape::<1, 1>(1);
    check_shape::<1, 7>(2);
    check_shape::<2, 3>(3);
    check_shape::<3, 1>(4);
    check_shape::<5, 5>(5);
    check_shape::<7, 13>(6);
    check_shape::<17, 10>(7);
    check_shape::<31, 2>(8);
    check_shape::<64, 32>(9);
    check_shape::<32, 10>(10);
    check_shape::<127, 3>(11);
    check_shape::<640, 8>(12);
}

#[test]
fn dense_saturates_and_clamps_at_both_ends() {
    let p = QuantParams::new(1.0, 0).unwrap();
    let l = QDense::<2, 2>::new([[127, 127], [-127, -127]], [1.0; 2], [0; 2], p, p, -128).unwrap();
    assert_eq!(l.logits_q(&[-128, -128]), [-128, 127]);
    assert_eq!(l.logits_q(&[127, 127]), [127, -128]);
    // With a fused ReLU at zero point 5, nothing goes below 5.
    let out = QuantParams::new(1.0, 5).unwrap();
    let r = QDense::<2, 2>::new([[127, 127], [-127, -127]], [1.0; 2], [0; 2], p, out, 5).unwrap();
    assert_eq!(r.logits_q(&[100, 100]), [127, 5]);
}

#[test]
fn invalid_layers_are_refused_with_the_field() {
    let p = QuantParams::new(1.0, 0).unwrap();
    let ok = QDense::<2, 2>::new([[1, 2], [3, 4]], [1.0; 2], [0; 2], p, p, -128).unwrap();
    let mut l = ok.clone();
    l.w[1][0] = -128;
    assert_eq!(
        l.validate().unwrap_err(),
        Error::InvalidQuantizedLayer {
            layer: 0,
            what: "weight (-128, outside [-127, 127])",
            channel: 1
        }
    );
    let mut l = ok.clone();
    l.multiplier[0] = QuantizedMultiplier {
        multiplier: 1 << 30,
        shift: 3,
    };
    assert!(
        l.validate()
            .unwrap_err()
            .to_string()
            .contains("channel 0: invalid multiplier")
    );
    let mut l = ok.clone();
    l.bias[1] = i32::MAX - 100;
    assert!(l.validate().unwrap_err().to_string().contains("bias"));
    let mut l = ok.clone();
    l.w_scale[1] = f32::NAN;
    assert!(
        l.validate()
            .unwrap_err()
            .to_string()
            .contains("weight scale")
    );
    let mut l = ok;
    l.output.scale = 0.0;
    assert!(l.validate().is_err());
}

static STATIC_NET: QSeq<(QDense<4, 3>, QRelu<3>, QDense<3, 2>)> =
    QSeq::new((QDense::zeros(), QRelu::ZEROS, QDense::zeros()));

#[test]
fn networks_are_const_constructible_and_chain_by_type() {
    assert_eq!(STATIC_NET.layers.2.bias, [0; 2]);
    assert_eq!(QSeq::<(QDense<4, 3>, QRelu<3>, QDense<3, 2>)>::LAYERS, 3);
    let arch = <(QDense<4, 3>, QRelu<3>, QDense<3, 2>) as Forward>::ARCH;
    assert_eq!(arch.get(0).unwrap().to_string(), "QDense<4, 3>");
    assert_eq!(arch.get(1).unwrap().to_string(), "QRelu<3>");
}

/// Post-training quantization of a float network: the int8 outputs, dequantized, are close
/// to the float ones, and the classes mostly agree.
fn ptq_case<L, const D: usize, const K: usize>(net: &Seq<L>, seed: u64) -> (f64, f64)
where
    L: ctensor::quant::Quantize<In = [f32; D], Out = [f32; K]>,
    L::Quantized: ctensor::quant::QLayer<In = [i8; D], Out = [i8; K]>,
{
    let mut rng = StdRng::seed_from_u64(seed);
    let rows: Vec<[f32; D]> = (0..400)
        .map(|_| core::array::from_fn(|_| rng.random_range(-1.0..1.0)))
        .collect();
    let q = net.quantize(&rows[..200]).unwrap();
    let step = f64::from(q.layers.output_params_pub().scale);
    let (mut worst, mut agree) = (0.0_f64, 0_usize);
    for x in &rows[200..] {
        let f = net.logits(x);
        let i = q.predict(x).unwrap();
        for k in 0..K {
            worst = worst.max((f64::from(f[k]) - f64::from(i[k])).abs() / step);
        }
        agree += usize::from(net.classify(x).unwrap() == q.classify(x).unwrap());
    }
    (worst, agree as f64 / 200.0)
}

trait OutParams {
    fn output_params_pub(&self) -> QuantParams;
}
impl<T: ctensor::quant::QLayer> OutParams for T {
    fn output_params_pub(&self) -> QuantParams {
        self.output_params()
    }
}

#[test]
fn ptq_of_float_networks_of_several_depths() {
    let mut rng = StdRng::seed_from_u64(5);
    let mlp = Seq::<(Dense<13, 31, f32>, Relu<31>, Dense<31, 7>)>::glorot(&mut rng);
    let (worst, agree) = ptq_case(&mlp, 1);
    println!("13-31-7: worst error {worst:.2} output steps, classes agree {agree:.3}");
    assert!(worst <= 2.0 && agree >= 0.97, "{worst} {agree}");

    let deep = Seq::<(
        (Dense<8, 16>, Relu<16>, Dense<16, 16>, Relu<16>),
        (Dense<16, 5>, Relu<5>, Dense<5, 3>),
    )>::glorot(&mut rng);
    let (worst, agree) = ptq_case(&deep, 2);
    println!("deep 8-16-16-5-3: worst error {worst:.2} output steps, classes agree {agree:.3}");
    // Four dense layers, widths down to 5: errors add up (a step is 1/255 of the logits'
    // range: 32 steps is 12.5 % of it); the classes still agree.
    assert!(worst <= 32.0 && agree >= 0.95, "{worst} {agree}");

    let one = Seq::<(Dense<1, 1>,)>::glorot(&mut rng);
    let (worst, agree) = ptq_case(&one, 3);
    assert!(worst <= 1.0 && agree == 1.0, "{worst} {agree}");
}

#[test]
fn ptq_fuses_relu_and_refuses_bad_calibration() {
    let mut rng = StdRng::seed_from_u64(9);
    let mlp = Mlp::<4, 6, 3>::glorot(&mut rng);
    let q = mlp
        .quantize(&[[1.0, -1.0, 0.5, 0.0], [0.0, 2.0, -2.0, 1.0]])
        .unwrap();
    // The hidden dense layer's output is calibrated after the ReLU: zero point -128, fused.
    assert_eq!(q.layers.0.output.zero_point, -128);
    assert_eq!(q.layers.0.act_min, -128);
    assert_eq!(q.layers.1.params, q.layers.0.output);
    assert_eq!(q.layers.2.input, q.layers.0.output);
    assert_eq!(
        mlp.quantize(&[[0.0, f32::NAN, 0.0, 0.0]]).unwrap_err(),
        Error::NonFiniteInput { row: 0, col: 1 }
    );
    assert_eq!(mlp.quantize(&[]).unwrap_err(), Error::EmptyDataset);
    // A weights file's worth of zeros quantizes (scales default to 1) and outputs zero.
    let z = Mlp::<4, 6, 3>::zeros().quantize(&[[1.0; 4]]).unwrap();
    assert_eq!(z.predict(&[0.5; 4]).unwrap(), [0.0; 3]);
}

#[test]
fn ptq_of_a_channel_with_tiny_weights_and_a_large_bias() {
    // A unit that L2 switched off: weights ~1e-20, bias 1. At s_w = max|w| / 127 the bias
    // would be ~1e20 in int32; the weight scale grows instead.
    let mut layer = Dense::<3, 2>::zeros();
    layer.w = ctensor::Matrix::from_array([[1e-20, 0.5], [-1e-20, 0.25], [0.0, -1.0]]);
    layer.b = ctensor::Vector::from_array([1.0, 0.0]);
    let net = Seq::new((layer,));
    let rows = [[1.0, 0.0, 0.5], [0.0, 1.0, -1.0], [-1.0, -1.0, 1.0]];
    let q = net.quantize(&rows).unwrap();
    q.layers.0.validate().unwrap();
    for x in &rows {
        let (f, i) = (net.logits(x), q.predict(x).unwrap());
        let step = q.layers.0.output.scale;
        assert!(
            (f[0] - i[0]).abs() <= step && (f[1] - i[1]).abs() <= 2.0 * step,
            "{f:?} {i:?}"
        );
    }
}
