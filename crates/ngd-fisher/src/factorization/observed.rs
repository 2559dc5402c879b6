//! The natural gradient of a deep matrix factorization under the **observed-entry Fisher**
//! `F_Ω(w) = Jᵀ P_Ωᵀ P_Ω J` (Moore–Penrose or Tikhonov-damped), by the `m × m` kernel of the
//! `m = |Ω|` observed entries.
//!
//! **Convention.** The loss is `½ Σ_Ω (β − M)²` (sum over the observed entries, unit-variance
//! Gaussian per observed entry), so `∇_w L = Jᵀ P_Ωᵀ r` with the observed residual
//! `r = P_Ω vec(β − M) ∈ ℝ^m` and the Fisher of the model of the *observed* entries is
//! `F_Ω = J_Ωᵀ J_Ω`, `J_Ω = P_Ω J` (`m × P`, `P = L D²`). The paper (its Lemma 2, §4 and
//! [`super::moore_penrose`]) instead takes `F(β) = I` over all `D²` entries, `F = JᵀJ`; the two
//! agree when every entry is observed. `F_Ω` is the analogue of the *sample* Fisher the paper
//! uses for classification, not the empirical Fisher of outer products.
//!
//! **Moore–Penrose.** `g = F_Ω⁺ ∇_w L = J_Ω⁺ r`, the minimum-norm solution of `J_Ω g = r`:
//! `g = J_Ωᵀ K_Ω⁺ r` with the kernel `K_Ω = J_Ω J_Ωᵀ`. Since `J Jᵀ vec Y = vec(Σ_i A_i A_iᵀ Y
//! B_iᵀ B_i)` (`A_i = W_1 ⋯ W_{i−1}`, `B_i = W_{i+1} ⋯ W_L`), its entries are
//! `K_Ω[a, b] = Σ_i (A_i A_iᵀ)[k_a, k_b] (B_iᵀ B_i)[l_a, l_b]` for observed entries
//! `a = (k_a, l_a)`, `b = (k_b, l_b)`, and `G_i = A_iᵀ Y B_iᵀ` with `Y = P_Ωᵀ y`,
//! `y = K_Ω⁺ r` (the blocks `J_iᵀ vec Y = vec(A_iᵀ Y B_iᵀ)`). To first order the step moves
//! `β` by `−η Σ_i A_i A_iᵀ Y B_iᵀ B_i`: every entry, observed or not, moves through the EGD
//! tangent kernel, and the observed ones by exactly `−η r`.
//!
//! **Damped.** `g = (F_Ω + λI)⁻¹ ∇_w L = J_Ωᵀ (K_Ω + λ I)⁻¹ r` (push-through identity), with an
//! absolute `λ` on the scale of `F_Ω` (the sum convention above) or relative damping
//! `λ = ρ · tr(F_Ω)/P = ρ · tr(K_Ω)/P` ([`Damping`]). As `λ → 0⁺`, `g → F_Ω⁺ ∇`; as `λ → ∞`,
//! `λ g → ∇_w L` (EGD).
//!
//! **Cut-off** (the one policy of [`Cutoff`], on the curvature's eigenvalues as for the generic
//! routes): the non-zero eigenvalues of `F_Ω` are those of `K_Ω`; an eigenvalue is kept when
//! `λ_i ≥ rcond · λ_max` with `rcond = cutoff.rcond(P, P)` (default `P ε`, as `pinv(F_Ω)`). The
//! effective rank and `κ = λ_max / λ_min(kept)` are reported. Cost: `2L` products of `D × D`
//! matrices, `L m²` to fill `K_Ω`, one symmetric eigendecomposition `O(m³)` (damped: one
//! Cholesky factorization, `m³/3`, and `λ_max` by 40 Lanczos steps), and `2L` products for `G_i`; the dense twin [`super::dense_observed_natural_gradient`] costs `O(L³ D⁶)`.

use super::validate_inputs;
use crate::FisherError;
use crate::generic::Damping;
use crate::generic::spectrum::{eigenvalue_rcond, keep};
use crate::linalg::{Cutoff, spd_solve};
use ndarray::{Array1, Array2, ArrayView2};
use ndarray_linalg::{EigValsh, Eigh, UPLO};
use ngd_models::factorization::{prefix_products, suffix_products};

/// Options of [`observed_natural_gradient`]. Default: Moore–Penrose with the default cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ObservedOptions {
    /// The cut-off on the eigenvalues of `F_Ω` (Moore–Penrose only; `rcond = cutoff.rcond(P, P)`).
    pub cutoff: Cutoff,
    /// `None`: Moore–Penrose `F_Ω⁺ ∇`; `Some(d)`: `(F_Ω + λI)⁻¹ ∇` with `λ` from `d`.
    pub damping: Option<Damping>,
}

/// An observed-entry natural gradient and what the solve saw.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedNaturalGradient {
    /// The directions `G_1, …, G_L` (each `D × D`); step `W_i ← W_i − η G_i`.
    pub directions: Vec<Array2<f64>>,
    /// The number of observed entries `m = |Ω|`.
    pub observed: usize,
    /// The number of eigenvalues of `K_Ω` kept (damped: `m`).
    pub rank: usize,
    /// `κ = λ_max / λ_min` over the kept eigenvalues of `K_Ω` (damped: the bound
    /// `(λ_max + λ) / λ` on the condition of `K_Ω + λI`); expect about `κ ε` relative accuracy.
    pub condition: f64,
    /// The largest eigenvalue `λ_max` of `K_Ω` (= of `F_Ω`); damped: its Lanczos estimate
    /// (a lower bound; 40 steps).
    pub largest_eigenvalue: f64,
    /// The absolute damping `λ` applied (0 for Moore–Penrose).
    pub damping: f64,
}

/// The observed entries `(row, column)` of a 0/1 `mask`, in column-major (`vec`) order.
pub(super) fn observed_entries(
    mask: ArrayView2<'_, f64>,
    d: usize,
) -> Result<Vec<(usize, usize)>, FisherError> {
    if mask.dim() != (d, d) {
        return Err(FisherError::Shape {
            what: "observation mask P_Ω",
            expected: format!("{d} × {d}"),
            found: format!("{} × {}", mask.nrows(), mask.ncols()),
        });
    }
    if let Some(bad) = mask.iter().find(|&&x| x != 0.0 && x != 1.0) {
        return Err(FisherError::Invalid {
            what: "observation mask P_Ω",
            value: bad.to_string(),
            allowed: "entries 0 (unobserved) or 1 (observed)",
        });
    }
    let entries: Vec<(usize, usize)> = (0..d)
        .flat_map(|l| (0..d).map(move |k| (k, l)))
        .filter(|&(k, l)| mask[[k, l]] == 1.0)
        .collect();
    if entries.is_empty() {
        return Err(FisherError::Invalid {
            what: "observation mask P_Ω",
            value: "no observed entry".into(),
            allowed: "at least one entry 1",
        });
    }
    Ok(entries)
}

/// The kernel `K_Ω[a, b] = Σ_i (A_i A_iᵀ)[k_a, k_b] (B_iᵀ B_i)[l_a, l_b]` (`m × m`).
fn observed_kernel(
    prefixes: &[Array2<f64>],
    suffixes: &[Array2<f64>],
    entries: &[(usize, usize)],
) -> Array2<f64> {
    let m = entries.len();
    let mut kernel = Array2::<f64>::zeros((m, m));
    for (a, b) in prefixes.iter().zip(suffixes) {
        let left = a.dot(&a.t());
        let right = b.t().dot(b);
        for (row, &(ka, la)) in kernel.outer_iter_mut().zip(entries) {
            let (left_row, right_row) = (left.row(ka), right.row(la));
            for (value, &(kb, lb)) in row.into_iter().zip(entries) {
                *value += left_row[kb] * right_row[lb];
            }
        }
    }
    kernel
}

/// The solution `y` of the kernel system and what the solve saw.
struct KernelSolve {
    y: Array1<f64>,
    rank: usize,
    condition: f64,
    largest: f64,
    damping: f64,
}

/// `U f(Λ) Uᵀ r` from an eigendecomposition `K_Ω = U Λ Uᵀ` (negative round-off clipped to 0);
/// `f` is made from the clipped eigenvalues by `make`, which also returns what it saw.
fn eigh_apply<T>(
    kernel: &Array2<f64>,
    residual: &Array1<f64>,
    make: impl FnOnce(&[f64]) -> (T, Box<dyn Fn(f64) -> f64>),
) -> Result<(Array1<f64>, T), FisherError> {
    let (eigenvalues, vectors) = kernel
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh of the observed-entry kernel K_Ω", e))?;
    let eigenvalues: Vec<f64> = eigenvalues.iter().map(|&v| v.max(0.0)).collect();
    let (seen, f) = make(&eigenvalues);
    let mut coefficients = vectors.t().dot(residual);
    for (c, &v) in coefficients.iter_mut().zip(&eigenvalues) {
        *c *= f(v);
    }
    Ok((vectors.dot(&coefficients), seen))
}

/// `y = K_Ω⁺ r` with the eigenvalues below `rcond · λ_max` cut.
fn pseudo_inverse_solve(
    kernel: &Array2<f64>,
    residual: &Array1<f64>,
    rcond: f64,
) -> Result<KernelSolve, FisherError> {
    let (y, kept) = eigh_apply(kernel, residual, |eigenvalues| {
        let kept = keep(eigenvalues, rcond, None);
        let (rank, floor) = (kept.rank, kept.smallest);
        let f = move |v: f64| if rank > 0 && v >= floor { 1.0 / v } else { 0.0 };
        (kept, Box::new(f) as Box<dyn Fn(f64) -> f64>)
    })?;
    Ok(KernelSolve {
        y,
        rank: kept.rank,
        condition: kept.condition,
        largest: kept.largest,
        damping: 0.0,
    })
}

/// The most Lanczos steps of [`largest_eigenvalue`].
const LANCZOS_STEPS: usize = 40;

/// The largest eigenvalue of the symmetric positive semi-definite `kernel`: the largest Ritz
/// value of at most [`LANCZOS_STEPS`] Lanczos steps (full reorthogonalization) from the
/// diagonal, a lower bound that converges much faster than power iteration; `O(k m²)`.
///
/// # Errors
/// [`FisherError::Lapack`] when the tridiagonal eigensolver fails.
fn largest_eigenvalue(kernel: &Array2<f64>) -> Result<f64, FisherError> {
    let m = kernel.nrows();
    let steps = m.min(LANCZOS_STEPS);
    let mut basis: Vec<Array1<f64>> = Vec::with_capacity(steps);
    let mut tridiagonal = Array2::<f64>::zeros((steps, steps));
    let mut v = kernel.diag().to_owned();
    for k in 0..steps {
        let norm = v.dot(&v).sqrt();
        if norm.is_nan() || norm <= f64::MIN_POSITIVE {
            break;
        }
        if k > 0 {
            tridiagonal[[k, k - 1]] = norm;
            tridiagonal[[k - 1, k]] = norm;
        }
        v /= norm;
        let mut w = kernel.dot(&v);
        tridiagonal[[k, k]] = v.dot(&w);
        basis.push(v);
        for q in &basis {
            let c = q.dot(&w);
            w.scaled_add(-c, q);
        }
        v = w;
    }
    let used = basis.len();
    if used <= 1 {
        // (LAPACK rejects the strides ndarray gives a 1 × 1 array.)
        return Ok(tridiagonal.get((0, 0)).copied().unwrap_or(0.0).max(0.0));
    }
    let ritz = tridiagonal
        .slice(ndarray::s![..used, ..used])
        .to_owned()
        .eigvalsh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigvalsh of the Lanczos tridiagonal", e))?;
    Ok(ritz.iter().copied().fold(0.0_f64, f64::max))
}

/// `y = (K_Ω + λI)⁻¹ r` by Cholesky (by an eigendecomposition if `λ` is too small for the
/// Cholesky pivot test), `λ` absolute or `ρ · tr(K_Ω)/P`.
fn damped_solve(
    mut kernel: Array2<f64>,
    residual: &Array1<f64>,
    damping: Damping,
    params: usize,
) -> Result<KernelSolve, FisherError> {
    let lambda = match damping {
        Damping::Absolute(l) => l,
        Damping::Relative(rho) => rho * kernel.diag().sum() / params as f64,
    };
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(FisherError::Invalid {
            what: "relative damping ρ · tr(F_Ω)/P",
            value: lambda.to_string(),
            allowed: "finite and positive (F_Ω must not vanish)",
        });
    }
    let largest = largest_eigenvalue(&kernel)?;
    let original = kernel.clone();
    kernel.diag_mut().mapv_inplace(|v| v + lambda);
    let what = "damped observed-entry kernel K_Ω + λI";
    let y = match spd_solve(kernel.view(), residual.view(), Cutoff::default(), what) {
        Ok(y) => y,
        Err(FisherError::Singular { .. }) => {
            let f = move |v: f64| 1.0 / (v + lambda);
            eigh_apply(&original, residual, |_| {
                ((), Box::new(f) as Box<dyn Fn(f64) -> f64>)
            })?
            .0
        }
        Err(other) => return Err(other),
    };
    Ok(KernelSolve {
        y,
        rank: residual.len(),
        condition: (largest + lambda) / lambda,
        largest,
        damping: lambda,
    })
}

/// The observed-entry natural gradient of the factorization (see the module docs):
/// Moore–Penrose `g = J_Ωᵀ K_Ω⁺ r` or damped `g = J_Ωᵀ (K_Ω + λI)⁻¹ r`, returned per layer as
/// `G_i = A_iᵀ Y B_iᵀ`, `Y = P_Ωᵀ y`.
///
/// `grad` is `∇_β L = P_Ω(β − M)`; only its entries on `Ω` (`mask` = 1) are read.
///
/// # Errors
///
/// [`FisherError::Shape`] for factors that are not equal square `D × D` matrices or a `grad` /
/// `mask` of another shape; [`FisherError::NonFinite`] for non-finite factors, `grad` or
/// result; [`FisherError::Invalid`] for a mask entry other than 0 / 1, an empty `Ω`, or a
/// damping that is not finite and positive; [`FisherError::Lapack`] when the eigensolver fails.
pub fn observed_natural_gradient(
    factors: &[Array2<f64>],
    mask: ArrayView2<'_, f64>,
    grad: ArrayView2<'_, f64>,
    options: &ObservedOptions,
) -> Result<ObservedNaturalGradient, FisherError> {
    let d = validate_inputs(factors, grad)?;
    let entries = observed_entries(mask, d)?;
    if let Some(damping) = options.damping {
        damping.validate()?;
    }
    let params = factors.len() * d * d;
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let kernel = observed_kernel(&prefixes, &suffixes, &entries);
    let residual: Array1<f64> = entries.iter().map(|&(k, l)| grad[[k, l]]).collect();
    let solved = match options.damping {
        None => pseudo_inverse_solve(&kernel, &residual, eigenvalue_rcond(options.cutoff, params))?,
        Some(damping) => damped_solve(kernel, &residual, damping, params)?,
    };
    let y = solved.y;
    let mut scattered = Array2::<f64>::zeros((d, d));
    for (&(k, l), &v) in entries.iter().zip(&y) {
        scattered[[k, l]] = v;
    }
    let directions: Vec<Array2<f64>> = prefixes
        .iter()
        .zip(&suffixes)
        .map(|(a, b)| a.t().dot(&scattered).dot(&b.t()))
        .collect();
    if directions.iter().flatten().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "observed-entry natural gradient",
        });
    }
    Ok(ObservedNaturalGradient {
        directions,
        observed: entries.len(),
        rank: solved.rank,
        condition: solved.condition,
        largest_eigenvalue: solved.largest,
        damping: solved.damping,
    })
}

#[cfg(test)]
mod tests {
    use super::largest_eigenvalue;
    use ndarray::Array2;
    use ndarray_linalg::{EigValsh, UPLO};

    #[test]
    fn lanczos_finds_the_largest_eigenvalue_beyond_its_step_count() {
        // K = A Aᵀ, 100 × 100 of rank 60 (more than the 40 Lanczos steps), entries from a
        // deterministic quasi-random sequence.
        let a = Array2::from_shape_fn((100, 60), |(i, j)| ((i * 7 + j * 13) as f64 * 0.37).sin());
        let k = a.dot(&a.t());
        let exact = k
            .eigvalsh(UPLO::Lower)
            .unwrap()
            .iter()
            .copied()
            .fold(0.0, f64::max);
        let estimate = largest_eigenvalue(&k).unwrap();
        assert!(
            estimate <= exact * (1.0 + 100.0 * f64::EPSILON),
            "a lower bound"
        );
        assert!((exact - estimate) / exact < 1e-10, "{estimate} vs {exact}");
    }
}
