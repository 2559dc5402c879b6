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
//!
//! **Cost.** The loss, `G` and the Euclidean gradient (for the reported norm and the slope) come
//! from the observed entries only ([`CompletionGradient`]: `β` sampled on `Ω`, sparse products
//! with `G`); the layer split takes the same sparse `G` and partial products
//! ([`LayerSplit`]: LU inverses when safely inside the cut-off, else SVD pseudo-inverses, the
//! route reported as `"layer-split (lu)"` or `"layer-split (svd fallback)"` in
//! [`StepReport::info`] and per factor by [`FactorizationNgd::last_inverse_routes`]). The
//! Moore–Penrose directions get the dense `G`. All buffers live in the rule.

use super::factorization_step::{Directions, step_size};
use crate::{CompletionProblem, OptimError, StepReport, StepRule};
use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{
    FactorMethod, FactorNaturalGradient, LayerSplit, NaturalDirection, natural_direction,
};
use ngd_fisher::linalg::InverseRoute;
use ngd_models::{CompletionGradient, MatrixFactorization, ModelError};

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

/// Full-batch NGD for a deep matrix factorization.
#[derive(Debug, Clone)]
pub struct FactorizationNgd {
    step: NgdStepSize,
    direction: NaturalDirection,
    gradient: CompletionGradient,
    split: LayerSplit,
    grad_beta: Array2<f64>,
    previous_step: Option<f64>,
    last: Option<FactorNaturalGradient>,
    last_capped: bool,
    failure: Option<String>,
}

impl FactorizationNgd {
    /// A rule with a fixed step `η` (finite, positive) and the natural direction to use.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `step` is not finite and positive.
    pub fn new(step: f64, direction: NaturalDirection) -> Result<Self, OptimError> {
        Self::with_step_size(NgdStepSize::Fixed(step), direction)
    }

    /// A rule with the given step-size policy and natural direction.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if the base step `η` or the relative cap is not finite and
    /// positive.
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
            gradient: CompletionGradient::new(),
            split: LayerSplit::new(),
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

    /// Layer split: `[route of A_i⁺, route of B_i⁺]` per layer of the last step (LU, SVD
    /// fallback, or identity); empty for Moore–Penrose or before the first step.
    pub fn last_inverse_routes(&self) -> &[[InverseRoute; 2]] {
        match (&self.direction, &self.last) {
            (NaturalDirection::LayerSplit(_), Some(_)) => self.split.routes(),
            _ => &[],
        }
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
}

fn method_label(method: FactorMethod) -> &'static str {
    match method {
        FactorMethod::LayerSplit => "layer-split",
        FactorMethod::Direct => "moore-penrose (direct)",
        FactorMethod::Sylvester => "moore-penrose (sylvester)",
        FactorMethod::ConjugateGradient => "moore-penrose (conjugate gradients)",
    }
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
        let factors = model.factors();
        let loss = match self
            .gradient
            .evaluate(factors, problem.target(), problem.mask())
        {
            Ok(loss) => loss,
            Err(ModelError::NonFinite { .. }) => f64::NAN,
            Err(other) => return Err(other.into()),
        };
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
        let solved = match self.direction {
            NaturalDirection::LayerSplit(cutoff) => self
                .split
                .compute(factors, &self.gradient, cutoff)
                .map(|()| self.split.report()),
            NaturalDirection::MoorePenrose(_) => {
                if self.grad_beta.dim() != problem.target().dim() {
                    self.grad_beta = Array2::zeros(problem.target().raw_dim());
                }
                self.gradient
                    .observed()
                    .residual_dense_into(self.grad_beta.view_mut())?;
                natural_direction(factors, self.grad_beta.view(), &self.direction)
            }
        };
        let mut natural = match solved {
            Ok(natural) => natural,
            Err(FisherError::NonFinite { what }) => {
                self.failure = Some(format!("non-finite {what}"));
                return Ok(non_finite);
            }
            Err(other) => return Err(other.into()),
        };
        let (directions, info) = match self.direction {
            NaturalDirection::LayerSplit(_) => (
                Directions::Split(&self.split),
                if self.split.used_svd() {
                    "layer-split (svd fallback)"
                } else {
                    "layer-split (lu)"
                },
            ),
            NaturalDirection::MoorePenrose(_) => (
                Directions::Dense(&natural.directions),
                method_label(natural.method),
            ),
        };
        // The Euclidean gradient (the report's norm) and the slope ⟨∇_w L, g⟩.
        self.gradient.compute_gradients(factors)?;
        let gradient_norm = self.gradient.gradient_norm();
        let slope = self.gradient.inner_product(|i| directions.get(i));
        if !(gradient_norm.is_finite() && slope.is_finite()) {
            self.failure = Some(format!(
                "non-finite gradient: ‖∇_w‖ = {gradient_norm}, ⟨∇_w L, g⟩ = {slope}"
            ));
            return Ok(non_finite);
        }
        let eta = step_size(
            self.step,
            &mut self.previous_step,
            &mut self.last_capped,
            model,
            problem,
            directions,
            loss,
            slope,
        )?;
        if !eta.is_finite() {
            self.failure = Some(format!("non-finite step: η_t = {eta}"));
            self.last_capped = false;
            return Ok(non_finite);
        }
        for (i, w) in model.factors_mut().iter_mut().enumerate() {
            w.scaled_add(-eta, &directions.get(i));
        }
        natural.directions.clear();
        self.last = Some(natural);
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: eta,
            info: Some(info),
        })
    }
}
