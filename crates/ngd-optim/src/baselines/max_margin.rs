//! ℓ2 and ℓ1 max-margin separators by interior-point conic optimization (Clarabel).
//!
//! Clarabel solves `min ½ xᵀPx + qᵀx  s.t.  Ax + s = b, s ∈ K`. Here `K` is a non-negative
//! orthant throughout:
//!
//! - ℓ2: `x = β`, `P = I`, `q = 0`, `A = −X̃`, `b = −1` (i.e. `X̃β ≥ 1`);
//! - ℓ1: `x = (β, τ)`, `P = 0`, `q = (0, 1)`, and the rows `−X̃β ≥ … ` as above plus
//!   `β − τ ≤ 0` and `−β − τ ≤ 0` (so `τ = |β|` at the optimum and `1ᵀτ = ‖β‖₁`).
//!
//! The separator with the largest normalized margin is `β / ‖β‖` with margin `1/‖β‖`.

use crate::OptimError;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus,
};
use ndarray::{Array1, Array2, ArrayView2};

/// A max-margin separator `β` with `min_n (X̃β)_n = 1` (up to the solver's tolerance).
#[derive(Debug, Clone, PartialEq)]
pub struct MaxMarginSeparator {
    /// The minimizer `β`.
    pub beta: Array1<f64>,
    /// The minimal norm `‖β‖` (ℓ2 or ℓ1 as solved); the max normalized margin is `1/norm`.
    pub norm: f64,
    /// The smallest margin `min_n (X̃β)_n` achieved (1 up to the solver's tolerance).
    pub min_margin: f64,
    /// Interior-point iterations used.
    pub iterations: u32,
}

impl MaxMarginSeparator {
    /// The unit-ℓ2-norm direction `β / ‖β‖₂`.
    pub fn direction(&self) -> Array1<f64> {
        &self.beta / self.beta.dot(&self.beta).sqrt()
    }
}

/// The ℓ2 max-margin (hard-margin SVM) separator `argmin ‖β‖₂ s.t. X̃β ≥ 1`.
///
/// # Errors
///
/// [`OptimError::NotSeparable`] if no `β` separates the data.
pub fn l2_max_margin(xt: ArrayView2<'_, f64>) -> Result<MaxMarginSeparator, OptimError> {
    check_data(xt)?;
    let d = xt.ncols();
    // The sparse identity: `d` entries, not a dense `d × d` matrix (O(N·D) memory in all).
    let p = CscMatrix::<f64>::identity(d);
    let a = dense_to_csc(&(-&xt));
    let x = solve(
        &p,
        &vec![0.0; d],
        &a,
        &vec![-1.0; xt.nrows()],
        "ℓ2 max-margin QP",
    )?;
    let (solution, iterations) = x;
    let beta = Array1::from(solution);
    let norm = beta.dot(&beta).sqrt();
    Ok(finish(xt, beta, norm, iterations))
}

/// The ℓ1 max-margin separator `argmin ‖β‖₁ s.t. X̃β ≥ 1` (a linear program).
///
/// The minimizer need not be unique; the interior-point method returns a point near the
/// analytic centre of the optimal face.
///
/// # Errors
///
/// [`OptimError::NotSeparable`] if no `β`
/// separates the data.
pub fn l1_max_margin(xt: ArrayView2<'_, f64>) -> Result<MaxMarginSeparator, OptimError> {
    check_data(xt)?;
    let (n, d) = xt.dim();
    let mut a = Array2::zeros((n + 2 * d, 2 * d));
    // `s![]` cannot be used: it expands to `allow(unsafe_code)`, which the workspace forbids.
    for ((i, j), &v) in xt.indexed_iter() {
        a[[i, j]] = -v;
    }
    for i in 0..d {
        a[[n + i, i]] = 1.0;
        a[[n + i, d + i]] = -1.0;
        a[[n + d + i, i]] = -1.0;
        a[[n + d + i, d + i]] = -1.0;
    }
    let mut b = vec![0.0; n + 2 * d];
    b[..n].fill(-1.0);
    let mut q = vec![0.0; 2 * d];
    q[d..].fill(1.0);
    let p = CscMatrix::<f64>::zeros((2 * d, 2 * d));
    let (solution, iterations) = solve(&p, &q, &dense_to_csc(&a), &b, "ℓ1 max-margin LP")?;
    let beta = Array1::from(solution[..d].to_vec());
    let norm = beta.iter().map(|v| v.abs()).sum();
    Ok(finish(xt, beta, norm, iterations))
}

fn check_data(xt: ArrayView2<'_, f64>) -> Result<(), OptimError> {
    if xt.is_empty() {
        return Err(OptimError::Shape {
            what: "signed data X̃",
            expected: "N × D with N, D ≥ 1".into(),
            found: format!("{:?}", xt.dim()),
        });
    }
    if xt.iter().any(|v| !v.is_finite()) {
        return Err(OptimError::NonFinite {
            what: "signed data X̃",
        });
    }
    Ok(())
}

fn finish(
    xt: ArrayView2<'_, f64>,
    beta: Array1<f64>,
    norm: f64,
    iterations: u32,
) -> MaxMarginSeparator {
    let min_margin = xt.dot(&beta).fold(f64::INFINITY, |m, &u| m.min(u));
    MaxMarginSeparator {
        beta,
        norm,
        min_margin,
        iterations,
    }
}

/// Runs Clarabel on `min ½xᵀPx + qᵀx s.t. b − Ax ≥ 0` and returns `(x, iterations)`.
fn solve(
    p: &CscMatrix<f64>,
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    what: &'static str,
) -> Result<(Vec<f64>, u32), OptimError> {
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .map_err(|e| OptimError::Solver {
            what,
            detail: e.to_string(),
        })?;
    let cones = [NonnegativeConeT(b.len())];
    let mut solver =
        DefaultSolver::new(p, q, a, b, &cones, settings).map_err(|e| OptimError::Solver {
            what,
            detail: format!("{e:?}"),
        })?;
    solver.solve();
    let solution = &solver.solution;
    match solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            if solution.x.iter().all(|v| v.is_finite()) {
                Ok((solution.x.clone(), solution.iterations))
            } else {
                Err(OptimError::NonFinite { what })
            }
        }
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            Err(OptimError::NotSeparable { what })
        }
        status => Err(OptimError::Solver {
            what,
            detail: format!("solver status {status:?}"),
        }),
    }
}

/// Compressed-sparse-column copy of a dense matrix (exact zeros dropped).
fn dense_to_csc(m: &Array2<f64>) -> CscMatrix<f64> {
    let (rows, cols) = m.dim();
    let mut colptr = Vec::with_capacity(cols + 1);
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    colptr.push(0);
    for j in 0..cols {
        for i in 0..rows {
            let v = m[[i, j]];
            if v != 0.0 {
                rowval.push(i);
                nzval.push(v);
            }
        }
        colptr.push(rowval.len());
    }
    CscMatrix::new(rows, cols, colptr, rowval, nzval)
}
