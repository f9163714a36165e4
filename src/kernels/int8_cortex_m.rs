//! The Cortex-M0 (ARMv6-M) int8 dense layer: `asm!` tuned for Thumb-1, which
//! `tools/firmware.sh` checks bit for bit against the host (the CRC-32 of the digits model's
//! int8 logits, `int8_kernel_check`, `int8_shapes`) and counts in QEMU.
//!
//! **Dot products.** Thumb-1's `ldrsb` has only the register-offset form, and LLVM, short of
//! low registers, spilled the accumulators of the safe loop to the stack (8 instructions per
//! multiply-add). Here the base pointers point one past the end of `x` and of the weight
//! rows, one index register runs from `-I` up to 0 (its `adds` sets the flags the loop
//! branches on), and the accumulators live in high registers (`add r8, rX` takes any
//! register). Four rows per pass ([`group`]): `x`, four row bases, the index and two
//! temporaries are the eight low registers, so the block saves `r6` and `r7` (which `asm!`
//! may not name) on the stack. Per input:
//!
//! ```text
//!     ldrsb r6, [r0, r5]     x[i]
//!     ldrsb r7, [r1, r5]     w0[i]
//!     muls  r7, r6, r7
//!     add   r8, r7           acc0 += x[i] w0[i]
//!     ...                    the same for w1, w2, w3 (r2, r3, r4; r9, r10, r12)
//!     adds  r5, #1
//! ```
//!
//! 14 instructions per four multiply-adds, four inputs per pass of the loop (57 with its
//! `bne`: 3.56 per multiply-add); the rows left over go two at a time (8 instructions per
//! input) and one at a time (5), [`dot`]. Products and sums wrap in `i32` as the portable
//! kernel's do (`muls` and `add` are the low 32 bits), so both give the same bits whenever
//! the exact sum fits, which the layer's checks guarantee (and for any constants: the
//! portable sums wrap the same way).
//!
//! **Output stage** ([`requant`]): the Q31 multiply from four 16 x 16-bit products with a
//! two-word carry (22 instructions) instead of `__aeabi_lmul`, the rounding shift in five,
//! the zero point and clamp, in a straight line for every valid multiplier below 1. In a
//! group of four it runs in the same `asm!` block as the dot products (accumulators
//! starting at the biases, no trip through the stack): about 48 instructions per output.

#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
mod dot;
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
mod group;
mod requant;

#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
use super::int8::{Requant, dot};

/// One row through an int8 dense layer on the Cortex-M0: the same bits as the portable
/// [`dense_row`](super::int8::dense_row). Output channels four at a time (each load of `x`
/// serves four rows; dot products and output stage in one `asm!` block), then a pair and a
/// single for the rest.
///
/// # Panics
/// If `r.min > r.max` (as the portable path's `clamp`).
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
#[inline]
pub(crate) fn dense_row<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    let (z, lo, hi) = (r.zero_point, r.min, r.max);
    assert!(lo <= hi, "the clamp's lower bound is above its upper bound");
    let out = |b: i32, m, d: i32| requant::finish(b.wrapping_add(d), m, z, lo, hi);
    // `as_chunks`: groups and the rest, with no bounds check and no panic path.
    let (wg, w_rest) = w.as_chunks::<4>();
    let mut p = group::Group {
        start: 0_i32.wrapping_sub_unsigned(I as u32),
        bias: r.bias.as_ptr(),
        multiplier: r.multiplier.as_ptr(),
        y: y.as_mut_ptr(),
        zlh: group::pack(z, lo, hi),
    };
    let mut flagged = false;
    for g in wg {
        // SAFETY: `wg` has `O / 4` groups; before the call for group `j`, the record's
        // pointers are the arrays' starts advanced by `4 j` elements (each call advances
        // them by four), so they point to channels `4 j..4 j + 4`, inside `bias`,
        // `multiplier` (borrowed from `r`) and `y` (borrowed mutably, and not used otherwise
        // until the loop ends). `start` is `-I` (an array of `I` bytes is far below 2^31
        // bytes on a 32-bit core, so it is exact).
        flagged |= unsafe { group::dot4_finish(x, g, &mut p) };
    }
    let (yg, y_rest) = y.as_chunks_mut::<4>();
    let (bg, b_rest) = r.bias.as_chunks::<4>();
    let (mg, m_rest) = r.multiplier.as_chunks::<4>();
    if flagged {
        // Multipliers off the straight line (rare: `M >= 1`): those channels in Rust.
        let channels = wg.as_flattened().iter().zip(yg.as_flattened_mut());
        for ((wo, yo), (&b, &m)) in channels.zip(bg.as_flattened().iter().zip(mg.as_flattened())) {
            if !requant::straight(m) {
                *yo = out(b, m, dot(x, wo));
            }
        }
    }
    let (wp, w1) = w_rest.as_chunks::<2>();
    let (yp, y1) = y_rest.as_chunks_mut::<2>();
    let (bp, b1) = b_rest.as_chunks::<2>();
    let (mp, m1) = m_rest.as_chunks::<2>();
    for (((g, yp), bp), mp) in wp.iter().zip(yp).zip(bp).zip(mp) {
        let d = dot::dot2(x, &g[0], &g[1]);
        for k in 0..2 {
            yp[k] = out(bp[k], mp[k], d[k]);
        }
    }
    for (((wo, yo), &b), &m) in w1.iter().zip(y1).zip(b1).zip(m1) {
        *yo = out(b, m, dot::dot1(x, wo));
    }
}
