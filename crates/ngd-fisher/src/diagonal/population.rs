//! The population-Fisher natural gradient of a diagonal network: the Fisher is estimated on
//! `M` fresh inputs (no labels needed), `F_pop(β) = (1/M) Σ_m x_m x_mᵀ φ(x_mᵀβ) φ(−x_mᵀβ)`,
//! while the gradient is the training one. With `F_pop(β)` invertible (needs `M ≥ D`) and
//! `s > 0`, `F_pop(w) = Jᵀ F_pop J` has the Moore–Penrose natural gradient
//! `g = J⁺ F_pop⁻¹ ∇_β L`, i.e. `g_l = c_l ⊙ (F_pop⁻¹ ∇_β L) / s`.

use super::logistic::{cofactor_square_sum, logistic_gradient, spread_over_layers, weighted_gram};
use super::{DiagNaturalGradient, Route, validate_inputs};
use crate::FisherError;
use crate::linalg::{Cutoff, spd_solve};
use ndarray::{Array2, ArrayView1, ArrayView2};
use ngd_models::logistic::fisher_weight;

/// The population Fisher `F_pop(β) = (1/M) Xpᵀ diag(φ(Xp β) φ(−Xp β)) Xp` (`D × D`).
pub fn population_fisher(
    x_population: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
) -> Result<Array2<f64>, FisherError> {
    let (m, d) = x_population.dim();
    if m == 0 || beta.len() != d {
        return Err(FisherError::Shape {
            what: "population inputs Xp",
            expected: format!("M × {} with M ≥ 1", beta.len()),
            found: format!("{m} × {d}"),
        });
    }
    if x_population
        .iter()
        .chain(beta.iter())
        .any(|x| !x.is_finite())
    {
        return Err(FisherError::NonFinite {
            what: "population inputs Xp or β",
        });
    }
    let weights = x_population.dot(&beta).mapv(fisher_weight);
    Ok(weighted_gram(x_population, weights.view()) / m as f64)
}

/// The population-Fisher natural gradient `g_l = c_l ⊙ (F_pop(β)⁻¹ ∇_β L_train) / s`.
///
/// `x_signed`, `margins`, `cofactors` are the training quantities as in
/// [`super::diag_natural_gradient`]; `x_population` is `M × D` (unlabelled) and `beta` the
/// current `β`. Errors if `F_pop(β)` is singular (always when `M < D`) or some `s_i = 0`.
pub fn population_natural_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    x_population: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    cutoff: Cutoff,
) -> Result<DiagNaturalGradient, FisherError> {
    validate_inputs(x_signed, margins, cofactors)?;
    let d = x_signed.ncols();
    let m = x_population.nrows();
    let fisher = population_fisher(x_population, beta)?;
    if m < d {
        return Err(FisherError::Singular {
            what: "population Fisher F_pop(β)",
            rank: m,
            needed: d,
            hint: format!("; the number of population inputs M = {m} must be ≥ D = {d}"),
        });
    }
    let s = cofactor_square_sum(cofactors);
    let positive = s.iter().filter(|&&x| x > 0.0).count();
    if positive < d {
        return Err(FisherError::Singular {
            what: "J Jᵀ = diag(s)",
            rank: positive,
            needed: d,
            hint: "; some s_i = Σ_l c_{l,i}² is zero".into(),
        });
    }
    let grad = logistic_gradient(x_signed, margins);
    let v = spd_solve(fisher.view(), grad.view(), cutoff, "population Fisher F_pop(β)").map_err(
        |e| match e {
            FisherError::Singular {
                what, rank, needed, ..
            } => FisherError::Singular {
                what,
                rank,
                needed,
                hint: format!(
                    "; F_pop(β) must be invertible: M = {m} population inputs (M must be ≥ D = {d}) spanning ℝ^D with non-vanishing weights"
                ),
            },
            other => other,
        },
    )?;
    let direction = spread_over_layers(cofactors, (&v / &s).view());
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "population natural-gradient direction",
        });
    }
    Ok(DiagNaturalGradient {
        direction,
        route: Route::Population,
        rank: d,
        fallback_from: None,
    })
}
