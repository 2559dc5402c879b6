//! The one relative cut-off policy for numerically zero singular values.
//!
//! Every pseudo-inverse, minimum-norm least-squares solve and rank test in this crate treats a
//! singular value `σ_i` (or eigenvalue of a symmetric positive semi-definite operator, or pivot)
//! as zero when `σ_i < rcond · σ_max`. The default is numpy's convention
//! `rcond = max(rows, cols) · ε` (ε = `f64::EPSILON`); a fixed `rcond` can be configured.
//! The *effective rank* reported by the solvers is the number of values kept.

use crate::FisherError;

/// The relative cut-off `rcond`: values below `rcond · max` count as zero.
///
/// Default (`Cutoff::default()` = [`Cutoff::numpy_default`]): `rcond = max(rows, cols) · ε`.
/// Edges: a zero matrix keeps nothing (effective rank 0); `Cutoff::relative(0.0)` keeps every
/// strictly positive value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cutoff {
    rcond: Option<f64>,
}

impl Cutoff {
    /// The default policy, `rcond = max(rows, cols) · ε` (numpy's `pinv`/`lstsq` convention).
    pub const fn numpy_default() -> Self {
        Self { rcond: None }
    }

    /// A fixed relative cut-off `rcond`. `rcond = 0` keeps every non-zero value (no
    /// cut-off beyond exact zeros).
    ///
    /// # Errors
    ///
    /// [`FisherError::Invalid`] unless `rcond` is finite and `0 ≤ rcond < 1`.
    pub fn relative(rcond: f64) -> Result<Self, FisherError> {
        if !(rcond.is_finite() && (0.0..1.0).contains(&rcond)) {
            return Err(FisherError::Invalid {
                what: "rcond",
                value: format!("{rcond}"),
                allowed: "finite and in [0, 1)",
            });
        }
        Ok(Self { rcond: Some(rcond) })
    }

    /// The relative cut-off used for a `rows × cols` matrix.
    pub fn rcond(&self, rows: usize, cols: usize) -> f64 {
        self.rcond
            .unwrap_or_else(|| rows.max(cols).max(1) as f64 * f64::EPSILON)
    }

    /// The absolute threshold `rcond · max_value` for a `rows × cols` matrix whose largest
    /// singular value (or eigenvalue) is `max_value`.
    pub fn threshold(&self, rows: usize, cols: usize, max_value: f64) -> f64 {
        self.rcond(rows, cols) * max_value
    }

    /// Whether `value` is kept (not below the threshold) for a `rows × cols` matrix with largest
    /// value `max_value`. A zero matrix keeps nothing.
    pub fn keeps(&self, value: f64, rows: usize, cols: usize, max_value: f64) -> bool {
        max_value > 0.0 && value > 0.0 && value >= self.threshold(rows, cols, max_value)
    }

    /// Ok when every one of the `values` (pivots or singular values of a `rows × cols` matrix
    /// that must have full rank `values.len()`) is kept; else [`FisherError::Singular`] naming
    /// `what` with the effective rank.
    pub(crate) fn require_full_rank(
        &self,
        values: &[f64],
        (rows, cols): (usize, usize),
        what: &'static str,
    ) -> Result<(), FisherError> {
        let rank = self.effective_rank(values, rows, cols);
        if rank < values.len() {
            return Err(FisherError::Singular {
                what,
                rank,
                needed: values.len(),
                hint: String::new(),
            });
        }
        Ok(())
    }

    /// The effective rank: how many of the non-negative `values` (singular values, eigenvalues
    /// or pivots of a `rows × cols` matrix) are kept.
    pub fn effective_rank(&self, values: &[f64], rows: usize, cols: usize) -> usize {
        let max = values.iter().copied().fold(0.0_f64, f64::max);
        values
            .iter()
            .filter(|&&v| self.keeps(v, rows, cols, max))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_size_times_epsilon() {
        let c = Cutoff::numpy_default();
        assert_eq!(c.rcond(3, 7), 7.0 * f64::EPSILON);
        assert_eq!(c.effective_rank(&[2.0, 1.0, 1e-20, 0.0], 4, 4), 2);
        assert_eq!(c.effective_rank(&[0.0, 0.0], 2, 2), 0);
    }

    #[test]
    fn relative_is_validated() {
        assert!(Cutoff::relative(-1.0).is_err());
        assert!(Cutoff::relative(f64::NAN).is_err());
        let c = Cutoff::relative(0.1).unwrap();
        assert_eq!(c.effective_rank(&[1.0, 0.2, 0.05], 3, 3), 2);
    }
}
