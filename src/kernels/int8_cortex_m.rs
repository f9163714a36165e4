//! The Cortex-M0 (ARMv6-M) int8 dense layer: `asm!` tuned for Thumb-1, which
//! `tools/firmware.sh` checks bit for bit against the host (the CRC-32 of the digits model's
//! int8 logits, `int8_kernel_check`, `int8_shapes`) and counts in QEMU.
//!
//! **Dot products.** Thumb-1's `ldrsb` has only the register-offset form, and LLVM, short of
//! low registers, spilled the accumulators of the safe loop to the stack (8 instructions per
//! multiply-add). Here the base pointers point one past the end of `x` and of the weight
//! rows, one index register runs from `-I` up to 0 (its `adds` sets the flags the loop
//! branches on), and the accumulators live in high registers (`add r8, rX` takes any
//! register). Up to four rows per pass ([`group`]): `x`, four row bases, the index and two
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
//! `bne`: 3.56 per multiply-add), the first `I % 4` inputs before the loop. The channels
//! left over after the groups of four (`O % 4`) take the same block with one to three rows
//! (11, 8 or 5 instructions per input) and the same output stage. Products and sums wrap in
//! `i32` as the portable kernel's do (`muls` and `add` are the low 32 bits), so both give
//! the same bits whenever the exact sum fits, which the layer's checks guarantee (and for
//! any constants: the portable sums wrap the same way).
//!
//! **Output stage** ([`requant`]): the Q31 multiply from four 16 x 16-bit products of the
//! accumulator and `2 q` with a two-word carry (20 instructions) instead of
//! `__aeabi_lmul`, the rounding shift in five, the zero point and the clamp to
//! `[lo, 127]`, in a straight line for every valid multiplier below 1, in the same `asm!`
//! block as the dot products (accumulators starting at the biases, no trip through the
//! stack): 37 instructions per output when nothing clamps. An upper bound below 127 (not
//! one `QDense` uses) is applied afterwards (`min(y, hi)` is the same clamp for
//! `lo <= hi`).

#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
mod group;
mod requant;

#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
use super::int8::{Requant, dot};

/// One row through an int8 dense layer on the Cortex-M0: the same bits as the portable
/// [`dense_row`](super::int8::dense_row). Output channels four at a time (each load of `x`
/// serves four rows; dot products and output stage in one `asm!` block), then the one to
/// three left over in one block of that many rows.
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
    let mut p = group::Group {
        start: 0_i32.wrapping_sub_unsigned(I as u32),
        bias: r.bias.as_ptr(),
        multiplier: r.multiplier.as_ptr(),
        y: y.as_mut_ptr(),
        flag: 0,
    };
    let (zw, low) = (i32::from(z), i32::from(lo));
    // `as_chunks`: groups of 4, then at most one of 3, 2 or 1 (`O % 4` is a constant), with
    // no bounds check and no panic path.
    let (w4, rest) = w.as_chunks::<4>();
    let (w3, rest) = rest.as_chunks::<3>();
    let (w2, w1) = rest.as_chunks::<2>();
    let (w1, _) = w1.as_chunks::<1>();
    // SAFETY: (the four loops) the groups cover channels `0..O` in order, each call
    // advancing the record's pointers by its `G`; before the call for the group of
    // channels `c..c + G`, they are the arrays' starts advanced by `c` elements, so they
    // point to channels `c..c + G`, inside `bias`, `multiplier` (borrowed from `r`) and
    // `y` (borrowed mutably, and not used otherwise until the loops end). `start` is `-I`
    // (an array of `I` bytes is far below 2^31 bytes on a 32-bit core, so it is exact),
    // `zw` and `low` are `i8`s.
    for g in w4 {
        // SAFETY: see the comment above the four loops.
        unsafe { group::dot_finish4(x, g, &mut p, zw, low) };
    }
    for g in w3 {
        // SAFETY: see the comment above the four loops.
        unsafe { group::dot_finish3(x, g, &mut p, zw, low) };
    }
    for g in w2 {
        // SAFETY: see the comment above the four loops.
        unsafe { group::dot_finish2(x, g, &mut p, zw, low) };
    }
    for g in w1 {
        // SAFETY: see the comment above the four loops.
        unsafe { group::dot_finish1(x, g, &mut p, zw, low) };
    }
    if p.flag != 0 || hi < i8::MAX {
        rare(x, w, r, y);
    }
}

/// The rare cases of [`dense_row`], out of line: the channels whose multiplier is off the
/// straight line (`M >= 1`, invalid fields), which the `asm!` left unwritten, in Rust; then
/// an upper bound below 127 (`clamp(v, lo, hi) = min(clamp(v, lo, 127), hi)` for
/// `lo <= hi`).
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
#[cold]
#[inline(never)]
fn rare<const I: usize, const O: usize>(
    x: &[i8; I],
    w: &[[i8; I]; O],
    r: &Requant<'_, O>,
    y: &mut [i8; O],
) {
    let (z, lo, hi) = (r.zero_point, r.min, r.max);
    let constants = r.bias.iter().zip(r.multiplier);
    for ((wo, yo), (&b, &m)) in w.iter().zip(y.iter_mut()).zip(constants) {
        if !requant::straight(m) {
            *yo = requant::finish(b.wrapping_add(dot(x, wo)), m, z, lo, hi);
        }
        *yo = (*yo).min(hi);
    }
}
