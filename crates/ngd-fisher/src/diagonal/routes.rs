//! Two of the three Moore–Penrose routes for diagonal networks: kernel (N ≤ D) and the
//! always-valid minimum-norm least squares (the weighted route, N ≥ D, is in `weighted.rs`;
//! derivations in `docs/math.md`), each with its accuracy check (`accuracy.rs`).

use super::Route;
use super::accuracy::{
    Solved, jacobian_times, kept_condition, least_squares_estimate, norm, output_residual,
    reject_weight_induced_cut, weight_free_singular_values,
};
use super::logistic::{ScaledWeights, cofactor_square_sum, spread_over_layers};
use super::workspace::DiagWorkspace;
use crate::FisherError;
use crate::linalg::spd_lower::spd_solve_lower_in_place;
use crate::linalg::syrk::lower_gram_into;
use crate::linalg::{Cutoff, lstsq_min_norm};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use ngd_models::logistic::natural_target;

/// Kernel route: `K a = t` with `K = X̃ diag(s) X̃ᵀ` (the empirical NTK), `g_l = c_l ⊙ X̃ᵀ a`.
///
/// `M = diag(d)^{1/2} X̃ J` has `M Mᵀ = diag(d)^{1/2} K diag(d)^{1/2}`; when `K` is invertible,
/// `M⁺ = Mᵀ (M Mᵀ)⁻¹` and the weights cancel: `g = Jᵀ X̃ᵀ K⁻¹ t`. Only `t = −(1 + e^{−u})`
/// enters, so the route is stable for any positive margins.
///
/// Work per call (N ≤ D), with `Y = X̃ diag(√s)` so that `K = Y Yᵀ`:
/// - the lower triangle of `K` ([`lower_gram_into`]: about `N²D/2` multiply-adds instead of
///   the full product's `N²D`; `Y` is formed slab by slab while packing, never stored);
/// - Cholesky in place in the column-major workspace and one `potrs` (`N³/3 + 2N²`, no copies);
/// - `X̃ᵀ a` as a sum of rows (`ND`, contiguous reads).
///
/// Against forming the full `X̃ (X̃ diag(s))ᵀ` with `matrixmultiply` and solving with
/// [`crate::linalg::spd_solve`], the result differs only by round-off (`K_ij` sums
/// `(x̃_ik √s_k)(x̃_jk √s_k)` in slabs instead of `x̃_ik (x̃_jk s_k)`, and `potrs` orders one
/// triangular solve differently).
///
/// Accuracy check (one more pass over `X̃`, `ND` multiply-adds): the weight-free per-sample
/// equation `X̃ J g = t` — here `J g = s ⊙ X̃ᵀ a` — with the relative residual
/// `ρ = ‖X̃ J g − t‖ / ‖t‖`; since `g = Jᵀ X̃ᵀ a` lies in the row space of `X̃ J` by
/// construction, `‖g − g*‖ / ‖g*‖ ≤ κ(K)^{1/2} ρ`, with `κ(K)` estimated by
/// `(max L_ii / min L_ii)²` from the Cholesky factor `L`.
pub(crate) fn kernel(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
    workspace: &mut DiagWorkspace,
) -> Result<Solved, FisherError> {
    let n = x_signed.nrows();
    let s = cofactor_square_sum(cofactors);
    let sqrt_s = s.mapv(f64::sqrt);
    let (k, packing) = workspace.kernel_buffers(n);
    let lower = k.as_slice_memory_order_mut().ok_or_else(not_contiguous)?;
    let scale = sqrt_s.as_slice().ok_or_else(not_contiguous)?;
    match x_signed.as_slice() {
        Some(rows) => lower_gram_into(rows, scale, n, lower, packing),
        None => {
            let rows = x_signed.as_standard_layout();
            let rows = rows.as_slice().ok_or_else(not_contiguous)?;
            lower_gram_into(rows, scale, n, lower, packing);
        }
    }
    let t = margins.mapv(natural_target);
    if t.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural target t = −(1 + e^{−u}) (a margin is below about −709)",
        });
    }
    let a = spd_solve_lower_in_place(k, t.view(), cutoff, "empirical NTK X̃ diag(s) X̃ᵀ")?;
    let (largest, smallest) = k
        .diag()
        .iter()
        .fold((0.0_f64, f64::INFINITY), |(hi, lo), &p| {
            (hi.max(p), lo.min(p))
        });
    let condition = (largest / smallest).powi(2);
    let v = transpose_times(x_signed, a.view());
    let residual = output_residual(x_signed, (&v * &s).view(), t.view());
    Ok(Solved {
        direction: spread_over_layers(cofactors, v.view()),
        rank: n,
        condition,
        accuracy: condition.sqrt() * residual,
    })
}

/// The error for a buffer that is not one contiguous block (never expected: the workspace
/// allocates them, and `X̃` is copied to standard layout first if it is strided).
fn not_contiguous() -> FisherError {
    FisherError::Shape {
        what: "kernel-route buffers",
        expected: "contiguous buffers".into(),
        found: "a strided buffer".into(),
    }
}

/// `X̃ᵀ a` accumulated row by row, `v ← v + a_n x̃_n` for `n = 1, …, N`: contiguous reads of
/// the row-major `X̃` (ndarray's `X̃.t().dot(&a)` runs strided dot products down the columns, 4×
/// slower at N = 500, D = 1000). Each `v_i` sums the terms in the same order as that dot
/// product, so the result is bit-identical to it.
fn transpose_times(x: ArrayView2<'_, f64>, a: ArrayView1<'_, f64>) -> Array1<f64> {
    let mut v = Array1::zeros(x.ncols());
    for (row, &coefficient) in x.rows().into_iter().zip(a) {
        v.zip_mut_with(&row, |acc, &value| *acc += value * coefficient);
    }
    v
}

/// Minimum-norm route: `g = M⁺ (d^{1/2} ⊙ t)` with `M = diag(d)^{1/2} X̃ J` (`N × LD`), by SVD.
///
/// Accuracy check: the weight-free `X̃ J` is decomposed too (its singular values only). If the
/// cut-off kept fewer directions of `M` than `X̃ J` has, the weights alone made the others
/// negligible and the result is rejected ([`reject_weight_induced_cut`]). Otherwise, when
/// `X̃ J` has full row rank `N`, the per-sample equation `X̃ J g = t` holds for the
/// Moore–Penrose direction and the estimate is `κ(X̃ J) ‖X̃ J g − t‖ / ‖t‖`; else it is the
/// a-priori least-squares estimate [`least_squares_estimate`] for `M`.
pub(crate) fn min_norm(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<Solved, FisherError> {
    let w = ScaledWeights::new(margins)?;
    let wx = &x_signed * &w.sqrt_weight.view().insert_axis(Axis(1));
    let solve = min_norm_through_jacobian(
        wx.view(),
        cofactors,
        w.sqrt_weight_target.view(),
        cutoff,
        "min-norm solution",
    )?;
    let shape = (x_signed.nrows(), cofactors.len());
    let weight_free = weight_free_singular_values(x_signed, cofactors)?;
    reject_weight_induced_cut(
        Route::MinNorm,
        solve.rank,
        weight_free.view(),
        shape,
        cutoff,
    )?;
    let target = margins.mapv(natural_target);
    let accuracy = if solve.rank == shape.0 && target.iter().all(|t| t.is_finite()) {
        let jg = jacobian_times(cofactors, solve.direction.view());
        kept_condition(weight_free.view(), shape, cutoff)
            * output_residual(x_signed, jg.view(), target.view())
    } else {
        least_squares_estimate(solve.condition, solve.relative_residual, shape)
    };
    Ok(Solved {
        direction: solve.direction,
        rank: solve.rank,
        condition: solve.condition,
        accuracy,
    })
}

/// A minimum-norm solve through the Jacobian: the direction and what its checks need.
pub(crate) struct JacobianSolve {
    /// `g`, `L × D`.
    pub direction: Array2<f64>,
    /// The effective rank of `A J`.
    pub rank: usize,
    /// `σ_1 / σ_rank` of `A J`.
    pub condition: f64,
    /// `‖A J g − b‖ / (‖A J‖₂ ‖g‖)` (0 when `g = 0`).
    pub relative_residual: f64,
}

/// The minimum-norm solution `g` (`L × D`) of `A J g = b` with `J = [diag(c_1) … diag(c_L)]`:
/// assembles the `rows × LD` matrix `[A diag(c_1) … A diag(c_L)]` and solves it by SVD with the
/// cut-off. Shared by the min-norm route (`A = diag(d)^{1/2} X̃`) and the dense-β route
/// (`A = F(β)`); `what` names the solution in errors.
pub(crate) fn min_norm_through_jacobian(
    a: ArrayView2<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    cutoff: Cutoff,
    what: &'static str,
) -> Result<JacobianSolve, FisherError> {
    let (layers, d) = cofactors.dim();
    let mut m = Array2::zeros((a.nrows(), layers * d));
    for (l, c) in cofactors.axis_iter(Axis(0)).enumerate() {
        let mut block = m.slice_axis_mut(Axis(1), Slice::from(l * d..(l + 1) * d));
        block.assign(&(&a * &c.insert_axis(Axis(0))));
    }
    let sol = lstsq_min_norm(m.view(), b, cutoff)?;
    let residual = norm((m.dot(&sol.x) - b).view());
    let scale = sol.norm * norm(sol.x.view());
    let relative_residual = if scale > 0.0 { residual / scale } else { 0.0 };
    let direction = sol
        .x
        .into_shape_with_order((layers, d))
        .map_err(|e| FisherError::Shape {
            what,
            expected: format!("{layers} × {d}"),
            found: e.to_string(),
        })?;
    Ok(JacobianSolve {
        direction,
        rank: sol.rank,
        condition: sol.condition,
        relative_residual,
    })
}
