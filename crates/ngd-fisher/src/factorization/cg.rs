//! The Moore–Penrose direction of a deep factorization for `L ≥ 3` by preconditioned conjugate
//! gradients in Craig's form (CGNE: CG on `J Jᵀ y = vec G` carrying `x = Jᵀ y` instead of `y`).
//!
//! `J x = Σ_i A_i x_i B_i` and `Jᵀ z = (A_iᵀ z B_iᵀ)_i` act on `D × D` matrices; `T = J Jᵀ` is
//! `Y ↦ Σ_i A_i A_iᵀ Y B_iᵀ B_i`. With a symmetric positive definite preconditioner `M`
//! (diagonal in the rotated coordinates of [`RotatedJacobian`]) and `q_k = Jᵀ p_k` for the search directions `p_k` of PCG on
//! `T`, one iteration is
//!
//! `α = ⟨r, z⟩ / ‖q‖²`, `x ← x + α q`, `r ← r − α J q`, `z = M⁻¹ r`,
//! `q ← Jᵀ z + (⟨r, z⟩_new / ⟨r, z⟩) q`,
//!
//! i.e. `4(L − 1)` products of `D × D` matrices (the identities `A_1`, `B_L` skipped) plus four
//! for `M⁻¹`. Two properties make this form the right one:
//!
//! - **minimum norm for free**: every iterate `x = Jᵀ y` lies in the range of `Jᵀ`, so a
//!   solution of `J x = G` found this way is the minimum-norm one `J⁺ G`, whatever `M`
//!   (a null-space component of `y` never reaches `x`);
//! - **attainable accuracy `≈ ε √κ(T)`** instead of `ε κ(T)`: the residual `G − J x` is formed
//!   from `x` (norm `≤ ‖G‖ / σ_min(J)`), not from `y` (norm up to `‖G‖ / σ_min(J)²`). From
//!   small initializations `κ(T)` reaches `10⁸` and more at `D = 100`, where the `y` form
//!   stalls near a relative residual of `10⁻⁸`.
//!
//! Stopping: the recursive residual only triggers a check of the true residual
//! `‖G − J x‖_F ≤ tol · ‖G‖_F`; if the recursion drifted, CG restarts from the current `x`
//! (with `q = Jᵀ M⁻¹ r`). An inconsistent system (`G` outside the range of `J`, which needs
//! rank-deficient factors), stagnation, or an exhausted budget is a
//! [`FisherError::NotConverged`] error carrying the relative residual — never an inexact answer.

#[cfg(doc)]
use super::preconditioner::RotatedJacobian;
use crate::FisherError;
use ndarray::{Array2, ArrayView2};

/// CG stopping rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CgOptions {
    /// Relative true-residual tolerance.
    pub tolerance: f64,
    /// Total iteration budget (across restarts).
    pub max_iterations: usize,
}

/// The Jacobian of `β = W_1 ⋯ W_L` from its partial products `A_i`, `B_i`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FactorJacobian<'a> {
    /// `A_i = W_1 ⋯ W_{i−1}` (`A_1 = I`).
    pub prefixes: &'a [Array2<f64>],
    /// `B_i = W_{i+1} ⋯ W_L` (`B_L = I`).
    pub suffixes: &'a [Array2<f64>],
}

impl FactorJacobian<'_> {
    fn layers(&self) -> usize {
        self.prefixes.len()
    }

    /// `J x = Σ_i A_i x_i B_i`.
    fn apply(&self, x: &[Array2<f64>]) -> Array2<f64> {
        let last = self.layers() - 1;
        let mut out = x[0].dot(&self.suffixes[0]);
        for (i, xi) in x.iter().enumerate().skip(1) {
            let left = self.prefixes[i].dot(xi);
            if i == last {
                out += &left;
            } else {
                out += &left.dot(&self.suffixes[i]);
            }
        }
        out
    }

    /// `Jᵀ z = (A_iᵀ z B_iᵀ)_i`.
    pub(crate) fn apply_transpose(&self, z: &Array2<f64>) -> Vec<Array2<f64>> {
        let last = self.layers() - 1;
        (0..=last)
            .map(|i| match i {
                0 => z.dot(&self.suffixes[0].t()),
                _ if i == last => self.prefixes[i].t().dot(z),
                _ => self.prefixes[i].t().dot(z).dot(&self.suffixes[i].t()),
            })
            .collect()
    }
}

fn dot(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

fn squared_norm(blocks: &[Array2<f64>]) -> f64 {
    blocks.iter().map(|b| dot(b, b)).sum()
}

/// `M⁻¹(R) = R ⊙ m` for a diagonal preconditioner `m`, or `R` without one.
fn precondition(preconditioner: Option<&Array2<f64>>, r: &Array2<f64>) -> Array2<f64> {
    preconditioner.map_or_else(|| r.clone(), |m| r * m)
}

/// The minimum-norm solution `x = J⁺ G` of `J x = G` (consistent systems) by CG in Craig's
/// form, preconditioned with the diagonal `M⁻¹ = preconditioner` (entrywise; plain CG if
/// `None`); returns `(x_1, …, x_L, iterations)`.
///
/// # Errors
///
/// [`FisherError::NotConverged`] with the relative true residual when the tolerance is not met
/// within the budget, or CG stagnates (an inconsistent system).
pub(crate) fn min_norm_solve(
    jacobian: FactorJacobian<'_>,
    grad: ArrayView2<'_, f64>,
    options: &CgOptions,
    preconditioner: Option<&Array2<f64>>,
) -> Result<(Vec<Array2<f64>>, usize), FisherError> {
    let g = grad.to_owned();
    let g_norm = dot(&g, &g).sqrt();
    let mut x = vec![Array2::zeros(g.raw_dim()); jacobian.layers()];
    if g_norm == 0.0 {
        return Ok((x, 0));
    }
    let target = options.tolerance * g_norm;
    let mut iterations = 0;
    let mut r = g.clone();
    let mut residual_norm = g_norm;
    while iterations < options.max_iterations {
        // (Re)start from the true residual `r`.
        let mut z = precondition(preconditioner, &r);
        let mut rz = dot(&r, &z);
        let mut q = jacobian.apply_transpose(&z);
        while iterations < options.max_iterations {
            let qq = squared_norm(&q);
            if qq <= 0.0 || !qq.is_finite() || !rz.is_finite() {
                break;
            }
            let alpha = rz / qq;
            for (xi, qi) in x.iter_mut().zip(&q) {
                xi.scaled_add(alpha, qi);
            }
            r.scaled_add(-alpha, &jacobian.apply(&q));
            iterations += 1;
            if dot(&r, &r).sqrt() <= target {
                break;
            }
            z = precondition(preconditioner, &r);
            let rz_new = dot(&r, &z);
            let beta = rz_new / rz;
            for (qi, new) in q.iter_mut().zip(jacobian.apply_transpose(&z)) {
                *qi *= beta;
                *qi += &new;
            }
            rz = rz_new;
        }
        r = &g - &jacobian.apply(&x);
        let true_norm = dot(&r, &r).sqrt();
        if true_norm <= target {
            return Ok((x, iterations));
        }
        // A restart that did not halve the residual: stagnation (inconsistent system or
        // round-off floor).
        let stagnated = true_norm >= 0.5 * residual_norm;
        residual_norm = true_norm;
        if stagnated || !true_norm.is_finite() {
            break;
        }
    }
    Err(FisherError::NotConverged {
        what: "preconditioned CG (Craig) on Σ_i A_i A_iᵀ Y B_iᵀ B_i = G",
        iterations,
        residual: residual_norm / g_norm,
        tolerance: options.tolerance,
    })
}
