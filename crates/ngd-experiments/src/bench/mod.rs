//! The workloads of `ngd bench`: each case draws its data and model once (seeded, fixed) and
//! returns a closure that performs exactly one step of the step rule the experiments use.
//!
//! Data follow the benchmark contract: the paper's sparse Gaussian task (`x ~ N(0, I_D)`,
//! `β*` with its first 20 entries 1, `y = sign(x · β*)`) with Gaussian diagonal weights of scale
//! 0.1; for factorizations a rank-5 target (`D × D`, RMS entry 1), 2000 observed entries and
//! Gaussian factors of per-entry scale `D^{−1/2}`. The timing loop lives in `cli::bench`.

mod diagonal;
mod factorization;

use crate::cli::args::BenchCase;
use ngd_harness::error::RunError;

/// The seed every case draws its data and model from.
pub const SEED: u64 = 0;

/// The sizes of one benchmark case (defaults filled in by [`Sizes::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Samples `N` (diagonal cases) or observed entries (factorization cases).
    pub n: usize,
    /// Features `D` (diagonal) or matrix side `D` (factorizations).
    pub d: usize,
    /// Depth `L` (for `egd-diag-batch`: the batch size `K`, depths `1, …, K`).
    pub depth: usize,
    /// Timed steps.
    pub steps: u64,
}

impl Sizes {
    /// The defaults for `case`, overridden by the given values.
    pub fn resolve(
        case: BenchCase,
        n: Option<usize>,
        d: Option<usize>,
        depth: Option<usize>,
        steps: Option<u64>,
    ) -> Self {
        let (dn, dd, dl, ds) = match case {
            BenchCase::EgdDiag => (2500, 1000, 2, 200),
            BenchCase::NgdDiagKernel => (500, 1000, 2, 20),
            BenchCase::NgdDiagDense => (500, 1000, 2, 3),
            BenchCase::NgdDiagWeighted => (2500, 1000, 2, 5),
            BenchCase::EgdMf => (2000, 100, 3, 500),
            BenchCase::NgdMf => (2000, 100, 3, 50),
            BenchCase::EgdDiagBatch => (2500, 1000, 4, 100),
        };
        Self {
            n: n.unwrap_or(dn),
            d: d.unwrap_or(dd),
            depth: depth.unwrap_or(dl),
            steps: steps.unwrap_or(ds),
        }
    }
}

impl Sizes {
    /// An estimate of the case's peak memory (bytes) from its sizes alone, before anything is
    /// allocated: its data, its model and the largest matrix its step forms (`N × N` kernels,
    /// `D × D` Fishers, `L` factors of `D × D`), with saturating products.
    pub fn peak_bytes(&self, case: BenchCase) -> u64 {
        let (n, d, l) = (self.n as u64, self.d as u64, self.depth as u64);
        let f = ngd_harness::memory::f64_bytes;
        let data = f(&[3, n, d]);
        let model = f(&[4, l, d]);
        let step = match case {
            BenchCase::EgdDiag => f(&[4, n]),
            BenchCase::NgdDiagKernel => f(&[3, n, n]),
            BenchCase::NgdDiagDense => f(&[4, d, d]),
            BenchCase::NgdDiagWeighted => f(&[3, n.min(d), n.min(d)]),
            BenchCase::EgdMf => f(&[6, l, d, d]),
            BenchCase::NgdMf => f(&[12, l, d, d]),
            BenchCase::EgdDiagBatch => f(&[4, l, l, d]),
        };
        let data = match case {
            BenchCase::EgdMf | BenchCase::NgdMf => f(&[4, n]),
            _ => data,
        };
        data.saturating_add(model).saturating_add(step)
    }
}

/// One prepared case: a step closure and what it holds.
pub struct Workload {
    /// Performs one step (the step rule's `step` on the case's model and problem).
    pub step: Box<dyn FnMut() -> Result<(), RunError>>,
    /// Bytes of the data the step reads (`X̃`, or target and mask), for memory reporting.
    pub data_bytes: usize,
    /// A one-line description of the workload.
    pub description: String,
}

/// Draws the data and model of `case` at `sizes` and returns its step closure.
pub fn prepare(case: BenchCase, sizes: Sizes) -> Result<Workload, RunError> {
    match case {
        BenchCase::EgdDiag => diagonal::egd(sizes),
        BenchCase::EgdDiagBatch => diagonal::egd_batch(sizes),
        BenchCase::NgdDiagKernel => diagonal::ngd(sizes, ngd_fisher::Route::Kernel),
        BenchCase::NgdDiagDense => diagonal::ngd(sizes, ngd_fisher::Route::DenseBeta),
        BenchCase::NgdDiagWeighted => diagonal::ngd(sizes, ngd_fisher::Route::Weighted),
        BenchCase::EgdMf => factorization::egd(sizes),
        BenchCase::NgdMf => factorization::ngd(sizes),
    }
}

/// Turns a step report into an error if the step saw a non-finite loss.
fn check(report: ngd_optim::StepReport) -> Result<(), RunError> {
    if report.loss.is_finite() {
        Ok(())
    } else {
        Err(RunError::Diverged {
            step: 0,
            cause: format!("loss {}", report.loss),
        })
    }
}

/// The peak resident set size of this process in bytes (`VmHWM` of `/proc/self/status`), if
/// the platform reports it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
