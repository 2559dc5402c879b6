//! `fig3`: the tangent kernels of deep matrix factorizations (the paper's Fig. 3 and §4).
//!
//! An `11 × 11` matrix `β = W_1 ⋯ W_L` with one observation at the centre `(c, c)`
//! (`CompletionTask::single_centre`): for depths `L = 1…4` (rows) the response of every entry
//! to the loss gradient `E_cc` under EGF, EGD, NGF and NGD (columns) from a random initial
//! state (see [`maps`] for the formulas). NGF/NGD use the paper's layer split (App. B.4, eq. 51
//! with the factor order corrected); the Moore–Penrose direction (dense `pinv(J)`) is computed too and written to
//! the CSV. The maps at `η/2` measure how the finite-step terms scale with `η`.

mod docs;
mod finish;
pub mod maps;

use crate::error::ExperimentError;
use maps::Fig3Output;
use ngd_data::CompletionTask;
use ngd_harness::config::{Preset, check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// The initial factors of `fig3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// I.i.d. Gaussian entries of std `init_std/√D`.
    Gaussian,
    /// `I + (init_std/√D) Z`.
    IdentityPlusNoise,
}

impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Init::Gaussian => "gaussian",
            Init::IdentityPlusNoise => "identity-plus-noise",
        })
    }
}

/// The config of `fig3`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fig3Config {
    /// Matrix size `D` (odd, so that the centre is an entry; the paper: 11).
    pub size: usize,
    /// Depths `L` (rows of the figure), each in `[1, 8]`.
    pub depths: Vec<usize>,
    /// The initial factors (`"gaussian"` or `"identity-plus-noise"`).
    pub init: Init,
    /// The std multiplier of the initial factors (> 0).
    pub init_std: f64,
    /// Step size `η` of the finite-step responses (EGD, NGD).
    pub step: f64,
}

/// Parameters of one run (one depth).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig3Params {
    /// Depth `L`.
    pub depth: usize,
}

/// The `fig3` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fig3;

impl Experiment for Fig3 {
    type Config = Fig3Config;
    type Params = Fig3Params;
    type RunOutput = Fig3Output;

    fn name(&self) -> &'static str {
        "fig3"
    }

    fn description(&self) -> &'static str {
        "NTK pictures: response of an 11×11 factorization to one observation (EGF, EGD, NGF, NGD)"
    }

    fn config(&self, _preset: Preset) -> Fig3Config {
        // The computation is tiny: both presets are the paper's figure.
        Fig3Config {
            size: 11,
            depths: vec![1, 2, 3, 4],
            init: Init::Gaussian,
            init_std: 1.0,
            step: 0.01,
        }
    }

    fn peak_bytes(&self, c: &Fig3Config) -> Option<u64> {
        // The Jacobian of the D² entries in the L·D² weights and the dense curvature of the
        // weights (the natural response), at the deepest depth.
        let f = ngd_harness::memory::f64_bytes;
        let entries = (c.size as u64).saturating_mul(c.size as u64);
        let weights = entries.saturating_mul(c.depths.iter().copied().max().unwrap_or(1) as u64);
        Some(f(&[4, weights, weights]).saturating_add(f(&[4, entries, weights])))
    }

    fn validate(&self, c: &Fig3Config) -> Result<(), ConfigError> {
        check(
            c.size % 2 == 1 && (3..=101).contains(&c.size),
            "size",
            c.size,
            "an odd integer in [3, 101]",
        )?;
        check_nonempty("depths", &c.depths)?;
        for &d in &c.depths {
            check((1..=8).contains(&d), "depths", d, "depths in [1, 8]")?;
            check_positive("depths", d as u64)?;
        }
        let mut sorted = c.depths.clone();
        sorted.sort_unstable();
        sorted.dedup();
        check(
            sorted.len() == c.depths.len(),
            "depths",
            format!("{:?}", c.depths),
            "distinct depths",
        )?;
        check_finite_positive("init_std", c.init_std)?;
        check_finite_positive("step", c.step)
    }

    fn plan(&self, c: &Fig3Config) -> Vec<RunSpec<Fig3Params>> {
        let d3 = (c.size as u64).pow(3);
        c.depths
            .iter()
            .map(|&depth| RunSpec {
                id: format!("L{depth}"),
                cost: 20 * depth as u64 * d3,
                params: Fig3Params { depth },
            })
            .collect()
    }

    fn run(
        &self,
        c: &Fig3Config,
        spec: &RunSpec<Fig3Params>,
        ctx: &mut RunContext,
    ) -> Result<Fig3Output, RunError> {
        // The task fixes the observed entry; the maps respond to the unit gradient there.
        let task = CompletionTask::single_centre(c.size, 1.0).map_err(ExperimentError::from)?;
        debug_assert_eq!(task.observed, vec![(c.size / 2, c.size / 2)]);
        let mut rng = ctx.rng();
        let model = maps::initial_factors(c, spec.params.depth, &mut rng)?;
        ctx.note_route("ntk-egf-closed-form");
        ctx.note_route("natural-gradient-layer-split");
        ctx.note_route("natural-gradient-moore-penrose-dense-pinv");
        let out = maps::response_maps(c, &model)?;
        ctx.progress(1, 1);
        Ok(out)
    }

    fn finish(
        &self,
        c: &Fig3Config,
        runs: &[(RunSpec<Fig3Params>, RunRecord<Fig3Output>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }

    fn outputs(&self, _config: &Fig3Config) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }
}
