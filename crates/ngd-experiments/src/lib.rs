//! The experiments reproducing "Depth without the magic: inductive bias of natural gradient
//! descent" on the [`ngd_harness`], and the `ngd` command-line tool.
//!
//! - [`experiments`]: the paper's experiments, their configs and claims, and their registry;
//! - [`error`]: [`error::ExperimentError`], the typed failures of the computations;
//! - [`data_file`]: labelled classification data from CSV files, with validation;
//! - [`mod@bench`]: the workloads of `ngd bench`;
//! - [`cli`]: the `ngd` command line (the harness's subcommands plus `bench`).

pub mod bench;
pub mod cli;
pub mod data_file;
pub mod error;
pub mod experiments;

/// The code revision this crate (and the `ngd` binary) was built from, recorded by `build.rs`:
/// `git rev-parse HEAD` of the checkout, the commit of a packaged copy, or `"unknown"`. Every
/// results folder's `manifest.json` names it as `git_revision` ([`cli::STUDY`]).
pub const GIT_REVISION: &str = env!("NGD_GIT_REVISION");
