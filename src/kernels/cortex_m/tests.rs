//! The kernel of this build (on the host: the soft-float one, as on a Cortex-M0) against the
//! definition summed in order, bit for bit, for every remainder of rows (`I % 4`), of
//! columns (`O % 16`) and of outputs, with exact zeros, negative zeros, infinities and NaN in
//! the inputs.

extern crate std;

use std::boxed::Box;

use super::{dense_row, mlp_logits};

/// `SplitMix64`.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in `[-1, 1)`, one in eight an exact `+0` or `-0`.
fn value(state: &mut u64) -> f32 {
    let r = next(state);
    match r % 16 {
        0 => 0.0,
        1 => -0.0,
        _ => (r >> 40) as f32 * (2.0 / (1u64 << 24) as f32) - 1.0,
    }
}

fn fill<const N: usize>(s: &mut u64, a: &mut [f32; N]) {
    for v in a {
        *v = value(s);
    }
}

/// Input number `n` of a test: random, then special cases.
fn input<const N: usize>(s: &mut u64, n: u32) -> [f32; N] {
    let mut x = [0.0; N];
    fill(s, &mut x);
    match n {
        0 => x.fill(0.0),
        1 => x.fill(-0.0),
        2 => x.iter_mut().for_each(|v| *v = v.abs() * 16.0),
        3 => x.iter_mut().for_each(|v| *v *= 3.0e38), // overflow: +-inf, NaN
        4 => {
            if let Some(v) = x.first_mut() {
                *v = f32::NAN;
            }
        }
        _ => {}
    }
    x
}

fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// `x W + b`, summed in order from `+0`.
fn reference<const I: usize, const O: usize>(
    x: &[f32; I],
    w: &[[f32; O]; I],
    b: &[f32; O],
) -> [f32; O] {
    let mut y = [0.0f32; O];
    for (&xi, row) in x.iter().zip(w) {
        for (v, &wj) in y.iter_mut().zip(row) {
            *v += xi * wj;
        }
    }
    for (v, &bj) in y.iter_mut().zip(b) {
        *v += bj;
    }
    y
}

fn check_dense<const I: usize, const O: usize>() {
    let mut s = (I * 1000 + O) as u64;
    let mut w = Box::new([[0.0f32; O]; I]);
    for row in w.iter_mut() {
        fill(&mut s, row);
    }
    let mut b = [0.0f32; O];
    fill(&mut s, &mut b);
    for n in 0..8 {
        let x = input::<I>(&mut s, n);
        let want = reference(&x, &w, &b);
        let mut got = [f32::NAN; O];
        assert!(dense_row(&x, &w, &b, &mut got).is_some());
        for (j, (g, e)) in got.iter().zip(&want).enumerate() {
            assert!(
                same(*g, *e),
                "dense {I}x{O}, input {n}, output {j}: {g:e} != {e:e}"
            );
        }
    }
    // Not `f32`: the portable path.
    let mut y = [0.0f64; O];
    assert!(dense_row(&[0.0f64; I], &[[0.0f64; O]; I], &[0.0f64; O], &mut y).is_none());
}

fn check_mlp<const D: usize, const H: usize, const K: usize>() {
    let mut s = (D * 10_000 + H * 100 + K) as u64;
    let mut w1 = Box::new([[0.0f32; H]; D]);
    for row in w1.iter_mut() {
        fill(&mut s, row);
    }
    let mut b1 = [0.0f32; H];
    fill(&mut s, &mut b1);
    let mut w2 = Box::new([[0.0f32; K]; H]);
    for row in w2.iter_mut() {
        fill(&mut s, row);
    }
    let mut b2 = [0.0f32; K];
    fill(&mut s, &mut b2);
    for n in 0..8 {
        let x = input::<D>(&mut s, n);
        let hidden = reference(&x, &w1, &b1).map(crate::relu);
        let want = reference(&hidden, &w2, &b2);
        let got = mlp_logits(&w1, &b1, &w2, &b2, &x).unwrap();
        for (j, (g, e)) in got.iter().zip(&want).enumerate() {
            assert!(
                same(*g, *e),
                "Mlp<{D}, {H}, {K}>, input {n}, logit {j}: {g:e} != {e:e}"
            );
        }
    }
}

macro_rules! dense_shapes {
    ($($i:literal $o:literal),*) => { $(check_dense::<$i, $o>();)* };
}

macro_rules! mlp_shapes {
    ($($d:literal $h:literal $k:literal),*) => { $(check_mlp::<$d, $h, $k>();)* };
}

#[test]
fn dense_row_is_the_ordered_sum_for_every_remainder() {
    dense_shapes!(0 1, 0 2, 0 3, 0 4, 0 5, 0 6, 0 7, 0 8, 0 9, 0 10, 0 11, 0 12, 0 13, 0 14, 0 15, 0 16, 0 17, 0 31, 0 32, 0 33, 1 1, 1 2, 1 3, 1 4, 1 5, 1 6, 1 7, 1 8, 1 9, 1 10, 1 11, 1 12, 1 13, 1 14, 1 15, 1 16, 1 17, 1 31, 1 32, 1 33, 2 1, 2 2, 2 3, 2 4, 2 5, 2 6, 2 7, 2 8, 2 9, 2 10, 2 11, 2 12, 2 13, 2 14, 2 15, 2 16, 2 17, 2 31, 2 32, 2 33, 3 1, 3 2, 3 3, 3 4, 3 5, 3 6, 3 7, 3 8, 3 9, 3 10, 3 11, 3 12, 3 13, 3 14, 3 15, 3 16, 3 17, 3 31, 3 32, 3 33, 4 1, 4 2, 4 3, 4 4, 4 5, 4 6, 4 7, 4 8, 4 9, 4 10, 4 11, 4 12, 4 13, 4 14, 4 15, 4 16, 4 17, 4 31, 4 32, 4 33, 5 1, 5 2, 5 3, 5 4, 5 5, 5 6, 5 7, 5 8, 5 9, 5 10, 5 11, 5 12, 5 13, 5 14, 5 15, 5 16, 5 17, 5 31, 5 32, 5 33, 6 1, 6 2, 6 3, 6 4, 6 5, 6 6, 6 7, 6 8, 6 9, 6 10, 6 11, 6 12, 6 13, 6 14, 6 15, 6 16, 6 17, 6 31, 6 32, 6 33, 7 1, 7 2, 7 3, 7 4, 7 5, 7 6, 7 7, 7 8, 7 9, 7 10, 7 11, 7 12, 7 13, 7 14, 7 15, 7 16, 7 17, 7 31, 7 32, 7 33, 8 1, 8 2, 8 3, 8 4, 8 5, 8 6, 8 7, 8 8, 8 9, 8 10, 8 11, 8 12, 8 13, 8 14, 8 15, 8 16, 8 17, 8 31, 8 32, 8 33, 9 1, 9 2, 9 3, 9 4, 9 5, 9 6, 9 7, 9 8, 9 9, 9 10, 9 11, 9 12, 9 13, 9 14, 9 15, 9 16, 9 17, 9 31, 9 32, 9 33, 13 1, 13 2, 13 3, 13 4, 13 5, 13 6, 13 7, 13 8, 13 9, 13 10, 13 11, 13 12, 13 13, 13 14, 13 15, 13 16, 13 17, 13 31, 13 32, 13 33);
}

#[test]
fn mlp_logits_is_the_ordered_sum_for_every_remainder() {
    mlp_shapes!(1 1 1, 1 1 2, 1 1 3, 1 1 10, 1 1 15, 1 1 16, 1 1 17, 1 6 1, 1 6 2, 1 6 3, 1 6 10, 1 6 15, 1 6 16, 1 6 17, 1 15 1, 1 15 2, 1 15 3, 1 15 10, 1 15 15, 1 15 16, 1 15 17, 1 16 1, 1 16 2, 1 16 3, 1 16 10, 1 16 15, 1 16 16, 1 16 17, 1 17 1, 1 17 2, 1 17 3, 1 17 10, 1 17 15, 1 17 16, 1 17 17, 1 20 1, 1 20 2, 1 20 3, 1 20 10, 1 20 15, 1 20 16, 1 20 17, 3 1 1, 3 1 2, 3 1 3, 3 1 10, 3 1 15, 3 1 16, 3 1 17, 3 6 1, 3 6 2, 3 6 3, 3 6 10, 3 6 15, 3 6 16, 3 6 17, 3 15 1, 3 15 2, 3 15 3, 3 15 10, 3 15 15, 3 15 16, 3 15 17, 3 16 1, 3 16 2, 3 16 3, 3 16 10, 3 16 15, 3 16 16, 3 16 17, 3 17 1, 3 17 2, 3 17 3, 3 17 10, 3 17 15, 3 17 16, 3 17 17, 3 20 1, 3 20 2, 3 20 3, 3 20 10, 3 20 15, 3 20 16, 3 20 17, 4 1 1, 4 1 2, 4 1 3, 4 1 10, 4 1 15, 4 1 16, 4 1 17, 4 6 1, 4 6 2, 4 6 3, 4 6 10, 4 6 15, 4 6 16, 4 6 17, 4 15 1, 4 15 2, 4 15 3, 4 15 10, 4 15 15, 4 15 16, 4 15 17, 4 16 1, 4 16 2, 4 16 3, 4 16 10, 4 16 15, 4 16 16, 4 16 17, 4 17 1, 4 17 2, 4 17 3, 4 17 10, 4 17 15, 4 17 16, 4 17 17, 4 20 1, 4 20 2, 4 20 3, 4 20 10, 4 20 15, 4 20 16, 4 20 17, 5 1 1, 5 1 2, 5 1 3, 5 1 10, 5 1 15, 5 1 16, 5 1 17, 5 6 1, 5 6 2, 5 6 3, 5 6 10, 5 6 15, 5 6 16, 5 6 17, 5 15 1, 5 15 2, 5 15 3, 5 15 10, 5 15 15, 5 15 16, 5 15 17, 5 16 1, 5 16 2, 5 16 3, 5 16 10, 5 16 15, 5 16 16, 5 16 17, 5 17 1, 5 17 2, 5 17 3, 5 17 10, 5 17 15, 5 17 16, 5 17 17, 5 20 1, 5 20 2, 5 20 3, 5 20 10, 5 20 15, 5 20 16, 5 20 17, 12 1 1, 12 1 2, 12 1 3, 12 1 10, 12 1 15, 12 1 16, 12 1 17, 12 6 1, 12 6 2, 12 6 3, 12 6 10, 12 6 15, 12 6 16, 12 6 17, 12 15 1, 12 15 2, 12 15 3, 12 15 10, 12 15 15, 12 15 16, 12 15 17, 12 16 1, 12 16 2, 12 16 3, 12 16 10, 12 16 15, 12 16 16, 12 16 17, 12 17 1, 12 17 2, 12 17 3, 12 17 10, 12 17 15, 12 17 16, 12 17 17, 12 20 1, 12 20 2, 12 20 3, 12 20 10, 12 20 15, 12 20 16, 12 20 17, 64 32 10, 30 16 1, 10 8 1, 20 20 3, 12 6 3);
}

/// Without `std`, the host's portable path sums a one-row product in order too (`KU1 = 1`):
/// the same bits as the device kernels for every shape.
#[cfg(not(feature = "std"))]
fn check_portable<const I: usize, const O: usize>() {
    let mut s = (I * 1000 + O) as u64;
    let mut w = Box::new([[0.0f32; O]; I]);
    for row in w.iter_mut() {
        fill(&mut s, row);
    }
    let mut b = [0.0f32; O];
    fill(&mut s, &mut b);
    for n in 0..8 {
        let x = input::<I>(&mut s, n);
        let want = reference(&x, &w, &b);
        let mut got = [[f32::NAN; O]];
        crate::kernels::portable::matmul(&[x], &w, &mut got, false);
        for (g, &bj) in got[0].iter_mut().zip(&b) {
            *g += bj;
        }
        for (j, (g, e)) in got[0].iter().zip(&want).enumerate() {
            assert!(
                same(*g, *e),
                "portable {I}x{O}, input {n}, output {j}: {g:e} != {e:e}"
            );
        }
    }
}

#[cfg(not(feature = "std"))]
#[test]
fn portable_without_std_is_the_ordered_sum() {
    macro_rules! portable_shapes {
        ($($i:literal $o:literal),*) => { $(check_portable::<$i, $o>();)* };
    }
    portable_shapes!(1 1, 1 2, 1 3, 1 4, 1 5, 1 7, 1 8, 1 9, 1 10, 1 15, 1 16, 1 17, 1 33, 1 65, 1 128, 2 1, 2 2, 2 3, 2 4, 2 5, 2 7, 2 8, 2 9, 2 10, 2 15, 2 16, 2 17, 2 33, 2 65, 2 128, 3 1, 3 2, 3 3, 3 4, 3 5, 3 7, 3 8, 3 9, 3 10, 3 15, 3 16, 3 17, 3 33, 3 65, 3 128, 5 1, 5 2, 5 3, 5 4, 5 5, 5 7, 5 8, 5 9, 5 10, 5 15, 5 16, 5 17, 5 33, 5 65, 5 128, 8 1, 8 2, 8 3, 8 4, 8 5, 8 7, 8 8, 8 9, 8 10, 8 15, 8 16, 8 17, 8 33, 8 65, 8 128, 13 1, 13 2, 13 3, 13 4, 13 5, 13 7, 13 8, 13 9, 13 10, 13 15, 13 16, 13 17, 13 33, 13 65, 13 128, 64 1, 64 2, 64 3, 64 4, 64 5, 64 7, 64 8, 64 9, 64 10, 64 15, 64 16, 64 17, 64 33, 64 65, 64 128, 300 1, 300 2, 300 3, 300 4, 300 5, 300 7, 300 8, 300 9, 300 10, 300 15, 300 16, 300 17, 300 33, 300 65, 300 128);
}

/// The kernels' `unsafe` (the `assume_init` of the logits and of the sums of `tn_add_scaled`,
/// the view of an initialized output as `MaybeUninit`) on a few shapes with every remainder, small enough for Miri:
/// `cargo +nightly miri test --lib cortex_m::tests::miri`.
#[test]
fn miri_small_shapes() {
    dense_shapes!(0 1, 1 1, 3 5, 5 17, 2 16);
    mlp_shapes!(1 1 1, 3 5 2, 5 17 3, 4 16 1);
    check_tn::<3, 5, 17>();
}

/// `C += alpha A^T B` and `C = A^T B` of `tn_rows` against the definition: each sum over the rows in
/// order, then `c + alpha s`.
fn check_tn<const R: usize, const M: usize, const N: usize>() {
    let mut s = (R * 10_000 + M * 100 + N) as u64;
    let mut a = [[0.0f32; M]; R];
    let mut b = [[0.0f32; N]; R];
    let mut c = [[0.0f32; N]; M];
    for row in &mut a {
        fill(&mut s, row);
    }
    for row in &mut b {
        fill(&mut s, row);
    }
    for row in &mut c {
        fill(&mut s, row);
    }
    let alpha = -0.375f32;
    let mut want = c;
    for (p, row) in want.iter_mut().enumerate() {
        for (j, w) in row.iter_mut().enumerate() {
            let mut sum = 0.0f32;
            for i in 0..R {
                sum += a[i][p] * b[i][j];
            }
            // `+ 0`: the kernel's zero bias (only the sign of a zero sum can change).
            *w += alpha * (sum + 0.0);
        }
    }
    let mut fresh = [[f32::NAN; N]; M];
    assert!(super::tn_rows::<f32, R, M, N>(&a, &b, &mut fresh, 1.0, false).is_some());
    for (p, row) in fresh.iter().enumerate() {
        for (j, g) in row.iter().enumerate() {
            let mut sum = 0.0f32;
            for i in 0..R {
                sum += a[i][p] * b[i][j];
            }
            let e = sum + 0.0;
            assert!(
                same(*g, e),
                "tn overwrite {R}x{M}x{N}, ({p}, {j}): {g:e} != {e:e}"
            );
        }
    }
    assert!(super::tn_rows::<f32, R, M, N>(&a, &b, &mut c, alpha, true).is_some());
    for (p, (g, e)) in c.iter().zip(&want).enumerate() {
        for (j, (g, e)) in g.iter().zip(e).enumerate() {
            assert!(same(*g, *e), "tn {R}x{M}x{N}, ({p}, {j}): {g:e} != {e:e}");
        }
    }
    // Fewer rows than `R`: not served (the caller takes the portable path).
    assert!(super::tn_rows::<f32, R, M, N>(&a[1..], &b[1..], &mut c, alpha, true).is_none());
}

#[test]
fn tn_rows_is_the_ordered_sum() {
    check_tn::<1, 1, 1>();
    check_tn::<8, 64, 32>();
    check_tn::<3, 5, 17>();
    check_tn::<16, 7, 8>();
    check_tn::<5, 13, 33>();
}
