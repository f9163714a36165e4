//! The input row sign-extended to int16 pairs, once per layer, into the layer's `asm!` frame
//! (`unpack!`, used by [`layer`](super::layer)).
//!
//! Layout: per four inputs `x0..x3`, the word `(x0, x2)` then the word `(x1, x3)` (int16
//! halves, low first: `SXTB16` of the input word and of it rotated by 8), as `SXTB16` splits
//! a word of weights. When `I mod 4 = r != 0`, a last word holds inputs `I - 4 .. I` with the
//! `4 - r` first set to 0 (the passes read the weights of those same positions, see
//! [`dot`](super::dot)): `8 ceil(I / 4) <= 2 I + 6` bytes in all ([`bytes`] reserves
//! `2 I + 8`, rounded up to 8). Word-aligned, so that the passes read it with `LDM`/`LDRD`.

/// The bytes the buffer takes on the stack: `2 I + 8`, rounded up to a multiple of 8 (the
/// frame below stays 8-byte aligned).
pub(super) const fn bytes(inputs: usize) -> usize {
    (2 * inputs + 8).next_multiple_of(8)
}

/// `x` (at `r10`) unpacked to `r11` (word-aligned): per 16 inputs four word loads, eight
/// `SXTB16` and one `STM`; per 4 more inputs one load, two `SXTB16` and one `STRD`; the last
/// word (`I mod 4 != 0`, `I >= 4`) also a `BFC`. Clobbers r0..r4, r8..r12 and, if the
/// steps loop, `lr`. The `asm!` passes `xlooped` (1 if the 16-input steps loop, `xchunks`
/// times, counted in `lr`),
/// `xunrolled` (the steps written out, 1 when they loop), `xwords`, `xtail` and `xr`
/// (`I mod 4`), as set by the operands of [`layer`](super::layer).
macro_rules! unpack {
    () => {
        concat!(
            ".if {xlooped}\n",
            "movw lr, #{xchunks}\n",
            "2:\n",
            ".endif\n",
            ".rept {xunrolled}\n",
            "ldr r2, [r10, #4]\n",
            "ldr r4, [r10, #8]\n",
            "ldr r9, [r10, #12]\n",
            "ldr r0, [r10], #16\n",
            "sxtb16 r1, r0, ror #8\n",
            "sxtb16 r0, r0\n",
            "sxtb16 r3, r2, ror #8\n",
            "sxtb16 r2, r2\n",
            "sxtb16 r8, r4, ror #8\n",
            "sxtb16 r4, r4\n",
            "sxtb16 r12, r9, ror #8\n",
            "sxtb16 r9, r9\n",
            "stm r11!, {{r0, r1, r2, r3, r4, r8, r9, r12}}\n",
            ".endr\n",
            ".if {xlooped}\n",
            "subs lr, lr, #1\n",
            "bne 2b\n",
            ".endif\n",
            ".rept {xwords}\n",
            "ldr r0, [r10], #4\n",
            "sxtb16 r1, r0, ror #8\n",
            "sxtb16 r0, r0\n",
            "strd r0, r1, [r11], #8\n",
            ".endr\n",
            ".if {xtail}\n",
            "ldr r0, [r10, #({xr}-4)]\n",
            "bfc r0, #0, #(32-8*{xr})\n",
            "sxtb16 r1, r0, ror #8\n",
            "sxtb16 r0, r0\n",
            "strd r0, r1, [r11]\n",
            ".endif\n",
        )
    };
}
