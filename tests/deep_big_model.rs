//! The MLPerf Tiny anomaly-detection autoencoder, `640-128-128-128-128-8-128-128-128-128-640`
//! (ReLU between the layers, linear output, mean squared error), trained with Adam inside a
//! thread with a 2 MiB stack: the network, the workspace and Adam's state are built on the
//! heap in place (together about 5 MiB), nothing overflows the stack, and the loss goes down.
#![cfg(feature = "std")]

use ctensor::{AdamOf, Batch, Loss, Matrix, SeqWorkspace, Targets, TrainConfig, network};
use ctensor::{Dense, Relu, uniform01};
use rand::SeedableRng;
use rand::rngs::StdRng;

network! {
    type Autoencoder = [
        Dense<640, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 8>, Relu<8>, Dense<8, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 640>,
    ];
}
type Layers = (
    (
        Dense<640, 128>,
        Relu<128>,
        Dense<128, 128>,
        Relu<128>,
        Dense<128, 128>,
        Relu<128>,
        Dense<128, 128>,
        Relu<128>,
    ),
    (
        Dense<128, 8>,
        Relu<8>,
        Dense<8, 128>,
        Relu<128>,
        Dense<128, 128>,
        Relu<128>,
        Dense<128, 128>,
        Relu<128>,
    ),
    (Dense<128, 128>, Relu<128>, Dense<128, 640>),
);
const B: usize = 32;

#[test]
fn mlperf_autoencoder_trains_with_adam_on_a_2_mib_stack() {
    let losses = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut rng = StdRng::seed_from_u64(640);
            let mut net = Autoencoder::boxed_glorot(&mut rng);
            let mut ws = SeqWorkspace::<_, B>::boxed_zeros();
            let mut adam = AdamOf::boxed(1e-3).unwrap();
            // Smooth "spectrogram" rows: a few sines of random frequency and phase.
            let mut x = Box::new(Matrix::<B, 640>::zeros());
            for row in x.as_array_mut() {
                let (f, p) = (1.0 + 4.0 * uniform01(&mut rng), 6.0 * uniform01(&mut rng));
                for (c, v) in row.iter_mut().enumerate() {
                    *v = (0.5 + 0.5 * (f * c as f64 / 100.0 + p).sin()) as f32;
                }
            }
            let batch = Batch::new(&*x, Targets::Values(&*x)).unwrap();
            let cfg = TrainConfig::new(Loss::MeanSquaredError);
            let mut losses = Vec::new();
            for _ in 0..20 {
                let stats = net
                    .train_step(&batch, &cfg, &mut ws, &mut *adam, &mut rng)
                    .unwrap();
                losses.push(stats.loss);
            }
            assert_eq!(adam.steps(), 20);
            let mut scratch = Autoencoder::boxed_scratch::<B>();
            let mut out = Box::new(Matrix::<B, 640>::zeros());
            net.forward_into(&x, &mut out, &mut scratch);
            assert!(out.is_finite());
            losses
        })
        .unwrap()
        .join()
        .expect("training thread panicked (a stack overflow aborts the process instead)");
    assert!(losses.iter().all(|l| l.is_finite()), "{losses:?}");
    assert!(
        losses[19] < losses[0] / 2.0,
        "the loss did not go down: {losses:?}"
    );
}

#[test]
fn its_sizes_are_constants_of_its_type() {
    // `network!` nests the 19 layers as 8 + 8 + 3.
    let _: fn() -> Box<Autoencoder> = ctensor::Seq::<Layers>::boxed_zeros;
    let params = 640 * 128
        + 128
        + 3 * (128 * 128 + 128)
        + 128 * 8
        + 8
        + 8 * 128
        + 128
        + 3 * (128 * 128 + 128)
        + 128 * 640
        + 640;
    assert_eq!(Autoencoder::PARAMS, params);
    assert_eq!(Autoencoder::LAYERS, 19);
    assert_eq!(Autoencoder::BYTE_LEN, 12 + 12 * 19 + 4 * params + 4);
    // The workspace: the gradients; B rows of the output and of every row kept between two
    // layers (7 in each chain of 8, 2 in the chain of 3, 2 between the chains), each with
    // its gradient; the row count.
    let kept = 2 * 128 + 7 * 128 + (8 + 8 + 5 * 128) + 2 * 128;
    assert_eq!(
        SeqWorkspace::<Layers, B>::BYTES,
        4 * params + 4 * B * (2 * kept + 640) + 8
    );
    // Adam's state alone would not fit in the 2 MiB stack above.
    assert!(core::mem::size_of::<AdamOf<Layers>>() > 2 << 20);
}
