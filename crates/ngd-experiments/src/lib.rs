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
