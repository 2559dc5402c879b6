//! Minimum nuclear-norm matrix completion `min ‖X‖_* s.t. P_Ω X = P_Ω M` by Douglas–Rachford
//! splitting (Lions & Mercier 1979; see Parikh & Boyd, *Proximal Algorithms*, §4.3 and §6.7.3).
//!
//! With `C = {X : P_Ω X = P_Ω M}`, the iteration from `Z_0 = P_Ω M` is
//!
//! - `X_k = Π_C(Z_k)` (overwrite the observed entries with `M`),
//! - `Y_k = SVT_γ(2X_k − Z_k)` (singular value thresholding: `U diag(max(σ − γ, 0)) Vᵀ`, the
//!   proximal map of `γ‖·‖_*`, computed with a divide-and-conquer SVD),
//! - `Z_{k+1} = Z_k + Y_k − X_k`.
//!
//! For any `γ > 0` the iterates converge to a minimizer of the *exact* constrained problem
//! (unlike the classical SVT of Cai, Candès & Shen, which solves a problem regularized with
//! `½‖X‖_F²`); `γ` only sets the speed. Stopping criterion: the fixed-point residual
//! `‖Y_k − X_k‖_F ≤ tol · ‖P_Ω M‖_F` (at a fixed point `Y = X` is feasible and optimal). The
//! returned estimate is the low-rank point `Y_k`; its constraint residual is reported.

use crate::OptimError;
use ndarray::{Array2, ArrayView2, Axis, Slice, Zip};
use ndarray_linalg::{JobSvd, SVDDC};

/// Parameters of [`min_nuclear_norm_completion`].
///
/// Defaults (`NuclearOptions::default()`): `gamma = 1`, `tol = 1e-9`, `max_iterations =
/// 20 000`. Running out of iterations is an error ([`OptimError::NotConverged`]), not a
/// partial answer; a larger `gamma` or more iterations help on hard instances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NuclearOptions {
    /// The threshold `γ` relative to the RMS observed entry: `γ = gamma · ‖P_Ω M‖_F / √|Ω|`
    /// (default 1).
    pub gamma: f64,
    /// Relative tolerance on the fixed-point residual (default `1e-9`).
    pub tol: f64,
    /// Iteration limit (default 20 000).
    pub max_iterations: usize,
}

impl Default for NuclearOptions {
    fn default() -> Self {
        Self {
            gamma: 1.0,
            tol: 1e-9,
            max_iterations: 20_000,
        }
    }
}

/// The result of [`min_nuclear_norm_completion`].
#[derive(Debug, Clone, PartialEq)]
pub struct NuclearCompletion {
    /// The completed matrix (the thresholded iterate `Y_k`).
    pub estimate: Array2<f64>,
    /// Its nuclear norm `‖Y_k‖_*`.
    pub nuclear_norm: f64,
    /// The relative constraint residual `‖P_Ω(Y_k − M)‖_F / ‖P_Ω M‖_F`.
    pub constraint_residual: f64,
    /// The relative fixed-point residual `‖Y_k − X_k‖_F / ‖P_Ω M‖_F` at the stop.
    pub fixed_point_residual: f64,
    /// Iterations performed.
    pub iterations: usize,
}

/// Minimum nuclear-norm completion of `target` on the entries where `mask` is 1.
///
/// # Errors
///
/// Returns an error on shape mismatch, a mask entry other than 0/1, no observed entries, non-finite
/// observed values, a failed SVD, or no convergence within `max_iterations`.
pub fn min_nuclear_norm_completion(
    target: ArrayView2<'_, f64>,
    mask: ArrayView2<'_, f64>,
    options: NuclearOptions,
) -> Result<NuclearCompletion, OptimError> {
    let problem = crate::CompletionProblem::new(target.to_owned(), mask.to_owned())?;
    if !(options.gamma.is_finite() && options.gamma > 0.0 && options.tol > 0.0) {
        return Err(OptimError::Invalid {
            what: "nuclear-norm options",
            value: format!("gamma {}, tol {}", options.gamma, options.tol),
            allowed: "gamma finite and positive, tol positive",
        });
    }
    let observed = problem.observed();
    let observed_target = &target * &mask;
    let scale = frobenius(&observed_target);
    if observed == 0 {
        return Err(OptimError::Invalid {
            what: "observed entries",
            value: "0".into(),
            allowed: "at least one observed entry",
        });
    }
    if scale == 0.0 {
        // All observations are zero: the zero matrix is the unique minimizer.
        return Ok(NuclearCompletion {
            estimate: Array2::zeros(target.raw_dim()),
            nuclear_norm: 0.0,
            constraint_residual: 0.0,
            fixed_point_residual: 0.0,
            iterations: 0,
        });
    }
    let gamma = options.gamma * scale / (observed as f64).sqrt();
    let mut z = observed_target.clone();
    let mut x = z.clone();
    for iteration in 1..=options.max_iterations {
        // X = Π_C(Z).
        Zip::from(&mut x)
            .and(&z)
            .and(&target)
            .and(&mask)
            .for_each(|x, &z, &t, &m| {
                *x = if m == 1.0 { t } else { z };
            });
        let reflected = &x * 2.0 - &z;
        let (y, nuclear_norm) = singular_value_threshold(&reflected, gamma)?;
        let difference = &y - &x;
        let fixed_point_residual = frobenius(&difference) / scale;
        z += &difference;
        if fixed_point_residual <= options.tol {
            let constraint_residual = frobenius(&((&y - &target) * mask)) / scale;
            return Ok(NuclearCompletion {
                estimate: y,
                nuclear_norm,
                constraint_residual,
                fixed_point_residual,
                iterations: iteration,
            });
        }
        if !fixed_point_residual.is_finite() {
            return Err(OptimError::NonFinite {
                what: "nuclear-norm completion iterate",
            });
        }
    }
    let residual = frobenius(&(&x - &z)) / scale;
    Err(OptimError::NotConverged {
        what: "minimum nuclear-norm completion (Douglas–Rachford)",
        iterations: options.max_iterations,
        residual,
    })
}

/// `SVT_γ(A) = U diag(max(σ − γ, 0)) Vᵀ` and its nuclear norm `Σ max(σ − γ, 0)`.
fn singular_value_threshold(a: &Array2<f64>, gamma: f64) -> Result<(Array2<f64>, f64), OptimError> {
    let (u, sigma, vt) = a.svddc(JobSvd::Some).map_err(|e| OptimError::Solver {
        what: "SVD (gesdd) in singular value thresholding",
        detail: e.to_string(),
    })?;
    let (Some(u), Some(vt)) = (u, vt) else {
        return Err(OptimError::Solver {
            what: "SVD (gesdd) in singular value thresholding",
            detail: "singular vectors missing".into(),
        });
    };
    let shrunk: Vec<f64> = sigma.iter().map(|s| (s - gamma).max(0.0)).collect();
    let kept = shrunk.iter().take_while(|&&s| s > 0.0).count();
    let mut left = u.slice_axis(Axis(1), Slice::from(..kept)).to_owned();
    for (mut column, &s) in left.columns_mut().into_iter().zip(&shrunk) {
        column *= s;
    }
    let estimate = left.dot(&vt.slice_axis(Axis(0), Slice::from(..kept)));
    Ok((estimate, shrunk.iter().sum()))
}

fn frobenius(a: &Array2<f64>) -> f64 {
    a.iter().map(|v| v * v).sum::<f64>().sqrt()
}
