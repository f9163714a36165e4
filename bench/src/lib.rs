//! What the benchmarks compare: the matmul shapes of a 784-128-10 MLP computed by ctensor and
//! by the peers a user would pick instead (a plain loop, `nalgebra`, `matrixmultiply`, `gemm`),
//! and a full SGD training step hand-written on `matrixmultiply::sgemm`.
//!
//! The library of the `ctensor-bench` crate, shared by `benches/matmul.rs` (criterion) and
//! `src/bin/bench_summary.rs` (one-command table). It is a workspace member of its own so that
//! criterion and the peers are never built by `cargo build` or `cargo test` of `ctensor`.
//! Every operand is boxed: the large shapes would overflow a thread's stack.

#![allow(clippy::missing_panics_doc, clippy::too_many_lines)]

use std::hint::black_box;

pub mod autoencoder;

use ctensor::{Batch, Label, Loss, Matrix, Mlp, Sgd, Targets, TrainConfig, Workspace, kernels};
use nalgebra::SMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// One implementation of a benchmarked operation: a name and a closure that runs it once.
pub struct Impl {
    pub name: &'static str,
    pub run: Box<dyn FnMut()>,
}

/// A benchmarked operation: its label, its floating-point operations per run, and the
/// implementations to compare.
pub struct Case {
    pub label: String,
    pub flops: f64,
    pub impls: Vec<Impl>,
}

/// Which product: `A B`, `A^T B` or `A B^T`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Nn,
    Tn,
    Nt,
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(0x5eed)
}

/// A boxed `R x C` matrix of zeros, built on the heap.
fn zeros<const R: usize, const C: usize>() -> Box<[[f32; C]; R]> {
    vec![[0.0; C]; R]
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!())
}

/// A boxed `R x C` matrix of values uniform in `[-1, 1)`.
fn random<const R: usize, const C: usize>(rng: &mut StdRng) -> Box<[[f32; C]; R]> {
    let mut m = zeros::<R, C>();
    for x in m.as_flattened_mut() {
        *x = (2.0 * ctensor::uniform01(rng) - 1.0) as f32;
    }
    m
}

/// A boxed nalgebra matrix with the same logical entries as the row-major `m`.
fn nalgebra_copy<const R: usize, const C: usize>(m: &[[f32; C]; R]) -> Box<SMatrix<f32, R, C>> {
    let mut out: Box<SMatrix<f32, R, C>> = Box::new(SMatrix::zeros());
    for (i, row) in m.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            out[(i, j)] = x;
        }
    }
    out
}

/// Builds a [`Case`].
pub type MakeCase = fn() -> Case;

/// The matmul cases, as `(label, constructor)`, in the order of the summary table.
pub fn matmul_cases() -> Vec<(&'static str, MakeCase)> {
    vec![
        ("1x784x128 (A B)", nn::<1, 784, 128>),
        ("32x784x128 (A B)", nn::<32, 784, 128>),
        ("64x784x128 (A B)", nn::<64, 784, 128>),
        ("128x784x128 (A B)", nn::<128, 784, 128>),
        ("64x128x10 (A B)", nn::<64, 128, 10>),
        ("784x32x128 (A^T B)", tn::<784, 32, 128>),
        ("784x64x128 (A^T B)", tn::<784, 64, 128>),
        ("784x128x128 (A^T B)", tn::<784, 128, 128>),
        ("128x64x10 (A^T B)", tn::<128, 64, 10>),
        ("64x10x128 (A B^T)", nt::<64, 10, 128>),
    ]
}

/// `C = A B`, `M x K` times `K x N`.
pub fn nn<const M: usize, const K: usize, const N: usize>() -> Case {
    let mut rng = rng();
    let a = random::<M, K>(&mut rng);
    let b = random::<K, N>(&mut rng);
    let mut impls = Vec::new();
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor",
            run: Box::new(move || {
                kernels::matmul(black_box(&a[..]), black_box(&*b), &mut c[..], false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor-portable",
            run: Box::new(move || {
                kernels::portable::matmul(black_box(&a[..]), black_box(&*b), &mut c[..], false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "naive",
            run: Box::new(move || naive_nn(black_box(&a[..]), black_box(&*b), &mut c[..])),
        });
    }
    {
        let (a, b) = (nalgebra_copy(&a), nalgebra_copy(&b));
        let mut c: Box<SMatrix<f32, M, N>> = Box::new(SMatrix::zeros());
        impls.push(Impl {
            name: "nalgebra",
            run: Box::new(move || black_box(&*a).mul_to(black_box(&*b), &mut *c)),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "matrixmultiply",
            run: Box::new(move || {
                let (k, n) = (K as isize, N as isize);
                // SAFETY: the pointers and strides describe the boxed row-major arrays.
                unsafe {
                    matrixmultiply::sgemm(
                        M,
                        K,
                        N,
                        1.0,
                        black_box(a.as_flattened().as_ptr()),
                        k,
                        1,
                        black_box(b.as_flattened().as_ptr()),
                        n,
                        1,
                        0.0,
                        c.as_flattened_mut().as_mut_ptr(),
                        n,
                        1,
                    );
                }
            }),
        });
    }
    {
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "gemm",
            run: Box::new(move || {
                let (k, n) = (K as isize, N as isize);
                // SAFETY: as above.
                unsafe {
                    gemm_f32(
                        (M, N, K),
                        c.as_flattened_mut().as_mut_ptr(),
                        (1, n),
                        black_box(a.as_flattened().as_ptr()),
                        (1, k),
                        black_box(b.as_flattened().as_ptr()),
                        (1, n),
                    );
                }
            }),
        });
    }
    Case {
        label: String::new(),
        flops: 2.0 * (M * K * N) as f64,
        impls,
    }
}

/// `C = A^T B`: `A` is `P x M`, `B` is `P x N`, `C` is `M x N` (label `M x P x N`).
pub fn tn<const M: usize, const P: usize, const N: usize>() -> Case {
    let mut rng = rng();
    let a = random::<P, M>(&mut rng);
    let b = random::<P, N>(&mut rng);
    let mut impls = Vec::new();
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor",
            run: Box::new(move || {
                kernels::matmul_tn(black_box(&a[..]), black_box(&b[..]), &mut c, false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor-portable",
            run: Box::new(move || {
                kernels::portable::matmul_tn(black_box(&a[..]), black_box(&b[..]), &mut c, false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "naive",
            run: Box::new(move || naive_tn(black_box(&a[..]), black_box(&b[..]), &mut c)),
        });
    }
    {
        let (a, b) = (nalgebra_copy(&a), nalgebra_copy(&b));
        let mut c: Box<SMatrix<f32, M, N>> = Box::new(SMatrix::zeros());
        impls.push(Impl {
            name: "nalgebra",
            run: Box::new(move || black_box(&*a).tr_mul_to(black_box(&*b), &mut *c)),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "matrixmultiply",
            run: Box::new(move || {
                // SAFETY: `A^T` is `M x P` with strides (1, M); the rest row-major.
                unsafe {
                    matrixmultiply::sgemm(
                        M,
                        P,
                        N,
                        1.0,
                        black_box(a.as_flattened().as_ptr()),
                        1,
                        M as isize,
                        black_box(b.as_flattened().as_ptr()),
                        N as isize,
                        1,
                        0.0,
                        c.as_flattened_mut().as_mut_ptr(),
                        N as isize,
                        1,
                    );
                }
            }),
        });
    }
    {
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "gemm",
            run: Box::new(move || {
                // SAFETY: as above; strides are (column, row).
                unsafe {
                    gemm_f32(
                        (M, N, P),
                        c.as_flattened_mut().as_mut_ptr(),
                        (1, N as isize),
                        black_box(a.as_flattened().as_ptr()),
                        (M as isize, 1),
                        black_box(b.as_flattened().as_ptr()),
                        (1, N as isize),
                    );
                }
            }),
        });
    }
    Case {
        label: String::new(),
        flops: 2.0 * (M * P * N) as f64,
        impls,
    }
}

/// `C = A B^T`: `A` is `M x K`, `B` is `N x K`, `C` is `M x N`.
pub fn nt<const M: usize, const K: usize, const N: usize>() -> Case {
    let mut rng = rng();
    let a = random::<M, K>(&mut rng);
    let b = random::<N, K>(&mut rng);
    let mut impls = Vec::new();
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor",
            run: Box::new(move || {
                kernels::matmul_nt(black_box(&a[..]), black_box(&*b), &mut c[..], false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "ctensor-portable",
            run: Box::new(move || {
                kernels::portable::matmul_nt(black_box(&a[..]), black_box(&*b), &mut c[..], false);
            }),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "naive",
            run: Box::new(move || naive_nt(black_box(&a[..]), black_box(&*b), &mut c[..])),
        });
    }
    {
        let (a, b) = (nalgebra_copy(&a), nalgebra_copy(&b));
        let mut c: Box<SMatrix<f32, M, N>> = Box::new(SMatrix::zeros());
        impls.push(Impl {
            name: "nalgebra",
            // nalgebra has no `A B^T` product into a buffer: `b` is transposed on the stack.
            run: Box::new(move || black_box(&*a).mul_to(&black_box(&*b).transpose(), &mut *c)),
        });
    }
    {
        let (a, b) = (a.clone(), b.clone());
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "matrixmultiply",
            run: Box::new(move || {
                // SAFETY: `B^T` is `K x N` with strides (1, K); the rest row-major.
                unsafe {
                    matrixmultiply::sgemm(
                        M,
                        K,
                        N,
                        1.0,
                        black_box(a.as_flattened().as_ptr()),
                        K as isize,
                        1,
                        black_box(b.as_flattened().as_ptr()),
                        1,
                        K as isize,
                        0.0,
                        c.as_flattened_mut().as_mut_ptr(),
                        N as isize,
                        1,
                    );
                }
            }),
        });
    }
    {
        let mut c = zeros::<M, N>();
        impls.push(Impl {
            name: "gemm",
            run: Box::new(move || {
                // SAFETY: as above; strides are (column, row).
                unsafe {
                    gemm_f32(
                        (M, N, K),
                        c.as_flattened_mut().as_mut_ptr(),
                        (1, N as isize),
                        black_box(a.as_flattened().as_ptr()),
                        (1, K as isize),
                        black_box(b.as_flattened().as_ptr()),
                        (K as isize, 1),
                    );
                }
            }),
        });
    }
    Case {
        label: String::new(),
        flops: 2.0 * (M * K * N) as f64,
        impls,
    }
}

/// `dst = lhs rhs` with the `gemm` crate, single-threaded; strides are `(column, row)`.
///
/// # Safety
/// The pointers and strides must describe valid `m x k`, `k x n` and `m x n` matrices.
unsafe fn gemm_f32(
    (m, n, k): (usize, usize, usize),
    dst: *mut f32,
    (dst_cs, dst_rs): (isize, isize),
    lhs: *const f32,
    (lhs_cs, lhs_rs): (isize, isize),
    rhs: *const f32,
    (rhs_cs, rhs_rs): (isize, isize),
) {
    // SAFETY: forwarded to the caller.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            dst_cs,
            dst_rs,
            false,
            lhs,
            lhs_cs,
            lhs_rs,
            rhs,
            rhs_cs,
            rhs_rs,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// The textbook i-k-j loop.
pub fn naive_nn<const K: usize, const N: usize>(
    a: &[[f32; K]],
    b: &[[f32; N]; K],
    c: &mut [[f32; N]],
) {
    for (a_row, c_row) in a.iter().zip(c.iter_mut()) {
        *c_row = [0.0; N];
        for (&x, b_row) in a_row.iter().zip(b) {
            for (c, &y) in c_row.iter_mut().zip(b_row) {
                *c += x * y;
            }
        }
    }
}

/// The textbook loop for `A^T B`: one axpy per element of `A`.
pub fn naive_tn<const M: usize, const N: usize>(
    a: &[[f32; M]],
    b: &[[f32; N]],
    c: &mut [[f32; N]; M],
) {
    for row in c.iter_mut() {
        *row = [0.0; N];
    }
    for (a_row, b_row) in a.iter().zip(b) {
        for (&x, c_row) in a_row.iter().zip(c.iter_mut()) {
            for (c, &y) in c_row.iter_mut().zip(b_row) {
                *c += x * y;
            }
        }
    }
}

/// The textbook loop for `A B^T`: one dot product per element of `C`.
pub fn naive_nt<const K: usize, const N: usize>(
    a: &[[f32; K]],
    b: &[[f32; K]; N],
    c: &mut [[f32; N]],
) {
    for (a_row, c_row) in a.iter().zip(c.iter_mut()) {
        for (c, b_row) in c_row.iter_mut().zip(b) {
            *c = a_row.iter().zip(b_row).map(|(x, y)| x * y).sum();
        }
    }
}

/// Inputs `D = 784`, hidden units `H = 128`, classes `K = 10`.
pub const D: usize = 784;
pub const H: usize = 128;
pub const K: usize = 10;
const LR: f32 = 0.01;

/// A random batch: inputs uniform in `[0, 1)` and uniform labels.
fn batch_data<const B: usize>(rng: &mut StdRng) -> (Box<Matrix<B, D>>, Box<[Label<K>; B]>) {
    let mut x: Box<Matrix<B, D>> = bytemuck::zeroed_box();
    for v in x.as_flattened_mut() {
        *v = ctensor::uniform01(rng) as f32;
    }
    let labels = Box::new(core::array::from_fn(|_| {
        Label::new((rng.next_u64() % K as u64) as usize).unwrap()
    }));
    (x, labels)
}

use rand::Rng;

/// `C = A B` or `C = A^T B` etc. through strides: `m x k` times `k x n` into row-major `c`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    (rsa, csa): (isize, isize),
    b: &[f32],
    (rsb, csb): (isize, isize),
    c: &mut [f32],
) {
    let reach = |rows: usize, cols: usize, rs: isize, cs: isize| {
        (rows - 1) * rs.unsigned_abs() + (cols - 1) * cs.unsigned_abs() + 1
    };
    assert!(a.len() >= reach(m, k, rsa, csa) && b.len() >= reach(k, n, rsb, csb));
    assert!(c.len() >= m * n);
    // SAFETY: the asserts above: every element the strides reach is inside `a`, `b` and `c`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// One SGD training step of ctensor's `Mlp<784, 128, 10>` on a batch of `B`.
pub fn ctensor_step<const B: usize>() -> Box<dyn FnMut()> {
    let mut rng = rng();
    let mut net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
    let (x, labels) = batch_data::<B>(&mut rng);
    let mut ws = Workspace::<B, D, H, K>::boxed_zeros();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut sgd = Sgd::new(f64::from(LR)).unwrap();
    // The batch borrows `x` and `labels`: leak them (once per benchmark) to keep it `'static`.
    let x: &'static Matrix<B, D> = Box::leak(x);
    let labels: &'static [Label<K>; B] = Box::leak(labels);
    let batch = Batch::new(x, Targets::Classes(labels)).unwrap();
    Box::new(move || {
        let stats = net
            .train_step(black_box(&batch), &cfg, &mut ws, &mut sgd, &mut rng)
            .unwrap();
        black_box(stats);
    })
}

/// The same step hand-written on `matrixmultiply::sgemm`: forward, softmax cross-entropy,
/// backward and the SGD update, with every buffer allocated up front.
pub struct SgemmStep {
    b: usize,
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
    x: Vec<f32>,
    labels: Vec<usize>,
    a1: Vec<f32>,
    z2: Vec<f32>,
    dw1: Vec<f32>,
    db1: Vec<f32>,
    dw2: Vec<f32>,
    db2: Vec<f32>,
    da1: Vec<f32>,
}

impl SgemmStep {
    /// A Glorot-initialized network and a random batch of `b` rows.
    pub fn new(b: usize) -> Self {
        let mut rng = rng();
        let net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
        let x = (0..b * D)
            .map(|_| ctensor::uniform01(&mut rng) as f32)
            .collect();
        let labels = (0..b)
            .map(|_| (rng.next_u64() % K as u64) as usize)
            .collect();
        Self {
            b,
            w1: net.w1.as_flattened().to_vec(),
            b1: net.b1.as_slice().to_vec(),
            w2: net.w2.as_flattened().to_vec(),
            b2: net.b2.as_slice().to_vec(),
            x,
            labels,
            a1: vec![0.0; b * H],
            z2: vec![0.0; b * K],
            dw1: vec![0.0; D * H],
            db1: vec![0.0; H],
            dw2: vec![0.0; H * K],
            db2: vec![0.0; K],
            da1: vec![0.0; b * H],
        }
    }

    /// One step; returns the mean loss.
    pub fn step(&mut self) -> f32 {
        let b = self.b;
        let (d, h, k) = (D as isize, H as isize, K as isize);
        // Forward: A1 = relu(X W1 + b1), Z2 = A1 W2 + b2.
        sgemm(b, D, H, &self.x, (d, 1), &self.w1, (h, 1), &mut self.a1);
        for row in self.a1.chunks_exact_mut(H) {
            for (z, &bias) in row.iter_mut().zip(&self.b1) {
                *z = (*z + bias).max(0.0);
            }
        }
        sgemm(b, H, K, &self.a1, (h, 1), &self.w2, (k, 1), &mut self.z2);
        // Softmax cross-entropy: dZ2 = (softmax(Z2) - onehot) / B, in place.
        let mut loss = 0.0;
        let inv_b = 1.0 / b as f32;
        for (row, &t) in self.z2.chunks_exact_mut(K).zip(&self.labels) {
            for (z, &bias) in row.iter_mut().zip(&self.b2) {
                *z += bias;
            }
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0;
            for z in row.iter_mut() {
                *z = (*z - max).exp();
                sum += *z;
            }
            loss += sum.ln() - (row[t].ln());
            for z in row.iter_mut() {
                *z *= inv_b / sum;
            }
            row[t] -= inv_b;
        }
        // Backward.
        sgemm(H, b, K, &self.a1, (1, h), &self.z2, (k, 1), &mut self.dw2);
        self.db2.fill(0.0);
        for row in self.z2.chunks_exact(K) {
            for (s, &g) in self.db2.iter_mut().zip(row) {
                *s += g;
            }
        }
        sgemm(b, K, H, &self.z2, (k, 1), &self.w2, (1, k), &mut self.da1);
        for (g, &a) in self.da1.iter_mut().zip(&self.a1) {
            if a <= 0.0 {
                *g = 0.0;
            }
        }
        sgemm(D, b, H, &self.x, (1, d), &self.da1, (h, 1), &mut self.dw1);
        self.db1.fill(0.0);
        for row in self.da1.chunks_exact(H) {
            for (s, &g) in self.db1.iter_mut().zip(row) {
                *s += g;
            }
        }
        // SGD.
        for (w, g) in [
            (&mut self.w1, &self.dw1),
            (&mut self.b1, &self.db1),
            (&mut self.w2, &self.dw2),
            (&mut self.b2, &self.db2),
        ] {
            for (w, &g) in w.iter_mut().zip(g.iter()) {
                *w -= LR * g;
            }
        }
        loss * inv_b
    }
}

/// The matrixmultiply-based step as a closure.
pub fn sgemm_step(b: usize) -> Box<dyn FnMut()> {
    let mut step = SgemmStep::new(b);
    Box::new(move || {
        black_box(step.step());
    })
}

/// Single-sample inference (logits) of a 784-128-10 network: ctensor.
pub fn ctensor_inference() -> Box<dyn FnMut()> {
    let mut rng = rng();
    let net = Mlp::<D, H, K>::boxed_glorot(&mut rng);
    let x: [f32; D] = core::array::from_fn(|_| ctensor::uniform01(&mut rng) as f32);
    Box::new(move || {
        black_box(net.logits(black_box(&x)));
    })
}

/// Single-sample inference on `matrixmultiply::sgemm` (for comparison).
pub fn sgemm_inference() -> Box<dyn FnMut()> {
    let mut step = SgemmStep::new(1);
    let mut z2 = vec![0.0_f32; K];
    Box::new(move || {
        let s = &mut step;
        // SAFETY: shapes 1 x 784 x 128 and 1 x 128 x 10, row-major buffers of those sizes.
        unsafe {
            matrixmultiply::sgemm(
                1,
                D,
                H,
                1.0,
                black_box(s.x.as_ptr()),
                D as isize,
                1,
                s.w1.as_ptr(),
                H as isize,
                1,
                0.0,
                s.a1.as_mut_ptr(),
                H as isize,
                1,
            );
            for (z, &bias) in s.a1.iter_mut().zip(&s.b1) {
                *z = (*z + bias).max(0.0);
            }
            matrixmultiply::sgemm(
                1,
                H,
                K,
                1.0,
                s.a1.as_ptr(),
                H as isize,
                1,
                s.w2.as_ptr(),
                K as isize,
                1,
                0.0,
                z2.as_mut_ptr(),
                K as isize,
                1,
            );
        }
        for (z, &bias) in z2.iter_mut().zip(&s.b2) {
            *z += bias;
        }
        black_box(&z2);
    })
}
