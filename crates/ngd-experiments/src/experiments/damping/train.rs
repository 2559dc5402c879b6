//! The one training loop of `damping` and `approximate-ng`: any preconditioner of the generic
//! engine on a linear-in-input model `s = X P(w)` with the mean logistic loss, with the step
//! sizes the hypotheses need, recorded at log-spaced steps and checkpointed through
//! [`run_checkpointed`].
//!
//! Step `w ← w − η_t g`, `g` one of: `∇_w L` (EGD); `F⁺∇` (exact Moore–Penrose NGD,
//! `ngd_fisher::generic::natural_gradient_parametrization`); `(F + λI)⁻¹∇` (Tikhonov,
//! absolute `λ` or relative `λ = ρ·tr(F)/P`); or any [`GenericDirection`] of
//! [`GenericNgd::direction`] (empirical, diagonal, block, K-FAC). Step sizes ([`StepSize`]):
//! fixed `η`; capped `η_t = min(η, cap·‖w‖/‖g‖)` (no step moves `w` by more than the fraction
//! `cap`, as NGD from a small initialization needs); loss-normalized `η/L(w)`; and
//! `η·λ_t/L(w)` ("rescaled by λ"), which makes damped NGD at `λ → ∞` the loss-normalized EGD
//! step by step, since `λ_t (F + λ_t I)⁻¹∇ → ∇`.
//!
//! Recorded per point: the loss, the training error, `tr(F)/P` (the mean eigenvalue of the mean
//! Fisher `F = (1/N) Σ_n d(u_n) ∇_w s_n ∇_w s_nᵀ`, `d = φ(u)φ(−u)`, so
//! `tr F = (1/N) Σ_n d(u_n) ‖∇_w s_n‖²`), the test accuracy, the support share and `β`.

use crate::error::ExperimentError;
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use ngd_fisher::generic::Damping;
use ngd_harness::convergence::Convergence;
use ngd_models::{DeepLinearNet, DiagonalParametrization, Parametrization};
use ngd_optim::GenericDirection;
use serde::{Deserialize, Serialize};

/// A parametrization whose per-sample output gradients `‖∇_w s_n‖²` can be had cheaply.
pub trait SampleNorms: Parametrization + Clone {
    /// `‖∇_w s_n‖² = ‖Jᵀ x_n‖²` for every row `x_n` of `x`.
    ///
    /// # Errors
    /// A `w` of the wrong length.
    fn sample_sq_norms(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ExperimentError>;
}

impl SampleNorms for DiagonalParametrization {
    /// `‖Jᵀ x_n‖² = Σ_i x_ni² Σ_l c_li²` with the cofactors `c_l = ∏_{k≠l} w_k`.
    fn sample_sq_norms(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ExperimentError> {
        let weights = self.weights(w)?;
        let depth = weights.nrows();
        let s = Array1::from_shape_fn(weights.ncols(), |i| {
            (0..depth)
                .map(|l| {
                    let c: f64 = (0..depth)
                        .filter(|&k| k != l)
                        .map(|k| weights[[k, i]])
                        .product();
                    c * c
                })
                .sum::<f64>()
        });
        Ok(x.mapv(|v| v * v).dot(&s))
    }
}

impl SampleNorms for DeepLinearNet {
    /// From the dense Jacobian: the row sums of `(X J)²`.
    fn sample_sq_norms(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ExperimentError> {
        let xj = x.dot(&self.jacobian(w)?);
        Ok(xj.mapv(|v| v * v).sum_axis(Axis(1)))
    }
}

/// The direction `g`.
#[derive(Debug, Clone, PartialEq)]
pub enum Preconditioner {
    /// `g = ∇_w L`.
    Euclidean,
    /// `g = F⁺∇` (Moore–Penrose, the default cut-off).
    Exact,
    /// `g = (F + λI)⁻¹∇`.
    Damped(Damping),
    /// A direction of the generic rule (empirical, diagonal, block, K-FAC).
    Generic(GenericDirection),
    /// K-FAC on the full-matrix deep linear net with widths `widths` and the exact damping
    /// `λ_t = ρ·tr(F)/P` (relative, recomputed every step).
    KfacRelative {
        /// `[D, h_1, …, 1]`.
        widths: Vec<usize>,
        /// `ρ`.
        rho: f64,
    },
}

/// The step size `η_t`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum StepSize {
    /// `η_t = η`.
    Fixed {
        /// `η`.
        eta: f64,
    },
    /// `η_t = min(η, cap·‖w‖/‖g‖)`.
    Capped {
        /// `η`.
        eta: f64,
        /// `cap`.
        cap: f64,
    },
    /// `η_t = η / L(w_t)`.
    LossNormalized {
        /// `η`.
        eta: f64,
    },
    /// Backtracking: the largest `η_t = min(η, 2η_{t−1})·2^{−j}` with
    /// `L(w − η_t g) ≤ L(w) − 10⁻⁴ η_t ⟨∇, g⟩` (Armijo), at most 60 halvings.
    Backtracking {
        /// `η`.
        eta: f64,
    },
    /// `η_t = η·λ_t / L(w_t)` with the damping `λ_t` applied at that step.
    RescaledByLambda {
        /// `η`.
        eta: f64,
    },
}

/// How long to train and what to note on the way.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Step budget.
    pub steps: u64,
    /// Stop once the loss is below this (underflow guard; 0 disables).
    pub loss_floor: f64,
    /// Note the first step whose loss is below this.
    pub loss_threshold: f64,
    /// Also stop at `loss_threshold`.
    pub stop_at_threshold: bool,
    /// Recording points per decade.
    pub points_per_decade: usize,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Step `k`.
    pub step: u64,
    /// `Σ η_t` so far.
    pub time: f64,
    /// Mean logistic training loss.
    pub loss: f64,
    /// Fraction of misclassified training samples.
    pub train_error: f64,
    /// `tr(F)/P`.
    pub fisher_mean_eigenvalue: f64,
    /// Test accuracy (none on the toy set).
    pub test_accuracy: Option<f64>,
    /// Share of `|β|` on the true support (none on the toy set).
    pub support_share: Option<f64>,
    /// `β`.
    pub beta: Vec<f64>,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// The recorded points, the last one the end state.
    pub points: Vec<Point>,
    /// Why the run stopped.
    pub stop: String,
    /// Convergence of the final loss (the harness's one definition).
    pub convergence: Convergence,
    /// First step with loss below the budget's threshold.
    pub threshold_step: Option<u64>,
    /// Routes that ran.
    pub routes: Vec<String>,
}

impl Trajectory {
    /// The end state.
    pub fn end(&self) -> Option<&Point> {
        self.points.last()
    }
}

pub use super::trainer::Trainer;
