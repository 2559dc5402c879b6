//! The paper's experiments, one module each, and their [`registry`].
//!
//! Recipe for a new experiment `figN`:
//! 1. add `experiments/fig_n/` with a `Config` struct (`#[serde(deny_unknown_fields)]`,
//!    deriving `schemars::JsonSchema`, a `///` doc on every field: `ngd config` prints them), its
//!    `quick` and `paper` presets, and a `validate()` built from [`ngd_harness::config`]'s checks;
//! 2. implement [`ngd_harness::Experiment`]: `plan` (independent runs with stable ids), `run`
//!    (exactly one run; use `ctx.rng()`/`ctx.shared_seed()`, `ctx.progress`, `ctx.checkpoint`,
//!    `ctx.note_route`; return `RunError::Diverged` on divergence), `finish` (CSV via
//!    `ExperimentDir::write_csv`, plots via [`ngd_harness::plot`], claims), and `outputs`
//!    (a `docs.rs` naming every file `finish` writes and every CSV column: the folder's
//!    `README.md`; the re-check of `cargo xtask test` fails on an undocumented one);
//! 3. append the instance to [`registry`].

pub mod approximate_ng;
pub mod damping;
pub mod deep_linear;
pub mod egd_demo;
pub mod fig2;
pub mod fig3;
pub mod fig5;
pub mod fig5_fisher;
mod network_training;
mod npy;
pub mod own_data;
pub mod sparse_sweep;
#[cfg(test)]
mod test_support;
pub mod theorems;

use ngd_harness::registry::DynExperiment;

/// Every experiment, in report order: the paper's, then those beyond it, then the tools.
pub fn registry() -> Vec<&'static dyn DynExperiment> {
    vec![
        &fig2::Fig2,
        &fig3::Fig3,
        &sparse_sweep::FIG4,
        &fig5::Fig5,
        &sparse_sweep::FIG6,
        &theorems::Theorems,
        &damping::DampingExperiment,
        &approximate_ng::ApproximateNg,
        &deep_linear::DeepLinear,
        &fig5_fisher::Fig5Fisher,
        &own_data::OwnData,
        &egd_demo::EgdDemo,
    ]
}
