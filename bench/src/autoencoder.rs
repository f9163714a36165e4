//! The MLPerf Tiny anomaly-detection autoencoder, `640-128-128-128-128-8-128-128-128-128-640`
//! (ReLU between the layers, linear output, mean squared error), one Adam step at a batch of
//! [`B`] rows: written with ctensor's `network!`, and hand-written on `matrixmultiply::sgemm`
//! (the Rust peer). PyTorch's number comes from `bench/pytorch_autoencoder_step.py`.
//!
//! Both sides start from the same Glorot-initialized weights and the same synthetic batch
//! (smooth "spectrogram" rows, the reconstruction target is the input), and compute the same
//! step: forward, `dJ/dZ = 2 (Z - X) / (B N)`, backward through every layer (the first layer's
//! input gradient is skipped), and Adam with bias correction (`lr = 1e-3`, `beta1 = 0.9`,
//! `beta2 = 0.999`, `eps = 1e-8`, PyTorch's defaults).

use std::hint::black_box;

use ctensor::nn::params::Params;
use ctensor::{AdamOf, Batch, Dense, Loss, Matrix, Relu, SeqWorkspace, Targets};
use ctensor::{TrainConfig, network, uniform01};
use rand::SeedableRng;

use crate::sgemm;
use rand::rngs::StdRng;

/// Rows per step.
pub const B: usize = 64;
/// Input and output width.
const N: usize = 640;
/// The widths of the layers' inputs and outputs, in order.
pub const WIDTHS: [usize; 11] = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640];
/// Adam's learning rate.
const LR: f32 = 1e-3;

network! {
    /// The MLPerf Tiny autoencoder.
    pub type Autoencoder = [
        Dense<640, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 8>, Relu<8>, Dense<8, 128>, Relu<128>,
        Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>, Dense<128, 128>, Relu<128>,
        Dense<128, 640>,
    ];
}

/// Multiply-adds of one forward pass of one row.
#[must_use]
pub fn macs_per_row() -> usize {
    WIDTHS.windows(2).map(|w| w[0] * w[1]).sum()
}

/// The synthetic batch: a few sines of random frequency and phase per row, in `[0, 1]`.
fn synthetic_batch(rng: &mut StdRng) -> Box<Matrix<B, N>> {
    let mut x: Box<Matrix<B, N>> = bytemuck::zeroed_box();
    for row in x.as_array_mut() {
        let (f, p) = (1.0 + 4.0 * uniform01(rng), 6.0 * uniform01(rng));
        for (c, v) in row.iter_mut().enumerate() {
            *v = (0.5 + 0.5 * (f * c as f64 / 100.0 + p).sin()) as f32;
        }
    }
    x
}

/// The network and batch both sides start from.
fn start() -> (Box<Autoencoder>, Box<Matrix<B, N>>) {
    let mut rng = StdRng::seed_from_u64(640);
    let net = Autoencoder::boxed_glorot(&mut rng);
    (net, synthetic_batch(&mut rng))
}

/// One Adam step of ctensor's `Autoencoder` (`Seq::train_step`) as a closure.
///
/// # Panics
/// If a step fails (it cannot on this data: the loss stays finite).
#[must_use]
pub fn ctensor_step() -> Box<dyn FnMut()> {
    let (mut net, x) = start();
    let mut ws = SeqWorkspace::<_, B>::boxed_zeros();
    let mut adam = AdamOf::boxed(f64::from(LR)).unwrap();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let mut rng = StdRng::seed_from_u64(1);
    let x: &'static Matrix<B, N> = Box::leak(x);
    let batch = Batch::new(x, Targets::Values(x)).unwrap();
    Box::new(move || {
        let stats = net
            .train_step(black_box(&batch), &cfg, &mut ws, &mut *adam, &mut rng)
            .unwrap();
        black_box(stats);
    })
}

/// One dense layer of the peer: row-major `[in, out]` weights, its bias, Adam's moments of
/// both, and the gradients.
struct Layer {
    inputs: usize,
    outputs: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    dw: Vec<f32>,
    db: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
}

/// The autoencoder step hand-written on `matrixmultiply::sgemm`, every buffer allocated up
/// front.
pub struct SgemmAutoencoder {
    layers: Vec<Layer>,
    /// `acts[0]` is the input; `acts[i + 1]` the output of layer `i` (after its ReLU).
    acts: Vec<Vec<f32>>,
    /// The gradient flowing back into `acts[i + 1]`.
    grads: Vec<Vec<f32>>,
    steps: i32,
}

impl SgemmAutoencoder {
    /// The same weights and batch as [`ctensor_step`] starts from.
    ///
    /// # Panics
    /// Never (the layer shapes are the type's).
    #[must_use]
    pub fn new() -> Self {
        let (net, x) = start();
        // Dense layers are tensors 2i (weight, [in, out]) and 2i + 1 (bias) in `Params` order.
        let layers = WIDTHS
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let (inputs, outputs) = (w[0], w[1]);
                let weight = net.layers.tensor(2 * i).to_vec();
                let bias = net.layers.tensor(2 * i + 1).to_vec();
                assert_eq!((weight.len(), bias.len()), (inputs * outputs, outputs));
                Layer {
                    inputs,
                    outputs,
                    dw: vec![0.0; weight.len()],
                    db: vec![0.0; outputs],
                    m: vec![0.0; weight.len() + outputs],
                    v: vec![0.0; weight.len() + outputs],
                    w: weight,
                    b: bias,
                }
            })
            .collect();
        let acts = WIDTHS
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                if i == 0 {
                    x.as_flattened().to_vec()
                } else {
                    vec![0.0; B * w]
                }
            })
            .collect();
        let grads = WIDTHS.iter().map(|&w| vec![0.0; B * w]).collect();
        Self {
            layers,
            acts,
            grads,
            steps: 0,
        }
    }

    /// One step; returns the loss (mean squared error over the batch and the outputs).
    pub fn step(&mut self) -> f32 {
        let last = self.layers.len() - 1;
        // Forward.
        for (i, layer) in self.layers.iter().enumerate() {
            let (before, after) = self.acts.split_at_mut(i + 1);
            let (x, y) = (&before[i], &mut after[0]);
            let (k, n) = (layer.inputs, layer.outputs);
            sgemm(B, k, n, x, (k as isize, 1), &layer.w, (n as isize, 1), y);
            for row in y.chunks_exact_mut(n) {
                for (z, &bias) in row.iter_mut().zip(&layer.b) {
                    *z += bias;
                    if i < last {
                        *z = z.max(0.0);
                    }
                }
            }
        }
        // Mean squared error and its gradient 2 (Z - X) / (B N).
        let scale = 2.0 / (B * N) as f32;
        let mut loss = 0.0_f64;
        for ((g, &z), &t) in self.grads[last + 1]
            .iter_mut()
            .zip(&self.acts[last + 1])
            .zip(&self.acts[0])
        {
            let e = z - t;
            loss += f64::from(e * e);
            *g = scale * e;
        }
        // Backward.
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            let (k, n) = (layer.inputs, layer.outputs);
            let (gin, gout) = self.grads.split_at_mut(i + 1);
            let dz = &gout[0];
            let x = &self.acts[i];
            sgemm(
                k,
                B,
                n,
                x,
                (1, k as isize),
                dz,
                (n as isize, 1),
                &mut layer.dw,
            );
            layer.db.fill(0.0);
            for row in dz.chunks_exact(n) {
                for (s, &g) in layer.db.iter_mut().zip(row) {
                    *s += g;
                }
            }
            if i > 0 {
                let dx = &mut gin[i];
                sgemm(B, n, k, dz, (n as isize, 1), &layer.w, (1, n as isize), dx);
                for (g, &a) in dx.iter_mut().zip(x) {
                    if a <= 0.0 {
                        *g = 0.0;
                    }
                }
            }
        }
        // Adam.
        self.steps += 1;
        let (b1, b2, eps) = (0.9_f32, 0.999_f32, 1e-8_f32);
        let c1 = 1.0 - b1.powi(self.steps);
        let c2 = 1.0 - b2.powi(self.steps);
        for layer in &mut self.layers {
            let params = layer.w.iter_mut().chain(layer.b.iter_mut());
            let grads = layer.dw.iter().chain(&layer.db);
            for (((p, &g), m), v) in params.zip(grads).zip(&mut layer.m).zip(&mut layer.v) {
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p -= LR * (*m / c1) / ((*v / c2).sqrt() + eps);
            }
        }
        (loss / (B * N) as f64) as f32
    }
}

impl Default for SgemmAutoencoder {
    fn default() -> Self {
        Self::new()
    }
}

/// The peer's step as a closure.
#[must_use]
pub fn sgemm_step() -> Box<dyn FnMut()> {
    let mut step = SgemmAutoencoder::new();
    Box::new(move || {
        black_box(step.step());
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The peer computes the step ctensor computes: same losses, same weights after three
    /// steps (to float rounding: the two sum in different orders).
    #[test]
    fn peer_and_ctensor_take_the_same_steps() {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let (mut net, x) = start();
                let mut ws = SeqWorkspace::<_, B>::boxed_zeros();
                let mut adam = AdamOf::boxed(f64::from(LR)).unwrap();
                let cfg = TrainConfig::new(Loss::MeanSquaredError);
                let batch = Batch::new(&*x, Targets::Values(&*x)).unwrap();
                let mut rng = StdRng::seed_from_u64(1);
                let mut peer = SgemmAutoencoder::new();
                for _ in 0..3 {
                    let ours = net
                        .train_step(&batch, &cfg, &mut ws, &mut *adam, &mut rng)
                        .unwrap()
                        .loss;
                    let theirs = peer.step();
                    assert!(
                        (ours - theirs).abs() <= 1e-5 * ours.abs(),
                        "{ours} vs {theirs}"
                    );
                }
                for (i, layer) in peer.layers.iter().enumerate() {
                    let ours = net.layers.tensor(2 * i);
                    let worst = ours
                        .iter()
                        .zip(&layer.w)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0, f32::max);
                    // Three Adam steps move a weight by at most about 3 lr = 3e-3.
                    assert!(worst < 1e-5, "layer {i}: weights differ by {worst}");
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
