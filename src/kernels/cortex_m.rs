//! Cortex-M kernels for the one-sample inference of [`Mlp`](crate::Mlp): `relu(x W1 + b1) W2 + b2`
//! in one pass, with no heap and a stack buffer of `H` scalars.
//!
//! Selected by `target_arch = "arm"` through one hook in `Mlp::logits`; every other target
//! (and every shape or scalar type these kernels do not handle) takes the portable path.
//!
//! - **Hard float** (`target_abi = "eabihf"`: Cortex-M4F, M7, M33 with an FPU), `f32`:
//!   hand-scheduled `asm!`. The hidden layer is computed 16 units at a time with 16
//!   accumulators in `s0`-`s15`; four inputs and eight weights at a time come in with one
//!   `VLDM` each (one instruction for up to 16 registers); the multiply-adds are `VMLA.F32`.
//!   The output layer keeps its `K <= 15` accumulators in registers and skips the hidden
//!   units that ReLU sets to zero. `VMLA` (VFPv2) rounds the product and then the sum, exactly
//!   as the portable path's `a * b + c` does on these targets, so the results are the same
//!   bits; `VFMA` would be one rounding and different bits, for no fewer instructions.
//! - **Soft float** (`thumbv6m`, Cortex-M0/M0+, and the other `eabi` targets), `f32`: every
//!   multiply and add is software, so skipping work pays: inputs that are exactly zero
//!   (about half the pixels of a digit) and hidden units that ReLU sets to zero are skipped,
//!   and the multiply-adds use [`soft`]: correctly rounded integer fast paths for normal
//!   numbers, inlined, with the factor of a row unpacked once (everything else goes to the
//!   compiler's `f32` routines). Also compiled on the host for its tests.
//!
//! Both compute the sums in the portable path's order (`x_0 w_0j + x_1 w_1j + ...`, then
//! the bias), so for finite weights they give the portable path's bits exactly. Skipping a
//! zero term is exact: `s + (+-0) = s` for every sum `s` these loops can hold (a sum that
//! starts at `+0` is never `-0`). It differs only if a weight is infinite or NaN (`0 * inf`).
//!
//! # What each pointer may reach
//!
//! - Hard float: the `asm!` blocks get pointers taken from the borrowed operands and read
//!   only within them: `x` the `D` inputs (four at a time, `D / 4` times); `w` the column
//!   `16 * block <= H - 16` of row 0 of `w1` (formed with `wrapping_add`, in bounds), then 16
//!   `f32`s of each of the `D` rows; `b` 16 `f32`s of `b1`; `h` 16 of the stack array
//!   `hidden` (written); `hidden` its `H` values, `w2` its `H` rows of `K`, `b2` its `K`,
//!   `out` the `K` logits (written), `zeros` at most 16 of the static `ZEROS`. The pointer
//!   registers that the loops advance end one element or one row past what they read; that
//!   is machine arithmetic inside `asm!`, never dereferenced, not a Rust pointer offset.
//! - Soft float (also built for the host's tests): safe code on slices; the one `unsafe` is
//!   `assume_init` of the `K` logits, after `logits_f32` wrote them all (it returns `true`
//!   only then).

#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::any::Any;
use core::mem::MaybeUninit;

use crate::Scalar;

/// `relu(x W1 + b1) W2 + b2` for one sample, or `None` when this target has no kernel for
/// this scalar type or shape (the caller then takes the portable path).
#[inline(always)]
pub(crate) fn mlp_logits<T: Scalar, const D: usize, const H: usize, const K: usize>(
    w1: &[[T; H]; D],
    b1: &[T; H],
    w2: &[[T; K]; H],
    b2: &[T; K],
    x: &[T; D],
) -> Option<[T; K]> {
    // Only `f32` has a kernel: the downcasts succeed exactly when `T` is `f32`, and fold to
    // constants after monomorphization.
    let w1 = (w1 as &dyn Any).downcast_ref::<[[f32; H]; D]>()?;
    let b1 = (b1 as &dyn Any).downcast_ref::<[f32; H]>()?;
    let w2 = (w2 as &dyn Any).downcast_ref::<[[f32; K]; H]>()?;
    let b2 = (b2 as &dyn Any).downcast_ref::<[f32; K]>()?;
    let x = (x as &dyn Any).downcast_ref::<[f32; D]>()?;
    let mut out = MaybeUninit::<[T; K]>::uninit();
    let logits = (&mut out as &mut dyn Any).downcast_mut::<MaybeUninit<[f32; K]>>()?;
    if imp::logits_f32(w1, b1, w2, b2, x, logits) {
        // SAFETY: `logits_f32` returned `true`, so it wrote all `K` logits.
        Some(unsafe { out.assume_init() })
    } else {
        None
    }
}

/// Hard float: `VLDM` and `VMLA.F32`.
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
mod imp {
    use core::arch::asm;
    use core::mem::MaybeUninit;

    /// Sixteen zeros, to clear sixteen accumulators with one `VLDM` (`VMOV` has no
    /// immediate 0.0).
    static ZEROS: [f32; 16] = [0.0; 16];

    /// Sixteen `VMLA`s of one input (in `$x`) with sixteen weights of its row: two `VLDM`s
    /// of eight weights, then the pointer moves to the same columns of the next row.
    #[rustfmt::skip]
    macro_rules! row {
        ($x:literal) => {
            concat!(
                "vldmia {w}!, {{s20-s27}}\n",
                "vmla.f32 s0, ", $x, ", s20\n",
                "vmla.f32 s1, ", $x, ", s21\n",
                "vmla.f32 s2, ", $x, ", s22\n",
                "vmla.f32 s3, ", $x, ", s23\n",
                "vmla.f32 s4, ", $x, ", s24\n",
                "vmla.f32 s5, ", $x, ", s25\n",
                "vmla.f32 s6, ", $x, ", s26\n",
                "vmla.f32 s7, ", $x, ", s27\n",
                "vldmia {w}!, {{s20-s27}}\n",
                "vmla.f32 s8, ", $x, ", s20\n",
                "vmla.f32 s9, ", $x, ", s21\n",
                "vmla.f32 s10, ", $x, ", s22\n",
                "vmla.f32 s11, ", $x, ", s23\n",
                "vmla.f32 s12, ", $x, ", s24\n",
                "vmla.f32 s13, ", $x, ", s25\n",
                "vmla.f32 s14, ", $x, ", s26\n",
                "vmla.f32 s15, ", $x, ", s27\n",
                "add {w}, {w}, {stride}\n",
            )
        };
    }

    /// The output layer for one `K`: accumulators `$accs` (`s0`..), the weights of a row in
    /// `$ws` (`s16`..), the hidden value in `s31`; `$($a $w)*` pairs them up.
    macro_rules! layer2 {
        ($p:ident; $accs:literal, $ws:literal; $($a:literal $w:literal)*) => {
            // SAFETY: `h` points to `H >= 16` readable `f32`s and `w` to the `H` rows of
            // `K` `f32`s of `w2`, contiguous (`[[f32; K]; H]`); the loop reads row `j` only
            // at iteration `j` and runs `H` times. `b` points to the `K` `f32`s of `b2`,
            // `out` to `K` writable `f32`s, `zeros` to 16 `f32`s (`K <= 15`). Every
            // register written is declared; no stack is used.
            unsafe {
                asm!(
                    concat!("vldmia {zeros}, {{", $accs, "}}"),
                    "2:",
                    // ReLU and the skip in one test of the bits: a unit is active iff
                    // 0 < bits <= 0x7f800000 (positive, not zero, not NaN).
                    "ldr {t}, [{h}], #4",
                    "subs {u}, {t}, #1",
                    "cmp {u}, #0x7f800000",
                    "bhs 3f",
                    "vmov s31, {t}",
                    concat!("vldmia {w}, {{", $ws, "}}"),
                    $(concat!("vmla.f32 ", $a, ", s31, ", $w),)*
                    "3:",
                    "add {w}, {w}, {row}",
                    "subs {n}, {n}, #1",
                    "bne 2b",
                    concat!("vldmia {b}, {{", $ws, "}}"),
                    $(concat!("vadd.f32 ", $a, ", ", $a, ", ", $w),)*
                    concat!("vstmia {out}, {{", $accs, "}}"),
                    zeros = in(reg) ZEROS.as_ptr(),
                    h = inout(reg) $p.hidden => _,
                    w = inout(reg) $p.w2 => _,
                    row = in(reg) $p.row_bytes,
                    n = inout(reg) $p.rows => _,
                    b = in(reg) $p.b2,
                    out = in(reg) $p.out,
                    t = out(reg) _,
                    u = out(reg) _,
                    out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                    out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                    out("s8") _, out("s9") _, out("s10") _, out("s11") _,
                    out("s12") _, out("s13") _, out("s14") _,
                    out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                    out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                    out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                    out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                    options(nostack),
                )
            }
        };
    }

    /// The operands of the output layer's `asm!` (see `layer2!`).
    struct Layer2 {
        /// The `H` pre-activations.
        hidden: *const f32,
        /// `W2`, `H x K`, row-major.
        w2: *const f32,
        /// `4 K`.
        row_bytes: usize,
        /// `H`.
        rows: usize,
        /// `b2`, `K`.
        b2: *const f32,
        /// The `K` logits.
        out: *mut f32,
    }

    /// Writes `relu(x W1 + b1) W2 + b2` into all of `out` and returns `true`, or returns
    /// `false` (writing nothing) for a shape it does not handle: it needs `D` a multiple of 4,
    /// `H` a multiple of 16 and `1 <= K <= 15` (all nonzero).
    #[inline(always)]
    pub(super) fn logits_f32<const D: usize, const H: usize, const K: usize>(
        w1: &[[f32; H]; D],
        b1: &[f32; H],
        w2: &[[f32; K]; H],
        b2: &[f32; K],
        x: &[f32; D],
        out: &mut MaybeUninit<[f32; K]>,
    ) -> bool {
        if D == 0 || !D.is_multiple_of(4) || H == 0 || !H.is_multiple_of(16) || K == 0 || K > 15 {
            return false;
        }
        // Pre-activations `x W1 + b1`, all written by the blocks below before the output
        // layer reads them; ReLU is applied as the output layer reads them.
        let mut hidden = [const { MaybeUninit::<f32>::uninit() }; H];
        for (block, (h, b)) in hidden
            .chunks_exact_mut(16)
            .zip(b1.chunks_exact(16))
            .enumerate()
        {
            let h = h.as_mut_ptr().cast::<f32>();
            // Column `16 * block` of row 0 of `W1`.
            let w = w1.as_ptr().cast::<f32>().wrapping_add(16 * block);
            // SAFETY: `x` points to `D` readable `f32`s, read four at a time `D / 4 >= 1`
            // times. `w` points into `w1` (`[[f32; H]; D]`, contiguous) at column
            // `16 * block <= H - 16` of row 0; each row reads the 16 `f32`s from there and
            // then moves on by one row (`4 * H` bytes in all), `D` rows. `b` points to 16
            // readable `f32`s of `b1`, `h` to 16 writable `f32`s of `hidden`, `zeros` to 16
            // `f32`s. Every register written is declared; no stack is used.
            unsafe {
                asm!(
                    "vldmia {zeros}, {{s0-s15}}",
                    "2:",
                    "vldmia {x}!, {{s16-s19}}",
                    row!("s16"),
                    row!("s17"),
                    row!("s18"),
                    row!("s19"),
                    "subs {n}, {n}, #1",
                    "bne 2b",
                    // `+ b1`, after the sum, as the portable path adds it.
                    "vldmia {b}!, {{s16-s23}}",
                    "vadd.f32 s0, s0, s16",
                    "vadd.f32 s1, s1, s17",
                    "vadd.f32 s2, s2, s18",
                    "vadd.f32 s3, s3, s19",
                    "vadd.f32 s4, s4, s20",
                    "vadd.f32 s5, s5, s21",
                    "vadd.f32 s6, s6, s22",
                    "vadd.f32 s7, s7, s23",
                    "vldmia {b}, {{s16-s23}}",
                    "vadd.f32 s8, s8, s16",
                    "vadd.f32 s9, s9, s17",
                    "vadd.f32 s10, s10, s18",
                    "vadd.f32 s11, s11, s19",
                    "vadd.f32 s12, s12, s20",
                    "vadd.f32 s13, s13, s21",
                    "vadd.f32 s14, s14, s22",
                    "vadd.f32 s15, s15, s23",
                    "vstmia {h}, {{s0-s15}}",
                    zeros = in(reg) ZEROS.as_ptr(),
                    x = inout(reg) x.as_ptr() => _,
                    w = inout(reg) w => _,
                    stride = in(reg) 4 * H - 64,
                    n = inout(reg) D / 4 => _,
                    b = inout(reg) b.as_ptr() => _,
                    h = in(reg) h,
                    out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                    out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                    out("s8") _, out("s9") _, out("s10") _, out("s11") _,
                    out("s12") _, out("s13") _, out("s14") _, out("s15") _,
                    out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                    out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                    out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                    options(nostack),
                );
            }
        }
        let p = Layer2 {
            hidden: hidden.as_ptr().cast::<f32>(),
            w2: w2.as_ptr().cast::<f32>(),
            row_bytes: 4 * K,
            rows: H,
            b2: b2.as_ptr(),
            out: out.as_mut_ptr().cast::<f32>(),
        };
        output_layer::<K>(&p)
    }

    /// The output layer's `asm!` for this `K`, or `false` if `K` is not in `1..=15`.
    #[inline(always)]
    #[rustfmt::skip]
    fn output_layer<const K: usize>(p: &Layer2) -> bool {
        match K {
            1 => layer2!(p; "s0", "s16"; "s0" "s16"),
            2 => layer2!(p; "s0-s1", "s16-s17"; "s0" "s16" "s1" "s17"),
            3 => layer2!(p; "s0-s2", "s16-s18"; "s0" "s16" "s1" "s17" "s2" "s18"),
            4 => layer2!(p; "s0-s3", "s16-s19"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19"),
            5 => layer2!(p; "s0-s4", "s16-s20"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20"),
            6 => layer2!(p; "s0-s5", "s16-s21"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21"),
            7 => layer2!(p; "s0-s6", "s16-s22"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22"),
            8 => layer2!(p; "s0-s7", "s16-s23"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23"),
            9 => layer2!(p; "s0-s8", "s16-s24"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24"),
            10 => layer2!(p; "s0-s9", "s16-s25"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25"),
            11 => layer2!(p; "s0-s10", "s16-s26"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26"),
            12 => layer2!(p; "s0-s11", "s16-s27"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27"),
            13 => layer2!(p; "s0-s12", "s16-s28"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28"),
            14 => layer2!(p; "s0-s13", "s16-s29"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28" "s13" "s29"),
            15 => layer2!(p; "s0-s14", "s16-s30"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28" "s13" "s29" "s14" "s30"),
            _ => return false,
        }
        true
    }
}

/// Soft float: skip the exact zeros, and multiply-add with [`soft`]'s fast paths.
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
mod imp {
    use core::mem::MaybeUninit;

    use super::soft::{Factor, add};

    /// `acc[j] += x * w[j]` for every `j`, rounding each product and each sum as `f32` does.
    /// Not inlined: its many live values then spill in its own frame, once, not in the
    /// caller's.
    #[inline(never)]
    fn axpy<const N: usize>(x: f32, w: &[f32; N], acc: &mut [f32; N]) {
        if let Some(f) = Factor::new(x) {
            for (a, &w) in acc.iter_mut().zip(w) {
                *a = add(*a, f.mul(w));
            }
        } else {
            for (a, &w) in acc.iter_mut().zip(w) {
                *a += x * w;
            }
        }
    }

    /// Writes `relu(x W1 + b1) W2 + b2` into all of `out`; always returns `true`.
    #[inline(always)]
    pub(super) fn logits_f32<const D: usize, const H: usize, const K: usize>(
        w1: &[[f32; H]; D],
        b1: &[f32; H],
        w2: &[[f32; K]; H],
        b2: &[f32; K],
        x: &[f32; D],
        out: &mut MaybeUninit<[f32; K]>,
    ) -> bool {
        let mut hidden = [0.0f32; H];
        for (&xi, row) in x.iter().zip(w1) {
            // `+0` or `-0`: its products add nothing.
            if xi.to_bits() << 1 != 0 {
                axpy(xi, row, &mut hidden);
            }
        }
        add_bias(&mut hidden, b1);
        let out = out.write([0.0; K]);
        for (&h, row) in hidden.iter().zip(w2) {
            // ReLU: active iff `0 < bits <= 0x7f800000` (positive, not zero, not NaN).
            if h.to_bits().wrapping_sub(1) < 0x7f80_0000 {
                axpy(h, row, out);
            }
        }
        add_bias(out, b2);
        true
    }

    /// `acc[j] += b[j]` for every `j`. Not inlined, as [`axpy`].
    #[inline(never)]
    fn add_bias<const N: usize>(acc: &mut [f32; N], b: &[f32; N]) {
        for (a, &b) in acc.iter_mut().zip(b) {
            *a = add(*a, b);
        }
    }
}

/// `f32` multiplication and addition in integer arithmetic, correctly rounded (to nearest,
/// ties to even), for targets without a floating-point unit.
///
/// Only the common case is computed here: normal operands with a normal result (and zeros
/// in [`add`]). Anything else (subnormals, infinities, NaN, overflow, underflow) is handed
/// to the compiler's own `f32` operations, so every result is exactly IEEE 754's. The
/// common case is about twice as fast as the compiler's general routines: no call, no
/// unpacking of the constant factor for each product, no 64-bit multiply (which a
/// Cortex-M0 does not have; four 12 x 12-bit products instead).
#[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
pub(crate) mod soft {
    const SIGN: u32 = 0x8000_0000;
    const FRACTION: u32 = 0x007f_ffff;
    const HIDDEN_BIT: u32 = 0x0080_0000;

    /// A normal `f32` unpacked once to multiply many values by it.
    pub(crate) struct Factor {
        x: f32,
        sign: u32,
        /// Biased exponent, 1..=254.
        exp: i32,
        /// The 24-bit significand `m = hi * 2^12 + lo`.
        hi: u32,
        lo: u32,
    }

    impl Factor {
        /// `None` unless `x` is normal (not zero, subnormal, infinite or NaN).
        #[inline(always)]
        pub(crate) fn new(x: f32) -> Option<Self> {
            let bits = x.to_bits();
            let exp = (bits >> 23) & 0xff;
            if exp == 0 || exp == 0xff {
                return None;
            }
            let m = (bits & FRACTION) | HIDDEN_BIT;
            Some(Self {
                x,
                sign: bits & SIGN,
                exp: exp.cast_signed(),
                hi: m >> 12,
                lo: m & 0xfff,
            })
        }

        /// `self * w`, rounded to `f32`.
        #[inline(always)]
        pub(crate) fn mul(&self, w: f32) -> f32 {
            let bits = w.to_bits();
            let exp = (bits >> 23) & 0xff;
            if exp == 0 || exp == 0xff {
                return self.x * w;
            }
            let m = (bits & FRACTION) | HIDDEN_BIT;
            let (hi, lo) = (m >> 12, m & 0xfff);
            // The 48-bit product P = top * 2^24 + rest, from four products of 12-bit halves.
            let mid = self.hi * lo + self.lo * hi; // < 2^25
            let low = ((mid & 0xfff) << 12) + self.lo * lo; // < 2^25
            let top = self.hi * hi + (mid >> 12) + (low >> 24); // in [2^22, 2^24)
            let rest = low & 0xff_ffff;
            // P in [2^47, 2^48): 24 bits from `top`; in [2^46, 2^47): one more from `rest`.
            let (mut sig, rem, half, mut e) = if top >= 1 << 23 {
                (top, rest, 1 << 23, self.exp + exp.cast_signed() - 126)
            } else {
                (
                    (top << 1) | (rest >> 23),
                    rest & 0x7f_ffff,
                    1 << 22,
                    self.exp + exp.cast_signed() - 127,
                )
            };
            if rem > half || (rem == half && sig & 1 == 1) {
                sig += 1;
                if sig == 1 << 24 {
                    sig = HIDDEN_BIT;
                    e += 1;
                }
            }
            if e <= 0 || e >= 0xff {
                return self.x * w;
            }
            f32::from_bits(((self.sign ^ bits) & SIGN) | ((e as u32) << 23) | (sig & FRACTION))
        }
    }

    /// `a + b`, rounded to `f32`.
    #[inline(always)]
    pub(crate) fn add(a: f32, b: f32) -> f32 {
        let (ab, bb) = (a.to_bits(), b.to_bits());
        let (big, small) = if ab & !SIGN >= bb & !SIGN {
            (ab, bb)
        } else {
            (bb, ab)
        };
        let e_big = (big >> 23) & 0xff;
        let e_small = (small >> 23) & 0xff;
        if e_small == 0 {
            // `x + (+-0) = x` for finite `x != 0`; subnormals, two zeros, infinities and NaN
            // (quieted by the general routine): the general routine.
            return if small & !SIGN == 0 && big & !SIGN != 0 && e_big != 0xff {
                f32::from_bits(big)
            } else {
                a + b
            };
        }
        if e_big == 0xff {
            return a + b;
        }
        let d = e_big - e_small;
        if d >= 26 {
            // `|small| < ulp(big) / 4`: rounds back to `big`, even below a power of two.
            return f32::from_bits(big);
        }
        // Six guard bits; the bits shifted out of `small` stick to its lowest bit.
        let m_big = ((big & FRACTION) | HIDDEN_BIT) << 6;
        let m_small = ((small & FRACTION) | HIDDEN_BIT) << 6;
        let aligned = (m_small >> d) | u32::from(m_small & ((1 << d) - 1) != 0);
        let mut e = e_big.cast_signed();
        let mut s;
        if (ab ^ bb) & SIGN == 0 {
            s = m_big + aligned;
            if s >= 1 << 30 {
                s = (s >> 1) | (s & 1);
                e += 1;
            }
        } else {
            s = m_big - aligned;
            if s == 0 {
                return 0.0;
            }
            while s < 1 << 29 {
                s <<= 1;
                e -= 1;
            }
        }
        let mut sig = s >> 6;
        let rem = s & 63;
        if rem > 32 || (rem == 32 && sig & 1 == 1) {
            sig += 1;
            if sig == 1 << 24 {
                sig = HIDDEN_BIT;
                e += 1;
            }
        }
        if e <= 0 || e >= 0xff {
            return a + b;
        }
        f32::from_bits((big & SIGN) | ((e as u32) << 23) | (sig & FRACTION))
    }

    #[cfg(test)]
    mod tests {
        use super::{Factor, add};

        /// `SplitMix64`.
        fn next(state: &mut u64) -> u64 {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Random bits, biased towards the edges: exponents near the ends of the range,
        /// near each other (cancellation), zeros, subnormals, infinities, NaN, fractions of
        /// all ones and all zeros (carries and ties).
        fn edgy(state: &mut u64, near: u32) -> u32 {
            let r = next(state);
            let sign = (r as u32) & 0x8000_0000;
            let exp = match (r >> 32) % 8 {
                0 => 0,
                1 => 0xff,
                2 => ((r >> 40) % 4) as u32 + 1,
                3 => 0xfe - ((r >> 40) % 4) as u32,
                4 | 5 => ((near >> 23) & 0xff)
                    .saturating_add(((r >> 40) % 5) as u32)
                    .min(0xff),
                _ => ((r >> 40) % 254) as u32 + 1,
            };
            let fraction = match (r >> 48) % 6 {
                0 => 0,
                1 => 0x7f_ffff,
                2 => (next(state) as u32) & 0x7f_ffff & !0xff, // low bits zero: exact ties
                _ => (next(state) as u32) & 0x7f_ffff,
            };
            sign | (exp << 23) | fraction
        }

        fn same(x: f32, y: f32) -> bool {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }

        #[test]
        fn mul_and_add_are_ieee_754() {
            let mut s = 0x0005_EED5;
            for i in 0..2_000_000u32 {
                let (a, b) = if i % 2 == 0 {
                    (next(&mut s) as u32, next(&mut s) as u32)
                } else {
                    let a = edgy(&mut s, 0x3f80_0000);
                    (a, edgy(&mut s, a))
                };
                let (a, b) = (f32::from_bits(a), f32::from_bits(b));
                assert!(same(add(a, b), a + b), "{a:e} + {b:e}: {:e}", add(a, b));
                if let Some(f) = Factor::new(a) {
                    let product = f.mul(b);
                    assert!(same(product, a * b), "{a:e} * {b:e}: {product:e}");
                }
            }
        }

        #[test]
        fn multiply_add_chains_match_native() {
            // The kernel's pattern: sums of products, with cancellation.
            let mut s = 7;
            for _ in 0..20_000 {
                let x = f32::from_bits(edgy(&mut s, 0x3f80_0000));
                let Some(f) = Factor::new(x) else { continue };
                let (mut fast, mut native) = (0.0f32, 0.0f32);
                for _ in 0..64 {
                    let w = f32::from_bits(edgy(&mut s, 0x3f00_0000));
                    fast = add(fast, f.mul(w));
                    native += x * w;
                    assert!(same(fast, native));
                }
            }
        }
    }
}
