//! Every kernel path on small shapes, for Miri: `tools/miri.sh` runs this file under Miri
//! twice, with default flags (the dispatch then takes the portable path) and with
//! `-C target-feature=+avx2,+fma` (the AVX2 + FMA path of `x86.rs`). Natively it is a fast
//! exact-result test of the same shapes with every row count in `0..=17`.
//!
//! What it reaches, for `f32` and `f64`, overwrite and accumulate:
//! - `A B` (`matmul`): every number of columns `N` in `1..=17` (full and partial column
//!   panels of 4, 8 and 16 columns; masked loads of at most and of more than one vector;
//!   the wide one-row kernel) with 0 to 7 rows; inner dimensions 0 (empty, also with more
//!   columns than a panel), 1 (rank one), 2 to 5 (the partial sums of the one-, two- and
//!   three-row tiles); `B` packed (inner dimension 16 or 17, 12 rows or more, a partial
//!   panel) with 11 to 17 rows (every row remainder after the packing block), and an inner
//!   dimension of 257 (two packed blocks);
//! - `A^T B` (`matmul_tn`): every `M` (rows of `C`) in `1..=17` with 0 to 3 rows in the
//!   slices (empty, rank one, every row remainder), and 16 rows (packed, `M >= 12`); every
//!   `N` in `1..=17`; 257 rows;
//! - `A B^T` (`matmul_nt`): every `N` in `1..=17`; inner dimensions 0, 1, 2, 3, 16 (fewer
//!   than 6 rows of a short `B^T` are computed directly), 17 and 257 (`B^T` packed);
//! - `C += alpha A^T B` (the crate-private `matmul_tn_add_scaled`), through the fused SGD
//!   step of `Mlp::train_step`.
//!
//! Rows of `A` and `C` are a runtime length: natively every shape runs with every row count
//! in `0..=17`; under Miri (a fraction of a millisecond per multiply-add) each shape runs
//! with the row counts, listed with it, that reach its paths.
//! Natively both the dispatched functions and `kernels::portable` run; under Miri only the
//! path under test: the dispatched one if it takes AVX2, else `kernels::portable` (which is
//! then what the dispatched one runs).
//!
//! Each operand is its own heap allocation of exactly its size (a boxed slice or array), so
//! that Miri reports any pointer formed past its end. Elements are small integers, so every
//! product is exact in `f32` and `f64`, fused or not: results are compared for equality with
//! a naive triple loop (accumulate: with `C0` plus the overwritten result). In overwrite mode
//! `C` starts as NaN, which must not survive.

use ctensor::Scalar;
use ctensor::kernels::{self, portable};

/// The row counts (rows of `A` and `C`; for `A^T B`, the inner dimension) for one shape:
/// `miri` under Miri, else every count in `0..=17` and those of `miri` above 17.
fn rows(miri: &[usize]) -> Vec<usize> {
    if cfg!(miri) {
        miri.to_vec()
    } else {
        (0..=17)
            .chain(miri.iter().copied().filter(|&m| m > 17))
            .collect()
    }
}

/// Whether the dispatched products take the AVX2 + FMA path (as `x86.rs` decides).
fn dispatch_is_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The paths to run (see the module docs).
fn paths() -> &'static [Path] {
    if !cfg!(miri) {
        &[Path::Dispatched, Path::Portable]
    } else if dispatch_is_avx2() {
        &[Path::Dispatched]
    } else {
        &[Path::Portable]
    }
}

/// A deterministic generator of small integers in `-3..=3`.
struct Lcg(u64);

impl Lcg {
    fn next<T: Scalar>(&mut self) -> T {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        T::from_f64(((self.0 >> 33) % 7) as f64 - 3.0)
    }

    /// `n` rows, in an allocation of exactly `n` rows.
    fn rows<T: Scalar, const N: usize>(&mut self, n: usize) -> Box<[[T; N]]> {
        (0..n)
            .map(|_| core::array::from_fn(|_| self.next()))
            .collect()
    }

    /// A `R x C` matrix in an allocation of exactly its size.
    fn matrix<T: Scalar, const R: usize, const C: usize>(&mut self) -> Box<[[T; C]; R]> {
        self.rows::<T, C>(R)
            .try_into()
            .unwrap_or_else(|_| unreachable!())
    }
}

/// Which implementation of a product.
#[derive(Clone, Copy, Debug)]
enum Path {
    /// The public function: AVX2 + FMA where the CPU (or Miri's target features) has it.
    Dispatched,
    /// `kernels::portable`.
    Portable,
}

/// `A' B'` by the naive triple loop (exact for these integers), `m x n`, row-major.
fn naive<T: Scalar>(
    (m, k, n): (usize, usize, usize),
    a: impl Fn(usize, usize) -> T,
    b: impl Fn(usize, usize) -> T,
) -> Vec<T> {
    let mut want = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut s = T::ZERO;
            for p in 0..k {
                s += a(i, p) * b(p, j);
            }
            want.push(s);
        }
    }
    want
}

/// Runs a product (`product(path, c, accumulate)`) on every path of [`paths`], overwriting a
/// `C` of NaN and accumulating into a `C0` of small integers, and checks `C` against the
/// exact `want = A' B'` (`m x N`): `want`, and `C0 + want`.
fn run_checked<T: Scalar, const N: usize>(
    what: &str,
    rng: &mut Lcg,
    want: &[T],
    mut product: impl FnMut(Path, &mut [[T; N]], bool),
) {
    let m = want.len() / N.max(1);
    let c0 = rng.rows::<T, N>(m);
    for &path in paths() {
        for accumulate in [false, true] {
            let mut c = if accumulate {
                c0.clone()
            } else {
                vec![[T::nan(); N]; m].into_boxed_slice()
            };
            product(path, &mut c, accumulate);
            for (i, (&got, &w)) in c.as_flattened().iter().zip(want).enumerate() {
                let w = if accumulate {
                    c0.as_flattened()[i] + w
                } else {
                    w
                };
                assert!(
                    got == w,
                    "{what} accumulate={accumulate} {path:?}: element {i}: got {got}, want {w}"
                );
            }
        }
    }
}

/// `A B`: `A` is `m x K`, `B` is `K x N`, for every `m` in `rows`.
fn ab<T: Scalar, const K: usize, const N: usize>(rng: &mut Lcg, rows: Vec<usize>) {
    let b = rng.matrix::<T, K, N>();
    for m in rows {
        let a = rng.rows::<T, K>(m);
        let want = naive((m, K, N), |i, p| a[i][p], |p, j| b[p][j]);
        let what = format!("{} A B {m}x{K}x{N}", T::NAME);
        run_checked::<T, N>(&what, rng, &want, |path, c, accumulate| match path {
            Path::Dispatched => kernels::matmul(&a, &b, c, accumulate),
            Path::Portable => portable::matmul(&a, &b, c, accumulate),
        });
    }
}

/// `A^T B`: `A` is `r x M`, `B` is `r x N`, `C` is `M x N`, for every `r` in `rows`.
fn atb<T: Scalar, const M: usize, const N: usize>(rng: &mut Lcg, rows: Vec<usize>) {
    for r in rows {
        let a = rng.rows::<T, M>(r);
        let b = rng.rows::<T, N>(r);
        let want = naive((M, r, N), |i, p| a[p][i], |p, j| b[p][j]);
        let what = format!("{} A^T B {M}x{r}x{N}", T::NAME);
        run_checked::<T, N>(&what, rng, &want, |path, c, accumulate| {
            let c: &mut [[T; N]; M] = c.try_into().unwrap();
            match path {
                Path::Dispatched => kernels::matmul_tn(&a, &b, c, accumulate),
                Path::Portable => portable::matmul_tn(&a, &b, c, accumulate),
            }
        });
    }
}

/// `A B^T`: `A` is `m x K`, `B` is `N x K`, for every `m` in `rows`.
fn abt<T: Scalar, const K: usize, const N: usize>(rng: &mut Lcg, rows: Vec<usize>) {
    let b = rng.matrix::<T, N, K>();
    for m in rows {
        let a = rng.rows::<T, K>(m);
        let want = naive((m, K, N), |i, p| a[i][p], |p, j| b[j][p]);
        let what = format!("{} A B^T {m}x{K}x{N}", T::NAME);
        run_checked::<T, N>(&what, rng, &want, |path, c, accumulate| match path {
            Path::Dispatched => kernels::matmul_nt(&a, &b, c, accumulate),
            Path::Portable => portable::matmul_nt(&a, &b, c, accumulate),
        });
    }
}

/// `$f::<$t, X, Y>(rng, rows(&$rows))` for every `X` in the first list and `Y` in the
/// second.
macro_rules! grid {
    ($f:ident::<$t:ty>($rng:expr, $rows:expr), [$($x:literal),*], $ys:tt) => {
        $( grid!(@y $f::<$t>($rng, $rows), $x, $ys); )*
    };
    (@y $f:ident::<$t:ty>($rng:expr, $rows:expr), $x:literal, [$($y:literal),*]) => {
        $( $f::<$t, $x, $y>($rng, rows(&$rows)); )*
    };
}

fn ab_all<T: Scalar>(rng: &mut Lcg) {
    // Every column count: full and partial panels, the tiles of 1 to 6 rows.
    grid!(
        ab::<T>(rng, [0, 1, 2, 3, 4, 5, 6, 7]),
        [2],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    // Empty, rank one, and the partial sums over `p` of each tile.
    grid!(ab::<T>(rng, [0, 1, 2, 3, 6, 7, 13]), [0, 1, 3, 4, 5], [3]);
    // An empty `B` (a dangling pointer) with more columns than a panel.
    grid!(ab::<T>(rng, [1, 7]), [0], [17]);
    // `B` packed (12 rows or more, `K >= 16`, a partial last panel): every row remainder
    // after the packing block; a panel of at most one vector, of more, and 16 + 1.
    grid!(ab::<T>(rng, [11, 12, 13, 14, 15, 16, 17]), [16], [3]);
    grid!(ab::<T>(rng, [13]), [16], [9]);
    grid!(ab::<T>(rng, [12]), [17], [3]);
    grid!(ab::<T>(rng, [12]), [16], [17]);
    // Two blocks of the inner dimension.
    ab::<T, 257, 1>(rng, rows(&[12]));
}

fn atb_all<T: Scalar>(rng: &mut Lcg) {
    // Every row count of `C` (`M`): empty, rank one, every remainder; packed from 12.
    grid!(
        atb::<T>(rng, [0, 1, 2, 3]),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
        [3]
    );
    grid!(atb::<T>(rng, [16]), [12, 13, 14, 15, 16, 17], [3]);
    // Every column count, with a block and a leftover row (the one-row kernels).
    grid!(
        atb::<T>(rng, [0, 2, 3]),
        [7],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    grid!(atb::<T>(rng, [16]), [12], [17]);
    // Two blocks of the inner dimension.
    atb::<T, 12, 1>(rng, rows(&[257]));
}

fn abt_all<T: Scalar>(rng: &mut Lcg) {
    // Every column count; a few rows computed directly, 6 or more packed.
    grid!(
        abt::<T>(rng, [0, 1, 5, 6, 7]),
        [3],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    // The inner dimension: empty, rank one, the limit of the direct path (16), packed (17).
    grid!(abt::<T>(rng, [0, 1, 5, 6, 7, 12]), [0, 1, 2], [9]);
    grid!(abt::<T>(rng, [1, 5, 6]), [16], [9]);
    grid!(abt::<T>(rng, [1, 6, 7, 12]), [17], [9]);
    grid!(abt::<T>(rng, [7]), [17], [17]);
    // Two blocks of the inner dimension.
    abt::<T, 257, 1>(rng, rows(&[1, 7]));
}

#[test]
fn ab_f32() {
    ab_all::<f32>(&mut Lcg(1));
}

#[test]
fn ab_f64() {
    ab_all::<f64>(&mut Lcg(2));
}

#[test]
fn atb_f32() {
    atb_all::<f32>(&mut Lcg(3));
}

#[test]
fn atb_f64() {
    atb_all::<f64>(&mut Lcg(4));
}

#[test]
fn abt_f32() {
    abt_all::<f32>(&mut Lcg(5));
}

#[test]
fn abt_f64() {
    abt_all::<f64>(&mut Lcg(6));
}

/// `C += alpha A^T B` (`matmul_tn_add_scaled`, crate-private) as the plain SGD step of
/// `Mlp::train_step` runs it: `W1 += (-lr) X^T dZ1`, `D x H` with the `n` valid rows of the
/// batch as the inner dimension. Checks that the step took that path (it leaves
/// `ws.grads.w1` unwritten, where the general path stores the gradient there) and that `W1`
/// moved by exactly `-lr X^T dZ1` (up to rounding), with `dZ1` as the step left it in
/// `ws.d_hidden`.
fn fused_sgd<T: Scalar, const B: usize, const D: usize, const H: usize>(n: usize) {
    use ctensor::{Batch, Label, Loss, Matrix, Mlp, Sgd, Targets, TrainConfig, Workspace};
    use rand::SeedableRng;

    let mut rng = rand::rngs::StdRng::seed_from_u64((B * 1000 + D * 100 + H) as u64);
    let mut net = Box::new(Mlp::<D, H, 2, T>::glorot(&mut rng));
    let mut lcg = Lcg(n as u64);
    let x = Box::new(Matrix::<B, D, T>::from_fn(|_, _| lcg.next()));
    let y: [Label<2>; B] = core::array::from_fn(|i| Label::new(i % 2).unwrap());
    let batch = Batch::partial(&x, Targets::Classes(&y), n).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let lr = 0.5;
    let mut sgd = Sgd::new(lr).unwrap();
    let mut ws = Box::new(Workspace::<B, D, H, 2, T>::zeros());
    let before = net.w1;
    net.train_step(&batch, &cfg, &mut ws, &mut sgd, &mut rng)
        .unwrap();

    let what = format!("{} fused SGD step D={D} H={H} n={n}", T::NAME);
    assert!(
        ws.grads.w1.as_flattened().iter().all(|&g| g == T::ZERO),
        "{what}: the step stored the gradient of W1 (not the fused path)"
    );
    let eps = if T::BYTES == 4 {
        f64::from(f32::EPSILON)
    } else {
        f64::EPSILON
    };
    let mut moved = false;
    for i in 0..D {
        for j in 0..H {
            let (mut s, mut mag) = (0.0, 0.0);
            for p in 0..n {
                let t = x[p][i].as_f64() * ws.d_hidden[p][j].as_f64();
                s += t;
                mag += t.abs();
            }
            let (w0, w1) = (before[i][j].as_f64(), net.w1[i][j].as_f64());
            let want = w0 - lr * s;
            let tol = 4.0 * eps * (n as f64 + 2.0) * (w0.abs() + lr * mag);
            assert!(
                (w1 - want).abs() <= tol,
                "{what}: W1[{i}][{j}]: got {w1}, want {want}"
            );
            moved |= w1 != w0;
        }
    }
    assert!(moved, "{what}: W1 did not change");
}

#[test]
fn fused_sgd_step() {
    // `W1` is `D x H`, the inner dimension the `n` rows: rank one (`n = 1`), one row
    // (`D = 1`), blocks and remainders of `D`, and (`n = 16`, `D >= 12`, `H` not a whole
    // panel) `B` packed.
    for n in [1, 7] {
        fused_sgd::<f32, 13, 7, 17>(n);
        fused_sgd::<f32, 13, 13, 3>(n);
        fused_sgd::<f64, 13, 1, 9>(n);
        fused_sgd::<f64, 13, 13, 17>(n);
    }
    fused_sgd::<f32, 16, 13, 3>(16);
    fused_sgd::<f64, 16, 13, 9>(16);
}
