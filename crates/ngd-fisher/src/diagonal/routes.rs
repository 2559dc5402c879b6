//! The three Moore–Penrose routes for diagonal networks: kernel (N ≤ D), weighted least squares
//! (N ≥ D) and the always-valid minimum-norm least squares (see `docs/math.md` for derivations).

use super::logistic::{ScaledWeights, cofactor_square_sum, spread_over_layers};
use super::workspace::DiagWorkspace;
use crate::FisherError;
use crate::linalg::qr_augmented::lstsq_augmented_in_place;
use crate::linalg::spd_lower::spd_solve_lower_in_place;
use crate::linalg::syrk::lower_gram_into;
use crate::linalg::{Cutoff, lstsq_min_norm};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice, s};
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
pub(crate) fn kernel(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
    workspace: &mut DiagWorkspace,
) -> Result<(Array2<f64>, usize), FisherError> {
    let n = x_signed.nrows();
    let sqrt_s = cofactor_square_sum(cofactors).mapv_into(f64::sqrt);
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
    let v = transpose_times(x_signed, a.view());
    Ok((spread_over_layers(cofactors, v.view()), n))
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

/// Weighted route: `v = argmin ‖d^{1/2} ⊙ (X̃ v − t)‖` by QR, `g_l = c_l ⊙ v / s`.
///
/// One Householder QR of the augmented `N × (D + 1)` matrix `[d^{1/2} ⊙ X̃ | d^{1/2} ⊙ t]`
/// gives `R` and `Qᵀ(d^{1/2} ⊙ t)` without forming `Q` (`2ND² − 2D³/3` flops instead of about
/// twice that; see [`lstsq_augmented_in_place`]). A Cholesky factorization of the `D × D`
/// weighted Gram matrix would be cheaper still (`ND² + D³/3`) but squares the condition
/// number, so it is not used.
///
/// When `d^{1/2} X̃` has full column rank D and `J` full row rank (`s > 0`),
/// `M⁺ = J⁺ (d^{1/2} X̃)⁺` with `J⁺ = Jᵀ diag(1/s)`.
pub(crate) fn weighted(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let (n, d) = x_signed.dim();
    if n < d {
        return Err(FisherError::Singular {
            what: "weighted data diag(d)^{1/2} X̃",
            rank: n,
            needed: d,
            hint: "; the weighted route needs N ≥ D".into(),
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
    let w = ScaledWeights::new(margins)?;
    // The augmented system [d^{1/2} ⊙ X̃ | d^{1/2} ⊙ t], factored once without forming Q.
    let mut augmented = Array2::zeros((n, d + 1));
    for ((mut row, x_row), (&weight, &target)) in augmented
        .rows_mut()
        .into_iter()
        .zip(x_signed.rows())
        .zip(w.sqrt_weight.iter().zip(&w.sqrt_weight_target))
    {
        row.slice_mut(s![..d])
            .zip_mut_with(&x_row, |out, &x| *out = x * weight);
        row[d] = target;
    }
    let v = lstsq_augmented_in_place(&mut augmented, cutoff, "weighted data diag(d)^{1/2} X̃")?;
    let v_over_s = &v / &s;
    Ok((spread_over_layers(cofactors, v_over_s.view()), d))
}

/// Minimum-norm route: `g = M⁺ (d^{1/2} ⊙ t)` with `M = diag(d)^{1/2} X̃ J` (`N × LD`), by SVD.
pub(crate) fn min_norm(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let w = ScaledWeights::new(margins)?;
    let wx = &x_signed * &w.sqrt_weight.view().insert_axis(Axis(1));
    min_norm_through_jacobian(
        wx.view(),
        cofactors,
        w.sqrt_weight_target.view(),
        cutoff,
        "min-norm solution",
    )
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
) -> Result<(Array2<f64>, usize), FisherError> {
    let (layers, d) = cofactors.dim();
    let mut m = Array2::zeros((a.nrows(), layers * d));
    for (l, c) in cofactors.axis_iter(Axis(0)).enumerate() {
        let mut block = m.slice_axis_mut(Axis(1), Slice::from(l * d..(l + 1) * d));
        block.assign(&(&a * &c.insert_axis(Axis(0))));
    }
    let sol = lstsq_min_norm(m.view(), b, cutoff)?;
    let direction = sol
        .x
        .into_shape_with_order((layers, d))
        .map_err(|e| FisherError::Shape {
            what,
            expected: format!("{layers} × {d}"),
            found: e.to_string(),
        })?;
    Ok((direction, sol.rank))
}
