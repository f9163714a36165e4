//! Checks the Cortex-M inference kernel behind `Mlp::logits` against a plain reference (the
//! definition, summed in order), bit for bit, on this device: every output width `K` from 1
//! to 15 and several `D` and `H`, random weights with exact zeros and negative zeros, and
//! inputs that include zeros, negative zeros, huge values (overflow to infinity, NaN) and
//! NaN. Also shapes the kernel does not handle (the portable path, which may sum in another
//! order), checked to 1e-5 without the overflowing input.
//! Exits with status 0 only if all agree.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::{Matrix, Mlp, Vector};
use ctensor_firmware::{BOARD, Out, exit, max_stack_used};

/// SplitMix64, usable in `const fn`s.
const fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in `[-1, 1)`, one in eight an exact `+0` or `-0`.
const fn value(state: &mut u64) -> f32 {
    let r = next(state);
    match r % 16 {
        0 => 0.0,
        1 => -0.0,
        _ => (r >> 40) as f32 * (2.0 / (1u64 << 24) as f32) - 1.0,
    }
}

/// A random network, made at compile time (a `static` in flash).
const fn random_net<const D: usize, const H: usize, const K: usize>(seed: u64) -> Mlp<D, H, K> {
    let mut s = seed;
    let mut w1 = [[0.0; H]; D];
    let mut b1 = [0.0; H];
    let mut w2 = [[0.0; K]; H];
    let mut b2 = [0.0; K];
    let mut i = 0;
    while i < D * H {
        w1[i / H][i % H] = value(&mut s);
        i += 1;
    }
    let mut i = 0;
    while i < H {
        b1[i] = value(&mut s) * 0.5;
        i += 1;
    }
    let mut i = 0;
    while i < H * K {
        w2[i / K][i % K] = value(&mut s);
        i += 1;
    }
    let mut i = 0;
    while i < K {
        b2[i] = value(&mut s);
        i += 1;
    }
    Mlp::from_parts(
        Matrix::from_array(w1),
        Vector::from_array(b1),
        Matrix::from_array(w2),
        Vector::from_array(b2),
    )
}

/// The definition, summed in order: `relu(x W1 + b1) W2 + b2`.
fn reference<const D: usize, const H: usize, const K: usize>(
    net: &Mlp<D, H, K>,
    x: &[f32; D],
) -> [f32; K] {
    let mut h = [0.0f32; H];
    for (&xi, row) in x.iter().zip(net.w1.as_array()) {
        for (hj, &w) in h.iter_mut().zip(row) {
            *hj += xi * w;
        }
    }
    for (hj, &b) in h.iter_mut().zip(net.b1.iter()) {
        *hj += b;
        *hj = if *hj > 0.0 { *hj } else { 0.0 };
    }
    let mut out = [0.0f32; K];
    for (&hj, row) in h.iter().zip(net.w2.as_array()) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += hj * w;
        }
    }
    for (o, &b) in out.iter_mut().zip(net.b2.iter()) {
        *o += b;
    }
    out
}

/// Inputs number `n` of a test: random, then special cases.
fn input<const D: usize>(seed: u64, n: u32, x: &mut [f32; D]) {
    let mut s = seed ^ u64::from(n).wrapping_mul(0x0123_4567_89AB_CDEF);
    for xi in x.iter_mut() {
        *xi = value(&mut s);
    }
    match n {
        0 => x.fill(0.0),
        1 => x.fill(-0.0),
        2 => x.iter_mut().for_each(|v| *v = v.abs() * 16.0), // pixel-like, all >= 0
        3 => x.iter_mut().for_each(|v| *v *= 3.0e38),        // overflow: +-inf, NaN
        4 => x[0] = f32::NAN,
        _ => {}
    }
}

const INPUTS: u32 = 8;

/// Runs one shape; returns (cases, cases that agree).
fn check<const D: usize, const H: usize, const K: usize>(
    net: &Mlp<D, H, K>,
    seed: u64,
    exact: bool,
) -> (u32, u32) {
    let mut x = [0.0f32; D];
    let mut good = 0;
    let mut cases = 0;
    for n in 0..INPUTS {
        // Overflow gives inf or NaN depending on the order of the sum: only for the kernel,
        // which sums in the reference's order.
        if n == 3 && !exact {
            continue;
        }
        cases += 1;
        input(seed, n, &mut x);
        let got = black_box(net).logits(black_box(&x));
        let want = reference(net, &x);
        let same = got.iter().zip(&want).all(|(&g, &w)| {
            if exact {
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan())
            } else {
                g == w || (g - w).abs() <= 1e-5 * (1.0 + w.abs()) || (g.is_nan() && w.is_nan())
            }
        });
        good += u32::from(same);
    }
    (cases, good)
}

macro_rules! shapes {
    ($out:ident, $total:ident, $good:ident; $($d:literal $h:literal $k:literal $exact:literal),* $(,)?) => {
        $({
            static NET: Mlp<$d, $h, $k> = random_net(($d * 10_000 + $h * 100 + $k) as u64);
            let (n, g) = check(&NET, $k as u64, $exact);
            $total += n;
            $good += g;
            if g != n {
                $out.str("MISMATCH Mlp<").u32($d).str(", ").u32($h).str(", ").u32($k)
                    .str(">: ").u32(n - g).str(" of ").u32(n).str(" inputs").nl();
            }
        })*
    };
}

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut out = Out::new();
    let (mut total, mut good) = (0u32, 0u32);
    // Every K the kernel handles, and several D and H (bit-exact).
    shapes!(out, total, good;
        8 16 1 true, 8 16 2 true, 8 16 3 true, 8 16 4 true, 8 16 5 true, 8 16 6 true,
        8 16 7 true, 8 16 8 true, 8 16 9 true, 8 16 10 true, 8 16 11 true, 8 16 12 true,
        8 16 13 true, 8 16 14 true, 8 16 15 true,
        4 16 10 true, 12 48 3 true, 64 32 10 true, 64 64 10 true, 20 32 15 true,
    );
    // Shapes the kernel leaves to the portable path (D % 4 != 0, H % 16 != 0, K > 15).
    shapes!(out, total, good;
        3 16 10 false, 8 20 10 false, 8 16 16 false, 5 7 2 false,
    );
    out.str("kernel_check on ")
        .str(BOARD)
        .str(": ")
        .u32(good)
        .str(" of ")
        .u32(total)
        .str(" cases agree with the reference; max stack ")
        .u32(max_stack_used())
        .str(" B")
        .nl();
    exit(good == total)
}
