//! Criterion benchmarks: the matmul shapes of a 784-128-10 MLP (ctensor, its portable path,
//! a naive loop, `nalgebra`, `matrixmultiply`, `gemm`; throughput in floating-point
//! operations, so criterion's "elem/s" reads as FLOP/s), one SGD training step at
//! B = 1, 32, 64, 128 (ctensor against a step hand-written on `matrixmultiply::sgemm`), and
//! single-sample inference.
//!
//! `cargo bench -p ctensor-bench`; a group at a time: `cargo bench -p ctensor-bench -- step`.
//! For a one-screen table: `cargo run --release -p ctensor-bench --bin bench_summary`.

use ctensor_bench as peers;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn matmul(c: &mut Criterion) {
    for (label, make) in peers::matmul_cases() {
        let case = make();
        let mut group = c.benchmark_group(format!("matmul {label}"));
        group.throughput(Throughput::Elements(case.flops as u64));
        for mut imp in case.impls {
            group.bench_function(imp.name, |bench| bench.iter(&mut imp.run));
        }
        group.finish();
    }
}

fn step(c: &mut Criterion) {
    let cases: [(usize, Box<dyn FnMut()>); 4] = [
        (1, peers::ctensor_step::<1>()),
        (32, peers::ctensor_step::<32>()),
        (64, peers::ctensor_step::<64>()),
        (128, peers::ctensor_step::<128>()),
    ];
    for (b, mut ours) in cases {
        let mut group = c.benchmark_group(format!("step 784-128-10 B={b}"));
        group.throughput(Throughput::Elements(b as u64));
        group.bench_function("ctensor", |bench| bench.iter(&mut ours));
        let mut theirs = peers::sgemm_step(b);
        group.bench_function("matrixmultiply", |bench| bench.iter(&mut theirs));
        group.finish();
    }
}

fn inference(c: &mut Criterion) {
    let mut group = c.benchmark_group("inference 784-128-10 B=1");
    let mut ours = peers::ctensor_inference();
    group.bench_function("ctensor", |bench| bench.iter(&mut ours));
    let mut theirs = peers::sgemm_inference();
    group.bench_function("matrixmultiply", |bench| bench.iter(&mut theirs));
    group.finish();
}

criterion_group!(benches, matmul, step, inference);
criterion_main!(benches);
