//! ReLU of an int8 row, four bytes per step: `SSUB8` sets the `GE` flag of each byte lane
//! where `x >= z` (signed), `SEL` takes those lanes from `x` and the others from `z`.

use core::arch::asm;

/// `y[i] = max(x[i], z)`.
#[inline]
pub(crate) fn relu<const N: usize>(x: &[i8; N], z: i8, y: &mut [i8; N]) {
    let words = N / 4;
    if words > 0 {
        let z4 = u32::from(z.cast_unsigned()) * 0x0101_0101;
        // SAFETY: `x` and `y` walk `x[0..4 words]` and `y[0..4 words]` (`4 words <= N`), one
        // word per step (unaligned word accesses are architectural on ARMv7E-M): every byte
        // read is an element of `x`, every byte written one of `y` (`&mut`: no overlap
        // with `x`). The pointers end at most one past the ends. The stack is not touched;
        // the flags (and `GE`) are clobbered.
        unsafe {
            asm!(
                ".rept {rem}",
                "ldr {t}, [{x}], #4",
                "ssub8 {u}, {t}, {z}",
                "sel {t}, {t}, {z}",
                "str {t}, [{y}], #4",
                ".endr",
                ".if {loops}",
                "2:",
                ".rept 4",
                "ldr {t}, [{x}], #4",
                "ssub8 {u}, {t}, {z}",
                "sel {t}, {t}, {z}",
                "str {t}, [{y}], #4",
                ".endr",
                "subs {n}, #1",
                "bne 2b",
                ".endif",
                x = inout(reg) x.as_ptr() => _,
                y = inout(reg) y.as_mut_ptr() => _,
                n = inout(reg) words / 4 => _,
                z = in(reg) z4,
                t = out(reg) _,
                u = out(reg) _,
                rem = const if N / 4 <= 16 { N / 4 } else { N / 4 % 4 },
                loops = const if N / 4 <= 16 { 0 } else { N / 16 },
                options(nostack),
            );
        }
    }
    for i in 4 * words..N {
        // `i < N`: no bounds check.
        y[i] = x[i].max(z);
    }
}
