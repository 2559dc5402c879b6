//! Low-rank matrix completion following Arora et al. (2019), as in the paper's Fig. 3 and 5.
//!
//! The ground truth `M` is `n × n` of rank `r`; a set `Ω` of `m` entries is observed. Metrics
//! (Arora et al.'s): the reconstruction error `‖β − M‖²_F / ‖M‖²_F` over all entries, the
//! *trivial* error of the solution that fits the observed entries and leaves the rest at their
//! initial values (where natural gradient descent stays), and the effective rank
//! `exp(entropy(σ / Σσ))`.

use crate::error::check_finite;
use crate::{DataError, gaussian_matrix};
use ndarray::{Array2, ArrayView2};
use rand::Rng;

/// A rank-`rank` ground truth `W = U Vᵀ / √rank` with `U, V` (`n × rank`) i.i.d. standard
/// Gaussian, rescaled so that `‖W‖_F = n` (root-mean-square entry 1).
///
/// Draw order: `U` row-major, then `V` row-major (`2 n · rank` normal draws).
///
/// # Errors
///
/// Returns an error unless `n ≥ 1` and `1 ≤ rank ≤ n`.
pub fn low_rank_truth<R: Rng + ?Sized>(
    n: usize,
    rank: usize,
    rng: &mut R,
) -> Result<Array2<f64>, DataError> {
    if n == 0 {
        return Err(DataError::Invalid {
            what: "matrix size `n`",
            value: "0".into(),
            allowed: "must be at least 1",
        });
    }
    if rank == 0 || rank > n {
        return Err(DataError::Invalid {
            what: "`rank`",
            value: rank.to_string(),
            allowed: "must be between 1 and `n`",
        });
    }
    let u = gaussian_matrix(n, rank, 1.0, rng)?;
    let v = gaussian_matrix(n, rank, 1.0, rng)?;
    let w = u.dot(&v.t()) / (rank as f64).sqrt();
    let norm = frobenius_squared(w.view()).sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return Err(DataError::Degenerate {
            what: "low-rank truth",
            why: "the drawn product has zero or non-finite Frobenius norm",
        });
    }
    Ok(w * (n as f64 / norm))
}

/// `m` distinct entries of an `n × n` matrix, chosen uniformly at random without replacement,
/// returned sorted in row-major order (by row, then column).
///
/// Uses `rand::seq::index::sample` on the `n²` flat indices (its draws depend only on `n²`, `m`
/// and the generator state).
///
/// # Errors
///
/// Returns an error unless `n ≥ 1` and `1 ≤ m ≤ n²`.
pub fn sample_observations<R: Rng + ?Sized>(
    n: usize,
    m: usize,
    rng: &mut R,
) -> Result<Vec<(usize, usize)>, DataError> {
    let total = n
        .checked_mul(n)
        .filter(|&t| t > 0)
        .ok_or_else(|| DataError::Invalid {
            what: "matrix size `n`",
            value: n.to_string(),
            allowed: "must be at least 1 with n² fitting in usize",
        })?;
    if m == 0 || m > total {
        return Err(DataError::Invalid {
            what: "number of observations `m`",
            value: m.to_string(),
            allowed: "must be between 1 and n²",
        });
    }
    let mut flat = rand::seq::index::sample(rng, total, m).into_vec();
    flat.sort_unstable();
    Ok(flat.into_iter().map(|k| (k / n, k % n)).collect())
}

/// A matrix-completion task: the truth `M`, the observed entries `Ω` and their 0/1 mask.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionTask {
    /// The ground truth `M`, `n × n`.
    pub truth: Array2<f64>,
    /// The observed entries `(row, column)`, distinct, in row-major order.
    pub observed: Vec<(usize, usize)>,
    /// `1` on observed entries, `0` elsewhere (`n × n`).
    pub mask: Array2<f64>,
}

/// Draws a task: the truth by [`low_rank_truth`], then `m` observations by
/// [`sample_observations`], from the same generator in that order.
///
/// # Errors
///
/// As [`low_rank_truth`] (unless `n ≥ 1` and `1 ≤ rank ≤ n`) and [`sample_observations`]
/// (unless `1 ≤ m ≤ n²`).
pub fn completion_task<R: Rng + ?Sized>(
    n: usize,
    rank: usize,
    m: usize,
    rng: &mut R,
) -> Result<CompletionTask, DataError> {
    let truth = low_rank_truth(n, rank, rng)?;
    let observed = sample_observations(n, m, rng)?;
    CompletionTask::new(truth, observed)
}

impl CompletionTask {
    /// Builds a task from a square, finite truth and a set of observed entries (sorted into
    /// row-major order).
    ///
    /// # Errors
    ///
    /// Returns an error on a non-square or empty truth, non-finite values, an entry out
    /// of range, a repeated entry or no entries.
    pub fn new(truth: Array2<f64>, mut observed: Vec<(usize, usize)>) -> Result<Self, DataError> {
        let (rows, cols) = truth.dim();
        if rows != cols || rows == 0 {
            return Err(DataError::Shape {
                what: "truth",
                expected: "n × n with n ≥ 1".into(),
                found: format!("{rows} × {cols}"),
            });
        }
        check_finite("truth", truth.iter())?;
        if observed.is_empty() {
            return Err(DataError::Invalid {
                what: "observed entries",
                value: "none".into(),
                allowed: "at least one entry must be observed",
            });
        }
        observed.sort_unstable();
        let mut mask = Array2::zeros((rows, cols));
        for &(i, j) in &observed {
            if i >= rows || j >= cols {
                return Err(DataError::Invalid {
                    what: "observed entry",
                    value: format!("({i}, {j})"),
                    allowed: "indices must be below n",
                });
            }
            if mask[[i, j]] != 0.0 {
                return Err(DataError::Invalid {
                    what: "observed entry",
                    value: format!("({i}, {j}) repeated"),
                    allowed: "entries must be distinct",
                });
            }
            mask[[i, j]] = 1.0;
        }
        Ok(Self {
            truth,
            observed,
            mask,
        })
    }

    /// The single-observation task of the paper's Fig. 3: an `n × n` truth that is `value` at
    /// the centre entry `(n/2, n/2)` (integer division: the exact centre for odd `n`) and zero
    /// elsewhere, with only that entry observed. Pass `value = 1.0` for the usual picture.
    ///
    /// # Errors
    ///
    /// Returns an error if `n = 0` or `value` is not finite.
    pub fn single_centre(n: usize, value: f64) -> Result<Self, DataError> {
        if n == 0 {
            return Err(DataError::Invalid {
                what: "matrix size `n`",
                value: "0".into(),
                allowed: "must be at least 1",
            });
        }
        if !value.is_finite() {
            return Err(DataError::NonFinite {
                what: "centre value",
                index: 0,
            });
        }
        let c = n / 2;
        let mut truth = Array2::zeros((n, n));
        truth[[c, c]] = value;
        Self::new(truth, vec![(c, c)])
    }

    /// The matrix size `n`.
    pub fn n(&self) -> usize {
        self.truth.nrows()
    }

    /// The relative reconstruction error `‖β − M‖²_F / ‖M‖²_F` over all entries.
    ///
    /// # Errors
    ///
    /// Returns an error if `β` is not `n × n` or `M = 0`.
    pub fn reconstruction_error(&self, beta: ArrayView2<'_, f64>) -> Result<f64, DataError> {
        if beta.dim() != self.truth.dim() {
            return Err(DataError::Shape {
                what: "estimate `beta`",
                expected: format!("{0} × {0}", self.n()),
                found: format!("{} × {}", beta.nrows(), beta.ncols()),
            });
        }
        let denominator = frobenius_squared(self.truth.view());
        if denominator == 0.0 {
            return Err(DataError::Degenerate {
                what: "truth",
                why: "the relative error needs a non-zero truth",
            });
        }
        let diff: f64 = beta
            .iter()
            .zip(&self.truth)
            .map(|(b, m)| (b - m) * (b - m))
            .sum();
        Ok(diff / denominator)
    }

    /// The reconstruction error of the *trivial* solution: the observed entries equal to the
    /// truth, every other entry at its value in `init` (where natural gradient descent stays,
    /// since its kernel is the identity). With `init = 0` this is `1 − Σ_Ω M²_ij / ‖M‖²_F`,
    /// about `1 − m/n²`.
    ///
    /// # Errors
    ///
    /// [`DataError::Shape`] if `init` is not `n × n`; [`DataError::Degenerate`] if `M = 0`.
    pub fn trivial_error(&self, init: ArrayView2<'_, f64>) -> Result<f64, DataError> {
        let mut fitted = init.to_owned();
        if fitted.dim() == self.truth.dim() {
            for &(i, j) in &self.observed {
                fitted[[i, j]] = self.truth[[i, j]];
            }
        }
        self.reconstruction_error(fitted.view())
    }
}

/// The effective rank `exp(−Σ_k p_k log p_k)` with `p = σ / Σσ` (Roy and Vetterli 2007; the
/// measure of Arora et al. 2019), with `0 log 0 = 0`. Equals `r` for `r` equal non-zero values.
///
/// # Errors
///
/// Returns an error if the list is empty, a value is negative or not finite, or all are zero.
pub fn effective_rank(singular_values: &[f64]) -> Result<f64, DataError> {
    check_finite("singular values", singular_values)?;
    if let Some(&bad) = singular_values.iter().find(|&&s| s < 0.0) {
        return Err(DataError::Invalid {
            what: "singular value",
            value: bad.to_string(),
            allowed: "must be ≥ 0",
        });
    }
    let total: f64 = singular_values.iter().sum();
    if total == 0.0 || !total.is_finite() {
        return Err(DataError::Degenerate {
            what: "singular values",
            why: "need at least one positive value and a finite sum",
        });
    }
    let entropy: f64 = singular_values
        .iter()
        .filter(|&&s| s > 0.0)
        .map(|&s| {
            let p = s / total;
            -p * p.ln()
        })
        .sum();
    Ok(entropy.exp())
}

fn frobenius_squared(a: ArrayView2<'_, f64>) -> f64 {
    a.iter().map(|v| v * v).sum()
}
