//! NGD for deep matrix factorizations under the squared loss `½ Σ_Ω (β − M)²`, whose Fisher in
//! β is the identity: the natural gradient is any `(G_1, …, G_L)` with `Σ_i A_i G_i B_i = G`,
//! `G = P_Ω(β − M)`; the step is `W_i ← W_i − η G_i`. To first order every such step moves β by
//! `−η G` (the natural NTK is the identity), so unobserved entries stay at their initial values.
//!
//! Step sizes ([`NgdStepSize`]): a fixed `η`, a relative cap `η_t = min(η, c · min_i ‖W_i‖_F /
//! ‖G_i‖_F)`, or backtracking on the sufficient-decrease (Armijo) condition `L(w − η g) ≤ L(w) − c η ⟨∇_w L, g⟩`. Backtracking matters from tiny
//! initializations: `A_i⁺`, `B_i⁺` are then huge, `‖G_i‖ ≫ ‖W_i‖`, and the higher-order terms of
//! the product `∏ (W_i − η G_i)` dominate any fixed `η` that is not tiny; backtracking takes the
//! largest step (up to the maximum) that still decreases the loss as the first-order model
//! predicts, and grows it again as the factors grow. Note `⟨∇_w L, g⟩ = ⟨G, Σ_i A_i G_i B_i⟩ =
//! ‖G‖²_F` for every natural gradient.

use crate::losses;
use crate::{CompletionProblem, OptimError, StepReport, StepRule};
use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{
    FactorMethod, FactorNaturalGradient, NaturalDirection, natural_direction,
};
use ngd_models::MatrixFactorization;
use ngd_models::factorization::{product, pull_back};

/// How the NGD step size of a factorization is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NgdStepSize {
    /// A constant step `η`.
    Fixed(f64),
    /// Backtracking: start from `min(max, 2 η_{t−1})`, halve until
    /// `L(w − η g) ≤ L(w) − 1e-4 · η ‖G‖²` (at most 60 halvings, else the step fails with an
    /// error).
    Backtracking {
        /// The largest step tried.
        max: f64,
    },
    /// Relative cap: `η_t = min(max, cap · min_i ‖W_i‖_F / ‖G_i‖_F)`, so that no factor moves
    /// by more than the fraction `cap` of its norm. This keeps the higher-order terms of the
    /// finite step `∏ (W_i − η G_i) − β + η G` small relative to β, so discrete NGD stays close
    /// to NGF (whose first-order move is exactly `−η G`). From a tiny initialization
    /// (`‖G_i‖ ≫ ‖W_i‖`) it makes the steps tiny, growing them as the factors grow.
    /// [`FactorizationNgd::last_step_capped`] tells whether the cap was binding.
    RelativeCap {
        /// The largest step, `η`.
        max: f64,
        /// The largest relative move of a factor, `c`.
        cap: f64,
    },
}

impl NgdStepSize {
    fn base(&self) -> f64 {
        match *self {
            Self::Fixed(eta)
            | Self::Backtracking { max: eta }
            | Self::RelativeCap { max: eta, .. } => eta,
        }
    }
}

/// Armijo constant of the sufficient-decrease condition.
const SUFFICIENT_DECREASE: f64 = 1e-4;
/// The most halvings of one backtracking search.
const MAX_HALVINGS: u32 = 60;

/// Full-batch NGD for a deep matrix factorization.
#[derive(Debug, Clone)]
pub struct FactorizationNgd {
    step: NgdStepSize,
    direction: NaturalDirection,
    grad_beta: Array2<f64>,
    previous_step: Option<f64>,
    last: Option<FactorNaturalGradient>,
    last_capped: bool,
    failure: Option<String>,
}

impl FactorizationNgd {
    /// A rule with a fixed step `η` (finite, positive) and the natural direction to use.
    pub fn new(step: f64, direction: NaturalDirection) -> Result<Self, OptimError> {
        Self::with_step_size(NgdStepSize::Fixed(step), direction)
    }

    /// A rule with the given step-size policy and natural direction.
    pub fn with_step_size(
        step: NgdStepSize,
        direction: NaturalDirection,
    ) -> Result<Self, OptimError> {
        let eta = step.base();
        if !(eta.is_finite() && eta > 0.0) {
            return Err(OptimError::Invalid {
                what: "NGD step size η",
                value: eta.to_string(),
                allowed: "finite and positive",
            });
        }
        if let NgdStepSize::RelativeCap { cap, .. } = step
            && !(cap.is_finite() && cap > 0.0)
        {
            return Err(OptimError::Invalid {
                what: "NGD relative step cap",
                value: cap.to_string(),
                allowed: "finite and positive",
            });
        }
        Ok(Self {
            step,
            direction,
            grad_beta: Array2::zeros((0, 0)),
            previous_step: None,
            last: None,
            last_capped: false,
            failure: None,
        })
    }

    /// The solver's report of the last step (method, ranks, CG iterations), without the
    /// directions' values.
    pub fn last_solve(&self) -> Option<&FactorNaturalGradient> {
        self.last.as_ref()
    }

    /// Whether the last step's size was cut by [`NgdStepSize::RelativeCap`] (`η_t < max`);
    /// always `false` for the other policies.
    pub fn last_step_capped(&self) -> bool {
        self.last_capped
    }

    /// Why the last step was not taken (a non-finite loss, direction, gradient or step size),
    /// or `None` if it was. The step then reports a NaN loss or gradient norm and leaves the
    /// model unchanged, which the [`Executor`](crate::Executor) reports as divergence.
    pub fn last_failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// The step size accepted at the previous step (backtracking starts from twice it); save
    /// and restore it with [`FactorizationNgd::set_previous_step`] to resume bit-identically.
    pub fn previous_step(&self) -> Option<f64> {
        self.previous_step
    }

    /// Restores the state saved with [`FactorizationNgd::previous_step`].
    pub fn set_previous_step(&mut self, step: Option<f64>) {
        self.previous_step = step;
    }

    /// The step size for this iterate: fixed, capped, or found by backtracking.
    fn step_size(
        &mut self,
        model: &MatrixFactorization,
        problem: &CompletionProblem,
        directions: &[Array2<f64>],
        loss: f64,
        slope: f64,
    ) -> Result<f64, OptimError> {
        let max = match self.step {
            NgdStepSize::Fixed(eta) => return Ok(eta),
            NgdStepSize::RelativeCap { max, cap } => {
                return Ok(self.capped_step(model, directions, max, cap));
            }
            NgdStepSize::Backtracking { max } => max,
        };
        let mut eta = self.previous_step.map_or(max, |p| (2.0 * p).min(max));
        let mut scratch = Array2::zeros(self.grad_beta.raw_dim());
        for _ in 0..=MAX_HALVINGS {
            let trial: Vec<Array2<f64>> = model
                .factors()
                .iter()
                .zip(directions)
                .map(|(w, g)| w - &(g * eta))
                .collect();
            let beta = product(&trial);
            let trial_loss = losses::squared_value_and_gradient(
                beta.view(),
                problem.target(),
                problem.mask(),
                scratch.view_mut(),
            )?;
            if trial_loss.is_finite() && trial_loss <= loss - SUFFICIENT_DECREASE * eta * slope {
                self.previous_step = Some(eta);
                return Ok(eta);
            }
            eta *= 0.5;
        }
        Err(OptimError::NotConverged {
            what: "NGD backtracking (sufficient decrease)",
            iterations: MAX_HALVINGS as usize,
            residual: loss,
        })
    }

    /// `min(max, cap · min_i ‖W_i‖_F / ‖G_i‖_F)` (a NaN ratio leaves `max`), recording whether
    /// the cap was binding.
    fn capped_step(
        &mut self,
        model: &MatrixFactorization,
        directions: &[Array2<f64>],
        max: f64,
        cap: f64,
    ) -> f64 {
        let limit = model
            .factors()
            .iter()
            .zip(directions)
            .map(|(w, g)| cap * squared_norm(w).sqrt() / squared_norm(g).sqrt())
            .fold(f64::INFINITY, f64::min);
        self.last_capped = limit < max;
        if self.last_capped { limit } else { max }
    }
}

fn method_label(method: FactorMethod) -> &'static str {
    match method {
        FactorMethod::LayerSplit => "layer-split",
        FactorMethod::Direct => "moore-penrose (direct)",
        FactorMethod::Sylvester => "moore-penrose (sylvester)",
        FactorMethod::ConjugateGradient => "moore-penrose (conjugate gradients)",
    }
}

fn squared_norm(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum()
}

impl StepRule<MatrixFactorization, CompletionProblem> for FactorizationNgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        self.last_capped = false;
        self.failure = None;
        self.last = None;
        let loss = losses::completion_value_and_gradient(model, problem, &mut self.grad_beta)?;
        let non_finite = StepReport {
            loss,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: None,
        };
        if !loss.is_finite() {
            self.failure = Some("non-finite squared loss".into());
            return Ok(non_finite);
        }
        let mut natural =
            match natural_direction(model.factors(), self.grad_beta.view(), &self.direction) {
                Ok(natural) => natural,
                Err(FisherError::NonFinite { what }) => {
                    self.failure = Some(format!("non-finite {what}"));
                    return Ok(non_finite);
                }
                Err(other) => return Err(other.into()),
            };
        // The Euclidean gradient (the report's norm) and the slope ⟨∇_w L, g⟩.
        let euclidean = pull_back(model.factors(), self.grad_beta.view());
        let gradient_norm = euclidean.iter().map(squared_norm).sum::<f64>().sqrt();
        let slope: f64 = euclidean
            .iter()
            .zip(&natural.directions)
            .map(|(e, g)| (e * g).sum())
            .sum();
        if !(gradient_norm.is_finite() && slope.is_finite()) {
            self.failure = Some(format!(
                "non-finite gradient: ‖∇_w‖ = {gradient_norm}, ⟨∇_w L, g⟩ = {slope}"
            ));
            return Ok(non_finite);
        }
        let eta = self.step_size(model, problem, &natural.directions, loss, slope)?;
        if !eta.is_finite() {
            self.failure = Some(format!("non-finite step: η_t = {eta}"));
            self.last_capped = false;
            return Ok(non_finite);
        }
        for (w, g) in model.factors_mut().iter_mut().zip(&natural.directions) {
            w.scaled_add(-eta, g);
        }
        let info = Some(method_label(natural.method));
        natural.directions.clear();
        self.last = Some(natural);
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: eta,
            info,
        })
    }
}
