//! The Cortex-M4 int8 dense layer (ARMv7E-M with the DSP extension; built for the `eabihf`
//! Cortex-M target, the Cortex-M4F, as `cortex_m.rs` is).
//!
//! One row `x` through the layer in one `asm!` block ([`layer`]):
//! 1. [`xbuf`]: `x` is sign-extended into int16 pairs in the block's stack frame (`SXTB16`),
//!    so that the passes load four words of `x` (8 inputs) with one `LDM`;
//! 2. [`dot`]: four output channels at a time, then the `O mod 4` last ones together
//!    ([`tail`]), two multiply-adds per `SMLAD`, 8 weights of a row per `LDRD` (two `LDR`s
//!    when the rows are not word-aligned), the last `I mod 4` inputs in a last word read
//!    inside the row (or, for one input, one `LDRSB` and `SMLABT` a row); the accumulators
//!    start at the biases;
//! 3. [`stage`]: the output stage of TFLite's scheme (`QADD`, `SMMULR`, `QDADD`, `SSAT`),
//!    exact for the common case (`shift <= 0`, `|acc| < 2^30`, clamp `[-128, 127]` or the
//!    ReLU's `[z_y, 127]`); anything else sets the sticky `Q` flag or is known before, and
//!    the group (or the last rows) is recomputed by the portable code (same bits), the block
//!    re-entered for the groups after it.
//!
//! Layers of fewer than 4 inputs, too wide for the offsets ([`fits`]), or with another
//! clamp take the portable path. And [`relu`] (`QRelu`), four bytes per `SSUB8` + `SEL`.
//!
//! The integer sums wrap as the portable kernel's do (`SMLAD` only flags an overflow), so
//! every path gives the portable path's bits; `int8_kernel_check` (firmware) compares them
//! on the board for every remainder.

#[macro_use]
mod dot;
#[macro_use]
mod stage;
#[macro_use]
mod tail;
#[macro_use]
mod xbuf;
mod layer;
mod relu;

pub(crate) use relu::relu;

use super::int8::{Requant, dense_row_portable, dot as portable_dot};
use crate::quant::requant::QuantizedMultiplier;

/// Whether the `asm!` loops take a layer of `I` inputs: the other rows of a group of four
/// are read at immediate offsets up to `3 I + 4` from row 0's pointer, at most 4095.
pub(crate) const fn fits(inputs: usize) -> bool {
    3 * inputs + 4 <= 4095
}

/// One row through an int8 dense layer (see the [module](self)); layers of fewer than 4
/// inputs or wider than [`fits`], and clamps other than `[-128, 127]` and a ReLU's, take
/// the portable path.
#[inline]
pub(crate) fn dense_row<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    if const { I < 4 || !fits(I) } {
        dense_row_portable(x, w, r, y);
        return;
    }
    let Some(relu) = stage::relu(r) else {
        dense_row_portable(x, w, r, y);
        return;
    };
    // `LDRD` needs word-aligned rows (and offsets up to 1020: `dot::use_ldrd`).
    let aligned = I.is_multiple_of(4) && w.as_ptr().addr().is_multiple_of(4);
    stage::clear_q();
    // The variants as constants: no test per group.
    match (aligned, relu) {
        (true, true) => rows::<I, O, true, true>(x, w, r, y),
        (true, false) => rows::<I, O, true, false>(x, w, r, y),
        (false, true) => rows::<I, O, false, true>(x, w, r, y),
        (false, false) => rows::<I, O, false, false>(x, w, r, y),
    }
}

/// The rows of [`dense_row`] (`4 <= I`, [`fits`]): one `asm!` block ([`layer::layer`]),
/// re-entered after a group that needs the portable output stage ([`group_portable`]; the
/// block appears once in the code); `LDRD` (else `LDR`s) for the weights, `RELU` (else the
/// clamp `[-128, 127]`) in the output stage.
#[inline]
fn rows<const I: usize, const O: usize, const LDRD: bool, const RELU: bool>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    let mut g = 0;
    loop {
        let t = 4 * g;
        // SAFETY: `4 <= I`, `fits(I)` (checked by `dense_row`); the `O / 4 - g` groups of
        // four rows from row `4 g` of `w` (contiguous rows of `I` bytes; `g < O / 4`, or
        // `g = 0` and a count of 0 when `O < 4`) and the `O mod 4` rows after them, the
        // last of `w`, with their biases, multipliers (word-aligned: two `i32`s) and outputs
        // at `4 g` of `r`'s arrays and `y` (each `O` long); `LDRD` only if `dense_row` found
        // the rows word-aligned with `I mod 4 = 0`.
        let (left, q) = unsafe {
            layer::layer::<I, O, LDRD, RELU>(
                x,
                w.as_ptr().wrapping_add(t).cast::<i8>(),
                r.bias.as_ptr().wrapping_add(t),
                r.multiplier.as_ptr().wrapping_add(t),
                y.as_mut_ptr().wrapping_add(t),
                O / 4 - g,
                stage::zp2(r),
            )
        };
        if left == 0 {
            if !O.is_multiple_of(4) && q != 0 {
                tail_portable(x, w, Parts::of(r), y);
            }
            return;
        }
        // Group `f` needs the portable output stage (rare, see the module); nothing of it
        // or after it was stored.
        let f = O / 4 - left;
        group_portable(x, w, Parts::of(r), y, f);
        if f + 1 >= O / 4 {
            tail_portable(x, w, Parts::of(r), y);
            return;
        }
        g = f + 1;
    }
}

/// Group `f` by the portable code (it needs the portable output stage, rare: see the
/// module).
#[cold]
#[inline(never)]
fn group_portable<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    p: Parts<'_, O>,
    y: &mut [i8; O],
    f: usize,
) {
    let r = &p.requant();
    let (wg, _) = w.as_chunks::<4>();
    let (yg, _) = y.as_chunks_mut::<4>();
    let (bg, _) = r.bias.as_chunks::<4>();
    let (mg, _) = r.multiplier.as_chunks::<4>();
    if let (Some(gw), Some(yo), Some(b), Some(m)) = (wg.get(f), yg.get_mut(f), bg.get(f), mg.get(f))
    {
        *yo = core::array::from_fn(|k| r.finish(b[k], m[k], portable_dot(x, &gw[k])));
    }
    stage::clear_q();
}

/// The `O mod 4` last rows by the portable code (after the last group fell back, or when
/// they need its output stage, rare: see the module).
#[cold]
#[inline(never)]
fn tail_portable<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    p: Parts<'_, O>,
    y: &mut [i8; O],
) {
    let r = &p.requant();
    let (_, w_rest) = w.as_chunks::<4>();
    let (_, y_rest) = y.as_chunks_mut::<4>();
    let (_, b_rest) = r.bias.as_chunks::<4>();
    let (_, m_rest) = r.multiplier.as_chunks::<4>();
    for (((wo, yo), &b), &m) in w_rest.iter().zip(y_rest).zip(b_rest).zip(m_rest) {
        *yo = r.finish(b, m, portable_dot(x, wo));
    }
    stage::clear_q();
}

/// A [`Requant`] of the `asm!` paths (upper bound 127) as two pointers and two bytes, which
/// a call passes in registers (a `&Requant` would make the caller store one on its stack
/// even when the cold paths are not taken).
#[derive(Clone, Copy)]
struct Parts<'a, const O: usize> {
    /// `Requant::bias` and `Requant::multiplier`.
    arrays: (&'a [i32; O], &'a [QuantizedMultiplier; O]),
    /// `Requant::zero_point` and `Requant::min`.
    bytes: (i8, i8),
}

impl<'a, const O: usize> Parts<'a, O> {
    /// `r`'s parts (`r.max` is 127 on the `asm!` paths: `stage::relu`).
    #[inline]
    fn of(r: &Requant<'a, O>) -> Self {
        Self {
            arrays: (r.bias, r.multiplier),
            bytes: (r.zero_point, r.min),
        }
    }

    /// The `Requant` again.
    #[inline]
    fn requant(self) -> Requant<'a, O> {
        Requant {
            bias: self.arrays.0,
            multiplier: self.arrays.1,
            zero_point: self.bytes.0,
            min: self.bytes.1,
            max: i8::MAX,
        }
    }
}
