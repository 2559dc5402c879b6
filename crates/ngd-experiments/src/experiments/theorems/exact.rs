//! Exact (non-iterative) checks: the paper's App. D counterexample (the ℓ2 max-margin separator
//! is not invariant under `X ↦ X Aᵀ`) and App. G (the OLS / minimum-norm solution is).

use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, array};
use ngd_fisher::Cutoff;
use ngd_fisher::linalg::lstsq_min_norm;
use ngd_harness::error::RunError;
use ngd_optim::baselines::{l1_max_margin, l2_max_margin};

/// App. D's data: `A = [[1, 2], [−1, 0]]`, `X = [2, −3]`, `y = 1`.
pub fn app_d_problem() -> (Array2<f64>, Array2<f64>, Array1<f64>) {
    (
        array![[1.0, 2.0], [-1.0, 0.0]],
        array![[2.0, -3.0]],
        array![1.0],
    )
}

/// The max-margin separators of App. D's problem.
#[derive(Debug, Clone, PartialEq)]
pub struct AppD {
    /// ℓ2 max margin on `X`: `argmin ‖β‖₂ s.t. 2β₁ − 3β₂ ≥ 1`, analytically `x/‖x‖² = (2, −3)/13`.
    pub l2_x: Array1<f64>,
    /// ℓ2 max margin on `X Aᵀ = [−4, −2]`: analytically `(−4, −2)/20 = (−1/5, −1/10)`.
    pub l2_xa: Array1<f64>,
    /// `Aᵀ β*(X Aᵀ)` for ℓ2.
    pub l2_pulled_back: Array1<f64>,
    /// ℓ1 max margin on `X`: `(0, −1/3)` (all weight on the largest |x_j|).
    pub l1_x: Array1<f64>,
    /// ℓ1 max margin on `X Aᵀ`: `(−1/4, 0)`.
    pub l1_xa: Array1<f64>,
    /// `Aᵀ β*(X Aᵀ)` for ℓ1.
    pub l1_pulled_back: Array1<f64>,
}

/// Solves App. D's problem with `l2_max_margin` and `l1_max_margin` (Clarabel).
pub fn app_d() -> Result<AppD, RunError> {
    let (a, x, y) = app_d_problem();
    let signed = &x * &y.view().insert_axis(ndarray::Axis(1));
    let xa = signed.dot(&a.t());
    let l2_x = l2_max_margin(signed.view())
        .map_err(ExperimentError::from)?
        .beta;
    let l2_xa = l2_max_margin(xa.view())
        .map_err(ExperimentError::from)?
        .beta;
    let l1_x = l1_max_margin(signed.view())
        .map_err(ExperimentError::from)?
        .beta;
    let l1_xa = l1_max_margin(xa.view())
        .map_err(ExperimentError::from)?
        .beta;
    Ok(AppD {
        l2_pulled_back: a.t().dot(&l2_xa),
        l1_pulled_back: a.t().dot(&l1_xa),
        l2_x,
        l2_xa,
        l1_x,
        l1_xa,
    })
}

/// App. G: the minimum-norm least-squares solutions `β = X⁺ y` and `β' = (X Aᵀ)⁺ y`; returns
/// `(‖Xβ − XAᵀβ'‖_∞ / ‖Xβ‖_∞, ‖Aᵀβ' − β‖_∞ / ‖β‖_∞)`.
pub fn ols_invariance(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    a: ArrayView2<'_, f64>,
) -> Result<(f64, f64), RunError> {
    let xa = x.dot(&a.t());
    let beta = lstsq_min_norm(x, y, Cutoff::default())
        .map_err(ExperimentError::from)?
        .x;
    let beta_t = lstsq_min_norm(xa.view(), y, Cutoff::default())
        .map_err(ExperimentError::from)?
        .x;
    Ok((
        super::linear::relative_difference(xa.dot(&beta_t).view(), x.dot(&beta).view()),
        super::linear::relative_difference(a.t().dot(&beta_t).view(), beta.view()),
    ))
}
