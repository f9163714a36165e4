//! The two naked Thumb-1 loops: `row` (`acc[j] += x * w[j]`) and `add_row`
//! (`acc[j] += b[j]`), common cases only (see [`thumb1`](super)).

/// `acc[j] += x * w[j]` for `j` in `0..n` (`x` given by its bits), until the first `j` that
/// is not the common case; returns `n - j` for that `j` (`acc[j]` not written), 0 when all
/// are done or `x` is `+0` or `-0` (nothing to add), `n` if `x` is not normal.
///
/// # Safety
///
/// `w` must be valid for reads and `acc` for reads and writes of `n` `f32`s each, `acc` not
/// aliased meanwhile.
///
/// What each pointer may reach: `r0` walks `w` from `w` to `w + n` (`ldm r0!` reads `w[j]`
/// only while `r0 < w + n`: the loop ends when `r0` reaches `lr = w + n`, and nothing is read
/// when `n` is 0); `r1` walks `acc` in step (`ldr [r1]` and `stm r1!` at `acc[j]` for the same
/// `j`). The stack: the saved registers and the factor, popped on return.
#[unsafe(naked)]
pub(super) unsafe extern "C" fn row(x: u32, w: *const f32, acc: *mut f32, n: usize) -> usize {
    core::arch::naked_asm!(
        "mov r12, r3",
        "lsls r3, r0, #1",
        "beq 95f", // x = +-0: nothing to add
        "lsrs r3, r3, #24",
        "subs r3, #1",
        "cmp r3, #253",
        "bhi 96f", // x subnormal, infinite or NaN: all left
        "mov r3, r12",
        "cmp r3, #0",
        "beq 95f",
        "push {{r4, r5, r6, r7, lr}}",
        "mov r4, r8",
        "push {{r4}}",
        "lsls r4, r0, #9", // the factor: m = x's significand, m >> 16, m & 0xffff, x
        "lsrs r4, r4, #9",
        "movs r5, #1",
        "lsls r5, r5, #23",
        "adds r4, r4, r5",
        "lsrs r5, r4, #16",
        "uxth r6, r4",
        "mov r7, r0",
        "push {{r4, r5, r6, r7}}",
        "lsls r5, r0, #1", // r8 = e_x - 126: the product's f when P >= 2^47
        "lsrs r5, r5, #24",
        "subs r5, #126",
        "mov r8, r5",
        "lsls r3, r3, #2", // lr = w + n, r0 = w, r1 = acc
        "adds r3, r3, r1",
        "mov lr, r3",
        "mov r0, r1",
        "mov r1, r2",
        "b 2f",
        "90:",
        "subs r0, #4", // r0 = how many are left (the element at r0 - 4 included)
        "mov r2, lr",
        "subs r0, r2, r0",
        "lsrs r0, r0, #2",
        "b 98f",
        "99:",
        "movs r0, #0",
        "98:",
        "add sp, #16",
        "pop {{r4}}",
        "mov r8, r4",
        "pop {{r4, r5, r6, r7, pc}}",
        "95:",
        "movs r0, #0",
        "bx lr",
        "96:",
        "mov r0, r12",
        "bx lr",
        "80:",
        "movs r5, #1", // the product rounded up to 2^24 = 2^23 2^1
        "lsls r5, r5, #23",
        "adds r3, #1",
        "b 5f",
        "2:",
        "ldm r0!, {{r2}}",
        "lsls r3, r2, #1",
        "lsrs r3, r3, #24",
        "subs r3, #1",
        "cmp r3, #253",
        "bhi 90b",     // w zero, subnormal, infinite or NaN
        "uxth r4, r2", // P = m (w_hi 2^16 + w_lo) = (m w_hi + x_hi w_lo) 2^16 + x_lo w_lo
        "ldr r5, [sp, #4]",
        "muls r5, r4, r5", // x_hi w_lo
        "ldr r6, [sp, #8]",
        "muls r4, r6, r4", // x_lo w_lo
        "lsls r6, r2, #9",
        "lsrs r6, r6, #25",
        "adds r6, #128", // w_hi
        "ldr r7, [sp]",
        "muls r6, r7, r6", // m w_hi
        "adds r5, r5, r6",
        "lsrs r6, r4, #16",
        "add r3, r8",      // f if P >= 2^47
        "adds r5, r5, r6", // t = floor(P / 2^16), in [2^30, 2^32)
        "bmi 3f",
        "lsls r5, r5, #1", // P < 2^47: t's top bit to bit 31
        "subs r3, #1",
        "3:",
        "movs r7, #0x7f", // round t to 24 bits: x_lo w_lo's low 16 bits stick
        "lsls r4, r4, #16",
        "beq 4f",
        "orrs r5, r7",
        "4:",
        "lsrs r6, r5, #9", // C = bit 8, the lowest kept
        "adcs r5, r7",     // + 0x7f + C: carries iff above half, or half and odd
        "bcs 80b",         // rounded up to 2^24
        "lsrs r5, r5, #8", // p in [2^23, 2^24)
        "5:",
        "cmp r3, #252",
        "bhi 90b", // the product subnormal, or near overflow
        "ldr r6, [sp, #12]",
        "eors r2, r6", // bit 31: the product's sign
        sum_tail!(),
    )
}

/// `acc[j] += b[j]` for `j` in `0..n`, until the first `j` that is not the common case (`b[j]`
/// normal, `acc[j]` zero or normal, the sum normal and not near overflow); returns `n - j`
/// for that `j` (`acc[j]` not written), or 0 when all are done. The loop of [`row`] with
/// `b[j]` in place of the product.
///
/// # Safety
///
/// `b` must be valid for reads and `acc` for reads and writes of `n` `f32`s each, `acc` not
/// aliased meanwhile. `r0` walks `b` and `r1` walks `acc` as in [`row`] (`lr = b + n`).
#[unsafe(naked)]
pub(super) unsafe extern "C" fn add_row(b: *const f32, acc: *mut f32, n: usize) -> usize {
    core::arch::naked_asm!(
        "push {{r4, r5, r6, r7, lr}}",
        "mov r4, r8",
        "push {{r4}}",
        "cmp r2, #0",
        "beq 99f",
        "movs r4, #1",
        "lsls r4, r4, #23",
        "mov r8, r4", // the hidden bit
        "lsls r2, r2, #2",
        "adds r2, r2, r0",
        "mov lr, r2", // b + n
        "b 2f",
        "90:",
        "subs r0, #4", // r0 = how many are left (the current element included)
        "mov r2, lr",
        "subs r0, r2, r0",
        "lsrs r0, r0, #2",
        "b 98f",
        "99:",
        "movs r0, #0",
        "98:",
        "pop {{r4}}",
        "mov r8, r4",
        "pop {{r4, r5, r6, r7, pc}}",
        "2:",
        "ldm r0!, {{r2}}",
        "lsls r3, r2, #1",
        "lsrs r3, r3, #24",
        "subs r3, #1",
        "cmp r3, #253",
        "bhi 90b", // b zero, subnormal, infinite or NaN
        "lsls r5, r2, #9",
        "lsrs r5, r5, #9",
        "add r5, r8", // b's significand
        sum_tail!(),
    )
}
