//! The accuracy checks of the diagonal-network routes ("no silent wrong answer", issue #13;
//! `docs/math.md`, "Accuracy checks"). Every route reports an estimate of the relative error of
//! its direction against the exact answer of the problem it solves (Moore–Penrose for `Kernel`,
//! `Weighted`, `MinNorm`), in a form that sees both ways a natural gradient goes wrong:
//!
//! - rows whose Fisher weight `d_n ≈ e^{−|u_n|}` is tiny: the weighted residual `F g − ∇` hides
//!   them, so the checks use the weight-free per-sample equation `X̃ J g = t` (kernel route,
//!   min-norm route when `X̃ J` has full row rank), or map the weighted residual back through
//!   the factorization (a refinement step `δ = R⁻¹ Qᵀ ω ⊙ (t − X̃ v)`, weighted route; one with
//!   the Cholesky factor, population route);
//! - directions the solve dropped or could not resolve: `g` is built in the row space of `X̃ J`
//!   by every route (`g_l = c_l ⊙ z`), and a cut-off that drops directions of `F(w)` which are
//!   non-zero in the weight-free matrix `X̃ J` (rank `F(w)` = rank `X̃ J`, since every `d_n > 0`)
//!   is reported as an inaccurate result, not returned.
//!
//! An estimate above [`ACCURACY_BOUND`] — relaxed, near a stationary point, by the gradient's
//! cancellation factor `η` ([`gradient_cancellation`]), since there the data themselves fix
//! the direction only to about `η ε` — or not finite makes the solve an error
//! ([`FisherError::Inaccurate`]).

use super::Route;
use crate::FisherError;
use crate::linalg::{Cutoff, thin_svd};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use ngd_models::logistic::loss_derivative;

/// The largest estimated relative error a diagonal-network natural gradient may have, in units
/// of the gradient's cancellation factor `η = ‖X̃ᵀ|ℓ'(u)|‖ / ‖X̃ᵀℓ'(u)‖ ≥ 1` (the bound is
/// `ACCURACY_BOUND · η`; `η` is about 1 away from stationary points): a result whose estimate
/// exceeds it is returned as [`FisherError::Inaccurate`] instead.
pub const ACCURACY_BOUND: f64 = 1e-6;

/// A route's result: the direction with its rank, condition estimate and accuracy estimate.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    /// `g`, `L × D`.
    pub direction: Array2<f64>,
    /// The effective rank of the system solved.
    pub rank: usize,
    /// The condition estimate of the matrix the route factored.
    pub condition: f64,
    /// The estimated relative error of `direction`.
    pub accuracy: f64,
}

/// `‖v‖₂` without overflow or underflow (entries up to `e^{709}` are squared after scaling).
pub(crate) fn norm(v: ArrayView1<'_, f64>) -> f64 {
    let scale = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    scale * v.iter().map(|x| (x / scale).powi(2)).sum::<f64>().sqrt()
}

/// The relative output-space residual `‖X̃ (J g) − t‖ / ‖t‖` of the weight-free per-sample
/// equation, given `J g = Σ_l c_l ⊙ g_l` (length D). One pass over `X̃` (`N D` multiply-adds).
pub(crate) fn output_residual(
    x_signed: ArrayView2<'_, f64>,
    jacobian_times_g: ArrayView1<'_, f64>,
    target: ArrayView1<'_, f64>,
) -> f64 {
    let residual = x_signed.dot(&jacobian_times_g) - target;
    norm(residual.view()) / norm(target)
}

/// `J g = Σ_l c_l ⊙ g_l` (length D).
pub(crate) fn jacobian_times(
    cofactors: ArrayView2<'_, f64>,
    g: ArrayView2<'_, f64>,
) -> Array1<f64> {
    (&cofactors * &g).sum_axis(Axis(0))
}

/// The singular values of the weight-free `[A diag(c_1) … A diag(c_L)]` (the matrix whose rank
/// is the rank of `F(w)` when `A = X̃`), largest first.
pub(crate) fn weight_free_singular_values(
    a: ArrayView2<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
) -> Result<Array1<f64>, FisherError> {
    let (layers, d) = cofactors.dim();
    let mut m = Array2::zeros((a.nrows(), layers * d));
    for (l, c) in cofactors.axis_iter(Axis(0)).enumerate() {
        let mut block = m.slice_axis_mut(Axis(1), Slice::from(l * d..(l + 1) * d));
        block.assign(&(&a * &c.insert_axis(Axis(0))));
    }
    Ok(thin_svd(m.view())?.sigma)
}

/// Rejects a solve whose cut-off kept `kept` directions while the weight-free matrix (singular
/// values `weight_free`, of a `rows × cols` matrix) has more: the dropped directions are
/// non-zero directions of `F(w)` that only the weights make small, so the result is not the
/// Moore–Penrose direction to any accuracy.
pub(crate) fn reject_weight_induced_cut(
    route: Route,
    kept: usize,
    weight_free: ArrayView1<'_, f64>,
    (rows, cols): (usize, usize),
    cutoff: Cutoff,
) -> Result<(), FisherError> {
    let weight_free_rank = cutoff.effective_rank(&weight_free.to_vec(), rows, cols);
    if kept < weight_free_rank {
        return Err(FisherError::Inaccurate {
            route: route.name(),
            estimate: f64::INFINITY,
            bound: ACCURACY_BOUND,
            reason: format!(
                "; the cut-off kept {kept} of the {weight_free_rank} directions of F(w) = JᵀX̃ᵀ diag(d) X̃ J / N \
                 (rank of the weight-free X̃ J): the Fisher weights e^(−|u|), not the data, made the others negligible"
            ),
        });
    }
    Ok(())
}

/// The weight-free condition number `σ_1 / σ_r` of the kept singular values (`r` = rank under
/// the cut-off), or 1 when none is kept.
pub(crate) fn kept_condition(
    sigma: ArrayView1<'_, f64>,
    (rows, cols): (usize, usize),
    cutoff: Cutoff,
) -> f64 {
    let rank = cutoff.effective_rank(&sigma.to_vec(), rows, cols);
    if rank == 0 {
        1.0
    } else {
        sigma[0] / sigma[rank - 1]
    }
}

/// The cancellation factor of the gradient, `η = ‖X̃ᵀ |ℓ'(u)|‖ / ‖X̃ᵀ ℓ'(u)‖ ≥ 1` (`∞` when
/// `∇_β = 0`): near a stationary point the terms of `∇_β = X̃ᵀ ℓ'(u) / N` cancel, and the
/// direction is only determined by the data to a relative accuracy of about `η ε` (a relative
/// change `ε` in each term moves `∇_β` by up to `η ε ‖∇_β‖`), whichever route solves for it.
pub(crate) fn gradient_cancellation(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
) -> f64 {
    let slopes = margins.mapv(loss_derivative);
    let gradient = x_signed.t().dot(&slopes);
    let magnitudes = x_signed.mapv(f64::abs).t().dot(&slopes.mapv(f64::abs));
    norm(magnitudes.view()) / norm(gradient.view())
}

/// The bound an estimate must meet: [`ACCURACY_BOUND`], relaxed by the gradient's
/// cancellation factor `η` ([`gradient_cancellation`], computed only when the estimate
/// exceeds the plain bound): a route is accurate when its error is at most `ACCURACY_BOUND`
/// in units of what the data determine. Returns whether `estimate` passes, and the bound used.
pub(crate) fn meets_bound(
    estimate: f64,
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
) -> (bool, f64) {
    if estimate <= ACCURACY_BOUND {
        return (true, ACCURACY_BOUND);
    }
    let bound = ACCURACY_BOUND * gradient_cancellation(x_signed, margins).max(1.0);
    (estimate <= bound, bound)
}

/// Ok when the estimate meets [`meets_bound`]; otherwise (also for NaN)
/// [`FisherError::Inaccurate`] with the bound used.
pub(crate) fn within_bound(
    route: Route,
    estimate: f64,
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
) -> Result<(), FisherError> {
    match meets_bound(estimate, x_signed, margins) {
        (true, _) => Ok(()),
        (false, bound) => Err(FisherError::Inaccurate {
            route: route.name(),
            estimate,
            bound,
            reason: String::new(),
        }),
    }
}

/// The a-priori relative-error estimate of a minimum-norm least-squares solve by SVD
/// (backward stable): `(κ + κ² ‖A x − b‖ / (‖A‖ ‖x‖)) · max(rows, cols) · ε`, with `κ` the
/// condition number of the kept part (Golub & Van Loan, §5.3.8).
pub(crate) fn least_squares_estimate(
    condition: f64,
    relative_residual: f64,
    (rows, cols): (usize, usize),
) -> f64 {
    condition * (1.0 + condition * relative_residual) * rows.max(cols) as f64 * f64::EPSILON
}
