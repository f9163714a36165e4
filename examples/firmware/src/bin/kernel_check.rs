//! Checks the Cortex-M one-sample kernels behind `Mlp::logits`, `Mlp::forward` and `Dense`'s
//! forward pass (so `Seq::logits` and `Seq::forward`, row by row) against a plain reference
//! (the definition, summed in order), bit for bit, on this device: every remainder the
//! kernels handle (rows `D % 4` and `I % 4` in 0..=3, column tails `H % 16` and `O % 16` in
//! 0..=15, output widths `K` from 1 to 17, and sizes 1), one sample and a batch of two,
//! random weights with exact zeros and negative zeros, and inputs that include zeros,
//! negative zeros, huge values (overflow to infinity, NaN) and NaN. And the training step's
//! gradient into the hidden layer, `dZ1 = (dZ2 W2^T) * gate` of `Mlp::backward` (the `A B^T`
//! kernel, `cortex_m/nt.rs`), for inner widths `K` from 1 to 13 and 32, hidden widths of
//! every column tail, and batches of 1 to 17 rows (full and partial).
//! Then the soft-float arithmetic itself (the Cortex-M0's Thumb-1 loop and its fallbacks, the
//! Cortex-M4F's `VMLA.F32`): `Dense<3, 32>` rows of random bits biased to the edges (zeros,
//! subnormals, infinities, NaN, exponents at both ends, exact ties, carries) and weights
//! chosen so that each product nearly cancels, or nearly doubles, the running sum, against
//! the compiler's `f32` (IEEE 754), bit for bit.
//! Exits with status 0 only if all agree.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor::nn::layer::Forward;
use ctensor::{
    Batch, Dense, Loss, Matrix, Mlp, Relu, Seq, Targets, TrainConfig, Vector, Workspace,
};
use ctensor_firmware::shared::SplitMix64;
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

/// A random dense layer, made at compile time.
const fn random_dense<const I: usize, const O: usize>(seed: u64) -> Dense<I, O> {
    let mut s = seed;
    let mut w = [[0.0; O]; I];
    let mut b = [0.0; O];
    let mut i = 0;
    while i < I * O {
        w[i / O][i % O] = value(&mut s);
        i += 1;
    }
    let mut i = 0;
    while i < O {
        b[i] = value(&mut s);
        i += 1;
    }
    Dense::from_parts(Matrix::from_array(w), Vector::from_array(b))
}

/// `x W + b`, summed in order.
fn dense_reference<const I: usize, const O: usize>(layer: &Dense<I, O>, x: &[f32; I]) -> [f32; O] {
    let mut y = [0.0f32; O];
    for (&xi, row) in x.iter().zip(layer.w.as_array()) {
        for (v, &w) in y.iter_mut().zip(row) {
            *v += xi * w;
        }
    }
    for (v, &b) in y.iter_mut().zip(layer.b.iter()) {
        *v += b;
    }
    y
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
) -> (u32, u32) {
    let mut x = [0.0f32; D];
    let mut good = 0;
    let mut cases = 0;
    for n in 0..INPUTS {
        cases += 1;
        input(seed, n, &mut x);
        let got = black_box(net).logits(black_box(&x));
        let want = reference(net, &x);
        // A batch of two rows (`Mlp::forward`: the kernel row by row).
        let batch = black_box(net).forward(black_box(&Matrix::<2, D>::from_array([x, x])));
        good += u32::from(
            same_bits(&got, &want) && same_bits(&batch[0], &want) && same_bits(&batch[1], &want),
        );
    }
    (cases, good)
}

/// The same bits (any NaN equals any NaN).
fn same_bits(got: &[f32], want: &[f32]) -> bool {
    got.iter()
        .zip(want)
        .all(|(&g, &w)| g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()))
}

/// A dense layer through `Seq::logits` (one row: the kernel), then a ReLU; returns (cases,
/// cases that agree).
fn check_dense<const I: usize, const O: usize>(
    net: &Seq<(Dense<I, O>, Relu<O>)>,
    seed: u64,
) -> (u32, u32) {
    let mut x = [0.0f32; I];
    let mut good = 0;
    for n in 0..INPUTS {
        input(seed, n, &mut x);
        let got = black_box(net).logits(black_box(&x));
        let want = dense_reference(&net.layers.0, &x).map(ctensor::relu);
        let batch = black_box(net).forward(black_box(&Matrix::<2, I>::from_array([x, x])));
        good += u32::from(
            same_bits(&got, &want) && same_bits(&batch[0], &want) && same_bits(&batch[1], &want),
        );
    }
    (INPUTS, good)
}

/// Random bits biased to the edges: exponents 0 and 255, near both ends, near `near`'s,
/// or any; fractions zero, all ones, with zero low bits (exact ties) or any.
fn edgy(s: &mut u64, near: u32) -> u32 {
    let r = next(s);
    let sign = (r as u32) & 0x8000_0000;
    let e_near = (near >> 23) & 0xff;
    let exp = match (r >> 32) % 8 {
        0 => 0,
        1 => 0xff,
        2 => ((r >> 40) % 4) as u32 + 1,
        3 => 0xfe - ((r >> 40) % 4) as u32,
        4 | 5 => (e_near + ((r >> 40) % 7) as u32)
            .saturating_sub(3)
            .min(0xff),
        _ => ((r >> 40) % 254) as u32 + 1,
    };
    let fraction = match (r >> 48) % 6 {
        0 => 0,
        1 => 0x7f_ffff,
        2 => (next(s) as u32) & 0x7f_ff00,
        _ => (next(s) as u32) & 0x7f_ffff,
    };
    sign | (exp << 23) | fraction
}

/// Soft-float trials: `Dense<3, 32>` on `x` (edge values, not zero: a zero input's terms are
/// skipped, by definition), row `i > 0` of the weights chosen from the running sums `acc` of
/// the reference: `-acc / x_i` or `acc / x_i` a few ulps off (cancellation, carries), of
/// `acc`'s exponent, or any edge value. Returns (cases, cases that agree).
fn check_soft_float(trials: u32) -> (u32, u32) {
    const O: usize = 32;
    let mut s = 0x50F7_F10A_u64;
    let mut good = 0;
    for _ in 0..trials {
        let mut x = [0.0f32; 3];
        for xi in &mut x {
            let mut bits = edgy(&mut s, 0x3f80_0000);
            if bits << 1 == 0 {
                bits |= 0x3f80_0000;
            }
            *xi = f32::from_bits(bits);
        }
        let mut w = [[0.0f32; O]; 3];
        let mut acc = [0.0f32; O];
        for (i, row) in w.iter_mut().enumerate() {
            for (wj, aj) in row.iter_mut().zip(&mut acc) {
                let r = next(&mut s);
                let q = *aj / x[i];
                let off = (r >> 8) as u32 % 5;
                let bits = match (i, r % 5) {
                    (0, _) | (_, 0) => edgy(&mut s, 0x3f80_0000),
                    (_, 1) => edgy(&mut s, q.to_bits()),
                    (_, 2) => (-q).to_bits().wrapping_add(off).wrapping_sub(2),
                    (_, 3) => q.to_bits().wrapping_add(off).wrapping_sub(2),
                    _ => edgy(&mut s, q.to_bits()) ^ 0x8000_0000,
                };
                *wj = f32::from_bits(bits);
                *aj += x[i] * *wj;
            }
        }
        let mut b = [0.0f32; O];
        for (bj, aj) in b.iter_mut().zip(&mut acc) {
            *bj = f32::from_bits(edgy(&mut s, aj.to_bits()));
            *aj += *bj;
        }
        let layer = Dense::from_parts(Matrix::from_array(w), Vector::from_array(b));
        let mut y = [[0.0f32; O]; 1];
        black_box(&layer).forward::<1>(&[black_box(x)], &mut y, &mut ());
        good += u32::from(same_bits(&y[0], &acc));
    }
    (trials, good)
}

/// `Mlp::backward` on a batch of `B` rows (`len` of them valid, random inputs and MSE
/// targets): `dZ1` (`ws.d_hidden`) against `(dZ2 W2^T) * gate` summed in order from `+0`, bit
/// for bit. Returns (cases, cases that agree): one case per valid row. Not inlined: its
/// workspace is on the stack only while it runs.
#[inline(never)]
fn check_backward<const D: usize, const H: usize, const K: usize, const B: usize>(
    net: &Mlp<D, H, K>,
    seed: u64,
    len: usize,
) -> (u32, u32) {
    let mut s = seed;
    let x = Matrix::<B, D>::from_fn(|_, _| value(&mut s) * 2.0);
    let g = Matrix::<B, K>::from_fn(|_, _| value(&mut s).abs());
    let mut ws = Workspace::<B, D, H, K>::zeros();
    let cfg = TrainConfig::new(Loss::MeanSquaredError);
    let Ok(batch) = Batch::partial(&x, Targets::Values(&g), len) else {
        return (1, 0);
    };
    net.forward_train(&batch, cfg.dropout, &mut ws, &mut SplitMix64(seed));
    if black_box(net).backward(&batch, &cfg, &mut ws).is_err() {
        return (1, 0);
    }
    let mut good = 0;
    for b in 0..len {
        let mut want = [0.0f32; H];
        for (j, w) in want.iter_mut().enumerate() {
            let mut sum = 0.0f32;
            for (&d, &v) in ws.logits[b].iter().zip(&net.w2[j]) {
                sum += d * v;
            }
            *w = sum * ws.gate[b][j];
        }
        good += u32::from(same_bits(&ws.d_hidden[b], &want));
    }
    (len as u32, good)
}

macro_rules! backward_shapes {
    ($out:ident, $total:ident, $good:ident; $($d:literal $h:literal $k:literal $b:literal $len:literal),* $(,)?) => {
        $({
            static NET: Mlp<$d, $h, $k> = random_net(($d * 10_000 + $h * 100 + $k + 7) as u64);
            let (n, g) = check_backward::<$d, $h, $k, $b>(&NET, ($k * 100 + $b) as u64, $len);
            $total += n;
            $good += g;
            if g != n {
                $out.str("MISMATCH backward Mlp<").u32($d).str(", ").u32($h).str(", ").u32($k)
                    .str(">, ").u32($len).str(" of ").u32($b).str(" rows: ").u32(n - g)
                    .str(" of ").u32(n).str(" rows").nl();
            }
        })*
    };
}

macro_rules! shapes {
    ($out:ident, $total:ident, $good:ident; $($d:literal $h:literal $k:literal),* $(,)?) => {
        $({
            static NET: Mlp<$d, $h, $k> = random_net(($d * 10_000 + $h * 100 + $k) as u64);
            let (n, g) = check(&NET, $k as u64);
            $total += n;
            $good += g;
            if g != n {
                $out.str("MISMATCH Mlp<").u32($d).str(", ").u32($h).str(", ").u32($k)
                    .str(">: ").u32(n - g).str(" of ").u32(n).str(" inputs").nl();
            }
        })*
    };
}

macro_rules! dense_shapes {
    ($out:ident, $total:ident, $good:ident; $($i:literal $o:literal),* $(,)?) => {
        $({
            static NET: Seq<(Dense<$i, $o>, Relu<$o>)> =
                Seq::new((random_dense(($i * 1000 + $o) as u64), Relu::new()));
            let (n, g) = check_dense(&NET, $o as u64);
            $total += n;
            $good += g;
            if g != n {
                $out.str("MISMATCH Dense<").u32($i).str(", ").u32($o)
                    .str(">: ").u32(n - g).str(" of ").u32(n).str(" inputs").nl();
            }
        })*
    };
}

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut out = Out::new();
    let (mut total, mut good) = (0u32, 0u32);
    // Output widths 1..=17 (narrow tails 1..=15, one block of 16, a block and a tail).
    shapes!(out, total, good;
        8 16 1, 8 16 2, 8 16 3, 8 16 4, 8 16 5, 8 16 6, 8 16 7, 8 16 8, 8 16 9, 8 16 10,
        8 16 11, 8 16 12, 8 16 13, 8 16 14, 8 16 15, 8 16 16, 8 16 17,
    );
    // Hidden widths 1..=15 and 17, 33 (every column tail of the first layer), with every
    // row remainder D % 4 and D < 4.
    shapes!(out, total, good;
        1 1 1, 2 2 2, 3 3 3, 5 4 1, 6 5 2, 7 6 3, 9 7 4, 10 8 1, 11 9 2, 13 10 3, 14 11 5,
        15 12 6, 17 13 7, 18 14 9, 19 15 11, 21 17 13, 22 33 17, 3 5 6, 2 8 4, 1 4 7,
    );
    // The shapes of the cost table, and the project's.
    shapes!(out, total, good;
        12 6 3, 30 16 1, 64 32 10, 20 20 3, 64 64 10, 20 32 15, 4 16 10,
    );
    // Dense layers (the `Seq` hook): rows and columns of every remainder.
    dense_shapes!(out, total, good;
        1 1, 3 5, 4 16, 5 17, 6 12, 7 13, 13 33, 2 31, 9 15, 3 4, 2 8, 1 6, 7 5, 8 3,
    );
    let (n, g) = check_soft_float(20_000);
    total += n;
    good += g;
    if g != n {
        out.str("MISMATCH soft float: ")
            .u32(n - g)
            .str(" of ")
            .u32(n)
            .str(" Dense<3, 32> rows")
            .nl();
    }
    // The backward product `dZ2 W2^T`: inner widths K 1..=13 and 32, hidden widths of every
    // tail, batches of 1..=17 rows (chunks of 8 and their remainders), full and partial.
    backward_shapes!(out, total, good;
        3 16 1 1 1, 3 5 2 2 2, 2 17 3 3 3, 4 8 4 4 4, 3 7 5 5 5, 2 13 6 6 6, 3 9 7 7 7,
        2 16 8 8 8, 3 3 9 9 9, 2 16 10 8 8, 2 15 11 8 5, 3 1 12 17 17, 2 6 13 16 11,
        2 5 32 3 3, 2 33 10 3 2,
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
