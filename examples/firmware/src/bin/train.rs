//! On-device training: Glorot initialization and 8 steps of full-batch SGD of an
//! `Mlp<64, 8, 10>` on 16 digits, with no heap (the network and its workspace are `static`s in
//! RAM, the batch a `static` in flash). The host (`build.rs`) runs the same code
//! (`src/shared.rs`) with the same `libm`; the device checks that its loss goes down at every
//! step and that its weights match the host's within the tolerance below, and prints how many
//! are bit-identical. Built with the `panic-is-link-error` feature: it links only if no panic
//! is reachable, in the training step (`Mlp::train_step`) as in the rest of the image.
#![no_std]
#![no_main]

use ctensor::{Label, Matrix, Mlp};
use ctensor_firmware::generated::{TRAIN_DIGITS, TRAIN_EXPECTED, TRAIN_LABELS, TRAIN_LOSS_BITS};
use ctensor_firmware::shared::{
    self, D, K, TRAIN_B, TRAIN_H, TRAIN_STEPS, TrainNet, TrainWorkspace,
};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// Largest accepted difference between a device weight and the host's: `TOLERANCE` absolute.
/// Both sides run the same operations in the same order with the same `libm` `expf`, so the
/// expected difference is zero; the tolerance allows for last-bit differences of a
/// different math library or a fused multiply-add on one side only.
const TOLERANCE: f32 = 1e-5;

/// The training batch, scaled at compile time: in flash.
static X: Matrix<TRAIN_B, D> = shared::batch_inputs(&TRAIN_DIGITS);
static Y: [Label<K>; TRAIN_B] = shared::labels(&TRAIN_LABELS);

/// The host's weights after the same run.
static EXPECTED: Mlp<D, TRAIN_H, K> = match TrainNet::from_bytes_const(TRAIN_EXPECTED) {
    Ok(net) => net,
    Err(_) => panic!("build.rs wrote a bad weights file"),
};

#[cortex_m_rt::entry]
fn main() -> ! {
    // In `.bss`: never on the stack, never moved.
    static mut NET: TrainNet = TrainNet::zeros();
    static mut WS: TrainWorkspace = TrainWorkspace::zeros();
    let mut out = Out::new();
    out.str("train on ")
        .str(BOARD)
        .str(": Mlp<64, 8, 10>, batch of 16 digits, SGD lr 0.5")
        .nl();

    let mut losses = [0.0f32; TRAIN_STEPS];
    if shared::train(NET, WS, &X, &Y, &mut losses).is_err() {
        out.str("training failed").nl();
        exit(false);
    }

    let mut decreasing = true;
    let mut losses_identical = 0u32;
    for (step, (&loss, &host)) in losses.iter().zip(&TRAIN_LOSS_BITS).enumerate() {
        // Strictly lower than the step before (a NaN is not).
        if step > 0 && losses[step - 1].partial_cmp(&loss) != Some(core::cmp::Ordering::Greater) {
            decreasing = false;
        }
        losses_identical += u32::from(loss.to_bits() == host);
        out.str("step ")
            .u32(step as u32 + 1)
            .str(": loss x 1e6 = ")
            .u32((loss * 1e6) as u32)
            .str(" (host ")
            .u32((f32::from_bits(host) * 1e6) as u32)
            .str(if loss.to_bits() == host {
                ", same bits)"
            } else {
                ", other bits)"
            })
            .nl();
    }

    let (mut n, mut identical, mut max_ulps, mut within) = (0u32, 0u32, 0u32, true);
    for (device, host) in NET.tensors().into_iter().zip(EXPECTED.tensors()) {
        for (&d, &h) in device.iter().zip(host) {
            n += 1;
            identical += u32::from(d.to_bits() == h.to_bits());
            max_ulps = max_ulps.max(
                (d.to_bits() as i32)
                    .wrapping_sub(h.to_bits() as i32)
                    .unsigned_abs(),
            );
            within &= (d - h).abs() <= TOLERANCE;
        }
    }
    out.str("weights: ")
        .u32(identical)
        .str("/")
        .u32(n)
        .str(" bit-identical to the host's, max difference ")
        .u32(max_ulps)
        .str(" ulp, all within 1e-5: ")
        .str(if within { "yes" } else { "NO" })
        .nl()
        .str("loss decreasing at every step: ")
        .str(if decreasing { "yes" } else { "NO" })
        .str("; losses bit-identical: ")
        .u32(losses_identical)
        .str("/")
        .u32(TRAIN_STEPS as u32)
        .str("; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(decreasing && within)
}
