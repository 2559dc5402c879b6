//! The paper's own subcommand, `ngd bench` (clap derive), beside the harness's subcommands.

use clap::{Args, ValueEnum};

/// Benchmark cases of `ngd bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchCase {
    /// EGD step, diagonal network.
    EgdDiag,
    /// NGD step, diagonal network, kernel (N × N) route.
    NgdDiagKernel,
    /// NGD step, diagonal network, dense Fisher route.
    NgdDiagDense,
    /// NGD step, diagonal network, weighted (logistic Fisher) route.
    NgdDiagWeighted,
    /// EGD step, deep matrix factorization.
    EgdMf,
    /// NGD step, deep matrix factorization.
    NgdMf,
    /// EGD steps, diagonal network, several problems in a batch.
    EgdDiagBatch,
}

/// `ngd bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The kernel to time.
    #[arg(value_enum)]
    pub case: BenchCase,
    /// Number of samples N (or observations).
    #[arg(long)]
    pub n: Option<usize>,
    /// Dimension D (features, or matrix side).
    #[arg(long)]
    pub d: Option<usize>,
    /// Depth L.
    #[arg(long)]
    pub depth: Option<usize>,
    /// Steps to time.
    #[arg(long)]
    pub steps: Option<u64>,
    /// BLAS threads (sets OPENBLAS_NUM_THREADS for the process), 1 to 1024.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}
