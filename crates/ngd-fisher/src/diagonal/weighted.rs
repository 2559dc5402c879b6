//! The weighted least-squares route (N ≥ D): `v = argmin ‖d^{1/2} ⊙ (X̃ v − t)‖`, `g_l = c_l ⊙ v / s`,
//! made accurate for Fisher weights that span hundreds of orders of magnitude (issue #13).
//!
//! The rows of `diag(d̂)^{1/2} X̃` carry the weights `d̂_n^{1/2} ≈ e^{−(|u_n| − min|u|)/2}`. A
//! Householder QR that meets a heavy row after light ones is unstable on such graded rows
//! (Powell & Reid 1969; Cox & Higham 1998): at `max|u| = 150` with every point misclassified the
//! direction was off by a factor 1e9, with no sign of it in the residual. The rows are therefore
//! factored in order of decreasing weight (the least-squares problem does not depend on the row
//! order), then one step of iterative refinement with the same QR,
//! `δ = R⁻¹ [Qᵀ d̂^{1/2} ⊙ (t − X̃ v)]_{1..D}`, polishes `v` and gives the accuracy estimate
//! `‖δ/√s‖ / ‖v/√s‖` (= `‖δg‖ / ‖g‖`: the error of the unrefined solution, an upper estimate
//! for the refined one).
//!
//! Rank: `F(w)` has the rank of the weight-free `X̃ J` (every `d_n > 0`), while the pivots of
//! `R` carry the weights. A small pivot (under the [`Cutoff`]) is therefore not taken as rank
//! deficiency by itself: when a pivot is below the cut-off, the route fails with
//! [`FisherError::Singular`] (so that `Auto` falls back to the min-norm route) if the
//! weight-free `X̃` has rank below D (one SVD, only then), or if the refined solution's accuracy
//! estimate fails the bound (`accuracy::meets_bound`); an accurate solve on graded rows of a
//! full-rank `X̃` is returned with rank D.

use super::accuracy::{Solved, meets_bound, norm};
use super::logistic::{ScaledWeights, positive_cofactor_square_sum, spread_over_layers};
use crate::FisherError;
use crate::linalg::Cutoff;
use crate::linalg::qr_augmented::{
    apply_q_transposed, factor_augmented_in_place, pivots, solve_upper,
};
use crate::linalg::thin_svd;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};

const WHAT: &str = "weighted data diag(d)^{1/2} X̃";

/// The weighted route; see the module docs. Cost `2ND² − 2D³/3` (QR) plus `6ND + D²` for the
/// refinement step (measured about 6 % of the route at N = 2500, D = 1000).
pub(crate) fn weighted(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<Solved, FisherError> {
    let (n, d) = x_signed.dim();
    if n < d {
        return Err(FisherError::Singular {
            what: WHAT,
            rank: n,
            needed: d,
            hint: "; the weighted route needs N ≥ D".into(),
        });
    }
    let s = positive_cofactor_square_sum(cofactors)?;
    let w = ScaledWeights::new(margins)?;
    // Rows in order of decreasing weight (a stable sort: ties keep the data order).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| w.sqrt_weight[j].total_cmp(&w.sqrt_weight[i]));
    // The augmented system [d^{1/2} ⊙ X̃ | d^{1/2} ⊙ t], factored once without forming Q.
    let mut augmented = Array2::zeros((n, d + 1));
    for (mut row, &i) in augmented.rows_mut().into_iter().zip(&order) {
        let weight = w.sqrt_weight[i];
        row.slice_mut(s![..d])
            .zip_mut_with(&x_signed.row(i), |out, &x| *out = x * weight);
        row[d] = w.sqrt_weight_target[i];
    }
    let tau = factor_augmented_in_place(&mut augmented, WHAT)?;
    let pivots = pivots(&augmented);
    let nonzero = pivots.iter().filter(|&&p| p > 0.0).count();
    if nonzero < d {
        return Err(FisherError::Singular {
            what: WHAT,
            rank: nonzero,
            needed: d,
            hint: String::new(),
        });
    }
    // ‖g‖ = ‖v / √s‖ for g_l = c_l ⊙ v / s, since Σ_l c_l² = s; likewise for a correction.
    let sqrt_s = s.mapv(f64::sqrt);
    let mut v = solve_upper(&augmented, augmented.column(d));
    let delta = refinement_step(&augmented, &tau, x_signed, &w, &order, v.view());
    v += &delta;
    let accuracy = norm((&delta / &sqrt_s).view()) / norm((&v / &sqrt_s).view());
    let direction = spread_over_layers(cofactors, (&v / &s).view());
    let (max_pivot, min_pivot) = pivots
        .iter()
        .fold((0.0_f64, f64::INFINITY), |(hi, lo), &p| {
            (hi.max(p), lo.min(p))
        });
    let rank_by_cutoff = cutoff.effective_rank(&pivots, n, d);
    if rank_by_cutoff < d {
        // A small pivot: rank-deficient data, or only tiny weights? The weight-free rank tells
        // (one SVD of X̃, only in this rare case). A rank-deficient X̃ makes the least-squares
        // solution non-unique, and the refinement step cannot see the null-space component,
        // so it must not be returned however small its residual.
        let weight_free_rank = thin_svd(x_signed)?.rank(cutoff);
        if weight_free_rank < d {
            return Err(FisherError::Singular {
                what: "signed data X̃ (weight-free)",
                rank: weight_free_rank,
                needed: d,
                hint: "; the weighted route needs rank X̃ = D".into(),
            });
        }
    }
    if rank_by_cutoff < d && !meets_bound(accuracy, x_signed, margins).0 {
        return Err(FisherError::Singular {
            what: WHAT,
            rank: rank_by_cutoff,
            needed: d,
            hint: format!("; estimated error {accuracy:e} of the full-rank solve"),
        });
    }
    Ok(Solved {
        direction,
        rank: d,
        condition: max_pivot / min_pivot,
        accuracy,
    })
}

/// One step of iterative refinement with the same QR: `δ = R⁻¹ [Qᵀ (ω ⊙ t − ω ⊙ X̃ v)]_{1..D}`
/// with `ω = d̂^{1/2}` in the factored (sorted) row order. The weighted residual goes through
/// the same `Q` and `R` as the right-hand side did, so its rounding errors are as harmless as
/// the solve's own; mapped back through `R⁻¹`, a residual in rows of tiny weight becomes as
/// large a correction as the Fisher is insensitive to it.
fn refinement_step(
    factored: &Array2<f64>,
    tau: &[f64],
    x_signed: ArrayView2<'_, f64>,
    w: &ScaledWeights,
    order: &[usize],
    v: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let xv = x_signed.dot(&v);
    let mut residual: Array1<f64> = order
        .iter()
        .map(|&i| {
            let omega = w.sqrt_weight[i];
            w.sqrt_weight_target[i] - omega * xv[i]
        })
        .collect();
    apply_q_transposed(factored, tau, &mut residual);
    let d = factored.ncols() - 1;
    solve_upper(factored, residual.slice(s![..d]))
}
