//! `ngd bench CASE`: timing of single computational kernels.
//!
//! The cases' bodies are to be filled in by the solver authors; until then a case exits with
//! code 1 and says so. A case prints, as its last line, `CASE seconds_per_step=<float>`.

use super::args::{BenchArgs, BenchCase};
use crate::error::Error;
use clap::ValueEnum;

/// The command-line name of a case (`egd-diag`, …).
pub fn case_name(case: BenchCase) -> String {
    case.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// Runs one benchmark case.
pub fn bench(args: &BenchArgs) -> Result<(), Error> {
    let name = case_name(args.case);
    Err(Error::NotImplemented(format!(
        "bench case `{name}` (n = {:?}, d = {:?}, depth = {:?}, steps = {:?}, threads = {:?})",
        args.n, args.d, args.depth, args.steps, args.threads
    )))
}
