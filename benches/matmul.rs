//! Criterion benchmarks of the kernels and of a training step.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ctensor::{Matrix, Mlp};
use rand::SeedableRng;
use std::hint::black_box;

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul 32x784x128");
    group.throughput(Throughput::Elements(2 * 32 * 784 * 128));
    let a = Box::new(Matrix::<32, 784>::splat(0.5));
    let b = Box::new(Matrix::<784, 128>::splat(0.25));
    let mut out = Box::new(Matrix::<32, 128>::zeros());
    group.bench_function("ctensor", |bench| {
        bench.iter(|| a.matmul_into(black_box(&b), &mut out));
    });
    group.finish();
}

fn inference(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let net = Mlp::<784, 128, 10>::boxed_glorot(&mut rng);
    let x = [0.5_f32; 784];
    c.bench_function("inference 784-128-10 B=1", |bench| {
        bench.iter(|| net.logits(black_box(&x)));
    });
}

criterion_group!(benches, matmul, inference);
criterion_main!(benches);
