//! The registered experiments, one module each (see [`crate::registry::registry`]).
//!
//! Recipe for a new experiment `figN`:
//! 1. add `experiments/fig_n/` with a `Config` struct (`#[serde(deny_unknown_fields)]`), its
//!    `quick` and `paper` presets, and a `validate()` built from [`crate::config`]'s checks;
//! 2. implement [`crate::Experiment`]: `plan` (independent runs with stable ids), `run` (exactly
//!    one run; use `ctx.rng()`/`ctx.shared_seed()`, `ctx.progress`, `ctx.checkpoint`,
//!    `ctx.note_route`; return `RunError::Diverged` on divergence), `finish` (CSV via
//!    `ExperimentDir::write_csv`, plots via [`crate::plot`], claims);
//! 3. append the instance to [`crate::registry::registry`].

pub mod egd_demo;
pub mod fig2;
pub mod fig3;
pub mod fig5;
pub mod sparse_sweep;
pub mod theorems;
