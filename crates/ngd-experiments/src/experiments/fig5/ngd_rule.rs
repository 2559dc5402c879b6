//! fig5's NGD rule: the library's [`FactorizationNgd`] with the relative step cap
//! ([`NgdStepSize::RelativeCap`]), plus the solver bookkeeping fig5 records ([`NgdStats`]).
//!
//! The direction is a natural gradient of `G = P_Ω(β − M)` (layer split or Moore–Penrose); to
//! first order the step moves β by `−η G`. From a tiny initialization `‖G_i‖ ≫ ‖W_i‖`, and a
//! fixed η would be dominated by the higher-order terms of the product and blow up, so the step
//! is `η_t = min(η, c · min_i ‖W_i‖_F / ‖G_i‖_F)` (each factor moves by at most a fraction `c`
//! of its norm), a choice of this reproduction: the paper gives no NGD step sizes.

use ngd_fisher::factorization::{FactorMethod, NaturalDirection};
use ngd_models::MatrixFactorization;
use ngd_optim::{
    CompletionProblem, FactorizationNgd, NgdStepSize, OptimError, StepReport, StepRule,
};
use serde::{Deserialize, Serialize};

/// What the solver reported over a run (for the manifest and the summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NgdStats {
    /// Steps taken.
    pub steps: u64,
    /// Steps whose size was cut by the relative cap.
    pub capped_steps: u64,
    /// Layer split: the smallest effective rank of any `A_i`, `B_i` seen (`D` = full rank).
    pub min_factor_rank: Option<usize>,
    /// Moore–Penrose (Sylvester): the smallest effective rank of `J Jᵀ` seen.
    pub min_operator_rank: Option<usize>,
    /// Moore–Penrose (CG): the most iterations of one solve.
    pub max_cg_iterations: usize,
    /// Why the last step could not be taken (non-finite direction or step), if it could not.
    pub failure: Option<String>,
}

impl NgdStats {
    /// Adds the last step of `rule` to the statistics.
    fn record(&mut self, rule: &FactorizationNgd) {
        if let Some(why) = rule.last_failure() {
            self.failure = Some(why.to_string());
            return;
        }
        if let Some(solve) = rule.last_solve() {
            if let Some(r) = solve.factor_ranks.iter().flatten().min() {
                self.min_factor_rank = Some(self.min_factor_rank.map_or(*r, |m| m.min(*r)));
            }
            if let Some(r) = solve.operator_rank {
                self.min_operator_rank = Some(self.min_operator_rank.map_or(r, |m| m.min(r)));
            }
            self.max_cg_iterations = self.max_cg_iterations.max(solve.iterations);
        }
        if rule.last_step_capped() {
            self.capped_steps += 1;
        }
        self.steps += 1;
    }
}

/// The capped NGD rule with its statistics (see the module docs).
pub struct CappedNgd {
    rule: FactorizationNgd,
    /// Solver statistics so far.
    pub stats: NgdStats,
}

impl CappedNgd {
    /// A rule with step `η`, cap `c` and the natural direction to use, continuing `stats`.
    pub fn new(
        step: f64,
        cap: f64,
        direction: NaturalDirection,
        stats: NgdStats,
    ) -> Result<Self, OptimError> {
        let policy = NgdStepSize::RelativeCap { max: step, cap };
        let rule = FactorizationNgd::with_step_size(policy, direction)?;
        Ok(Self { rule, stats })
    }
}

/// The label of a factorization solver route.
pub fn method_label(method: FactorMethod) -> &'static str {
    match method {
        FactorMethod::LayerSplit => "ngd-layer-split",
        FactorMethod::Direct => "ngd-moore-penrose-direct",
        FactorMethod::Sylvester => "ngd-moore-penrose-sylvester",
        FactorMethod::ConjugateGradient => "ngd-moore-penrose-cg",
    }
}

impl StepRule<MatrixFactorization, CompletionProblem> for CappedNgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        let report = self.rule.step(model, problem)?;
        self.stats.record(&self.rule);
        Ok(StepReport {
            info: self.rule.last_solve().map(|s| method_label(s.method)),
            ..report
        })
    }
}
