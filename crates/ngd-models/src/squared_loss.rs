//! The squared loss of matrix completion on the observed entries `Ω` (the paper's §4 and
//! App. B.4, after Arora et al. 2019).
//!
//! Convention: `L(β) = ½ Σ_{(i,j)∈Ω} (β_ij − M_ij)²`, the negative log-likelihood of a unit-variance
//! Gaussian on each observed entry, so that `∇_β L = G = P_Ω(β − M) = mask ⊙ (β − M)` and the
//! Fisher of the end-to-end matrix `β` is the identity on the observed entries; the loss does
//! not depend on the others. The mask is `1` on `Ω` and `0` elsewhere; other mask values act as
//! per-entry weights `L = ½ Σ mask_ij (β_ij − M_ij)²`.
//!
//! **Which Fisher** (two conventions, both with this sum loss): the paper (Lemma 2) models
//! *every* entry as a unit Gaussian, `F(β) = I` on all `n²` entries and `F(w) = JᵀJ`
//! (`ngd_fisher::factorization::moore_penrose`, the layer split, fig5); the Fisher of the
//! observed entries only is `F_Ω(β) = P_Ωᵀ P_Ω` and `F_Ω(w) = Jᵀ P_Ωᵀ P_Ω J`
//! (`ngd_fisher::factorization::observed`, experiment `fig5-fisher`). They agree on the observed
//! entries and coincide when every entry is observed.
//!
//! Arora et al. report the *mean* squared error on the observed entries as the training loss:
//! that is [`observed_mse`] `= 2 L / |Ω|`.

use crate::ModelError;
use ndarray::{ArrayView2, ArrayViewMut2, Zip};

fn check_same_shape(
    what: &'static str,
    shape: (usize, usize),
    expected: (usize, usize),
) -> Result<(), ModelError> {
    if shape != expected {
        return Err(ModelError::Shape {
            what,
            expected: format!("{} × {} (the shape of `beta`)", expected.0, expected.1),
            found: format!("{} × {}", shape.0, shape.1),
        });
    }
    Ok(())
}

fn check_inputs(
    beta: &ArrayView2<'_, f64>,
    target: &ArrayView2<'_, f64>,
    mask: &ArrayView2<'_, f64>,
) -> Result<(), ModelError> {
    check_same_shape("target `target`", target.dim(), beta.dim())?;
    check_same_shape("mask `mask`", mask.dim(), beta.dim())
}

/// The loss `L(β) = ½ Σ mask_ij (β_ij − M_ij)²`; writes `∇_β L = mask ⊙ (β − M)` into `grad`.
///
/// # Errors
///
/// Returns an error if `target`, `mask` or `grad` differ in shape from `beta`, or the loss is not finite.
pub fn value_and_gradient(
    beta: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    mask: ArrayView2<'_, f64>,
    mut grad: ArrayViewMut2<'_, f64>,
) -> Result<f64, ModelError> {
    check_inputs(&beta, &target, &mask)?;
    check_same_shape("gradient `grad`", grad.dim(), beta.dim())?;
    let mut total = 0.0;
    Zip::from(&mut grad)
        .and(&beta)
        .and(&target)
        .and(&mask)
        .for_each(|g, &b, &m, &w| {
            let residual = b - m;
            *g = w * residual;
            total += w * residual * residual;
        });
    let value = 0.5 * total;
    if !value.is_finite() {
        return Err(ModelError::NonFinite {
            what: "squared loss",
        });
    }
    Ok(value)
}

/// The mean squared error on the observed entries, `Σ mask_ij (β_ij − M_ij)² / Σ mask_ij`
/// (Arora et al.'s training loss).
///
/// # Errors
///
/// Returns an error on mismatched shapes, an all-zero mask or a non-finite result.
pub fn observed_mse(
    beta: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    mask: ArrayView2<'_, f64>,
) -> Result<f64, ModelError> {
    check_inputs(&beta, &target, &mask)?;
    let count: f64 = mask.sum();
    if count == 0.0 {
        return Err(ModelError::Invalid {
            what: "mask",
            value: "all zero".into(),
            allowed: "at least one observed entry",
        });
    }
    let mut total = 0.0;
    Zip::from(&beta)
        .and(&target)
        .and(&mask)
        .for_each(|&b, &m, &w| total += w * (b - m) * (b - m));
    let value = total / count;
    if !value.is_finite() {
        return Err(ModelError::NonFinite {
            what: "observed mean squared error",
        });
    }
    Ok(value)
}
