//! NGD under the observed-entry Fisher `F_Ω = Jᵀ P_Ωᵀ P_Ω J` (Moore–Penrose or relatively
//! damped; the direction from [`ngd_fisher::factorization::observed`]) with fig5's step rule.
//!
//! Step: `W_i ← W_i − η_t G_i` with `η_t = min(η_λ, c · min_i ‖W_i‖_F / ‖G_i‖_F)` (fig5's
//! relative cap `c`, see [`crate::experiments::fig5::ngd_rule`]) and, damped,
//! `η_λ = η (λ_max + λ)/λ_max` (`λ_max` the largest eigenvalue of `F_Ω`): the stiffest mode of
//! the observed residual then contracts by the same fraction `η` per step for every `λ`, so
//! `λ → 0` is Moore–Penrose NGD with step `η` and `λ → ∞` is EGD with the classical step
//! `η / λ_max(F_Ω)`. Moore–Penrose: `η_λ = η`.

use crate::experiments::fig5::ngd_rule::NgdStats;
use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{ObservedOptions, observed_natural_gradient};
use ngd_models::factorization::{product, pull_back};
use ngd_models::{MatrixFactorization, squared_loss};
use ngd_optim::{CompletionProblem, OptimError, StepReport, StepRule};

/// The route label of an observed-entry step.
pub const ROUTE: &str = "ngd-observed-entry-kernel";

/// The observed-entry NGD rule and its statistics (see the module docs).
pub struct ObservedNgd {
    options: ObservedOptions,
    step: f64,
    cap: f64,
    grad_beta: Array2<f64>,
    /// Solver statistics so far (`min_operator_rank`: the smallest effective rank of `K_Ω`).
    pub stats: NgdStats,
}

impl ObservedNgd {
    /// A rule with step `η`, relative cap `c` and the solver options, continuing `stats`.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `η` or `c` is not finite and positive.
    pub fn new(
        step: f64,
        cap: f64,
        options: ObservedOptions,
        stats: NgdStats,
    ) -> Result<Self, OptimError> {
        for (what, v) in [("NGD step size η", step), ("NGD relative step cap", cap)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(OptimError::Invalid {
                    what,
                    value: v.to_string(),
                    allowed: "finite and positive",
                });
            }
        }
        Ok(Self {
            options,
            step,
            cap,
            grad_beta: Array2::zeros((0, 0)),
            stats,
        })
    }

    fn fail(&mut self, loss: f64, why: String) -> StepReport {
        self.stats.failure = Some(why);
        StepReport {
            loss,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: Some(ROUTE),
        }
    }
}

fn norm(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

impl StepRule<MatrixFactorization, CompletionProblem> for ObservedNgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        let beta = product(model.factors());
        if self.grad_beta.dim() != beta.dim() {
            self.grad_beta = Array2::zeros(beta.raw_dim());
        }
        let loss = match squared_loss::value_and_gradient(
            beta.view(),
            problem.target(),
            problem.mask(),
            self.grad_beta.view_mut(),
        ) {
            Ok(loss) => loss,
            Err(ngd_models::ModelError::NonFinite { .. }) => {
                return Ok(self.fail(f64::NAN, "non-finite squared loss".into()));
            }
            Err(other) => return Err(other.into()),
        };
        let factors = model.factors();
        let natural = match observed_natural_gradient(
            factors,
            problem.mask(),
            self.grad_beta.view(),
            &self.options,
        ) {
            Ok(natural) => natural,
            Err(FisherError::NonFinite { what }) => {
                return Ok(self.fail(loss, format!("non-finite {what}")));
            }
            Err(other) => return Err(other.into()),
        };
        let gradient_norm = pull_back(factors, self.grad_beta.view())
            .iter()
            .map(|g| norm(g).powi(2))
            .sum::<f64>()
            .sqrt();
        let largest = natural.largest_eigenvalue;
        let base = if natural.damping > 0.0 {
            self.step * (largest + natural.damping) / largest
        } else {
            self.step
        };
        let limit = factors
            .iter()
            .zip(&natural.directions)
            .map(|(w, g)| self.cap * norm(w) / norm(g))
            .fold(f64::INFINITY, f64::min);
        let capped = limit < base;
        let eta = if capped { limit } else { base };
        if !(eta.is_finite() && gradient_norm.is_finite()) {
            return Ok(self.fail(
                loss,
                format!("non-finite step η_t = {eta} or ‖∇_w‖ = {gradient_norm}"),
            ));
        }
        for (w, g) in model.factors_mut().iter_mut().zip(&natural.directions) {
            w.scaled_add(-eta, g);
        }
        let s = &mut self.stats;
        s.steps += 1;
        s.capped_steps += u64::from(capped);
        s.min_operator_rank = Some(
            s.min_operator_rank
                .map_or(natural.rank, |r| r.min(natural.rank)),
        );
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: eta,
            info: Some(ROUTE),
        })
    }
}
