//! Conjugate gradients on the SPD operator `T(Y) = Σ_i P_i Y Q_i` over `D × D` matrices with the
//! Frobenius inner product (`P_i = A_i A_iᵀ`, `Q_i = B_iᵀ B_i`, both symmetric PSD, so `T` is
//! self-adjoint and PSD).
//!
//! Starting from `Y = 0`, the iterates stay in the range of `T`, so for a consistent system CG
//! converges to the minimum-norm solution `T⁺ G`. Stopping: the recursive residual is trusted
//! only to trigger a check; the true residual `‖G − T(Y)‖_F ≤ tol · ‖G‖_F` is recomputed, and CG
//! restarts from the current `Y` if the recursion drifted. An inconsistent system or an
//! exhausted budget is a [`FisherError::NotConverged`] error.

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

fn apply(left: &[Array2<f64>], right: &[Array2<f64>], y: &Array2<f64>) -> Array2<f64> {
    let mut out = Array2::zeros(y.raw_dim());
    for (p, q) in left.iter().zip(right) {
        out += &p.dot(y).dot(q);
    }
    out
}

fn dot(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

/// Solves `Σ_i P_i Y Q_i = G`; returns `(Y, iterations)`.
pub(crate) fn solve_operator(
    left: &[Array2<f64>],
    right: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
    options: &CgOptions,
) -> Result<(Array2<f64>, usize), FisherError> {
    let g = grad.to_owned();
    let g_norm = dot(&g, &g).sqrt();
    let mut y = Array2::zeros(g.raw_dim());
    if g_norm == 0.0 {
        return Ok((y, 0));
    }
    let target = options.tolerance * g_norm;
    let mut iterations = 0;
    let mut residual_norm;
    loop {
        // (Re)start from the true residual.
        let mut r = &g - &apply(left, right, &y);
        let mut rr = dot(&r, &r);
        residual_norm = rr.sqrt();
        if residual_norm <= target {
            return Ok((y, iterations));
        }
        if iterations >= options.max_iterations {
            break;
        }
        let mut p = r.clone();
        while iterations < options.max_iterations {
            let tp = apply(left, right, &p);
            let ptp = dot(&p, &tp);
            if ptp <= 0.0 || !ptp.is_finite() {
                break;
            }
            let alpha = rr / ptp;
            y.scaled_add(alpha, &p);
            r.scaled_add(-alpha, &tp);
            iterations += 1;
            let rr_new = dot(&r, &r);
            if rr_new.sqrt() <= target {
                break;
            }
            p = &r + &(&p * (rr_new / rr));
            rr = rr_new;
        }
        // Stop restarting when a restart made no progress (inconsistent or stagnating system).
        let true_residual = &g - &apply(left, right, &y);
        let true_norm = dot(&true_residual, &true_residual).sqrt();
        if true_norm <= target {
            return Ok((y, iterations));
        }
        if true_norm >= 0.5 * residual_norm {
            residual_norm = true_norm;
            break;
        }
    }
    Err(FisherError::NotConverged {
        what: "conjugate gradients on Σ_i A_i A_iᵀ Y B_iᵀ B_i = G",
        iterations,
        residual: residual_norm / g_norm,
        tolerance: options.tolerance,
    })
}
