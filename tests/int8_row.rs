//! One-row int8 inference (`QSeq::logits_q`, `QLayer::row`) against the layer by
//! layer path (`QSeq::forward_q`, every `QRelu` run) on networks where a ReLU is skipped and
//! where it is not: after a dense layer whose clamp is the ReLU, after one without, first,
//! last, two in a row, inside nested chains, next to a dropout layer; built by hand, with
//! random clamps and zero points, read from a weights file, quantized from a float network.
#![allow(clippy::needless_range_loop)]

use ctensor::nn::layer::{Forward, Zeros};
use ctensor::quant::{QDense, QDropout, QLayer, QRelu, QSeq, QuantParams};
use rand::{RngExt, SeedableRng, rngs::StdRng};

fn params(rng: &mut StdRng) -> QuantParams {
    QuantParams::new(rng.random_range(0.01..1.0), rng.random_range(-128..=127)).unwrap()
}

/// A valid layer (`act_min` the output zero point when `relu`, else -128) whose input is
/// quantized by `input`.
fn dense<const I: usize, const O: usize>(
    rng: &mut StdRng,
    input: QuantParams,
    relu: bool,
) -> QDense<I, O> {
    let output = params(rng);
    let w = core::array::from_fn(|_| core::array::from_fn(|_| rng.random_range(-127..=127)));
    let w_scale = core::array::from_fn(|_| rng.random_range(0.0005..0.05));
    let bias = core::array::from_fn(|_| rng.random_range(-20_000..20_000));
    let act_min = if relu { output.zero_point } else { -128 };
    QDense::new(w, w_scale, bias, input, output, act_min).unwrap()
}

fn relu<const N: usize>(p: QuantParams) -> QRelu<N> {
    QRelu::new(p)
}

/// `logits_q` equals `forward_q` (the layer by layer path) on `rows` random inputs, and
/// on the all -128 and all 127 rows.
fn same_as_layer_by_layer<L, const D: usize, const K: usize>(
    net: &QSeq<L>,
    rng: &mut StdRng,
    rows: usize,
) where
    L: QLayer<In = [i8; D], Out = [i8; K]>,
{
    let mut inputs = vec![[i8::MIN; D], [i8::MAX; D], [0; D]];
    inputs.extend((0..rows).map(|_| core::array::from_fn(|_| rng.random())));
    for x in &inputs {
        let mut y = [[0; K]; 1];
        let mut scratch = Zeros::ZEROS;
        net.forward_q::<1>(core::slice::from_ref(x), &mut y, &mut scratch);
        assert_eq!(net.logits_q(x), y[0], "input {x:?}");
        assert_eq!(net.layers.row(x, i8::MIN, &mut Default::default()), &y[0]);
    }
}

#[test]
fn relu_after_a_fused_dense_layer_is_skipped_and_changes_nothing() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..20 {
        let p = params(&mut rng);
        let l1 = dense::<7, 13>(&mut rng, p, true);
        let r = relu::<13>(l1.output);
        let l2 = dense::<13, 5>(&mut rng, l1.output, false);
        let net = QSeq::new((l1.clone(), r, l2.clone()));
        same_as_layer_by_layer(&net, &mut rng, 50);
        // The plain composition, and the ReLU passes the dense layer's row on (not copied).
        let x: [i8; 7] = core::array::from_fn(|_| rng.random());
        assert_eq!(net.logits_q(&x), l2.logits_q(&l1.logits_q(&x)));
        let mut bufs = Default::default();
        let h = l1.row(&x, i8::MIN, &mut bufs);
        assert_eq!(*h, l1.logits_q(&x));
        assert!(core::ptr::eq(
            r.row(h, l1.output_floor(i8::MIN), &mut None),
            h
        ));
    }
}

#[test]
fn relu_after_a_dense_layer_without_the_clamp_runs() {
    let mut rng = StdRng::seed_from_u64(2);
    for _ in 0..20 {
        let p = params(&mut rng);
        let l1 = dense::<7, 13>(&mut rng, p, false);
        let r = relu::<13>(l1.output);
        let l2 = dense::<13, 1>(&mut rng, l1.output, false);
        let net = QSeq::new((l1.clone(), r, l2.clone()));
        same_as_layer_by_layer(&net, &mut rng, 50);
        let x: [i8; 7] = core::array::from_fn(|_| rng.random());
        let z = l1.output.zero_point;
        assert_eq!(
            net.logits_q(&x),
            l2.logits_q(&l1.logits_q(&x).map(|v| v.max(z)))
        );
    }
}

#[test]
fn any_clamp_bound_and_relu_zero_point() {
    // Hand-set `act_min` (public field; any value, valid or not) against any zero point of the
    // ReLU: skipped exactly when `act_min >= z`, and always the values of the layer by layer
    // path.
    let mut rng = StdRng::seed_from_u64(3);
    for trial in 0..300 {
        let p = params(&mut rng);
        let mut l1 = dense::<5, 9>(&mut rng, p, false);
        l1.act_min = rng.random();
        // Zero points at the bound, just above it (where a wrong skip would show), anywhere.
        let z = match trial % 3 {
            0 => l1.act_min,
            1 => l1.act_min.saturating_add(1),
            _ => rng.random(),
        };
        let rp = QuantParams::new(0.5, z).unwrap();
        let r = relu::<9>(rp);
        let l2 = dense::<9, 3>(&mut rng, rp, false);
        let net = QSeq::new((l1.clone(), r, l2));
        same_as_layer_by_layer(&net, &mut rng, 10);
        let x: [i8; 5] = core::array::from_fn(|_| rng.random());
        let mut bufs = Default::default();
        let h = l1.row(&x, i8::MIN, &mut bufs);
        let out = r.row(h, l1.act_min, &mut None).as_ptr();
        assert_eq!(core::ptr::eq(out, h.as_ptr()), l1.act_min >= rp.zero_point);
    }
}

#[test]
fn relu_first_last_and_two_in_a_row() {
    let mut rng = StdRng::seed_from_u64(4);
    for trial in 0..40 {
        // A ReLU first (skipped only when its zero point is -128: max(x, -128) = x).
        let p = if trial % 4 == 0 {
            QuantParams::new(0.25, -128).unwrap()
        } else {
            params(&mut rng)
        };
        let l1 = dense::<7, 11>(&mut rng, p, trial % 2 == 0);
        // Two ReLUs in a row: the dense layer's, then one of another zero point (above,
        // below or equal).
        let r2 = relu::<11>(params(&mut rng));
        let l2 = dense::<11, 3>(&mut rng, r2.params, trial % 3 == 0);
        let net = QSeq::new((
            relu::<7>(p),
            l1.clone(),
            relu::<11>(l1.output),
            r2,
            l2.clone(),
        ));
        same_as_layer_by_layer(&net, &mut rng, 30);
        // A ReLU last (written into the output: copied when skipped).
        let last = QSeq::new((
            l2.clone(),
            relu::<3>(l2.output),
            relu::<3>(params(&mut rng)),
        ));
        same_as_layer_by_layer(&last, &mut rng, 30);
        // Only ReLUs, width 1.
        let only = QSeq::new((relu::<1>(p), relu::<1>(params(&mut rng))));
        same_as_layer_by_layer(&only, &mut rng, 30);
    }
}

#[test]
fn nested_chains_and_dropout() {
    let mut rng = StdRng::seed_from_u64(5);
    for trial in 0..30 {
        let p = params(&mut rng);
        let l1 = dense::<6, 9>(&mut rng, p, trial % 2 == 0);
        let d = QDropout::<9>::new(l1.output);
        let l2 = dense::<9, 4>(&mut rng, l1.output, trial % 3 != 0);
        let rl = relu::<4>(l2.output);
        // The ReLU after `l1` is the first layer of a nested chain, after a dropout layer;
        // the last ReLU follows a nested chain.
        let net = QSeq::new(((l1.clone(),), (d, relu::<9>(l1.output), d, l2), rl));
        same_as_layer_by_layer(&net, &mut rng, 30);
        let deep = QSeq::new((
            (l1.clone(), (relu::<9>(l1.output),)),
            ((d,), relu::<9>(params(&mut rng))),
        ));
        same_as_layer_by_layer(&deep, &mut rng, 30);
    }
}

#[test]
fn output_floor_is_a_lower_bound() {
    let mut rng = StdRng::seed_from_u64(6);
    for _ in 0..50 {
        let p = params(&mut rng);
        let mut l1 = dense::<8, 16>(&mut rng, p, false);
        l1.act_min = rng.random();
        let r = relu::<16>(params(&mut rng));
        let net = (l1, r, QDropout::<16>::new(r.params));
        let floor = net.output_floor(i8::MIN);
        assert_eq!(floor, net.0.act_min.max(r.params.zero_point));
        for _ in 0..20 {
            let x: [i8; 8] = core::array::from_fn(|_| rng.random());
            let mut bufs = Default::default();
            let y = net.row(&x, i8::MIN, &mut bufs);
            assert!(y.iter().all(|&v| v >= floor), "{y:?} below {floor}");
        }
    }
}

#[cfg(feature = "alloc")]
#[test]
fn networks_read_from_bytes_and_quantized_from_float() {
    use ctensor::{Dense, Relu, Seq};

    let mut rng = StdRng::seed_from_u64(7);
    type Net = QSeq<(
        QDense<7, 13>,
        QRelu<13>,
        QDense<13, 5>,
        QRelu<5>,
        QDense<5, 2>,
    )>;
    for trial in 0..10 {
        let p = params(&mut rng);
        let l1 = dense::<7, 13>(&mut rng, p, trial % 2 == 0);
        let l2 = dense::<13, 5>(&mut rng, l1.output, trial % 3 == 0);
        let l3 = dense::<5, 2>(&mut rng, l2.output, false);
        let net: Net = QSeq::new((l1.clone(), relu(l1.output), l2.clone(), relu(l2.output), l3));
        let read = Net::from_bytes(&net.to_vec().unwrap()).unwrap();
        assert_eq!(read, net);
        same_as_layer_by_layer(&read, &mut rng, 50);
    }
    // Post-training quantization: every dense layer before a ReLU fuses it.
    let float =
        Seq::<(Dense<6, 10>, Relu<10>, Dense<10, 7>, Relu<7>, Dense<7, 3>)>::glorot(&mut rng);
    let calibration: Vec<[f32; 6]> = (0..40)
        .map(|_| core::array::from_fn(|_| rng.random_range(-2.0..2.0)))
        .collect();
    let int8 = float.quantize(&calibration).unwrap();
    assert_eq!(int8.layers.0.act_min, int8.layers.1.params.zero_point);
    same_as_layer_by_layer(&int8, &mut rng, 200);
}

#[test]
fn forward_of_single_layers_is_unchanged() {
    // The batched path (`Forward::forward`) still runs the ReLU: it knows no floor.
    let r = relu::<3>(QuantParams::new(1.0, 2).unwrap());
    let mut y = [[0; 3]; 2];
    r.forward::<2>(&[[1, 2, 3], [-5, 9, 0]], &mut y, &mut ());
    assert_eq!(y, [[2, 2, 3], [2, 9, 2]]);
}

#[test]
fn outputs_of_every_width_are_copied_whole() {
    // `logits_q` copies the last row in pieces of 8, 4, 2 and 1 bytes: every remainder.
    fn check<const K: usize>(rng: &mut StdRng) {
        let p = params(rng);
        let l = dense::<3, K>(rng, p, false);
        let net = QSeq::new((l.clone(),));
        let alone = QSeq::new((
            l.clone(),
            QRelu::<K>::new(QuantParams::new(1.0, -128).unwrap()),
        ));
        for _ in 0..20 {
            let x: [i8; 3] = core::array::from_fn(|_| rng.random());
            assert_eq!(net.logits_q(&x), l.logits_q(&x), "K = {K}");
            assert_eq!(alone.logits_q(&x), l.logits_q(&x), "K = {K}");
        }
    }
    let mut rng = StdRng::seed_from_u64(8);
    check::<1>(&mut rng);
    check::<2>(&mut rng);
    check::<3>(&mut rng);
    check::<5>(&mut rng);
    check::<7>(&mut rng);
    check::<8>(&mut rng);
    check::<10>(&mut rng);
    check::<15>(&mut rng);
    check::<16>(&mut rng);
    check::<23>(&mut rng);
    check::<64>(&mut rng);
}
