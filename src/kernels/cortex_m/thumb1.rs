//! The Cortex-M0 (ARMv6-M, Thumb-1) row loop of [`soft`](super::soft): `acc[j] += x * w[j]`
//! for a normal `x`, each product and each sum rounded to `f32` (to nearest, ties to even),
//! in one naked function written for Thumb-1.
//!
//! The compiler's loop (the same algorithm, [`Factor::mul_add_to`] inlined) spilled most of
//! its values: Thumb-1 has eight low registers, and `muls`, `orrs`, `adcs` take no others.
//! Here the factor's constants live in high registers (`r8` its significand, `r9` and `r10`
//! its top 8 and low 16 bits, `r11` its exponent term, `lr` the end of the row), `x` itself
//! in the one stack slot, and `r0`-`r7` hold the pointers and the temporaries.
//!
//! The loop computes only the common case, as `soft_float` does: `w` normal, the product
//! normal and not near overflow, `acc` zero or normal, the sum normal and not near overflow.
//! At anything else it stops before writing that element and returns how many elements
//! remain (that one included): [`axpy`] computes it with [`Factor::mul_add_to`] (which gives
//! the rare cases to the compiler's `f32` routines) and calls the loop again for the rest.
//! Every result is IEEE 754's: the product's 48 bits are three 32-bit `muls` (16-bit halves),
//! its rounding keeps a sticky bit for what lies below the rounding bit, and the sum aligns
//! the smaller operand with six guard bits and a sticky bit (the arithmetic of
//! `soft_float`, which the host's tests check against native `f32`; the boards'
//! `kernel_check` checks this loop against the compiler's `f32` on random and edge values).
//!
//! Per multiply-add of the common case: about 75 instructions, against 95 for the
//! compiler's loop.

use super::soft_float::Factor;

/// `acc[j] += x * w[j]` for every `j`, as [`Factor::mul_add_to`] for each, if `x` is normal
/// (`true`); else nothing (`false`). The Thumb-1 loop for the common case, then the
/// element it stopped at in Rust, and so on.
#[inline(always)]
pub(super) fn axpy(x: f32, w: &[f32], acc: &mut [f32]) -> bool {
    let bits = x.to_bits();
    if ((bits >> 23) & 0xff).wrapping_sub(1) >= 254 {
        return false;
    }
    let n = w.len().min(acc.len());
    let mut i = 0;
    while i < n {
        let rest = n - i;
        // SAFETY: `i < n`, so `w.as_ptr().add(i)` and `acc.as_mut_ptr().add(i)` point into
        // `w` and `acc`, each with `rest` elements from there to its end (`n` is the shorter
        // length). `row` reads `w` and reads and writes `acc` only at those `rest` elements,
        // and `x` is normal (tested above). `acc` is borrowed mutably: nothing else reads or
        // writes it meanwhile.
        let left = unsafe { row(bits, w.as_ptr().add(i), acc.as_mut_ptr().add(i), rest) };
        // `left <= rest` (and `min` keeps it so): element `i` is the first one not done.
        i = n - left.min(rest);
        if let (Some(a), Some(&w)) = (acc.get_mut(i), w.get(i)) {
            rare(x, a, w);
        }
        i += 1;
    }
    true
}

/// `*acc += x * w` by [`Factor::mul_add_to`] (`x` normal), out of line: the element the
/// Thumb-1 loop leaves (`w`, the product, `acc` or the sum not the common case).
#[cold]
#[inline(never)]
fn rare(x: f32, acc: &mut f32, w: f32) {
    if let Some(f) = Factor::new(x) {
        f.mul_add_to(acc, w);
    }
}

/// `acc[j] += x * w[j]` for `j` in `0..n` (`x` given by its bits, normal), until the first
/// `j` that is not the common case; returns `n - j` for that `j` (`acc[j]` not written), or
/// 0 when all are done. `n == 0` returns 0 and touches nothing.
///
/// # Safety
///
/// `w` must be valid for reads and `acc` for reads and writes of `n` `f32`s each, `acc` not
/// aliased meanwhile, and `x` a normal `f32` (biased exponent in `1..=254`).
///
/// What each pointer may reach: `r0` walks `w` from `w` to `w + n` (`ldm r0!` reads
/// `w[j]` only while `r0 < w + n`: the loop ends when `r0` reaches `lr = w + n`); `r1` walks
/// `acc` in step (`ldr [r1]` and `stm r1!` at `acc[j]` for the same `j`, written only after
/// `w[j]`'s element is complete). The stack: the saved registers and `x`, popped on return.
#[unsafe(naked)]
unsafe extern "C" fn row(x: u32, w: *const f32, acc: *mut f32, n: usize) -> usize {
    core::arch::naked_asm!(
        // Save r4-r11 and lr; x at [sp].
        "push {{r4, r5, r6, r7, lr}}",
        "mov r4, r8",
        "mov r5, r9",
        "mov r6, r10",
        "mov r7, r11",
        "push {{r4, r5, r6, r7}}",
        "push {{r0}}",
        "cmp r3, #0",
        "beq 99f",
        // The factor: r8 = m (24-bit significand), r9 = m >> 16, r10 = m & 0xffff,
        // r11 = e_x - 126 (the product's `f = e - 1` when its significands' product >= 2).
        "lsls r4, r0, #9",
        "lsrs r4, r4, #9",
        "movs r5, #1",
        "lsls r5, r5, #23",
        "adds r4, r4, r5",
        "mov r8, r4",
        "lsrs r5, r4, #16",
        "mov r9, r5",
        "uxth r5, r4",
        "mov r10, r5",
        "lsls r5, r0, #1",
        "lsrs r5, r5, #24",
        "subs r5, #126",
        "mov r11, r5",
        // lr = w + n (the end), r0 = w, r1 = acc.
        "lsls r3, r3, #2",
        "adds r3, r3, r1",
        "mov lr, r3",
        "mov r0, r1",
        "mov r1, r2",
        "b 2f",
        // ---- the end: r0 = how many are left (the current element, at r0 - 4, included)
        "90:",
        "subs r0, #4",
        "mov r2, lr",
        "subs r0, r2, r0",
        "lsrs r0, r0, #2",
        "b 98f",
        "99:",
        "movs r0, #0",
        "98:",
        "add sp, #4",
        "pop {{r4, r5, r6, r7}}",
        "mov r8, r4",
        "mov r9, r5",
        "mov r10, r6",
        "mov r11, r7",
        "pop {{r4, r5, r6, r7, pc}}",
        "80:",                // the product rounded up to 2^24 = 2^23 2^1
        "movs r5, #1",
        "lsls r5, r5, #23",
        "adds r3, #1",
        "b 5f",
        // ---- the loop: r2 = w's bits
        "2:",
        "ldm r0!, {{r2}}",
        "lsls r3, r2, #1",
        "lsrs r3, r3, #24",
        "subs r3, #1",
        "cmp r3, #253",
        "bhi 90b", // w zero, subnormal, infinite or NaN
        // P = m (w_hi 2^16 + w_lo) = (m w_hi + x_hi w_lo) 2^16 + x_lo w_lo.
        "uxth r4, r2",        // w_lo
        "mov r5, r9",
        "muls r5, r4, r5",    // x_hi w_lo
        "mov r6, r10",
        "muls r4, r6, r4",    // x_lo w_lo
        "lsls r6, r2, #9",
        "lsrs r6, r6, #25",
        "adds r6, #128",      // w_hi
        "mov r7, r8",
        "muls r6, r7, r6",    // m w_hi
        "adds r5, r5, r6",
        "lsrs r6, r4, #16",
        "add r3, r11",        // f if P >= 2^47
        "adds r5, r5, r6",    // t = floor(P / 2^16), in [2^30, 2^32)
        "bmi 3f",
        "lsls r5, r5, #1",    // P < 2^47: t's top bit to bit 31
        "subs r3, #1",
        "3:",
        // Round t to its top 24 bits; x_lo w_lo's low 16 bits stick (any bits of 6..0).
        "movs r7, #0x7f",
        "lsls r4, r4, #16",
        "beq 4f",
        "orrs r5, r7",
        "4:",
        "lsrs r6, r5, #9",    // C = bit 8, the lowest kept
        "adcs r5, r7",        // + 0x7f + C: carries iff above half, or half and odd
        "bcs 80b",            // rounded up to 2^24
        "lsrs r5, r5, #8",    // p in [2^23, 2^24)
        "5:",
        "cmp r3, #252",
        "bhi 90b", // the product subnormal, or near overflow
        "ldr r6, [sp]",
        "eors r2, r6",        // bit 31: the product's sign
        // acc: r4 = its bits, r7 = f_a = e_a - 1, r6 = |acc|.
        "ldr r4, [r1]",
        "lsls r6, r4, #1",
        "beq 20f",            // +-0 + p = p
        "lsrs r7, r6, #24",
        "subs r7, #1",
        "cmp r7, #253",
        "bhi 90b", // acc subnormal, infinite or NaN
        "lsrs r6, r6, #1",
        "eors r4, r2",
        "bmi 40f",            // signs differ
        // ---- same signs: r6 = acc's significand, r4 = d = f_a - f_p
        "lsls r4, r7, #23",
        "subs r6, r6, r4",
        "subs r4, r7, r3",
        "bmi 10f",
        "cmp r4, #26",
        "bhi 30f",            // p <= ulp(acc) / 8: acc unchanged
        // p << 6 >> d, the bits shifted out sticking to bit 0
        "lsls r5, r5, #6",
        "mov r12, r5",
        "lsrs r5, r4",
        "mov r3, r5",
        "lsls r3, r4",
        "cmp r3, r12",
        "beq 6f",
        "movs r3, #1",
        "orrs r5, r3",
        "6:",
        "lsls r6, r6, #6",
        "adds r5, r5, r6",    // S in [2^29, 2^31), f = f_a (r7)
        "b 15f",
        "10:",                // the product bigger: d = f_p - f_a
        "rsbs r4, r4, #0",
        "cmp r4, #26",
        "bhi 20f",            // acc <= ulp(p) / 8: the product
        "lsls r6, r6, #6",
        "mov r12, r6",
        "lsrs r6, r4",
        "mov r7, r6",
        "lsls r7, r4",
        "cmp r7, r12",
        "beq 11f",
        "movs r7, #1",
        "orrs r6, r7",
        "11:",
        "lsls r5, r5, #6",
        "adds r5, r5, r6",
        "mov r7, r3",         // f = f_p
        "15:",                // round S (6 guard bits, or 7 if S >= 2^30)
        "lsrs r6, r5, #30",
        "beq 16f",
        "lsrs r6, r5, #8",    // C = bit 7
        "movs r6, #0x3f",
        "adcs r5, r6",
        "lsrs r5, r5, #7",
        "adds r7, #1",
        "b 17f",
        "16:",
        "lsrs r6, r5, #7",    // C = bit 6
        "movs r6, #0x1f",
        "adcs r5, r6",
        "lsrs r5, r5, #6",
        "17:",                // sig r5 in [2^23, 2^24], f r7, sign bit 31 of r2
        "cmp r7, #252",
        "bhi 91f", // near overflow, or subnormal
        "21:",
        "lsls r7, r7, #23",
        "adds r5, r5, r7",
        "lsrs r2, r2, #31",
        "lsls r2, r2, #31",
        "orrs r5, r2",
        "stm r1!, {{r5}}",
        "cmp r0, lr",
        "bne 2b",
        "b 99b",
        "20:",                // the result is the product
        "mov r7, r3",
        "b 21b",
        "30:",                // acc unchanged
        "adds r1, #4",
        "31:",
        "cmp r0, lr",
        "bne 2b",
        "b 99b",
        // ---- signs differ
        "40:",
        "lsls r4, r7, #23",
        "subs r6, r6, r4",
        "subs r4, r7, r3",    // d = f_a - f_p
        "bmi 50f",
        "beq 60f",
        "cmp r4, #26",
        "bhi 30b",
        "lsls r5, r5, #6",
        "mov r12, r5",
        "lsrs r5, r4",
        "mov r3, r5",
        "lsls r3, r4",
        "cmp r3, r12",
        "beq 41f",
        "movs r3, #1",
        "orrs r5, r3",
        "41:",
        "lsls r6, r6, #6",
        "subs r5, r6, r5",    // S = |acc| - |p| > 0, f = f_a
        "ldr r2, [r1]",       // acc's sign
        "b 70f",
        "50:",                // the product bigger
        "rsbs r4, r4, #0",
        "cmp r4, #26",
        "bhi 20b",
        "lsls r6, r6, #6",
        "mov r12, r6",
        "lsrs r6, r4",
        "mov r7, r6",
        "lsls r7, r4",
        "cmp r7, r12",
        "beq 51f",
        "movs r7, #1",
        "orrs r6, r7",
        "51:",
        "lsls r5, r5, #6",
        "subs r5, r5, r6",    // S = |p| - |acc| > 0, the product's sign
        "mov r7, r3",
        "b 70f",
        "60:",                // equal exponents: exact
        "lsls r6, r6, #6",
        "lsls r5, r5, #6",
        "subs r5, r6, r5",
        "beq 65f",
        "bpl 61f",
        "rsbs r5, r5, #0",    // |p| bigger: the product's sign
        "b 70f",
        "61:",
        "ldr r2, [r1]",       // |acc| bigger: acc's sign
        "b 70f",
        "65:",                // y - y = +0
        "stm r1!, {{r5}}",
        "b 31b",
        "91:",
        "b 90b",
        "70:",                // S in (0, 2^30): to [2^29, 2^30), then round at bit 6
        "lsls r6, r5, #2",
        "bmi 72f",
        "71:",
        "lsls r5, r5, #1",
        "subs r7, #1",
        "lsls r6, r5, #2",
        "bpl 71b",
        "72:",
        "lsrs r6, r5, #7",    // C = bit 6
        "movs r6, #0x1f",
        "adcs r5, r6",
        "lsrs r5, r5, #6",
        "b 17b",
    )
}
