//! NGD for deep matrix factorizations with a relative step cap (a private step rule).
//!
//! The direction is a natural gradient of `G = P_Ω(β − M)` (layer split or Moore–Penrose, from
//! `ngd_fisher::factorization`); to first order the step moves β by `−η G`. From a tiny
//! initialization (`‖W_i‖` small), `A_i⁺`, `B_i⁺` are huge and `‖G_i‖ ≫ ‖W_i‖`: a fixed η
//! would then be dominated by the higher-order terms of the product and blow up. The step is
//! therefore `η_t = min(η, c · min_i ‖W_i‖_F / ‖G_i‖_F)` (each factor moves by at most a
//! fraction `c` of its norm), a choice of this reproduction: the paper gives no NGD step sizes.

use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{FactorMethod, NaturalDirection, natural_direction};
use ngd_models::MatrixFactorization;
use ngd_models::factorization::pull_back;
use ngd_optim::{CompletionProblem, OptimError, StepReport, StepRule};
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

/// The capped NGD rule (see the module docs).
pub struct CappedNgd {
    step: f64,
    cap: f64,
    direction: NaturalDirection,
    /// Solver statistics so far.
    pub stats: NgdStats,
}

impl CappedNgd {
    /// A rule with step `η`, cap `c` and the natural direction to use.
    pub fn new(step: f64, cap: f64, direction: NaturalDirection, stats: NgdStats) -> Self {
        Self {
            step,
            cap,
            direction,
            stats,
        }
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

fn norm(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

impl StepRule<MatrixFactorization, CompletionProblem> for CappedNgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        let beta = model.product();
        let grad = (&beta - &problem.target()) * problem.mask();
        let loss = 0.5 * grad.iter().map(|g| g * g).sum::<f64>();
        let bad = StepReport {
            loss: f64::NAN,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: None,
        };
        if !loss.is_finite() {
            return Ok(bad);
        }
        let natural = match natural_direction(model.factors(), grad.view(), &self.direction) {
            Ok(n) => n,
            Err(FisherError::NonFinite { what }) => {
                self.stats.failure = Some(format!("non-finite {what}"));
                return Ok(bad);
            }
            Err(e) => return Err(e.into()),
        };
        let s = &mut self.stats;
        if let Some(r) = natural.factor_ranks.iter().flatten().min() {
            s.min_factor_rank = Some(s.min_factor_rank.map_or(*r, |m| m.min(*r)));
        }
        if let Some(r) = natural.operator_rank {
            s.min_operator_rank = Some(s.min_operator_rank.map_or(r, |m| m.min(r)));
        }
        s.max_cg_iterations = s.max_cg_iterations.max(natural.iterations);
        let limit = model
            .factors()
            .iter()
            .zip(&natural.directions)
            .map(|(w, g)| self.cap * norm(w) / norm(g))
            .fold(f64::INFINITY, f64::min);
        let eta = if limit < self.step {
            s.capped_steps += 1;
            limit
        } else {
            self.step
        };
        let gradient_norm = pull_back(model.factors(), grad.view())
            .iter()
            .map(|g| g.iter().map(|x| x * x).sum::<f64>())
            .sum::<f64>()
            .sqrt();
        if !(eta.is_finite() && gradient_norm.is_finite()) {
            s.failure = Some(format!(
                "non-finite step: η_t = {eta}, ‖∇_w‖ = {gradient_norm}"
            ));
            return Ok(bad);
        }
        for (w, g) in model.factors_mut().iter_mut().zip(&natural.directions) {
            w.scaled_add(-eta, g);
        }
        s.steps += 1;
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: eta,
            info: Some(method_label(natural.method)),
        })
    }
}
