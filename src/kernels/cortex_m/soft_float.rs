//! `f32` multiplication and addition in integer arithmetic, correctly rounded (to nearest,
//! ties to even), for targets without a floating-point unit.
//!
//! Only the common case is computed here: normal operands with a normal result (and zeros
//! in [`add`]). Anything else (subnormals, infinities, NaN, overflow, underflow) is handed
//! to the compiler's own `f32` operations, so every result is exactly IEEE 754's. The
//! common case is about twice as fast as the compiler's general routines: no call, no
//! unpacking of the constant factor for each product, no 64-bit multiply (which a
//! Cortex-M0 does not have; four 12 x 12-bit products instead).

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
