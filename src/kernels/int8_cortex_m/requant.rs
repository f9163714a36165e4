//! The Cortex-M0's output stage: `clamp(z + acc M, lo, hi)` with TFLite's rounding, the same
//! bits as [`Requant`](crate::kernels::int8::Requant)'s portable path for every input, in
//! 32-bit operations (ARMv6-M has no long multiply: `i64` products call `__aeabi_lmul`).
//!
//! The common case, a valid multiplier below 1 (`q` in `[0, 2^31)`, `shift` in `[-31, -1]`,
//! so `e = -shift >= 1`), is a straight line for any `acc`:
//!
//! ```text
//! t = floor((acc q + 2^30) / 2^31)                   high_mul: four 16 x 16-bit products of acc and 2q
//! r = floor((t + 2^(e-1) - [t < 0]) / 2^e)           = ((t + (t >> 31)) >> (e - 1)) + 1) >> 1
//! y = clamp(z + r, lo, hi)                           |r| <= 2^30: no overflow
//! ```
//!
//! `r` is gemmlowp's `RoundingDivideByPOT(t, e)` (ties away from zero): for `t >= 0` it is
//! `floor((t + 2^(e-1)) / 2^e)`, for `t < 0` `floor((t + 2^(e-1) - 1) / 2^e)`, and nested
//! floors of divisions by powers of two combine (`floor(floor(u / 2^(e-1)) / 2) =
//! floor(u / 2^e)`, with the `+ 2^(e-1)` inside as the `+ 1` before the last halving). Every
//! other multiplier (`M >= 1`, `e = 0`, invalid fields) takes the general function, out of
//! line. This is the arithmetic of `group.rs`'s `asm!` (each step there has its line here),
//! tested on the host against the portable path (below); the `asm!` itself on the board
//! (`int8_kernel_check`). On the device, [`finish`] computes only the channels the `asm!`
//! leaves to the caller.

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
    // `clamp` for `lo <= hi` (the caller checks it), without its panic path.
    v.max(i32::from(lo)).min(i32::from(hi)) as i8
}

/// Whether `m` takes the straight line: `q >= 0` and `shift` in `[-31, -1]`. `e - 1 = !shift`
/// for `shift = -e` is in `[0, 30]` exactly then; with the sign of `q` or'ed in, one
/// unsigned comparison tests both (`group.rs` tests the same two conditions: the sign of
/// `q` as the carry out of `2 q`, then `e - 1 <= 30`).
#[inline(always)]
pub(super) fn straight(m: QuantizedMultiplier) -> bool {
    (!m.shift | (m.multiplier >> 31)).cast_unsigned() <= 30
}

/// `floor((a q + 2^30) / 2^31)` for `q` in `[0, 2^31)`, the arithmetic of `group.rs`'s
/// `asm!` (tested here on the host): the 64-bit product `a (2 q)` from four 16 x 16-bit
/// products and a sum in two words (`adds`/`adcs`). With `a = ah 2^16 + al`,
/// `2 q = Qh 2^16 + Ql` (`al`, `Ql`, `Qh` in `[0, 2^16)`, `ah` in `[-2^15, 2^15)`):
///
/// ```text
/// a 2q = ah Qh 2^32 + (ah Ql + al Qh) 2^16 + al Ql = hi 2^32 + lo      (lo in [0, 2^32))
/// floor((a q + 2^30) / 2^31) = floor((a 2q + 2^31) / 2^32) = hi + floor((lo + 2^31) / 2^32) = hi + (lo >> 31)
/// ```
///
/// `|ah Qh| < 2^31`, `|ah Ql| < 2^31`, `al Qh < 2^32`, `al Ql < 2^32`: each fits its type,
/// and `a 2q`, below `2^63` in magnitude, fits the two words `hi:lo`. The result is in
/// `(i32::MIN, 2^31 - 1)` (`-2^62 < a q < 2^62 - 2^31`).
#[inline(always)]
fn high_mul(a: i32, q: i32) -> i32 {
    let (al, ah) = ((a & 0xffff).cast_unsigned(), a >> 16);
    let q2 = q.cast_unsigned() << 1;
    let (ql, qh) = (q2 & 0xffff, q2 >> 16);
    let ll = al * ql;
    let hh = ah * qh.cast_signed();
    let m1 = ah * ql.cast_signed();
    let m2 = al * qh;
    let (lo, c1) = ll.overflowing_add(m1.cast_unsigned() << 16);
    let (lo, c2) = lo.overflowing_add(m2 << 16);
    let hi = hh
        .wrapping_add(m1 >> 16)
        .wrapping_add((m2 >> 16).cast_signed())
        .wrapping_add(i32::from(c1))
        .wrapping_add(i32::from(c2));
    hi.wrapping_add((lo >> 31).cast_signed())
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
