//! Dense brute-force reference for deep matrix factorization (slow, small `D` only): the full
//! Jacobian `J = [J_1 … J_L]`, `J_i = B_iᵀ ⊗ A_i` (`D² × L D²`, eq. 46–49, column-major `vec`:
//! `vec(A X B) = (Bᵀ ⊗ A) vec X`), and the Moore–Penrose natural gradient
//! `pinv(JᵀJ) Jᵀ vec(G)` (the Fisher in β is the identity), and its observed-entry twin
//! `pinv(Jᵀ P_Ωᵀ P_Ω J) Jᵀ vec(P_Ω G)`. Cost `O(L³ D⁶)`.

use super::observed::{ObservedOptions, observed_entries};
use super::validate_inputs;
use crate::FisherError;
use crate::generic::Damping;
use crate::linalg::{Cutoff, pinv};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use ngd_models::factorization::{prefix_products, suffix_products};

/// The Kronecker product `A ⊗ B`: entry `(i p + k, j q + l)` is `A_ij B_kl` for `B` of size `p × q`.
pub fn kron(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Array2<f64> {
    let (m, n) = a.dim();
    let (p, q) = b.dim();
    let mut out = Array2::zeros((m * p, n * q));
    for ((i, j), &aij) in a.indexed_iter() {
        out.slice_axis_mut(Axis(0), Slice::from(i * p..(i + 1) * p))
            .slice_axis_mut(Axis(1), Slice::from(j * q..(j + 1) * q))
            .assign(&(&b * aij));
    }
    out
}

/// Column-major vectorization: `vec(M)[i + j·rows] = M[i, j]`.
pub fn vec(m: ArrayView2<'_, f64>) -> Array1<f64> {
    m.t().iter().copied().collect()
}

/// The inverse of [`vec()`] for a `rows × cols` matrix; `None` if the length does not fit.
pub fn unvec(v: ArrayView1<'_, f64>, rows: usize, cols: usize) -> Option<Array2<f64>> {
    if v.len() != rows * cols {
        return None;
    }
    let transposed = Array2::from_shape_vec((cols, rows), v.to_vec()).ok()?;
    Some(transposed.reversed_axes().as_standard_layout().to_owned())
}

/// The dense Jacobian `J = ∂ vec β / ∂ (vec W_1, …, vec W_L) = [B_1ᵀ ⊗ A_1, …, B_Lᵀ ⊗ A_L]`.
pub fn jacobian_dense(factors: &[Array2<f64>]) -> Array2<f64> {
    let d = factors[0].nrows();
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let mut j = Array2::zeros((d * d, factors.len() * d * d));
    for (i, (a, b)) in prefixes.iter().zip(&suffixes).enumerate() {
        j.slice_axis_mut(Axis(1), Slice::from(i * d * d..(i + 1) * d * d))
            .assign(&kron(b.t(), a.view()));
    }
    j
}

/// The brute-force Moore–Penrose natural gradient `pinv(JᵀJ) Jᵀ vec(G)`, returned per layer,
/// with the effective rank of `JᵀJ`.
///
/// # Errors
///
/// [`FisherError::Invalid`] if `L = 0`; [`FisherError::Shape`] if a factor or `G` is not
/// `D × D`; [`FisherError::NonFinite`] for a non-finite factor or `G`;
/// [`FisherError::Lapack`] if the SVD of `JᵀJ` fails.
pub fn dense_natural_gradient(
    factors: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Vec<Array2<f64>>, usize), FisherError> {
    let d = validate_inputs(factors, grad)?;
    let j = jacobian_dense(factors);
    let fisher_w = j.t().dot(&j);
    let p = pinv(fisher_w.view(), cutoff)?;
    let g = p.matrix.dot(&j.t().dot(&vec(grad)));
    let directions = (0..factors.len())
        .map(|i| {
            unvec(
                g.slice_axis(Axis(0), Slice::from(i * d * d..(i + 1) * d * d)),
                d,
                d,
            )
            .ok_or(FisherError::Shape {
                what: "dense factorization direction",
                expected: format!("{d} × {d}"),
                found: format!("length {}", d * d),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((directions, p.rank))
}

/// The dense brute-force twin of [`super::observed_natural_gradient`] (small `D` only, `O(L³ D⁶)`):
/// `F_Ω = Jᵀ diag(vec P_Ω) J` from the full Jacobian, then `pinv(F_Ω) Jᵀ vec(P_Ω G)` (cut-off
/// on the eigenvalues of `F_Ω` as [`pinv`] does) or, damped, `(F_Ω + λI)⁻¹ Jᵀ vec(P_Ω G)` by
/// the same pseudo-inverse of the (then regular) matrix. Returns the directions and the effective
/// rank of `F_Ω` (damped: of `F_Ω + λI`).
///
/// # Errors
///
/// As [`super::observed_natural_gradient`] for the inputs; SVD failures of [`pinv`].
pub fn dense_observed_natural_gradient(
    factors: &[Array2<f64>],
    mask: ArrayView2<'_, f64>,
    grad: ArrayView2<'_, f64>,
    options: &ObservedOptions,
) -> Result<(Vec<Array2<f64>>, usize), FisherError> {
    let d = validate_inputs(factors, grad)?;
    observed_entries(mask, d)?;
    let params = factors.len() * d * d;
    let j = jacobian_dense(factors);
    let weights = vec(mask);
    let projected = &j * &weights.view().insert_axis(Axis(1));
    let mut fisher = j.t().dot(&projected);
    let rhs = projected.t().dot(&vec(grad));
    if let Some(damping) = options.damping {
        damping.validate()?;
        let lambda = match damping {
            Damping::Absolute(l) => l,
            Damping::Relative(rho) => rho * fisher.diag().sum() / params as f64,
        };
        fisher.diag_mut().mapv_inplace(|v| v + lambda);
    }
    let inverse = pinv(fisher.view(), options.cutoff)?;
    let g = inverse.matrix.dot(&rhs);
    let directions = (0..factors.len())
        .map(|i| {
            let block = g.slice_axis(Axis(0), Slice::from(i * d * d..(i + 1) * d * d));
            unvec(block, d, d).ok_or(FisherError::Shape {
                what: "dense observed-entry direction",
                expected: format!("{d} × {d}"),
                found: format!("length {}", block.len()),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((directions, inverse.rank))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn vec_identity_holds() {
        // vec(A X B) = (Bᵀ ⊗ A) vec X on a hand-picked non-symmetric example.
        let a = array![[1.0, 2.0], [0.0, 3.0]];
        let x = array![[1.0, -1.0], [4.0, 2.0]];
        let b = array![[0.5, 1.0], [2.0, -1.0]];
        let lhs = vec(a.dot(&x).dot(&b).view());
        let rhs = kron(b.t(), a.view()).dot(&vec(x.view()));
        assert_eq!(lhs, rhs);
        assert_eq!(unvec(vec(x.view()).view(), 2, 2).unwrap(), x);
    }
}
