//! The Cortex-M4 int8 dense layer (ARMv7E-M with the DSP extension; built for the `eabihf`
//! Cortex-M target, the Cortex-M4F, as `cortex_m.rs` is).
//!
//! One row `x` through the layer in three steps:
//! 1. [`xbuf`]: `x` is sign-extended once per layer into int16 pairs on the stack (`SXTB16`),
//!    so that the dot-product loop loads four words of `x` (8 inputs) with one `LDM`;
//! 2. [`dot`]: four output channels at a time (then one at a time for the `O mod 4` last),
//!    two multiply-adds per `SMLAD`, 8 weights of a row per `LDRD` (two `LDR`s when the
//!    rows are not word-aligned); the accumulators start at the biases;
//! 3. [`stage`]: the output stage of TFLite's scheme in `asm!` (`QADD`, `SMMULR`,
//!    `QDADD`, `SSAT`), exact for the common case (`shift <= 0`, `|acc| < 2^30`, clamp
//!    `[-128, 127]` or the ReLU's `[z_y, 127]`); anything else sets the sticky `Q` flag or is
//!    known before, and the group is recomputed by the portable code (same bits).
//!
//! And [`relu`] (`QRelu`), four bytes per `SSUB8` + `SEL`.
//!
//! The integer sums wrap as the portable kernel's do (`SMLAD` only flags an overflow), so
//! every path gives the portable path's bits; `int8_kernel_check` (firmware) compares them
//! on the board for every remainder.

#[macro_use]
mod dot;
#[macro_use]
mod stage;
mod layer;
mod relu;
mod xbuf;

pub(crate) use relu::relu;

use super::int8::{Requant, dot as portable_dot};
use stage::Stage;
use xbuf::XBuf;

/// Whether the `asm!` loops take a layer of `I` inputs: the other rows of a group of four
/// are read at immediate offsets `I`, `2I`, `3I` (+4) from row 0's pointer, at most 4095.
pub(crate) const fn fits(inputs: usize) -> bool {
    3 * inputs + 4 <= 4095
}

/// One row through an int8 dense layer (see the [module](self)); layers wider than
/// [`fits`] take the portable path.
#[inline]
pub(crate) fn dense_row<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    if const { !fits(I) } {
        super::int8::dense_row_portable(x, w, r, y);
        return;
    }
    let stage = Stage::new(r);
    if !stage.ok() {
        // A clamp other than `[-128, 127]` or the ReLU's: the portable path.
        super::int8::dense_row_portable(x, w, r, y);
        return;
    }
    let xb = XBuf::new(x);
    // `LDRD` needs word-aligned rows, and its offsets are at most 1020.
    let aligned = I.is_multiple_of(4) && 3 * I <= 1020 && w.as_ptr().addr().is_multiple_of(4);
    stage::clear_q();
    // The variants as constants: no test per group.
    match (aligned, stage.relu()) {
        (true, true) => rows::<I, O, true, true>(&xb, x, w, r, stage, y),
        (true, false) => rows::<I, O, true, false>(&xb, x, w, r, stage, y),
        (false, true) => rows::<I, O, false, true>(&xb, x, w, r, stage, y),
        (false, false) => rows::<I, O, false, false>(&xb, x, w, r, stage, y),
    }
}

/// The rows of [`dense_row`]: `LDRD` (else `LDR`s) for the weights, `RELU` (else the clamp
/// `[-128, 127]`) in the output stage.
#[inline]
fn rows<const I: usize, const O: usize, const LDRD: bool, const RELU: bool>(
    xb: &XBuf<I>,
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    stage: Stage,
    y: &mut [i8; O],
) {
    if const { I.is_multiple_of(4) } {
        groups::<I, O, LDRD, RELU>(xb, x, w, r, stage, y);
    } else {
        let (wg, _) = w.as_chunks::<4>();
        let (yg, _) = y.as_chunks_mut::<4>();
        let (bg, _) = r.bias.as_chunks::<4>();
        let (mg, _) = r.multiplier.as_chunks::<4>();
        for (((g, yg), bg), mg) in wg.iter().zip(yg).zip(bg).zip(mg) {
            let acc = dot::dot4::<I, LDRD>(xb, x, g, bg);
            if !stage.finish4::<RELU>(acc, mg, yg) {
                // Rare (see the module): the portable output stage, same bits.
                *yg = core::array::from_fn(|k| r.finish(bg[k], mg[k], portable_dot(x, &g[k])));
                stage::clear_q();
            }
        }
    }
    let (_, w_rest) = w.as_chunks::<4>();
    let (_, y_rest) = y.as_chunks_mut::<4>();
    let (_, b_rest) = r.bias.as_chunks::<4>();
    let (_, m_rest) = r.multiplier.as_chunks::<4>();
    for (((wo, yo), &b), m) in w_rest.iter().zip(y_rest).zip(b_rest).zip(m_rest) {
        let acc = dot::dot1(xb, x, wo, b, LDRD);
        if !stage.finish1::<RELU>(acc, m, yo) {
            *yo = r.finish(b, *m, portable_dot(x, wo));
            stage::clear_q();
        }
    }
}

/// The groups of four rows of [`rows`] for `I mod 4 = 0`: one `asm!` block for all of them
/// ([`layer::groups4`]), re-entered after a group that needs the portable output stage.
#[inline]
fn groups<const I: usize, const O: usize, const LDRD: bool, const RELU: bool>(
    xb: &XBuf<I>,
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    stage: Stage,
    y: &mut [i8; O],
) {
    let n = O / 4;
    let mut g = 0;
    while g < n {
        let mut st = layer::State {
            xb: xb.as_ptr(),
            bias: r.bias.as_ptr().wrapping_add(4 * g),
            mp: r.multiplier.as_ptr().wrapping_add(4 * g),
            yp: y.as_mut_ptr().wrapping_add(4 * g),
            zp2: stage.zp2(),
            left: (n - g) as u32,
        };
        // SAFETY: `I mod 4 = 0`; groups `g..n` (`n - g >= 1`) of four rows start at row
        // `4 g` of `w`, with their biases, multipliers and outputs at `4 g` of `r`'s arrays
        // and `y` (each `O >= 4 n` long); `xb` is `x` unpacked; `LDRD` only if the caller
        // found the rows word-aligned with `3 I <= 1020`.
        unsafe {
            layer::groups4::<I, LDRD, RELU>(&mut st, w.as_ptr().wrapping_add(4 * g).cast::<i8>());
        }
        if st.left == 0 {
            return;
        }
        // Group `f` needs the portable output stage (rare, see the module); its outputs
        // were not written.
        let f = n - st.left as usize;
        let (wg, _) = w.as_chunks::<4>();
        let (yg, _) = y.as_chunks_mut::<4>();
        let (bg, _) = r.bias.as_chunks::<4>();
        let (mg, _) = r.multiplier.as_chunks::<4>();
        if let (Some(gw), Some(yo), Some(b), Some(m)) =
            (wg.get(f), yg.get_mut(f), bg.get(f), mg.get(f))
        {
            *yo = core::array::from_fn(|k| r.finish(b[k], m[k], portable_dot(x, &gw[k])));
        }
        stage::clear_q();
        g = f + 1;
    }
}
