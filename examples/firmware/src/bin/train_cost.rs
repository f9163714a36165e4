//! The measured training step, on both boards: `Mlp<64, 32, 10>`, a batch of 8 digits,
//! softmax cross-entropy, SGD with the lean step (`Mlp::train_step_lean`: forward, backward
//! and update with no stored weight gradient; every product on the Cortex-M kernels), the
//! network (9,640 B) and its `LeanWorkspace` (2,856 B) `static`s in RAM, the batch a `static`
//! in flash. Fits the micro:bit's 16 KiB of RAM.
//!
//! Runs `train_step_lean_64_32_10` four times from a random network and checks that the loss
//! is finite and goes down at every step, and that the losses and the weights after the steps
//! are the host's bit for bit (`build.rs` runs the same steps with the host's `no_std` build;
//! every product sums in the definition's order on both). `tools/firmware.sh` counts the
//! instructions of each step with the QEMU plugin, and reads the static RAM (`.data` +
//! `.bss`) and the stack this prints. Built with `panic-is-link-error`: it links only if no
//! panic is reachable.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Batch, Label, Matrix, Result, Sgd, TrainConfig};
use ctensor_firmware::generated::{COST_EXPECTED, COST_LOSS_BITS, TRAIN_DIGITS, TRAIN_LABELS};
use ctensor_firmware::shared::{
    self, COST_B, COST_H, COST_STEPS, CostNet, CostWorkspace, D, K, SplitMix64, random_net,
    shape_seed,
};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// The first `COST_B` rows of the training batch.
const fn first_rows() -> ([[u8; D]; COST_B], [u8; COST_B]) {
    let mut x = [[0; D]; COST_B];
    let mut y = [0; COST_B];
    let mut i = 0;
    while i < COST_B {
        x[i] = TRAIN_DIGITS[i];
        y[i] = TRAIN_LABELS[i];
        i += 1;
    }
    (x, y)
}

static X: Matrix<COST_B, D> = shared::batch_inputs(&first_rows().0);
static Y: [Label<K>; COST_B] = shared::labels(&first_rows().1);

/// The host's weights after the same steps, in flash.
static EXPECTED: CostNet = match CostNet::from_bytes_const(COST_EXPECTED) {
    Ok(net) => net,
    Err(_) => panic!("build.rs wrote a bad weights file"),
};

/// One training step: the measured function.
#[unsafe(export_name = "train_step_lean_64_32_10")]
#[inline(never)]
fn step(
    net: &mut CostNet,
    batch: &Batch<'_, COST_B, D, K>,
    cfg: &TrainConfig,
    ws: &mut CostWorkspace,
    sgd: &Sgd,
    rng: &mut SplitMix64,
) -> Result<f32> {
    Ok(net
        .train_step_lean(black_box(batch), cfg, ws, sgd, rng)?
        .loss)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    // In `.data` (the network's random start) and `.bss` (the workspace), not on the stack.
    static mut NET: CostNet = random_net(shape_seed(D, COST_H, K));
    static mut WS: CostWorkspace = CostWorkspace::zeros();
    let mut out = Out::new();
    let mut losses = [0.0f32; COST_STEPS];
    let ran = shared::cost_run(NET, WS, &X, &Y, &mut losses, step).is_ok();
    let mut down = ran;
    let mut last = f32::INFINITY;
    let mut same_losses = 0u32;
    for (&loss, &host) in losses.iter().zip(&COST_LOSS_BITS) {
        down &= loss.is_finite() && loss < last;
        last = loss;
        same_losses += u32::from(loss.to_bits() == host);
    }
    let (mut n, mut identical) = (0u32, 0u32);
    for (device, host) in NET.tensors().into_iter().zip(EXPECTED.tensors()) {
        for (&d, &h) in device.iter().zip(host) {
            n += 1;
            identical += u32::from(d.to_bits() == h.to_bits());
        }
    }
    let same = ran && identical == n && same_losses == COST_STEPS as u32;
    out.str("train_cost: Mlp<64, 32, 10>, B = 8, lean SGD step on ")
        .str(BOARD)
        .str(": loss finite and decreasing at every step: ")
        .str(if down { "yes" } else { "NO" })
        .str("; losses bit-identical to the host's: ")
        .u32(same_losses)
        .str("/")
        .u32(COST_STEPS as u32)
        .str("; weights bit-identical to the host's: ")
        .u32(identical)
        .str("/")
        .u32(n)
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(down && same)
}
