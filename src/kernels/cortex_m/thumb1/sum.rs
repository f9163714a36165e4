//! The sum of the two Thumb-1 loops (`row` and `add_row`): `acc + y` for
//! `y` the rounded product or `b[j]`, rounded, and the store; as `asm` text for both.

/// The sum of the loops of `row` and `add_row`, and the store: from `y` (the rounded
/// product, or `b[j]`) in `r2` (bit 31: its sign), `r3` (its `f = e - 1`) and `r5` (its
/// significand, in `[2^23, 2^24)`), and `acc` at `r1` (`r0` already past the element), to
/// the next element (`2b`), to `90b` (the element left to the caller) or to `99b` (done).
/// Temporaries: `r3`-`r7`, `r12`. Same signs: `S = big + (small >> d)` with six guard bits
/// (seven when `S >= 2^30`) and the bits shifted out sticking to bit 0, rounded by adding
/// half an ulp minus one and the lowest kept bit (`lsrs` puts it in the carry, `adcs` adds
/// it). Signs differ: `S = big - (small >> d)` the same way, normalized, rounded.
macro_rules! sum_tail {
    () => {
        concat!(
            "ldr r4, [r1]\n", // acc: r4 its bits, r7 f_a = e_a - 1, r6 |acc|
            "lsls r6, r4, #1\n",
            "beq 20f\n", // +-0 + y = y
            "lsrs r7, r6, #24\n",
            "subs r7, #1\n",
            "cmp r7, #253\n",
            "bhi 92f\n", // acc subnormal, infinite or NaN
            "lsrs r6, r6, #1\n",
            "eors r4, r2\n",
            "bmi 40f\n",          // signs differ
            "lsls r4, r7, #23\n", // same signs: r6 = acc's significand
            "subs r6, r6, r4\n",
            "subs r4, r7, r3\n", // d = f_a - f_y
            "bmi 10f\n",
            "cmp r4, #6\n",
            "bhi 7f\n",
            "lsls r5, r5, #6\n", // y << 6 >> d, exact
            "lsrs r5, r4\n",
            "6:\n",
            "lsls r6, r6, #6\n",
            "adds r5, r5, r6\n", // S in [2^29, 2^31), f = f_a (r7)
            "15:\n",
            "lsrs r6, r5, #30\n", // round S (at bit 7 if S >= 2^30, else 6)
            "beq 16f\n",
            "lsrs r6, r5, #8\n", // C = bit 7
            "movs r6, #0x3f\n",
            "adcs r5, r6\n",
            "lsrs r5, r5, #7\n",
            "adds r7, #1\n",
            "b 17f\n",
            "16:\n",
            "lsrs r6, r5, #7\n", // C = bit 6
            "movs r6, #0x1f\n",
            "adcs r5, r6\n",
            "lsrs r5, r5, #6\n",
            "17:\n",
            "cmp r7, #252\n", // sig r5 in [2^23, 2^24], f r7, sign bit 31 of r2
            "bhi 92f\n",      // near overflow, or subnormal
            "21:\n",
            "lsls r7, r7, #23\n",
            "adds r5, r5, r7\n",
            "lsrs r2, r2, #31\n",
            "lsls r2, r2, #31\n",
            "orrs r5, r2\n",
            "stm r1!, {{r5}}\n",
            "31:\n",
            "cmp r0, lr\n",
            "bne 2b\n",
            "b 99b\n",
            "30:\n",
            "adds r1, #4\n", // acc unchanged
            "b 31b\n",
            "20:\n",
            "mov r7, r3\n", // the result is y
            "b 21b\n",
            "92:\n",
            "b 90b\n",
            "7:\n",
            "cmp r4, #26\n",
            "bhi 30b\n", // y <= ulp(acc) / 8: acc unchanged
            "lsls r5, r5, #6\n",
            "mov r12, r5\n",
            "lsrs r5, r4\n",
            "mov r3, r5\n",
            "lsls r3, r4\n",
            "cmp r3, r12\n", // the bits shifted out stick to bit 0
            "beq 6b\n",
            "movs r3, #1\n",
            "orrs r5, r3\n",
            "b 6b\n",
            "10:\n",
            "rsbs r4, r4, #0\n", // y bigger: d = f_y - f_a
            "cmp r4, #6\n",
            "bhi 12f\n",
            "lsls r6, r6, #6\n",
            "lsrs r6, r4\n",
            "11:\n",
            "lsls r5, r5, #6\n",
            "adds r5, r5, r6\n",
            "mov r7, r3\n", // f = f_y
            "b 15b\n",
            "12:\n",
            "cmp r4, #26\n",
            "bhi 20b\n", // acc <= ulp(y) / 8: y
            "lsls r6, r6, #6\n",
            "mov r12, r6\n",
            "lsrs r6, r4\n",
            "mov r7, r6\n",
            "lsls r7, r4\n",
            "cmp r7, r12\n", // the bits shifted out stick to bit 0
            "beq 11b\n",
            "movs r7, #1\n",
            "orrs r6, r7\n",
            "b 11b\n",
            "40:\n",
            "lsls r4, r7, #23\n", // signs differ
            "subs r6, r6, r4\n",
            "subs r4, r7, r3\n", // d = f_a - f_y
            "bmi 50f\n",
            "beq 60f\n",
            "cmp r4, #6\n",
            "bhi 47f\n",
            "lsls r5, r5, #6\n",
            "lsrs r5, r4\n",
            "41:\n",
            "lsls r6, r6, #6\n",
            "subs r5, r6, r5\n", // S = |acc| - |y| > 0, f = f_a
            "ldr r2, [r1]\n",    // acc's sign
            "70:\n",
            "lsls r6, r5, #2\n", // S in (0, 2^30): to [2^29, 2^30)
            "bmi 72f\n",
            "71:\n",
            "lsls r5, r5, #1\n",
            "subs r7, #1\n",
            "lsls r6, r5, #2\n",
            "bpl 71b\n",
            "72:\n",
            "lsrs r6, r5, #7\n", // round at bit 6: C = bit 6
            "movs r6, #0x1f\n",
            "adcs r5, r6\n",
            "lsrs r5, r5, #6\n",
            "b 17b\n",
            "47:\n",
            "cmp r4, #26\n",
            "bhi 30b\n",
            "lsls r5, r5, #6\n",
            "mov r12, r5\n",
            "lsrs r5, r4\n",
            "mov r3, r5\n",
            "lsls r3, r4\n",
            "cmp r3, r12\n", // the bits shifted out stick to bit 0
            "beq 41b\n",
            "movs r3, #1\n",
            "orrs r5, r3\n",
            "b 41b\n",
            "50:\n",
            "rsbs r4, r4, #0\n", // y bigger: d = f_y - f_a, y's sign
            "cmp r4, #6\n",
            "bhi 57f\n",
            "lsls r6, r6, #6\n",
            "lsrs r6, r4\n",
            "51:\n",
            "lsls r5, r5, #6\n",
            "subs r5, r5, r6\n",
            "mov r7, r3\n",
            "b 70b\n",
            "57:\n",
            "cmp r4, #26\n",
            "bhi 20b\n",
            "lsls r6, r6, #6\n",
            "mov r12, r6\n",
            "lsrs r6, r4\n",
            "mov r7, r6\n",
            "lsls r7, r4\n",
            "cmp r7, r12\n", // the bits shifted out stick to bit 0
            "beq 51b\n",
            "movs r7, #1\n",
            "orrs r6, r7\n",
            "b 51b\n",
            "60:\n",
            "lsls r6, r6, #6\n", // equal exponents: exact
            "lsls r5, r5, #6\n",
            "subs r5, r6, r5\n",
            "beq 65f\n",
            "bpl 61f\n",
            "rsbs r5, r5, #0\n", // |y| bigger: y's sign
            "b 70b\n",
            "61:\n",
            "ldr r2, [r1]\n", // |acc| bigger: acc's sign
            "b 70b\n",
            "65:\n",
            "stm r1!, {{r5}}\n", // y - y = +0
            "b 31b\n",
        )
    };
}
