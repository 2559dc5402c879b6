//! NGD for L-layer diagonal networks under the mean logistic loss.
//!
//! One step: margins `u = X̃β`, the loss and `∇_β L` in one fused pass, the cofactors `c_l`,
//! then the natural gradient `g` (`L × D`) from [`ngd_fisher::diag_natural_gradient`] (sample
//! Fisher; the rule keeps a [`DiagWorkspace`] across steps, so the kernel route allocates no
//! `N × N` matrix per step) or [`ngd_fisher::diagonal::population_natural_gradient`]
//! (population Fisher), and `w ← w − η g`. For `L = 1` and `N ≤ D` the Moore–Penrose step
//! moves every margin exactly as `u ← u + η (1 + e^{−u})` (see `docs/math.md`).

use crate::rule::check_dim;
use crate::{ClassificationProblem, OptimError, StepReport, StepRule};
use ndarray::{Array1, Array2};
use ngd_fisher::diagonal::{
    DiagWorkspace, diag_natural_gradient_with, population_natural_gradient,
};
use ngd_fisher::{Cutoff, DiagNaturalGradient, DiagOptions, FisherError, Route};
use ngd_models::{DiagonalNet, ModelError, logistic_loss};

/// Which Fisher information the natural gradient uses.
#[derive(Debug, Clone, PartialEq)]
pub enum FisherChoice {
    /// The sample Fisher on the training inputs, with these solver options (route, cut-off).
    Sample(DiagOptions),
    /// A population Fisher on fresh unlabelled inputs (`M × D`, `M ≥ D`).
    Population {
        /// The population inputs.
        inputs: Array2<f64>,
        /// The cut-off for the solve.
        cutoff: Cutoff,
    },
}

/// Full-batch NGD with a fixed step for one diagonal network.
#[derive(Debug, Clone)]
pub struct DiagonalNgd {
    step: f64,
    fisher: FisherChoice,
    beta: Array1<f64>,
    grad_beta: Array1<f64>,
    margins: Array1<f64>,
    /// Scratch buffers of the sample-Fisher routes, kept across steps.
    workspace: DiagWorkspace,
    last: Option<(Route, Option<Route>, usize)>,
}

impl DiagonalNgd {
    /// A rule with step `η` (finite, positive) and the given Fisher.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `step` is not finite and positive.
    pub fn new(step: f64, fisher: FisherChoice) -> Result<Self, OptimError> {
        if !(step.is_finite() && step > 0.0) {
            return Err(OptimError::Invalid {
                what: "NGD step size η",
                value: step.to_string(),
                allowed: "finite and positive",
            });
        }
        Ok(Self {
            step,
            fisher,
            beta: Array1::zeros(0),
            grad_beta: Array1::zeros(0),
            margins: Array1::zeros(0),
            workspace: DiagWorkspace::new(),
            last: None,
        })
    }

    /// The route, the route `Auto` fell back from (if any), and the effective rank of the last
    /// step's solve.
    pub fn last_route(&self) -> Option<(Route, Option<Route>, usize)> {
        self.last
    }

    fn direction(
        &mut self,
        model: &DiagonalNet,
        problem: &ClassificationProblem,
    ) -> Result<DiagNaturalGradient, FisherError> {
        let cofactors = model.cofactors();
        match &self.fisher {
            FisherChoice::Sample(options) => diag_natural_gradient_with(
                problem.xt(),
                self.margins.view(),
                cofactors.view(),
                options,
                &mut self.workspace,
            ),
            FisherChoice::Population { inputs, cutoff } => population_natural_gradient(
                problem.xt(),
                self.margins.view(),
                cofactors.view(),
                inputs.view(),
                self.beta.view(),
                *cutoff,
            ),
        }
    }
}

impl StepRule<DiagonalNet, ClassificationProblem> for DiagonalNgd {
    fn step(
        &mut self,
        model: &mut DiagonalNet,
        problem: &ClassificationProblem,
    ) -> Result<StepReport, OptimError> {
        check_dim(model.dim(), problem.dim())?;
        let (n, d) = (problem.samples(), problem.dim());
        if self.beta.len() != d || self.margins.len() != n {
            self.beta = Array1::zeros(d);
            self.grad_beta = Array1::zeros(d);
            self.margins = Array1::zeros(n);
        }
        model.beta_into(self.beta.view_mut());
        let loss = match logistic_loss::value_gradient_and_margins(
            problem.xt(),
            self.beta.view(),
            self.grad_beta.view_mut(),
            self.margins.view_mut(),
        ) {
            Ok(loss) => loss,
            Err(ModelError::NonFinite { .. }) => f64::NAN,
            Err(other) => return Err(other.into()),
        };
        let non_finite = StepReport {
            loss: f64::NAN,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: None,
        };
        if !loss.is_finite() {
            return Ok(non_finite);
        }
        let natural = match self.direction(model, problem) {
            Ok(natural) => natural,
            // A natural gradient that overflows is divergence of the run, not bad input.
            Err(FisherError::NonFinite { .. }) => return Ok(StepReport { loss, ..non_finite }),
            Err(other) => return Err(other.into()),
        };
        let mut grad_w = model.cofactors();
        for mut row in grad_w.rows_mut() {
            row.zip_mut_with(&self.grad_beta, |c, &g| *c *= g);
        }
        let gradient_norm = grad_w.iter().map(|g| g * g).sum::<f64>().sqrt();
        model
            .weights_mut()
            .scaled_add(-self.step, &natural.direction);
        self.last = Some((natural.route, natural.fallback_from, natural.rank));
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: self.step,
            info: Some(route_label(natural.route, natural.fallback_from)),
        })
    }
}

/// A short label for a route (and the route `Auto` fell back from), as recorded in results.
pub fn route_label(route: Route, fallback_from: Option<Route>) -> &'static str {
    match (route, fallback_from) {
        (Route::Kernel, _) => "kernel",
        (Route::Weighted, _) => "weighted",
        (Route::MinNorm, Some(Route::Kernel)) => "min-norm (fallback from kernel)",
        (Route::MinNorm, Some(Route::Weighted)) => "min-norm (fallback from weighted)",
        (Route::MinNorm, _) => "min-norm",
        (Route::PaperLayerwise, _) => "paper-layerwise",
        (Route::DenseBeta, _) => "dense-beta",
        (Route::Population, _) => "population",
    }
}
