//! The three products (`A B`, `A^T B`, `A B^T`) against a naive `f64` reference: `f32` and
//! `f64`, overwrite and accumulate, odd sizes (1, 3, 17, 33, 65) in every dimension and the
//! shapes of a 784-128-10 network, on the dispatched path (AVX2 + FMA where the CPU has it)
//! and on the portable path.
//!
//! Operands live on the heap: the test threads' stacks are 2 MiB.
// Uses the heap constructors and file I/O of the default `std` feature.
#![cfg(feature = "std")]

use ctensor::Scalar;
use ctensor::kernels::{self, portable};

/// Rows of `A` (and `C`) tried for every const shape: the batch dimension is a runtime
/// length, so every value costs nothing to compile.
const ROWS: [usize; 9] = [0, 1, 2, 3, 5, 6, 7, 17, 33];

/// A deterministic pseudo-random value in `[-1, 1)` (a 64-bit LCG; no `rand` needed).
struct Lcg(u64);

impl Lcg {
    fn next<T: Scalar>(&mut self) -> T {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        T::from_f64((self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0)
    }

    fn rows<T: Scalar, const N: usize>(&mut self, n: usize) -> Vec<[T; N]> {
        (0..n)
            .map(|_| core::array::from_fn(|_| self.next()))
            .collect()
    }

    fn boxed<T: Scalar, const R: usize, const C: usize>(&mut self) -> Box<[[T; C]; R]> {
        self.rows::<T, C>(R)
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!())
    }
}

/// Checks `got` against the `f64` reference `want`, with a tolerance scaled by the sum of
/// the magnitudes of the terms of each element (`scale`).
fn check<T: Scalar>(what: &str, got: &[T], want: &[f64], scale: &[f64], k: usize) {
    let eps = if T::BYTES == 4 {
        f64::from(f32::EPSILON)
    } else {
        f64::EPSILON
    };
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, ((&g, &w), &s)) in got.iter().zip(want).zip(scale).enumerate() {
        let tol = 2.0 * eps * (k as f64 + 2.0) * (s + 1.0);
        let err = (g.as_f64() - w).abs();
        assert!(
            err <= tol,
            "{what}: element {i}: got {g}, want {w} (error {err:e} > {tol:e})"
        );
    }
}

/// `C0 + A' B'` and the sums of magnitudes, in `f64`, for `A'(i, p) = a(i, p)` and
/// `B'(p, j) = b(p, j)` given as closures.
fn reference(
    (m, k, n): (usize, usize, usize),
    a: impl Fn(usize, usize) -> f64,
    b: impl Fn(usize, usize) -> f64,
    c0: impl Fn(usize, usize) -> f64,
) -> (Vec<f64>, Vec<f64>) {
    let mut want = Vec::with_capacity(m * n);
    let mut scale = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let (mut s, mut mag) = (c0(i, j), c0(i, j).abs());
            for p in 0..k {
                s += a(i, p) * b(p, j);
                mag += (a(i, p) * b(p, j)).abs();
            }
            want.push(s);
            scale.push(mag);
        }
    }
    (want, scale)
}

/// Which implementation of a product.
#[derive(Clone, Copy, Debug)]
enum Path {
    Dispatched,
    Portable,
}

const PATHS: [Path; 2] = [Path::Dispatched, Path::Portable];

/// `A B`, `A` is `m x K`, `B` is `K x N`.
fn ab<T: Scalar, const K: usize, const N: usize>(rng: &mut Lcg) {
    let b = rng.boxed::<T, K, N>();
    for m in ROWS {
        let a = rng.rows::<T, K>(m);
        for accumulate in [false, true] {
            let c0 = rng.rows::<T, N>(m);
            let (want, scale) = reference(
                (m, K, N),
                |i, p| a[i][p].as_f64(),
                |p, j| b[p][j].as_f64(),
                |i, j| if accumulate { c0[i][j].as_f64() } else { 0.0 },
            );
            for path in PATHS {
                let mut c = c0.clone();
                match path {
                    Path::Dispatched => kernels::matmul(&a, &b, &mut c, accumulate),
                    Path::Portable => portable::matmul(&a, &b, &mut c, accumulate),
                }
                let what = format!(
                    "{} A B {m}x{K}x{N} accumulate={accumulate} {path:?}",
                    T::NAME
                );
                check(&what, c.as_flattened(), &want, &scale, K);
            }
        }
    }
}

/// `A^T B`, `A` is `r x M`, `B` is `r x N`, `C` is `M x N`, the sum over the `r` rows.
fn atb<T: Scalar, const M: usize, const N: usize>(rng: &mut Lcg) {
    for r in ROWS {
        let a = rng.rows::<T, M>(r);
        let b = rng.rows::<T, N>(r);
        for accumulate in [false, true] {
            let c0 = rng.boxed::<T, M, N>();
            let (want, scale) = reference(
                (M, r, N),
                |i, p| a[p][i].as_f64(),
                |p, j| b[p][j].as_f64(),
                |i, j| if accumulate { c0[i][j].as_f64() } else { 0.0 },
            );
            for path in PATHS {
                let mut c = c0.clone();
                match path {
                    Path::Dispatched => kernels::matmul_tn(&a, &b, &mut c, accumulate),
                    Path::Portable => portable::matmul_tn(&a, &b, &mut c, accumulate),
                }
                let what = format!(
                    "{} A^T B {M}x{r}x{N} accumulate={accumulate} {path:?}",
                    T::NAME
                );
                check(&what, c.as_flattened(), &want, &scale, r);
            }
        }
    }
}

/// `A B^T`, `A` is `m x K`, `B` is `N x K`.
fn abt<T: Scalar, const K: usize, const N: usize>(rng: &mut Lcg) {
    let b = rng.boxed::<T, N, K>();
    for m in ROWS {
        let a = rng.rows::<T, K>(m);
        for accumulate in [false, true] {
            let c0 = rng.rows::<T, N>(m);
            let (want, scale) = reference(
                (m, K, N),
                |i, p| a[i][p].as_f64(),
                |p, j| b[j][p].as_f64(),
                |i, j| if accumulate { c0[i][j].as_f64() } else { 0.0 },
            );
            for path in PATHS {
                let mut c = c0.clone();
                match path {
                    Path::Dispatched => kernels::matmul_nt(&a, &b, &mut c, accumulate),
                    Path::Portable => portable::matmul_nt(&a, &b, &mut c, accumulate),
                }
                let what = format!(
                    "{} A B^T {m}x{K}x{N} accumulate={accumulate} {path:?}",
                    T::NAME
                );
                check(&what, c.as_flattened(), &want, &scale, K);
            }
        }
    }
}

/// Runs `$f::<T, X, Y>` for every pair of the odd sizes.
macro_rules! odd_sizes {
    ($f:ident, $t:ty, $rng:expr) => {
        odd_sizes!(@x $f, $t, $rng, [1, 3, 17, 33, 65]);
    };
    (@x $f:ident, $t:ty, $rng:expr, [$($x:literal),*]) => {
        $( odd_sizes!(@y $f, $t, $rng, $x, [1, 3, 17, 33, 65]); )*
    };
    (@y $f:ident, $t:ty, $rng:expr, $x:literal, [$($y:literal),*]) => {
        $( $f::<$t, $x, $y>($rng); )*
    };
}

#[test]
fn ab_odd_sizes_f32() {
    odd_sizes!(ab, f32, &mut Lcg(1));
}

#[test]
fn ab_odd_sizes_f64() {
    odd_sizes!(ab, f64, &mut Lcg(2));
}

#[test]
fn atb_odd_sizes_f32() {
    odd_sizes!(atb, f32, &mut Lcg(3));
}

#[test]
fn atb_odd_sizes_f64() {
    odd_sizes!(atb, f64, &mut Lcg(4));
}

#[test]
fn abt_odd_sizes_f32() {
    odd_sizes!(abt, f32, &mut Lcg(5));
}

#[test]
fn abt_odd_sizes_f64() {
    odd_sizes!(abt, f64, &mut Lcg(6));
}

/// Sizes around the block widths (8, 16, 32, 64 columns; 256-deep packed panels) and an
/// empty inner dimension.
#[test]
fn block_edges() {
    let rng = &mut Lcg(7);
    ab::<f32, 0, 16>(rng);
    ab::<f32, 257, 16>(rng);
    ab::<f32, 5, 63>(rng);
    ab::<f32, 5, 64>(rng);
    ab::<f32, 5, 65>(rng);
    ab::<f64, 513, 8>(rng);
    ab::<f64, 5, 31>(rng);
    atb::<f32, 16, 0>(rng);
    atb::<f32, 12, 16>(rng);
    atb::<f32, 13, 48>(rng);
    atb::<f64, 12, 9>(rng);
    abt::<f32, 0, 4>(rng);
    abt::<f32, 300, 20>(rng);
    abt::<f64, 300, 20>(rng);
}

/// The products of a 784-128-10 network: forward (`X W1`, `A1 W2`), weight gradients
/// (`X^T dZ1`, `A1^T dZ2`) and the gradient into the hidden layer (`dZ2 W2^T`).
#[test]
fn mlp_shapes() {
    let rng = &mut Lcg(8);
    ab::<f32, 784, 128>(rng);
    ab::<f32, 128, 10>(rng);
    atb::<f32, 784, 128>(rng);
    atb::<f32, 128, 10>(rng);
    abt::<f32, 10, 128>(rng);
    ab::<f64, 784, 128>(rng);
    atb::<f64, 784, 128>(rng);
    abt::<f64, 10, 128>(rng);
}

/// Batches of 32, 64 and 128 rows (the row counts of `ROWS` stop at 33).
#[test]
fn mlp_batches() {
    let rng = &mut Lcg(9);
    let b = rng.boxed::<f32, 784, 128>();
    let w2 = rng.boxed::<f32, 128, 10>();
    for m in [32, 64, 128, 129] {
        let x = rng.rows::<f32, 784>(m);
        let mut h = vec![[0.0_f32; 128]; m];
        kernels::matmul(&x, &b, &mut h, false);
        let (want, scale) = reference(
            (m, 784, 128),
            |i, p| f64::from(x[i][p]),
            |p, j| f64::from(b[p][j]),
            |_, _| 0.0,
        );
        check(
            &format!("X W1, {m} rows"),
            h.as_flattened(),
            &want,
            &scale,
            784,
        );

        let mut dw = rng.boxed::<f32, 784, 128>();
        kernels::matmul_tn(&x, &h, &mut dw, false);
        let (want, scale) = reference(
            (784, m, 128),
            |i, p| f64::from(x[p][i]),
            |p, j| f64::from(h[p][j]),
            |_, _| 0.0,
        );
        check(
            &format!("X^T H, {m} rows"),
            dw.as_flattened(),
            &want,
            &scale,
            m,
        );

        let d2 = rng.rows::<f32, 10>(m);
        let mut d1 = vec![[0.0_f32; 128]; m];
        kernels::matmul_nt(&d2, &w2, &mut d1, false);
        let (want, scale) = reference(
            (m, 10, 128),
            |i, p| f64::from(d2[i][p]),
            |p, j| f64::from(w2[j][p]),
            |_, _| 0.0,
        );
        check(
            &format!("dZ2 W2^T, {m} rows"),
            d1.as_flattened(),
            &want,
            &scale,
            10,
        );
    }
}

/// Overwriting must not read `C`: NaN in the output buffer is replaced.
#[test]
fn overwrite_ignores_previous_contents() {
    let a = [[1.0_f32, 2.0]; 13];
    let b = [[1.0_f32; 20]; 2];
    let mut c = [[f32::NAN; 20]; 13];
    kernels::matmul(&a, &b, &mut c, false);
    assert!(c.as_flattened().iter().all(|&x| x == 3.0));
    let mut c = [[f32::NAN; 20]; 2];
    kernels::matmul_tn(&a, &[[1.0_f32; 20]; 13], &mut c, false);
    assert!(c.as_flattened().iter().all(|&x| x == 13.0 || x == 26.0));
    let mut c = [[f32::NAN; 13]; 13];
    kernels::matmul_nt(&a, &a, &mut c, false);
    assert!(c.as_flattened().iter().all(|&x| x == 5.0));
}

#[test]
#[should_panic(expected = "same number of rows")]
fn mismatched_rows_panic() {
    let mut c = [[0.0_f32; 2]; 3];
    kernels::matmul(&[[1.0_f32; 2]; 2], &[[0.0; 2]; 2], &mut c, false);
}

/// The SGD step of `Mlp::train_step` applies the update of `W1` as `X^T dZ1` is computed
/// (never storing it): it must agree with `backward` followed by `theta -= lr g`, and fall
/// back to that path when the gradient could overflow.
#[test]
fn fused_sgd_step_matches_backward_then_update() {
    use ctensor::{
        Batch, Label, Loss, Matrix, Mlp, Optimizer, Sgd, Targets, TrainConfig, Workspace,
    };
    use rand::SeedableRng;

    fn check<const B: usize>(scale: f32) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(B as u64);
        let net = Mlp::<784, 128, 10>::boxed_glorot(&mut rng);
        let mut x: Box<Matrix<B, 784>> = bytemuck::zeroed_box();
        let mut lcg = Lcg(B as u64);
        for v in x.as_flattened_mut() {
            *v = scale * lcg.next::<f32>();
        }
        let labels: [Label<10>; B] = core::array::from_fn(|i| Label::new(i % 10).unwrap());
        let batch = Batch::new(&x, Targets::Classes(&labels)).unwrap();
        let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
        let mut sgd = Sgd::new(0.05).unwrap();

        let mut fused = net.clone();
        let mut ws = Workspace::<B, 784, 128, 10>::boxed_zeros();
        let fused_stats = fused.train_step(&batch, &cfg, &mut ws, &mut sgd, &mut rng);

        let mut reference = net.clone();
        let mut ws = Workspace::<B, 784, 128, 10>::boxed_zeros();
        reference.forward_train(&batch, cfg.dropout, &mut ws, &mut rng);
        let stats = reference.backward(&batch, &cfg, &mut ws);
        assert_eq!(fused_stats.is_ok(), stats.is_ok(), "B = {B}, scale {scale}");
        if stats.is_err() {
            assert_eq!(fused, net, "a failed step changed the model");
            return;
        }
        sgd.update(&mut reference, &ws.grads).unwrap();
        for (t, (a, b)) in fused.tensors().iter().zip(reference.tensors()).enumerate() {
            for (i, (&a, &b)) in a.iter().zip(b).enumerate() {
                let tol = 1e-5 * (1.0 + b.abs());
                assert!((a - b).abs() <= tol, "B = {B}: tensor {t}[{i}]: {a} vs {b}");
            }
        }
    }
    check::<1>(1.0);
    check::<7>(1.0);
    check::<32>(1.0);
    // Huge inputs: the bound on the gradient of `W1` fails (the step takes the general path)
    // or the gradient overflows (the step must fail and leave the model as it was).
    for scale in [1e34, 1e35, 1e36, 1e37, 3e38] {
        check::<3>(scale);
    }
}
