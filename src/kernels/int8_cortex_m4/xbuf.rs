//! [`XBuf`]: the input row sign-extended to int16 pairs, once per layer.

use core::arch::asm;
use core::mem::MaybeUninit;

/// `x` as `SMLAD` operands: per four inputs `x0..x3`, the word `(x0, x2)` then the word
/// `(x1, x3)` (int16 halves, low first: `SXTB16` of the input word and of it rotated by 8),
/// as `SXTB16` splits a word of weights. Word-aligned, so that the loops read it with
/// `LDM`/`LDRD`. Only the first `4 (I / 4)` halfwords are written (the `I mod 4` last inputs
/// are read from `x` itself); they are read only by `asm!`.
#[repr(C, align(4))]
pub(super) struct XBuf<const I: usize>(MaybeUninit<[i16; I]>);

impl<const I: usize> XBuf<I> {
    /// The first `4 (I / 4)` inputs of `x`, unpacked: per four inputs one word load, two
    /// `SXTB16` and one `STRD`.
    #[inline]
    pub(super) fn new(x: &[i8; I]) -> Self {
        let mut b = Self(MaybeUninit::uninit());
        let words = I / 4;
        let loops = words / 4;
        if words > 0 {
            // SAFETY: `x` walks `x[0..4 words]` (4 bytes per step, every byte an element of
            // `x`; unaligned word loads are architectural on ARMv7E-M) and `p` walks the
            // buffer, 8 bytes per step: `8 words <= 2 I` bytes, all inside `b` (word-aligned,
            // as `STRD` needs). Both end at most one past their ends. The stack is not
            // touched; the flags are clobbered (default).
            unsafe {
                asm!(
                    ".rept {rem}",
                    "ldr {t}, [{x}], #4",
                    "sxtb16 {u}, {t}, ror #8",
                    "sxtb16 {t}, {t}",
                    "strd {t}, {u}, [{p}], #8",
                    ".endr",
                    ".if {loops}",
                    "2:",
                    ".rept 4",
                    "ldr {t}, [{x}], #4",
                    "sxtb16 {u}, {t}, ror #8",
                    "sxtb16 {t}, {t}",
                    "strd {t}, {u}, [{p}], #8",
                    ".endr",
                    "subs {n}, #1",
                    "bne 2b",
                    ".endif",
                    x = inout(reg) x.as_ptr() => _,
                    p = inout(reg) b.0.as_mut_ptr().cast::<i16>() => _,
                    n = inout(reg) loops => _,
                    t = out(reg) _,
                    u = out(reg) _,
                    rem = const I / 4 % 4,
                    loops = const I / 16,
                    options(nostack),
                );
            }
        }
        b
    }

    /// The buffer's first word, for the loops.
    #[inline]
    pub(super) fn as_ptr(&self) -> *const u32 {
        self.0.as_ptr().cast::<u32>()
    }
}
