//! The Cortex-M0's output stage: `clamp(z + acc M, lo, hi)` with TFLite's rounding, the same
//! bits as [`Requant`](crate::kernels::int8::Requant)'s portable path for every input, in
//! 32-bit operations (ARMv6-M has no long multiply: `i64` products call `__aeabi_lmul`).
//!
//! The common case, a valid multiplier below 1 (`q` in `[0, 2^31)`, `shift` in `[-31, -1]`,
//! so `e = -shift >= 1`), is a straight line for any `acc`:
//!
//! ```text
//! t = floor((acc q + 2^30) / 2^31)                   high_mul: four 16 x 16-bit products
//! r = floor((t + 2^(e-1) - [t < 0]) / 2^e)           = ((t + (t >> 31)) >> (e - 1)) + 1) >> 1
//! y = clamp(z + r, lo, hi)                           |r| <= 2^30: no overflow
//! ```
//!
//! `r` is gemmlowp's `RoundingDivideByPOT(t, e)` (ties away from zero): for `t >= 0` it is
//! `floor((t + 2^(e-1)) / 2^e)`, for `t < 0` `floor((t + 2^(e-1) - 1) / 2^e)`, and nested
//! floors of divisions by powers of two combine (`floor(floor(u / 2^(e-1)) / 2) =
//! floor(u / 2^e)`, with the `+ 2^(e-1)` inside as the `+ 1` before the last halving). Every
//! other multiplier (`M >= 1`, `e = 0`, invalid fields) takes the general function, out of
//! line. Tested on the host against the portable path (below) and on the board
//! (`int8_kernel_check`).

use crate::quant::requant::{QuantizedMultiplier, multiply_by_quantized_multiplier};

/// Output `y = clamp(z + acc M, lo, hi)` (see the [module](self)).
#[inline(always)]
pub(super) fn finish(acc: i32, m: QuantizedMultiplier, z: i8, lo: i8, hi: i8) -> i8 {
    let e1 = !m.shift;
    let v = if straight(m) {
        let t = high_mul(acc, m.multiplier);
        // `t + (t >> 31)` does not overflow: `t > i32::MIN` (see `high_mul`); |r| <= 2^30,
        // so the portable path's saturating add does not saturate.
        let r = (((t + (t >> 31)) >> e1) + 1) >> 1;
        r.wrapping_add(i32::from(z))
    } else {
        general(acc, m).saturating_add(i32::from(z))
    };
    v.clamp(i32::from(lo), i32::from(hi)) as i8
}

/// Whether `m` takes the straight line: `q >= 0` and `shift` in `[-31, -1]`. `e - 1 = !shift`
/// for `shift = -e` is in `[0, 30]` exactly then; with the sign of `q` or'ed in, one
/// unsigned comparison tests both (as `group.rs` does).
#[inline(always)]
pub(super) fn straight(m: QuantizedMultiplier) -> bool {
    (!m.shift | (m.multiplier >> 31)).cast_unsigned() <= 30
}

/// [`high_mul_rust`]; on the Cortex-M0 in `asm!` (22 instructions; LLVM spilled registers
/// around the Rust form).
#[inline(always)]
fn high_mul(a: i32, q: i32) -> i32 {
    #[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
    {
        let t;
        // SAFETY: register arithmetic only: no memory access, no stack; `r0`-`r4` are
        // operands (the result comes back in `r0`), the flags clobbered by default.
        unsafe {
            core::arch::asm!(
                "uxth r2, r0",         // al
                "asrs r0, r0, #16",    // ah
                "uxth r3, r1",         // ql
                "lsrs r1, r1, #16",    // qh
                "movs r4, r2",
                "muls r4, r3, r4",     // lo = ll = al ql
                "muls r3, r0, r3",     // m1 = ah ql
                "muls r0, r1, r0",     // hi = hh = ah qh
                "muls r1, r2, r1",     // m2 = al qh
                "lsls r2, r3, #16",
                "asrs r3, r3, #16",
                "adds r4, r4, r2",
                "adcs r0, r3",         // hi:lo += m1 2^16
                "lsls r2, r1, #16",
                "lsrs r1, r1, #16",
                "adds r4, r4, r2",
                "adcs r0, r1",         // hi:lo += m2 2^16
                "lsrs r4, r4, #30",    // floor((lo + 2^30) / 2^31) = (lo / 2^30 + 1) / 2
                "adds r4, #1",
                "lsrs r4, r4, #1",
                "lsls r0, r0, #1",
                "adds r0, r0, r4",
                inout("r0") a => t,
                inout("r1") q => _,
                out("r2") _,
                out("r3") _,
                out("r4") _,
                options(pure, nomem, nostack),
            );
        }
        t
    }
    #[cfg(not(all(target_arch = "arm", not(target_has_atomic = "32"))))]
    high_mul_rust(a, q)
}

/// `floor((a q + 2^30) / 2^31)` for `q` in `[0, 2^31)`, from four 16 x 16-bit products and a
/// 64-bit sum in two words (`adds`/`adcs`). With `a = ah 2^16 + al`, `q = qh 2^16 + ql`
/// (`al`, `ql` in `[0, 2^16)`, `ah` in `[-2^15, 2^15)`, `qh` in `[0, 2^15)`):
///
/// ```text
/// a q = ah qh 2^32 + (ah ql + al qh) 2^16 + al ql = hi 2^32 + lo    (lo in [0, 2^32))
/// floor((a q + 2^30) / 2^31) = 2 hi + floor((lo + 2^30) / 2^31) = 2 hi + (floor(lo / 2^30) + 1) / 2
/// ```
///
/// `|ah qh| < 2^30`, `|ah ql| <= 2^31 - 2^15`, `al qh < 2^31`, `al ql < 2^32`: each fits its
/// type, and `a q`, below `2^62` in magnitude, fits the two words `hi:lo`. The result is
/// above `i32::MIN` (`a q > -2^62`).
#[cfg_attr(
    all(target_arch = "arm", not(target_has_atomic = "32")),
    allow(dead_code)
)]
#[inline(always)]
fn high_mul_rust(a: i32, q: i32) -> i32 {
    let (al, ah) = ((a & 0xffff).cast_unsigned(), a >> 16);
    let (ql, qh) = ((q & 0xffff).cast_unsigned(), q >> 16);
    let ll = al * ql;
    let hh = ah * qh;
    let m1 = ah * ql.cast_signed();
    let m2 = al * qh.cast_unsigned();
    let (lo, c1) = ll.overflowing_add(m1.cast_unsigned() << 16);
    let (lo, c2) = lo.overflowing_add(m2 << 16);
    let hi = hh
        .wrapping_add(m1 >> 16)
        .wrapping_add((m2 >> 16).cast_signed())
        .wrapping_add(i32::from(c1))
        .wrapping_add(i32::from(c2));
    (hi << 1).wrapping_add((((lo >> 30) + 1) >> 1).cast_signed())
}

/// Every case the straight line does not take: the portable path's function.
#[cold]
#[inline(never)]
fn general(acc: i32, m: QuantizedMultiplier) -> i32 {
    multiply_by_quantized_multiplier(acc, m)
}

#[cfg(test)]
mod tests {
    use super::{finish, high_mul};
    use crate::kernels::int8::Requant;
    use crate::quant::requant::QuantizedMultiplier;

    /// `high_mul` against the `i128` definition: every edge pair, then a sweep.
    #[test]
    fn high_mul_is_exact() {
        let reference =
            |a: i32, b: i32| (i128::from(a) * i128::from(b) + (1 << 30)).div_euclid(1 << 31) as i32;
        let edges = [
            i32::MIN,
            i32::MIN + 1,
            -(1 << 30),
            -65_537,
            -65_536,
            -65_535,
            -32_769,
            -32_768,
            -3,
            -1,
            0,
            1,
            2,
            3,
            32_767,
            32_768,
            65_535,
            65_536,
            1 << 30,
            (1 << 30) + 1,
            i32::MAX - 1,
            i32::MAX,
        ];
        for a in edges {
            for q in edges.into_iter().filter(|&q| q >= 0) {
                assert_eq!(high_mul(a, q), reference(a, q), "{a} {q}");
            }
        }
        let mut rng = Lcg(0x2545_f491_4f6c_dd1d);
        for _ in 0..2_000_000 {
            let (a, q) = (rng.acc(), rng.multiplier());
            assert_eq!(high_mul(a, q), reference(a, q), "{a} {q}");
        }
    }

    /// `finish` against the portable output stage (`Requant::output`) for every shift (valid
    /// or not), multipliers at the edges and random, accumulators at the edges and random,
    /// zero points and both clamps (ReLU or not).
    #[test]
    fn finish_is_the_portable_output_stage() {
        let mut rng = Lcg(11);
        let multipliers = [
            0,
            1,
            1 << 30,
            (1 << 30) + 1,
            i32::MAX - 1,
            i32::MAX,
            -1,
            i32::MIN,
        ];
        let accs = [
            i32::MIN,
            i32::MIN + 1,
            -(1 << 30),
            -1,
            0,
            1,
            1 << 30,
            i32::MAX,
        ];
        for shift in -40..=33 {
            for trial in 0..3_000 {
                let multiplier = match multipliers.get(trial) {
                    Some(&q) => q,
                    None => rng.multiplier(),
                };
                let m = QuantizedMultiplier { multiplier, shift };
                let acc = match accs.get(trial % 64) {
                    Some(&a) => a,
                    None => rng.acc(),
                };
                let z = ((rng.next() >> 24) as u8).cast_signed();
                let min = if trial % 2 == 0 { -128 } else { z };
                let r = Requant {
                    bias: &[0],
                    multiplier: &[m],
                    zero_point: z,
                    min,
                    max: 127,
                };
                assert_eq!(
                    finish(acc, m, z, min, 127),
                    r.output(0, acc),
                    "acc {acc}, m {m:?}, z {z}, min {min}"
                );
            }
        }
    }

    /// A 64-bit LCG: deterministic, no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 32) as u32
        }

        /// Any `i32`, or a smaller one (shifted right by 0..31 bits).
        fn acc(&mut self) -> i32 {
            let (a, s) = (self.next().cast_signed(), self.next());
            if s & 1 == 0 { a } else { a >> (s >> 27) }
        }

        /// In `[0, 2^31)`, mostly in `[2^30, 2^31)` (valid).
        fn multiplier(&mut self) -> i32 {
            let (q, s) = (self.next() >> 1, self.next());
            if s.trailing_zeros() >= 2 {
                (q >> (s >> 27)).cast_signed()
            } else {
                (q | 1 << 30).cast_signed()
            }
        }
    }
}
