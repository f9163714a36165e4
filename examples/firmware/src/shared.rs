//! What the devices and the host (`build.rs`) both compute: the input scaling, and the
//! on-device training run (its network, data, seed, steps). One source, so the two sides run
//! exactly the same code, and the device compares its results with the host's.

use ctensor::quant::{QDense, QRelu, QSeq};
use ctensor::{
    Batch, Label, LeanWorkspace, Loss, Matrix, Mlp, Result, Sgd, Targets, TrainConfig, Workspace,
};

/// Pixels per digit (8 x 8), the networks' input width.
pub const D: usize = 64;
/// Classes: the digits 0..9.
pub const K: usize = 10;

/// Hidden units of the network trained on the device.
pub const TRAIN_H: usize = 8;
/// Rows of the training batch (taken from `digits_train.csv`).
pub const TRAIN_B: usize = 16;
/// Full-batch SGD steps run on the device.
pub const TRAIN_STEPS: usize = 8;
/// The SGD learning rate.
pub const TRAIN_LR: f64 = 0.5;
/// Seed of the Glorot initialization.
pub const TRAIN_SEED: u64 = 0x5EED_C0DE_2026_0001;

/// The network trained on the device.
pub type TrainNet = Mlp<D, TRAIN_H, K>;
/// Its training scratch memory.
pub type TrainWorkspace = Workspace<TRAIN_B, D, TRAIN_H, K>;

/// Hidden units of the network of the measured training step (`train_cost`).
pub const COST_H: usize = 32;
/// Rows of its batch (the first rows of the training batch).
pub const COST_B: usize = 8;
/// Steps `train_cost` runs.
pub const COST_STEPS: usize = 4;
/// Its SGD learning rate.
pub const COST_LR: f64 = 0.1;
/// The network of `train_cost`: a random network (`random_net`), trained in place.
pub type CostNet = Mlp<D, COST_H, K>;
/// The workspace of its lean step.
pub type CostWorkspace = LeanWorkspace<COST_B, COST_H, K>;

/// The run of `train_cost`: [`COST_STEPS`] lean SGD steps (`Mlp::train_step_lean`) of
/// softmax cross-entropy on one batch, each through `step` (the device's measured function);
/// writes each step's loss into `losses`.
///
/// # Errors
/// As [`Mlp::train_step_lean`].
pub fn cost_run(
    net: &mut CostNet,
    ws: &mut CostWorkspace,
    x: &Matrix<COST_B, D>,
    y: &[Label<K>; COST_B],
    losses: &mut [f32; COST_STEPS],
    mut step: impl FnMut(
        &mut CostNet,
        &Batch<'_, COST_B, D, K>,
        &TrainConfig,
        &mut CostWorkspace,
        &Sgd,
        &mut SplitMix64,
    ) -> Result<f32>,
) -> Result<()> {
    let batch = Batch::new(x, Targets::Classes(y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let sgd = Sgd::new(COST_LR)?;
    let mut rng = SplitMix64(1);
    for loss in losses.iter_mut() {
        *loss = step(net, &batch, &cfg, ws, &sgd, &mut rng)?;
    }
    Ok(())
}

/// A pixel (an integer 0..=16) as the networks see it: `p / 16`, exact in `f32`, as the
/// host's `Dataset::scale(1.0 / 16.0)` computes it.
#[must_use]
pub const fn pixel(p: u8) -> f32 {
    p as f32 * (1.0 / 16.0)
}

/// A digit's pixels as a network input.
#[must_use]
pub const fn input(pixels: &[u8; D]) -> [f32; D] {
    let mut x = [0.0; D];
    let mut i = 0;
    while i < D {
        x[i] = pixel(pixels[i]);
        i += 1;
    }
    x
}

/// A batch of digits as an input matrix (a `const fn`: on the device it is a `static` in
/// flash).
#[must_use]
pub const fn batch_inputs<const B: usize>(pixels: &[[u8; D]; B]) -> Matrix<B, D> {
    let mut x = [[0.0; D]; B];
    let mut b = 0;
    while b < B {
        x[b] = input(&pixels[b]);
        b += 1;
    }
    Matrix::from_array(x)
}

/// Labels, checked at compile time.
#[must_use]
pub const fn labels<const B: usize>(classes: &[u8; B]) -> [Label<K>; B] {
    let mut y = [Label::new_const(0); B];
    let mut b = 0;
    while b < B {
        y[b] = Label::new_const(classes[b] as usize);
        b += 1;
    }
    y
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, the same on every target.
pub struct SplitMix64(pub u64);

impl rand::TryRng for SplitMix64 {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        Ok((self.next() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The training run: Glorot initialization from [`TRAIN_SEED`], then [`TRAIN_STEPS`] steps of
/// full-batch SGD on softmax cross-entropy. Writes each step's loss (before its update) into
/// `losses`. Everything in place: no network, workspace or batch is moved or copied.
///
/// # Errors
/// As [`Mlp::train_step`].
pub fn train(
    net: &mut TrainNet,
    ws: &mut TrainWorkspace,
    x: &Matrix<TRAIN_B, D>,
    y: &[Label<K>; TRAIN_B],
    losses: &mut [f32; TRAIN_STEPS],
) -> Result<()> {
    let mut rng = SplitMix64(TRAIN_SEED);
    net.init_glorot(&mut rng);
    let batch = Batch::new(x, Targets::Classes(y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut sgd = Sgd::new(TRAIN_LR)?;
    for loss in losses.iter_mut() {
        *loss = net.train_step(&batch, &cfg, ws, &mut sgd, &mut rng)?.loss;
    }
    Ok(())
}

/// `SplitMix64` for `const fn`s: the random networks and inputs of the cost table.
const fn next_const(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in `[-1, 1)`, one in eight an exact `+0` or `-0`.
#[must_use]
pub const fn random_value(state: &mut u64) -> f32 {
    let r = next_const(state);
    match r % 16 {
        0 => 0.0,
        1 => -0.0,
        _ => (r >> 40) as f32 * (2.0 / (1u64 << 24) as f32) - 1.0,
    }
}

/// A random network, made at compile time (a `static` in flash), the same on the host.
#[must_use]
pub const fn random_net<const D: usize, const H: usize, const K: usize>(seed: u64) -> Mlp<D, H, K> {
    let mut s = seed;
    let mut w1 = [[0.0; H]; D];
    let mut b1 = [0.0; H];
    let mut w2 = [[0.0; K]; H];
    let mut b2 = [0.0; K];
    let mut i = 0;
    while i < D * H {
        w1[i / H][i % H] = random_value(&mut s);
        i += 1;
    }
    let mut i = 0;
    while i < H {
        b1[i] = random_value(&mut s) * 0.5;
        i += 1;
    }
    let mut i = 0;
    while i < H * K {
        w2[i / K][i % K] = random_value(&mut s);
        i += 1;
    }
    let mut i = 0;
    while i < K {
        b2[i] = random_value(&mut s);
        i += 1;
    }
    Mlp::from_parts(
        Matrix::from_array(w1),
        ctensor::Vector::from_array(b1),
        Matrix::from_array(w2),
        ctensor::Vector::from_array(b2),
    )
}

/// Inputs of each shape of the cost table.
pub const SHAPE_INPUTS: usize = 8;

/// Input number `n` of a shape of the cost table (random in `[-1, 1)` with exact zeros).
#[must_use]
pub const fn random_input<const D: usize>(seed: u64, n: usize) -> [f32; D] {
    let mut s = seed ^ (n as u64).wrapping_mul(0x0123_4567_89AB_CDEF);
    let mut x = [0.0; D];
    let mut i = 0;
    while i < D {
        x[i] = random_value(&mut s);
        i += 1;
    }
    x
}

/// The [`SHAPE_INPUTS`] inputs of a shape of the cost table: [`random_input`] `0..SHAPE_INPUTS`.
#[must_use]
pub const fn random_inputs<const D: usize>(seed: u64) -> [[f32; D]; SHAPE_INPUTS] {
    let mut x = [[0.0; D]; SHAPE_INPUTS];
    let mut n = 0;
    while n < SHAPE_INPUTS {
        x[n] = random_input(seed, n);
        n += 1;
    }
    x
}

/// The seed of the random network `Mlp<D, H, K>` of the cost table.
#[must_use]
pub const fn shape_seed(d: usize, h: usize, k: usize) -> u64 {
    (d * 10_000 + h * 100 + k) as u64
}

/// Calls `$m!(D, H, K, name)` for each shape of the cost table (besides the digits model).
#[macro_export]
macro_rules! cost_shapes {
    ($m:ident) => {
        $m!(12, 6, 3, SHAPE_12_6_3);
        $m!(30, 16, 1, SHAPE_30_16_1);
        $m!(10, 8, 1, SHAPE_10_8_1);
        $m!(20, 20, 3, SHAPE_20_20_3);
        $m!(64, 32, 10, SHAPE_64_32_10);
    };
}

ctensor::network! {
    /// The MLPerf Tiny anomaly-detection autoencoder (ToyADMOS): 640 inputs, four hidden
    /// layers of 128, a bottleneck of 8, four of 128, 640 outputs; ReLU after every layer
    /// but the last (the benchmark's batch normalizations fold into the dense layers).
    /// About 1 MiB of `f32` weights: a `static` in the Cortex-M4F board's 4 MiB of flash.
    pub type Autoencoder = [
        ctensor::Dense<640, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 8>, ctensor::Relu<8>,
        ctensor::Dense<8, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 128>, ctensor::Relu<128>,
        ctensor::Dense<128, 640>,
    ];
}

/// Decodes the autoencoder's weights file at compile time with `$decode!` (`seq_from_bytes_const`
/// for `f32`, `qseq_from_bytes_const` for int8), its layers spelled `$dense<I, O>` and
/// `$relu<N>`: the one layer list of the `deep` and `int8_deep` images.
#[macro_export]
macro_rules! decode_autoencoder {
    ($decode:ident!($bytes:expr), $dense:ident, $relu:ident) => {
        $decode!($bytes => [
            $dense<640, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 8>, $relu<8>,
            $dense<8, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 128>, $relu<128>,
            $dense<128, 640>,
        ])
    };
}

/// Seed of the autoencoder's Glorot weights (made by `build.rs`) and of its inputs.
pub const AE_SEED: u64 = 0x000A_E640_0008;
/// Inputs run through the autoencoder on the device.
pub const AE_INPUTS: usize = 2;

/// The int8 autoencoder: [`Autoencoder`] quantized on the host (`build-int8/lib.rs`), nested as
/// `network!` nests the float layers (tuples of at most 8).
pub type QAutoencoder = QSeq<(
    (
        QDense<640, 128>,
        QRelu<128>,
        QDense<128, 128>,
        QRelu<128>,
        QDense<128, 128>,
        QRelu<128>,
        QDense<128, 128>,
        QRelu<128>,
    ),
    (
        QDense<128, 8>,
        QRelu<8>,
        QDense<8, 128>,
        QRelu<128>,
        QDense<128, 128>,
        QRelu<128>,
        QDense<128, 128>,
        QRelu<128>,
    ),
    (QDense<128, 128>, QRelu<128>, QDense<128, 640>),
)>;

/// Calibration rows of the int8 networks' post-training quantization (`build-int8/lib.rs`):
/// inputs number `INT8_CALIBRATION_FIRST..INT8_CALIBRATION_FIRST + INT8_CALIBRATION_ROWS`
/// of [`random_input`] with the network's seed: the same distribution as the inputs the
/// boards run (numbers `0..SHAPE_INPUTS`, `0..AE_INPUTS`), none of them.
pub const INT8_CALIBRATION_ROWS: usize = 256;
/// The number of the first calibration row.
pub const INT8_CALIBRATION_FIRST: usize = 1000;
