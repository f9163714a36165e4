//! One-command benchmark summary: `cargo run --release -p ctensor-bench --bin bench_summary`.
//!
//! Times ctensor's kernels, a training step and single-sample inference against the peers in
//! this crate's library (`bench/src/lib.rs`: a plain loop, `nalgebra`, `matrixmultiply`,
//! `gemm`). Implementations are interleaved round by round in one process, so that a noisy,
//! shared machine slows them all alike; each number is the median over the rounds. Prints two Markdown tables and the
//! inference time. Runs in well under a minute.
//!
//! Options: `--quick` (fewer rounds), `--rounds N`, `--min` (print the fastest round instead
//! of the median: steadier on a busy machine), `--only TEXT` (only the matmul shapes whose
//! label contains `TEXT`), `--profile-step B` (only run ctensor's training step for five
//! seconds, for a profiler), `--wall` (wall-clock time; by default, on Linux, samples are
//! timed with the thread's CPU time, which leaves out time spent preempted by other
//! processes), `--autoencoder` (only the MLPerf Tiny autoencoder's Adam step, with PyTorch's
//! time if `$CTENSOR_BENCH_PYTHON` (default `python3`) has torch).
//!
//! Progress goes to stderr (a line per section); the tables go to stdout.

use std::time::{Duration, Instant};

use ctensor_bench::{self as peers, Case, Impl};

/// Single-core FMA peak of the reference machine (AMD EPYC Zen 4): 2 x 8-lane FMA per cycle.
const PEAK_GFLOPS: f64 = 117.0;

/// Median time per run of each implementation, in nanoseconds, interleaved over `rounds`.
fn measure(
    impls: &mut [Impl],
    rounds: usize,
    sample: Duration,
    stat: Stat,
    clock: Clock,
) -> Vec<f64> {
    // Warm up and calibrate: runs per sample so that a sample lasts about `sample`.
    let reps: Vec<u32> = impls
        .iter_mut()
        .map(|imp| {
            for _ in 0..3 {
                (imp.run)();
            }
            let t = Instant::now();
            let mut n = 0u32;
            while t.elapsed() < sample / 4 || n < 2 {
                (imp.run)();
                n += 1;
            }
            let per = t.elapsed().as_secs_f64() / f64::from(n);
            ((sample.as_secs_f64() / per).ceil() as u32).max(1)
        })
        .collect();
    let mut times = vec![Vec::with_capacity(rounds); impls.len()];
    for _ in 0..rounds {
        for ((imp, &n), times) in impls.iter_mut().zip(&reps).zip(&mut times) {
            let t = clock.now();
            for _ in 0..n {
                (imp.run)();
            }
            times.push((clock.now() - t) / f64::from(n));
        }
    }
    times
        .into_iter()
        .map(|t| match stat {
            Stat::Median => median(t),
            Stat::Min => t.into_iter().fold(f64::INFINITY, f64::min),
        })
        .collect()
}

/// What a sample's duration is measured with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Clock {
    /// Wall-clock time.
    Wall,
    /// The thread's CPU time (Linux): time spent preempted by other processes is not counted.
    ThreadCpu,
}

impl Clock {
    /// Now, in nanoseconds from an arbitrary origin.
    fn now(self) -> f64 {
        match self {
            Clock::Wall => {
                static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
                ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e9
            }
            Clock::ThreadCpu => thread_cpu_ns(),
        }
    }
}

#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid `struct timespec` (64-bit Linux layout) to write to.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.sec as f64 * 1e9 + ts.nsec as f64
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> f64 {
    unreachable!("thread CPU time is only used on Linux")
}

/// Which statistic of the rounds to print.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stat {
    Median,
    Min,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut rounds = 41;
    if args.iter().any(|a| a == "--quick") {
        rounds = 9;
    }
    if let Some(i) = args.iter().position(|a| a == "--rounds") {
        rounds = args[i + 1].parse().expect("--rounds N");
    }
    let stat = if args.iter().any(|a| a == "--min") {
        Stat::Min
    } else {
        Stat::Median
    };
    let only: Option<String> = args
        .iter()
        .position(|a| a == "--only")
        .map(|i| args[i + 1].clone());
    let clock = if cfg!(target_os = "linux") && !args.iter().any(|a| a == "--wall") {
        Clock::ThreadCpu
    } else {
        Clock::Wall
    };
    let sample = Duration::from_millis(2);
    let start = Instant::now();
    if args.iter().any(|a| a == "--autoencoder") {
        autoencoder_table(rounds, sample, stat, clock);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--profile-step") {
        profile_step(args[i + 1].parse().expect("--profile-step B"));
        return;
    }

    println!(
        "ctensor bench_summary: f32, single thread, {rounds} interleaved rounds, {} of {}; \
         AVX2+FMA detected: {}",
        if stat == Stat::Min {
            "minimum"
        } else {
            "medians"
        },
        if clock == Clock::Wall {
            "wall-clock time"
        } else {
            "thread CPU time"
        },
        avx2_fma()
    );
    println!();
    println!(
        "| shape (m x k x n) | ctensor | ctensor-portable | naive | nalgebra | matrixmultiply | gemm | ctensor / best peer | % of {PEAK_GFLOPS} GFLOP/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (label, make) in peers::matmul_cases() {
        if only.as_ref().is_some_and(|o| !label.contains(o.as_str())) {
            continue;
        }
        let Case {
            flops, mut impls, ..
        } = make();
        let ns = measure(&mut impls, rounds, sample, stat, clock);
        let gflops: Vec<f64> = ns.iter().map(|&t| flops / t).collect();
        let ours = gflops[0];
        let best_peer = impls
            .iter()
            .zip(&gflops)
            .filter(|(imp, _)| !imp.name.starts_with("ctensor"))
            .map(|(_, &g)| g)
            .fold(0.0, f64::max);
        let cells: Vec<String> = gflops.iter().map(|g| format!("{g:.1}")).collect();
        println!(
            "| {label} | {} | {:.2} | {:.0} % |",
            cells.join(" | "),
            ours / best_peer,
            100.0 * ours / PEAK_GFLOPS
        );
    }

    println!();
    eprintln!("bench_summary: training step 784-128-10 ...");
    println!(
        "| training step 784-128-10, SGD | ctensor (us) | matrixmultiply step (us) | speed-up |"
    );
    println!("|---|---:|---:|---:|");
    let steps: [(usize, Box<dyn FnMut()>); 4] = [
        (1, peers::ctensor_step::<1>()),
        (32, peers::ctensor_step::<32>()),
        (64, peers::ctensor_step::<64>()),
        (128, peers::ctensor_step::<128>()),
    ];
    for (b, ours) in steps {
        let mut impls = vec![
            Impl {
                name: "ctensor",
                run: ours,
            },
            Impl {
                name: "matrixmultiply",
                run: peers::sgemm_step(b),
            },
        ];
        let ns = measure(&mut impls, rounds, sample, stat, clock);
        println!(
            "| B = {b} | {:.1} | {:.1} | {:.2}x |",
            ns[0] / 1e3,
            ns[1] / 1e3,
            ns[1] / ns[0]
        );
    }

    println!();
    eprintln!("bench_summary: single-sample inference ...");
    let mut impls = vec![
        Impl {
            name: "ctensor",
            run: peers::ctensor_inference(),
        },
        Impl {
            name: "matrixmultiply",
            run: peers::sgemm_inference(),
        },
    ];
    let ns = measure(&mut impls, rounds, sample, stat, clock);
    println!(
        "single-sample inference 784-128-10: ctensor {:.2} us, matrixmultiply {:.2} us",
        ns[0] / 1e3,
        ns[1] / 1e3
    );
    println!();
    autoencoder_table(rounds, sample, stat, clock);
    println!();
    println!("total time {:.1} s", start.elapsed().as_secs_f64());
}

/// The MLPerf Tiny autoencoder's Adam step at B = 64: ctensor and the `matrixmultiply` peer
/// interleaved in this process; then PyTorch's median from `bench/pytorch_autoencoder_step.py`
/// (its own process, run right after: it cannot be interleaved), or a loud "skipped".
fn autoencoder_table(rounds: usize, sample: Duration, stat: Stat, clock: Clock) {
    use peers::autoencoder;
    eprintln!("bench_summary: autoencoder Adam step (ctensor vs matrixmultiply) ...");
    let mut impls = vec![
        Impl {
            name: "ctensor",
            run: autoencoder::ctensor_step(),
        },
        Impl {
            name: "matrixmultiply",
            run: autoencoder::sgemm_step(),
        },
    ];
    let ns = measure(&mut impls, rounds, sample, stat, clock);
    eprintln!("bench_summary: autoencoder Adam step (PyTorch, if installed) ...");
    let torch = pytorch_autoencoder_us(rounds);
    // Forward, weight gradients and input gradients (skipped for the first layer): 2 flops
    // per multiply-add.
    let (w, macs) = (autoencoder::WIDTHS, autoencoder::macs_per_row());
    let flops = 2.0 * (autoencoder::B * (3 * macs - w[0] * w[1])) as f64;
    println!(
        "| MLPerf Tiny autoencoder, Adam step, B = {} | ctensor (us) | matrixmultiply (us) | speed-up | PyTorch, 1 thread (us) | speed-up |",
        autoencoder::B
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let (torch_us, torch_ratio) = match &torch {
        Ok(us) => (format!("{us:.1}"), format!("{:.2}x", us * 1e3 / ns[0])),
        Err(_) => ("skipped".to_owned(), "-".to_owned()),
    };
    println!(
        "| {:.1} GFLOP/s for ctensor | {:.1} | {:.1} | {:.2}x | {torch_us} | {torch_ratio} |",
        flops / ns[0],
        ns[0] / 1e3,
        ns[1] / 1e3,
        ns[1] / ns[0]
    );
    if let Err(why) = torch {
        println!();
        println!("PyTorch SKIPPED: {why}");
    }
}

/// PyTorch's median microseconds per step, or why there is none.
fn pytorch_autoencoder_us(rounds: usize) -> Result<f64, String> {
    let python = std::env::var("CTENSOR_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/pytorch_autoencoder_step.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .arg(rounds.to_string())
        .output()
        .map_err(|e| format!("could not run `{python}`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{python} {script}` failed: {} (set CTENSOR_BENCH_PYTHON to a python with torch)",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("us_per_step "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("unexpected output of `{python} {script}`: {text}"))
}

/// Runs ctensor's training step at batch size `b` for about five seconds (for a profiler).
fn profile_step(b: usize) {
    let mut step = match b {
        1 => peers::ctensor_step::<1>(),
        32 => peers::ctensor_step::<32>(),
        64 => peers::ctensor_step::<64>(),
        128 => peers::ctensor_step::<128>(),
        _ => panic!("--profile-step takes 1, 32, 64 or 128"),
    };
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(5) {
        step();
        n += 1;
    }
    println!(
        "{n} steps, {:.1} us each",
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}

fn avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}
