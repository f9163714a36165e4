//! The Cortex-M0 (ARMv6-M) int8 dense layer: `asm!` dot products tuned for Thumb-1 and a
//! 32-bit output stage, which `tools/firmware.sh` checks bit for bit against the host (the
//! CRC-32 of the digits model's int8 logits, `int8_kernel_check`, `int8_shapes`) and counts
//! in QEMU.
//!
//! **Dot products** ([`dot`]). Thumb-1's `ldrsb` has only the register-offset form, and
//! LLVM, short of low registers, spilled the accumulators of the safe loop to the stack (8
//! instructions per multiply-add). Here the base pointers point one past the end of `x` and
//! of the weight rows, one index register runs from `-I` up to 0 (its `adds` sets the flags
//! the loop branches on), and the accumulators live in high registers (`add r8, rX` takes
//! any register). Four rows per pass: `x`, four row bases, the index and two temporaries
//! are the eight low registers, so the block saves `r6` and `r7` (which `asm!` may not name)
//! on the stack. Per input:
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
//! `bne`); the rows left over go two at a time (8 per two) and one at a time (5 per one).
//! Products and sums wrap in `i32` as the portable kernel's do (`muls` and `add` are the low
//! 32 bits), so both give the same bits whenever the exact sum fits, which the layer's
//! checks guarantee.
//!
//! **Output stage** ([`requant`]): the Q31 multiply from four 16 x 16-bit products with a
//! two-word carry instead of `__aeabi_lmul`, then the rounding shift and the clamp, in a
//! straight line for every valid multiplier below 1.

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
    let (yg, y_rest) = y.as_chunks_mut::<4>();
    let (bg, b_rest) = r.bias.as_chunks::<4>();
    let (mg, m_rest) = r.multiplier.as_chunks::<4>();
    let zlh = group::pack(z, lo, hi);
    for (((g, yg), bg), mg) in wg.iter().zip(yg).zip(bg).zip(mg) {
        let p = group::Group {
            start: 0_i32.wrapping_sub_unsigned(I as u32),
            bias: bg.as_ptr(),
            multiplier: mg.as_ptr(),
            y: yg.as_mut_ptr(),
            zlh,
        };
        // SAFETY: `bg`, `mg` and `yg` are arrays of four (`yg` borrowed mutably, no other
        // reference to it is used while the block runs); `start` is `-I` (an array of `I`
        // bytes is far below 2^31 bytes on a 32-bit core, so it is exact).
        if unsafe { group::dot4_finish(x, g, &p) } {
            // A multiplier off the straight line: those channels in Rust (rare: `M >= 1`).
            for k in 0..4 {
                if !requant::straight(mg[k]) {
                    yg[k] = out(bg[k], mg[k], dot(x, &g[k]));
                }
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
