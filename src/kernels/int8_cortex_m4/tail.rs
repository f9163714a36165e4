//! `tail!`: the `O mod 4` last rows of a layer (1 to 3, `{tk}`) in the layer's `asm!`
//! block ([`layer`](super::layer)), after its groups of four: the [passes](super::dot) of
//! `K` rows and the [output stage](super::stage) of each.

/// The last rows: on entry `r7` points to their biases, `r5` to their row 0, the frame's
/// first two words hold their multipliers' and outputs' pointers, `x` is unpacked at
/// `sp + 32`, `lr` holds `2 z_y + 1` (reloaded from `[sp, #28]` after a loop). Leaves in r0
/// the `Q` bit (0: the outputs are stored; else nothing is), r12 = 0. The `asm!` passes
/// `tk` and the tail's plan (`tloops`, ...).
macro_rules! tail {
    () => {
        concat!(
            ".if {tk} == 1\n",
            "ldr r8, [r7]\n",
            ".elseif {tk} == 2\n",
            "ldrd r8, r9, [r7]\n",
            ".else\n",
            "ldm r7, {{r8, r9, r10}}\n",
            ".endif\n",
            "add r4, sp, #32\n",
            passes!("t"),
            "ldrd r4, r6, [sp]\n",
            ".if {tloops}\n",
            "ldr lr, [sp, #28]\n",
            ".endif\n",
            ".if {tk} == 1\n",
            "ldrd r0, r1, [r4]\n",
            channel!("r8", "r0", "r1", "lr"),
            ".else\n",
            "ldm r4!, {{r0, r1, r2, r3}}\n",
            channel!("r8", "r0", "r1", "lr"),
            channel!("r9", "r2", "r3", "lr"),
            ".if {tk} == 3\n",
            "ldrd r0, r1, [r4]\n",
            channel!("r10", "r0", "r1", "lr"),
            ".endif\n",
            ".endif\n",
            "mrs r0, apsr\n",
            "ands r0, r0, #0x08000000\n",
            // No group is left (the passes used r12).
            "mov.w r12, #0\n",
            "bne 4f\n",
            "ssat r8, #8, r8, asr #1\n",
            "strb r8, [r6]\n",
            ".if {tk} >= 2\n",
            "ssat r9, #8, r9, asr #1\n",
            "strb r9, [r6, #1]\n",
            ".endif\n",
            ".if {tk} == 3\n",
            "ssat r10, #8, r10, asr #1\n",
            "strb r10, [r6, #2]\n",
            ".endif\n",
        )
    };
}
