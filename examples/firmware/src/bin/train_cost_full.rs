//! The measured training step of `Mlp::train_step` (the general step: any optimizer, L2; a
//! `Workspace` with every gradient): `Mlp<64, 32, 10>`, a batch of 8 digits, softmax
//! cross-entropy, SGD, the network and its workspace `static`s in RAM (no heap), the batch a
//! `static` in flash. Its 22.7 KB of static RAM fit the Cortex-M4F board only; `train_cost`
//! measures the lean step (`Mlp::train_step_lean`) on both boards.
//!
//! Runs `train_step_full_64_32_10` a few times from a random network and checks that the loss is
//! finite and goes down. `tools/firmware.sh` counts the instructions of each step with the
//! QEMU plugin, and reads `.bss` (the static RAM: network and workspace) and the stack this
//! prints. Built with `panic-is-link-error`: it links only if no panic is reachable.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Batch, Label, Loss, Matrix, Mlp, Result, Sgd, Targets, TrainConfig, Workspace};
use ctensor_firmware::generated::{TRAIN_DIGITS, TRAIN_LABELS};
use ctensor_firmware::shared::{self, D, K, SplitMix64, random_net, shape_seed};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// Hidden units and batch rows of the measured step.
const H: usize = 32;
const B: usize = 8;
/// Steps run.
const STEPS: usize = 4;

type Net = Mlp<D, H, K>;

/// The first `B` rows of the training batch.
const fn first_rows() -> ([[u8; D]; B], [u8; B]) {
    let mut x = [[0; D]; B];
    let mut y = [0; B];
    let mut i = 0;
    while i < B {
        x[i] = TRAIN_DIGITS[i];
        y[i] = TRAIN_LABELS[i];
        i += 1;
    }
    (x, y)
}

static X: Matrix<B, D> = shared::batch_inputs(&first_rows().0);
static Y: [Label<K>; B] = shared::labels(&first_rows().1);

/// One training step: the measured function.
#[unsafe(export_name = "train_step_full_64_32_10")]
#[inline(never)]
fn step(
    net: &mut Net,
    batch: &Batch<'_, B, D, K>,
    cfg: &TrainConfig,
    ws: &mut Workspace<B, D, H, K>,
    sgd: &mut Sgd,
    rng: &mut SplitMix64,
) -> Result<f32> {
    Ok(net.train_step(batch, cfg, ws, sgd, rng)?.loss)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    // In `.bss` (the workspace) and `.data` (the network's random start), not on the stack.
    static mut NET: Net = random_net(shape_seed(D, H, K));
    static mut WS: Workspace<B, D, H, K> = Workspace::zeros();
    let mut out = Out::new();
    let mut rng = SplitMix64(1);
    let ok = (|| -> Result<bool> {
        let batch = Batch::new(&X, Targets::Classes(&Y))?;
        let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
        let mut sgd = Sgd::new(0.1)?;
        let mut last = f32::INFINITY;
        let mut down = true;
        for _ in 0..STEPS {
            let loss = step(NET, black_box(&batch), &cfg, WS, &mut sgd, &mut rng)?;
            down &= loss.is_finite() && loss < last;
            last = loss;
        }
        Ok(down)
    })()
    .unwrap_or(false);
    out.str("train_cost_full: Mlp<64, 32, 10>, B = 8, SGD (Mlp::train_step) on ")
        .str(BOARD)
        .str(": loss finite and decreasing at every step: ")
        .str(if ok { "yes" } else { "no" })
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(ok)
}
