//! `ngd bench CASE`: timing of one step of a step rule the experiments use.
//!
//! The case's data and model are drawn once (seed [`crate::bench::SEED`]), one warm-up step is
//! taken, then `S` steps are timed one by one with [`Instant`]. Output: a line describing the
//! workload, a line with the spread (min, median, max seconds per step), the BLAS threads and the
//! process's peak resident memory next to the size of the data, and, for the EGD cases
//! (`egd-diag`, `egd-diag-batch`, `egd-mf`), this machine's compute limit of the step (see
//! `docs/performance.md`); the last
//! line is `CASE seconds_per_step=<float>` (total time / S).
//!
//! `--threads T` sets `OPENBLAS_NUM_THREADS=T` by re-executing the binary (see [`super`]).

use super::args::{BenchArgs, BenchCase};
use crate::bench::{Sizes, peak_rss_bytes, prepare};
use clap::ValueEnum;
use ndarray::Array2;
use ngd_harness::error::{ConfigError, Error, RunError};
use std::time::Instant;

/// The command-line name of a case (`egd-diag`, …).
pub fn case_name(case: BenchCase) -> String {
    case.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

fn positive(field: &str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        Err(ConfigError::out_of_range(field, value, "an integer ≥ 1"))
    } else {
        Ok(())
    }
}

/// Runs one benchmark case.
pub fn bench(args: &BenchArgs) -> Result<(), Error> {
    let name = case_name(args.case);
    let sizes = Sizes::resolve(args.case, args.n, args.d, args.depth, args.steps);
    positive("--n", sizes.n as u64)?;
    positive("--d", sizes.d as u64)?;
    positive("--depth", sizes.depth as u64)?;
    positive("--steps", sizes.steps)?;
    let failed = |source: RunError| Error::Run {
        experiment: format!("bench {name}"),
        count: 1,
        run_id: name.clone(),
        source,
    };
    ngd_harness::memory::check_memory(
        &format!("bench {name}"),
        sizes.peak_bytes(args.case),
        1,
        None,
    )?;
    // Sizes that do not make a workload are the user's input: exit code 2.
    let mut workload = prepare(args.case, sizes).map_err(|e| {
        ConfigError::Usage(format!(
            "bench {name}: the sizes N = {}, D = {}, L = {} do not make a workload: {e}",
            sizes.n, sizes.d, sizes.depth
        ))
    })?;
    println!("# {name}: {}", workload.description);
    (workload.step)().map_err(failed)?;
    let mut times = Vec::with_capacity(sizes.steps as usize);
    let start = Instant::now();
    for _ in 0..sizes.steps {
        let t = Instant::now();
        (workload.step)().map_err(failed)?;
        times.push(t.elapsed().as_secs_f64());
    }
    let per_step = start.elapsed().as_secs_f64() / sizes.steps as f64;
    times.sort_by(f64::total_cmp);
    let threads = std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "unset".into());
    println!(
        "# steps {} (+1 warm-up), seconds per step: min {:.4e}, median {:.4e}, max {:.4e}; \
         OPENBLAS_NUM_THREADS={threads}",
        sizes.steps,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
    );
    let mib = |b: f64| b / (1024.0 * 1024.0);
    match peak_rss_bytes() {
        Some(peak) => println!(
            "# peak resident memory {:.1} MiB; data {:.1} MiB (ratio {:.2})",
            mib(peak as f64),
            mib(workload.data_bytes as f64),
            peak as f64 / workload.data_bytes as f64
        ),
        None => println!("# peak resident memory: not reported on this platform"),
    }
    let spread = [times[0], times[times.len() / 2]];
    match args.case {
        BenchCase::EgdDiag => print_limit(sizes.n, sizes.d, 1, per_step, spread),
        BenchCase::EgdDiagBatch => print_limit(sizes.n, sizes.d, sizes.depth, per_step, spread),
        BenchCase::EgdMf => print_mf_limit(sizes.n, sizes.d, sizes.depth, per_step, spread),
        _ => {}
    }
    println!("{name} seconds_per_step={per_step:.6e}");
    Ok(())
}

/// Measures this machine's limit for a fused EGD pass over an `n × d` matrix with `models`
/// models: `4·n·d·models` flops at the dense matrix-product rate, and one read of the matrix at
/// the rate of a plain summation pass; the limit is the larger of the two times. Prints the
/// mean step over the limit (`measured/limit`), and the best and the median step over it.
fn print_limit(n: usize, d: usize, models: usize, per_step: f64, spread: [f64; 2]) {
    let gflops = gemm_rate();
    let x = Array2::from_shape_fn((n, d), |(i, j)| ((i * 31 + j * 17) % 97) as f64 / 97.0);
    let slice = x.as_slice().expect("standard layout");
    let mut best = f64::INFINITY;
    let mut sink = 0.0;
    for _ in 0..10 {
        let t = Instant::now();
        sink += read_pass(slice);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let flops = 4.0 * (n * d * models) as f64;
    let compute = flops / (gflops * 1e9);
    let limit = compute.max(best);
    println!(
        "# limit: dgemm {gflops:.2} GFLOP/s → {compute:.3e} s for {flops:.3e} flops; one read of \
         X̃ ({:.1} MiB) {best:.3e} s ({:.2} GB/s); limit {limit:.3e} s; {} (checksum {sink:.1})",
        (n * d * 8) as f64 / (1024.0 * 1024.0),
        (n * d * 8) as f64 / best / 1e9,
        ratios(limit, per_step, spread)
    );
}

/// Measures this machine's limit for one `egd-mf` step (`m` observed entries of a `d × d`
/// target, depth `depth`): its flops at the dense matrix-product rate. A step
/// (`ngd_models::completion_gradient`) takes `3(L − 2)` products of `d × d` matrices (`2d³`
/// flops each, none for `L ≤ 2`) and `2(L + 1)·m·d` flops in its products with the observed
/// entries (the sampled `β`, one product with the residual per layer, one transposed); the
/// elementwise work and the step-size rule are left out. Prints the same ratios as
/// [`print_limit`].
fn print_mf_limit(m: usize, d: usize, depth: usize, per_step: f64, spread: [f64; 2]) {
    let gflops = gemm_rate();
    let products = 3 * depth.saturating_sub(2);
    let dense = products as f64 * 2.0 * (d * d * d) as f64;
    let sparse = 2.0 * ((depth + 1) * m * d) as f64;
    let limit = (dense + sparse) / (gflops * 1e9);
    println!(
        "# limit: dgemm {gflops:.2} GFLOP/s → {limit:.3e} s for {:.3e} flops ({products} dense \
         {d} × {d} products, {sparse:.3e} flops with the {m} observed entries); limit \
         {limit:.3e} s; {}",
        dense + sparse,
        ratios(limit, per_step, spread)
    );
}

/// `measured/limit M (best step B, median step C)`: the mean, best and median step over the
/// limit.
fn ratios(limit: f64, per_step: f64, [best_step, median_step]: [f64; 2]) -> String {
    format!(
        "measured/limit {:.2} (best step {:.2}, median step {:.2})",
        per_step / limit,
        best_step / limit,
        median_step / limit
    )
}

/// The best rate of a 1000 × 1000 matrix product over a few repetitions, in GFLOP/s:
/// `ndarray`'s `dot`, which is `matrixmultiply`'s `dgemm` (the workspace does not enable
/// ndarray's `blas` feature; the dense products of the steps run on the same code). The printed
/// name `dgemm` is kept as `ngd bench` has always printed it.
fn gemm_rate() -> f64 {
    let m = 1000;
    let a = Array2::from_shape_fn((m, m), |(i, j)| ((i + 2 * j) % 13) as f64 - 6.0);
    let b = Array2::from_shape_fn((m, m), |(i, j)| ((3 * i + j) % 11) as f64 - 5.0);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        let c = a.dot(&b);
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(c);
    }
    2.0 * (m * m * m) as f64 / best / 1e9
}

/// Sums a slice with eight independent accumulators: a pure streaming read.
fn read_pass(values: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let chunks = values.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (a, v) in acc.iter_mut().zip(chunk) {
            *a += v;
        }
    }
    acc.iter().sum::<f64>() + tail
}
