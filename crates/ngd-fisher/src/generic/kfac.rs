//! K-FAC for the full-matrix deep linear net `s(x) = W_L ⋯ W_1 x` with a scalar output
//! (Martens & Grosse 2015), damped (heuristic or exact damping, as curvlinops offers).
//!
//! Shapes: `W_1` is `h_1 × D`, `W_l` is `h_l × h_{l−1}`, `W_L` is `1 × h_{L−1}`; the parameter
//! vector stacks `vec(W_l)` **row-major** per layer, in order. Per layer, with the layer inputs
//! `a_{l−1,n} = W_{l−1} ⋯ W_1 x_n` and the output-side vectors
//! `b_l = ∂s/∂(W_l a_{l−1}) = (W_L ⋯ W_{l+1})ᵀ` (the same for every sample in a linear net),
//! `∂s_n/∂W_l = b_l a_{l−1,n}ᵀ` and the exact Fisher block is
//! `F_l = Σ_n S_n (b_l b_lᵀ) ⊗ (a_{l−1,n} a_{l−1,n}ᵀ)` (row-major `vec`:
//! `vec_r(G M Aᵀ) = (G ⊗ A) vec_r(M)`; curvlinops' column-major order writes `A ⊗ G`).
//! K-FAC replaces it by `G_l ⊗ A_{l−1}` with
//!
//! `A_{l−1} = (1/N) Σ_n a_{l−1,n} a_{l−1,n}ᵀ`, `G_l = Σ_n S_n b_l b_lᵀ`
//! (`S_n = φ(u_n)φ(−u_n)/N` for the mean logistic loss, `1` for the squared loss),
//!
//! which is exact when the `S_n` are equal (the squared loss; logistic margins near 0) and an
//! approximation when they differ. `G_l` is rank one (scalar output), so undamped K-FAC is
//! undefined. Damping ([`KfacDamping`]):
//!
//! - heuristic: `(G + (√λ/π) I) ⊗ (A + π√λ I)` with `π = √((tr A / dim A) / (tr G / dim G))`
//!   (π = 1 when a trace vanishes);
//! - exact: `G ⊗ A + λ I`, through the eigendecompositions `G = U_G Λ_G U_Gᵀ`,
//!   `A = U_A Λ_A U_Aᵀ`: `g = U_G [(U_Gᵀ ∇W U_A) ⊘ (λ_G λ_Aᵀ + λ)] U_Aᵀ`.
//!
//! The weights `S_n` are formed directly (underflowing to 0 for margins `|u| ≳ 745`, where the
//! sample's contribution to `G` is below round-off anyway).

use super::Samples;
use crate::FisherError;
use ndarray::{Array1, Array2, ArrayView1, Axis};
use ndarray_linalg::{Eigh, UPLO};

/// Damping of K-FAC (λ > 0, absolute, on the mean Fisher's scale).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KfacDamping {
    /// `(G + (√λ/π) I) ⊗ (A + π√λ I)`.
    Heuristic(f64),
    /// `G ⊗ A + λ I`.
    Exact(f64),
}

/// The Kronecker factors of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct KroneckerFactors {
    /// `A_{l−1} = (1/N) Σ_n a aᵀ`, `h_{l−1} × h_{l−1}`.
    pub input: Array2<f64>,
    /// `G_l = Σ_n S_n b bᵀ`, `h_l × h_l`.
    pub output: Array2<f64>,
}

/// A K-FAC direction with the factors and the gradient it used.
#[derive(Debug, Clone, PartialEq)]
pub struct Kfac {
    /// `g ∈ ℝ^P` (row-major `vec(W_l)` per layer, in order).
    pub direction: Array1<f64>,
    /// The gradient `∇_w L` in the same layout.
    pub gradient: Array1<f64>,
    /// The factors per layer.
    pub factors: Vec<KroneckerFactors>,
}

/// The K-FAC natural gradient of the deep linear net with weights `W_1, …, W_L` on `samples`.
///
/// # Errors
/// [`FisherError::Shape`] naming the layer whose shape does not chain (`W_1` must have `D`
/// columns, `W_L` one row); [`FisherError::Invalid`] for `λ ≤ 0`; [`FisherError::NonFinite`]
/// for non-finite weights or result; LAPACK failures of the eigendecompositions.
pub fn kfac_deep_linear(
    weights: &[Array2<f64>],
    samples: &Samples<'_>,
    damping: KfacDamping,
) -> Result<Kfac, FisherError> {
    let lambda = match damping {
        KfacDamping::Heuristic(l) | KfacDamping::Exact(l) => l,
    };
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(FisherError::Invalid {
            what: "K-FAC damping λ",
            value: lambda.to_string(),
            allowed: "finite and positive (undamped K-FAC is undefined for a scalar output)",
        });
    }
    check_chain(weights, samples.x().ncols())?;
    let n = samples.len() as f64;
    // Layer inputs a_0 = X, a_l = a_{l−1} W_lᵀ (rows are samples).
    let mut inputs = vec![samples.x().to_owned()];
    for w in weights {
        let next = inputs[inputs.len() - 1].dot(&w.t());
        inputs.push(next);
    }
    let outputs = inputs[weights.len()].column(0).to_owned();
    let loss = samples.loss();
    let output_gradient = loss.gradient(outputs.view(), samples.targets())?;
    let weight_sum = loss
        .fisher_weights(outputs.view(), samples.targets())?
        .sum();
    // b_L = 1, b_l = W_{l+1}ᵀ b_{l+1}.
    let mut backward = vec![Array1::ones(1)];
    for w in weights[1..].iter().rev() {
        let next = w.t().dot(&backward[backward.len() - 1]);
        backward.push(next);
    }
    backward.reverse();
    let mut direction = Vec::new();
    let mut gradient = Vec::new();
    let mut factors = Vec::new();
    for (l, b) in backward.iter().enumerate() {
        let a = &inputs[l];
        let input = a.t().dot(a) / n;
        let output = outer(b.view(), b.view()) * weight_sum;
        let grad = outer(b.view(), a.t().dot(&output_gradient).view());
        let g = match damping {
            KfacDamping::Heuristic(l) => heuristic(&input, &output, &grad, l)?,
            KfacDamping::Exact(l) => exact(&input, &output, &grad, l)?,
        };
        direction.extend(g.iter().copied());
        gradient.extend(grad.iter().copied());
        factors.push(KroneckerFactors { input, output });
    }
    let direction = Array1::from(direction);
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "K-FAC direction",
        });
    }
    Ok(Kfac {
        direction,
        gradient: Array1::from(gradient),
        factors,
    })
}

/// `(G + (√λ/π) I)⁻¹ ∇W (A + π√λ I)⁻¹`.
fn heuristic(
    input: &Array2<f64>,
    output: &Array2<f64>,
    grad: &Array2<f64>,
    lambda: f64,
) -> Result<Array2<f64>, FisherError> {
    let mean_trace = |m: &Array2<f64>| m.diag().sum() / m.nrows() as f64;
    let (ta, tg) = (mean_trace(input), mean_trace(output));
    let pi = if ta > 0.0 && tg > 0.0 {
        (ta / tg).sqrt()
    } else {
        1.0
    };
    let (gamma_a, gamma_g) = (pi * lambda.sqrt(), lambda.sqrt() / pi);
    let (eg, ug) = eigh(output)?;
    let (ea, ua) = eigh(input)?;
    let mut core = ug.t().dot(grad).dot(&ua);
    for ((i, j), x) in core.indexed_iter_mut() {
        *x /= (eg[i] + gamma_g) * (ea[j] + gamma_a);
    }
    Ok(ug.dot(&core).dot(&ua.t()))
}

/// `(G ⊗ A + λI)⁻¹ vec_r(∇W)`, reshaped.
fn exact(
    input: &Array2<f64>,
    output: &Array2<f64>,
    grad: &Array2<f64>,
    lambda: f64,
) -> Result<Array2<f64>, FisherError> {
    let (eg, ug) = eigh(output)?;
    let (ea, ua) = eigh(input)?;
    let mut core = ug.t().dot(grad).dot(&ua);
    for ((i, j), x) in core.indexed_iter_mut() {
        *x /= eg[i].max(0.0) * ea[j].max(0.0) + lambda;
    }
    Ok(ug.dot(&core).dot(&ua.t()))
}

/// The symmetric eigendecomposition (eigenvalues, eigenvectors as columns).
fn eigh(m: &Array2<f64>) -> Result<(Array1<f64>, Array2<f64>), FisherError> {
    if m.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "K-FAC factor",
        });
    }
    let (values, vectors) = m
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh", e))?;
    Ok((values.mapv(|v| v.max(0.0)), vectors))
}

/// `u vᵀ`.
fn outer(u: ArrayView1<'_, f64>, v: ArrayView1<'_, f64>) -> Array2<f64> {
    &u.insert_axis(Axis(1)) * &v.insert_axis(Axis(0))
}

/// Checks that `W_1` has `d` columns, consecutive shapes chain, `W_L` has one row, all finite.
fn check_chain(weights: &[Array2<f64>], d: usize) -> Result<(), FisherError> {
    let Some(last) = weights.last() else {
        return Err(FisherError::Shape {
            what: "deep linear net weights",
            expected: "L ≥ 1 matrices".into(),
            found: "none".into(),
        });
    };
    let mut columns = d;
    for w in weights {
        if w.ncols() != columns || w.nrows() == 0 {
            return Err(FisherError::Shape {
                what: "deep linear net weight W_l",
                expected: format!("h_l × {columns} with h_l ≥ 1"),
                found: format!("{} × {}", w.nrows(), w.ncols()),
            });
        }
        if w.iter().any(|x| !x.is_finite()) {
            return Err(FisherError::NonFinite {
                what: "deep linear net weights",
            });
        }
        columns = w.nrows();
    }
    if last.nrows() != 1 {
        return Err(FisherError::Shape {
            what: "last weight W_L",
            expected: format!("1 × {}", last.ncols()),
            found: format!("{} × {}", last.nrows(), last.ncols()),
        });
    }
    Ok(())
}

/// The parameter vector of the weights (row-major `vec(W_l)` per layer, in order).
pub fn flatten_weights(weights: &[Array2<f64>]) -> Array1<f64> {
    weights.iter().flat_map(|w| w.iter().copied()).collect()
}

/// The weights from a parameter vector, for layer widths `[D, h_1, …, h_{L−1}, 1]`.
///
/// # Errors
/// [`FisherError::Shape`] when `w` has not `Σ_l h_l h_{l−1}` entries or fewer than two widths.
pub fn unflatten_weights(
    w: ArrayView1<'_, f64>,
    widths: &[usize],
) -> Result<Vec<Array2<f64>>, FisherError> {
    let count: usize = widths.windows(2).map(|p| p[0] * p[1]).sum();
    if widths.len() < 2 || w.len() != count {
        return Err(FisherError::Shape {
            what: "deep linear net parameters",
            expected: format!("length Σ h_l h_(l−1) = {count} for widths {widths:?} (≥ 2 widths)"),
            found: format!("length {}", w.len()),
        });
    }
    let mut offset = 0;
    let mut weights = Vec::new();
    for pair in widths.windows(2) {
        let (rows, cols) = (pair[1], pair[0]);
        let block = w.slice(ndarray::s![offset..offset + rows * cols]);
        weights.push(
            block
                .to_owned()
                .into_shape_with_order((rows, cols))
                .map_err(|e| FisherError::Shape {
                    what: "deep linear net layer",
                    expected: format!("{rows} × {cols}"),
                    found: e.to_string(),
                })?,
        );
        offset += rows * cols;
    }
    Ok(weights)
}
