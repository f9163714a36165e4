//! `f32` multiplication and addition in integer arithmetic, correctly rounded (to nearest,
//! ties to even), for targets without a floating-point unit.
//!
//! Only the common case is computed here: normal operands with a normal result (and zeros
//! in [`add`], a zero accumulator in [`Factor::mul_add_to`]). Anything else (subnormals,
//! infinities, NaN, overflow, underflow) is handed to the compiler's own `f32` operations,
//! so every result is exactly IEEE 754's. The multiply-add `acc + x * w` (two roundings,
//! not fused) is more than twice as fast as the compiler's general routines: no call, no
//! unpacking of the constant factor for each product, no 64-bit multiply (which a
//! Cortex-M0 does not have; three 32-bit products instead), and the rounded product goes
//! into the sum unpacked.

const SIGN: u32 = 0x8000_0000;
const FRACTION: u32 = 0x007f_ffff;
const HIDDEN_BIT: u32 = 0x0080_0000;

/// A normal `f32` unpacked once to multiply many values by it.
pub(crate) struct Factor {
    x: f32,
    sign: u32,
    /// Biased exponent minus the bias, -126..=127.
    exp: i32,
    /// The 24-bit significand `m = hi * 2^16 + lo` (`hi` 8 bits, `lo` 16 bits).
    m: u32,
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
            exp: exp.cast_signed() - 127,
            m,
            hi: m >> 16,
            lo: m & 0xffff,
        })
    }

    /// `acc + self * w`, the product rounded to `f32`, then the sum (two roundings, as
    /// `acc + x * w` in `f32`, no fused multiply-add).
    #[cfg(test)]
    pub(crate) fn mul_add(&self, mut acc: f32, w: f32) -> f32 {
        self.mul_add_to(&mut acc, w);
        acc
    }

    /// `*acc += self * w` as [`Self::mul_add`].
    #[inline(always)]
    pub(crate) fn mul_add_to(&self, acc: &mut f32, w: f32) {
        *acc = match self.mul_add_bits(acc.to_bits(), w.to_bits()) {
            Some(bits) => f32::from_bits(bits),
            // The rare cases, by the compiler's routines.
            None => general_add(*acc, self.x * w),
        };
    }

    /// The common case of [`Self::mul_add`] (normal operands, product and sum normal, not
    /// near overflow, or `acc` zero), or `None`. The product is not packed: its rounded
    /// significand and exponent go straight into the sum. Exponents are kept as `f = e - 1`
    /// (biased `e` of a normal number in 1..=254): the packed bits are then
    /// `sign | (f << 23) + significand`, and `e` out of range is `f >= 254` unsigned.
    #[inline(always)]
    fn mul_add_bits(&self, ab: u32, wb: u32) -> Option<u32> {
        let fw = (wb << 1).wrapping_sub(1 << 24) >> 24;
        if fw >= 254 {
            // `w` zero, subnormal, infinite or NaN.
            return None;
        }
        // The 48-bit product of the significands, `P = m (w_hi 2^16 + w_lo)
        // = (m w_hi + hi w_lo) 2^16 + lo w_lo`, three 32-bit products: `w_hi` has 8 bits,
        // `hi` 8, `lo` and `w_lo` 16. `tf = floor(P / 2^16)`, in [2^30, 2^32): each partial
        // sum is at most `tf`, no overflow.
        let w_hi = ((wb << 9) >> 25) | 0x80;
        let w_lo = wb & 0xffff;
        let low = self.lo * w_lo;
        let tf = self.m * w_hi + self.hi * w_lo + (low >> 16);
        // `t = floor(P / 2^17)`, in [2^29, 2^31), the 17 bits below it sticking to its
        // lowest bit (below the rounding bit either way).
        let mut t = (tf >> 1) | u32::from((tf << 31) | (low << 16) != 0);
        // `e_p - 1 = e_x + e_w - 127 - 1`, one more if `P >= 2^47`.
        let mut fp = self.exp + fw.cast_signed();
        if t < 1 << 30 {
            t <<= 1;
        } else {
            fp += 1;
        }
        // Round to 24 bits, to nearest, ties to even (no overflow: `t < 2^31`).
        let p = (t + 0x3f + ((t >> 7) & 1)) >> 7;
        // `fl(x w) = p * 2^(fp - 149)`, `p` in [2^23, 2^24] (2^24 when rounded up: it
        // carries into the exponent when packed, and every step below holds for it).
        if fp.cast_unsigned() >= 253 {
            // The product is subnormal, overflows or is near it.
            return None;
        }
        // The product's sign in bit 31 (the other bits: noise).
        let sx = self.sign ^ wb;
        let fa = (ab << 1).wrapping_sub(1 << 24) >> 24;
        if fa >= 254 {
            // `+-0 + fl(x w) = fl(x w)` (not zero); `acc` subnormal, infinite or NaN: none.
            return (ab << 1 == 0).then_some((sx & SIGN) | ((fp.cast_unsigned() << 23) + p));
        }
        let fa = fa.cast_signed();
        let ma = (ab & FRACTION) | HIDDEN_BIT;
        // The bigger exponent first (`acc`'s when equal).
        let same = (ab ^ sx).cast_signed() >= 0;
        if fa >= fp {
            sum(ab, fa, ma, p, (fa - fp).cast_unsigned(), same)
        } else {
            sum(sx, fp, p, ma, (fp - fa).cast_unsigned(), same)
        }
    }
}

/// `big + small` or, unless `same` (sign), `big - small`, rounded, with `big`'s sign in
/// bit 31 of `sign`: significands `big` and `small` in [2^23, 2^24], of exponents `f + 1`
/// and `f + 1 - d` (`f` in 0..=252, `d >= 0`), or `None` if the sum is subnormal or near
/// overflow.
#[inline(always)]
fn sum(mut sign: u32, mut f: i32, big: u32, small: u32, d: u32, same: bool) -> Option<u32> {
    if d >= 27 {
        // `|small| <= ulp(big) / 8`: rounds back to `big`, even below a power of two.
        return Some((sign & SIGN) | ((f.cast_unsigned() << 23) + big));
    }
    // Six guard bits; the bits shifted out of `small` stick to its lowest bit.
    let big = big << 6;
    let small = small << 6;
    let aligned = small >> d;
    let aligned = aligned | u32::from(aligned << d != small);
    let sig = if same {
        let s = big + aligned; // in [2^29, 2^31)
        if s >= 1 << 30 {
            f += 1;
            (s + 0x3f + ((s >> 7) & 1)) >> 7
        } else {
            (s + 0x1f + ((s >> 6) & 1)) >> 6
        }
    } else {
        let mut s = big.wrapping_sub(aligned);
        if s == 0 {
            // `y - y = +0` when rounding to nearest.
            return Some(0);
        }
        if s >= 1 << 31 {
            // Only for `d == 0`: `small` was the bigger one.
            s = s.wrapping_neg();
            sign ^= SIGN;
        }
        while s < 1 << 29 {
            s <<= 1;
            f -= 1;
        }
        (s + 0x1f + ((s >> 6) & 1)) >> 6
    };
    // `sig` in [2^23, 2^24]: 2^24 (rounded up) carries into the exponent when packed.
    if f.cast_unsigned() >= 253 {
        // Overflow (or close), or a subnormal sum.
        return None;
    }
    Some((sign & SIGN) | ((f.cast_unsigned() << 23) + sig))
}

/// `a + b` by the compiler's routine, out of line (the rare cases of [`Factor::mul_add`]).
#[cold]
#[inline(never)]
fn general_add(a: f32, b: f32) -> f32 {
    a + b
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
                // `c + a b` for a `c` of every kind: random bits, or near `a b`'s size with
                // either sign (cancellation).
                let near = (a * b).to_bits();
                let c = if i % 3 == 0 {
                    next(&mut s) as u32
                } else {
                    edgy(&mut s, near & 0x7fff_ffff) ^ (near & 0x8000_0000) ^ ((i % 2) << 31)
                };
                let c = f32::from_bits(c);
                let fused = f.mul_add(c, b);
                assert!(same(fused, c + a * b), "{c:e} + {a:e} * {b:e}: {fused:e}");
                assert!(same(f.mul_add(0.0, b), 0.0 + a * b), "0 + {a:e} * {b:e}");
                assert!(same(f.mul_add(-0.0, b), -0.0 + a * b), "-0 + {a:e} * {b:e}");
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
                fast = f.mul_add(fast, w);
                native += x * w;
                assert!(same(fast, native));
            }
        }
    }
}
