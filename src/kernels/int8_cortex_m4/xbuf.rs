//! [`XBuf`]: the input row sign-extended to int16 pairs, once per layer.

use core::arch::asm;
use core::mem::MaybeUninit;

/// `x` as `SMLAD` operands: per four inputs `x0..x3`, the word `(x0, x2)` then the word
/// `(x1, x3)` (int16 halves, low first: `SXTB16` of the input word and of it rotated by 8),
/// as `SXTB16` splits a word of weights. When `I mod 4 = r != 0`, a last word holds inputs
/// `I - 4 .. I` with the `4 - r` first set to 0 (the passes read the weights of those same
/// positions, see [`dot`](super::dot)): `8 ceil(I / 4) <= 2 I + 6` bytes written in all.
/// Word-aligned, so that the loops read it with `LDM`/`LDRD`; read only by `asm!`.
/// The tuple is `2 I + 8` bytes (no padding: both halves are `i16`s), used as raw bytes.
#[repr(C, align(4))]
pub(super) struct XBuf<const I: usize>(MaybeUninit<([i16; I], [i16; 4])>);

impl<const I: usize> XBuf<I> {
    /// `x` unpacked: per 16 inputs four word loads, eight `SXTB16` and one `STM`; per 4 more
    /// inputs one load, two `SXTB16` and one `STRD`; the last word (`I mod 4 != 0`, `I >= 4`)
    /// also a `BFC`.
    #[inline]
    pub(super) fn new(x: &[i8; I]) -> Self {
        let mut b = Self(MaybeUninit::uninit());
        let chunks = I / 16;
        // SAFETY: `r10` walks `x[0..4 (I / 4)]` (unaligned word loads are architectural on
        // ARMv7E-M), and the last word load, if any, reads `x[I - 4..I]` (`I >= 4`): every
        // byte read is an element of `x`. `r11` walks the buffer from its start (word-
        // aligned, as `STM`/`STRD` need), 8 bytes per 4 inputs and 8 for the last word:
        // `8 ceil(I / 4) <= 2 I + 6` bytes, inside `b` (`2 I + 8` bytes). Both end at most
        // one past their ends. The stack is not touched; the flags are clobbered.
        unsafe {
            asm!(
                ".if {looped}",
                "2:",
                ".endif",
                ".rept {unrolled}",
                "ldr r2, [r10, #4]",
                "ldr r4, [r10, #8]",
                "ldr r8, [r10, #12]",
                "ldr r0, [r10], #16",
                "sxtb16 r1, r0, ror #8",
                "sxtb16 r0, r0",
                "sxtb16 r3, r2, ror #8",
                "sxtb16 r2, r2",
                "sxtb16 r5, r4, ror #8",
                "sxtb16 r4, r4",
                "sxtb16 r9, r8, ror #8",
                "sxtb16 r8, r8",
                "stm r11!, {{r0, r1, r2, r3, r4, r5, r8, r9}}",
                ".endr",
                ".if {looped}",
                "subs r12, r12, #1",
                "bne 2b",
                ".endif",
                ".rept {words}",
                "ldr r0, [r10], #4",
                "sxtb16 r1, r0, ror #8",
                "sxtb16 r0, r0",
                "strd r0, r1, [r11], #8",
                ".endr",
                ".if {tail}",
                "ldr r0, [r10, #({r}-4)]",
                "bfc r0, #0, #(32-8*{r})",
                "sxtb16 r1, r0, ror #8",
                "sxtb16 r0, r0",
                "strd r0, r1, [r11]",
                ".endif",
                looped = const (I / 16 > 4) as usize,
                unrolled = const if I / 16 > 4 { 1 } else { I / 16 },
                words = const I / 4 % 4,
                tail = const (I >= 4 && !I.is_multiple_of(4)) as usize,
                r = const I % 4,
                inout("r10") x.as_ptr() => _,
                inout("r11") core::ptr::from_mut(&mut b).cast::<u32>() => _,
                inout("r12") chunks => _,
                out("r0") _,
                out("r1") _,
                out("r2") _,
                out("r3") _,
                out("r4") _,
                out("r5") _,
                out("r8") _,
                out("r9") _,
                options(nostack),
            );
        }
        b
    }

    /// The buffer's first word, for the loops.
    #[inline]
    pub(super) fn as_ptr(&self) -> *const u32 {
        core::ptr::from_ref(self).cast::<u32>()
    }
}
