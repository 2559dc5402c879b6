//! The sparse Gaussian classification task of the paper's Fig. 4 (`D = 1000`, 20 non-zeros)
//! and Fig. 6 (`D = 50`, 5 non-zeros).
//!
//! Inputs are i.i.d. standard Gaussian, the teacher is `β* = (1, …, 1, 0, …, 0)` with its first
//! `sparsity` entries equal to one, and the labels are `y = sign(X β*)`. A row with
//! `x_nᵀ β* = 0` exactly (a probability-zero event) is labelled `+1`.

use crate::{Classification, DataError, gaussian_matrix};
use ndarray::{Array1, Array2};
use rand::Rng;

/// Sizes of a sparse Gaussian task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparseGaussianSpec {
    /// The number of features `D` (at least 1).
    pub dim: usize,
    /// The number of non-zero teacher entries (between 1 and `dim`).
    pub sparsity: usize,
    /// The number of training samples (at least 1).
    pub n_train: usize,
    /// The number of test samples (at least 1).
    pub n_test: usize,
}

impl SparseGaussianSpec {
    /// Checks `dim ≥ 1`, `1 ≤ sparsity ≤ dim`, `n_train ≥ 1`, `n_test ≥ 1`; the error names the
    /// first field that fails.
    ///
    /// # Errors
    ///
    /// [`DataError::Invalid`] naming the first field that fails.
    pub fn validate(&self) -> Result<(), DataError> {
        let invalid = |what, value: usize, allowed| {
            Err(DataError::Invalid {
                what,
                value: value.to_string(),
                allowed,
            })
        };
        if self.dim == 0 {
            return invalid("`dim`", self.dim, "must be at least 1");
        }
        if self.sparsity == 0 || self.sparsity > self.dim {
            return invalid("`sparsity`", self.sparsity, "must be between 1 and `dim`");
        }
        if self.n_train == 0 {
            return invalid("`n_train`", self.n_train, "must be at least 1");
        }
        if self.n_test == 0 {
            return invalid("`n_test`", self.n_test, "must be at least 1");
        }
        Ok(())
    }
}

/// A drawn sparse Gaussian task: training set, test set and the teacher `β*`.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseGaussianTask {
    /// The training set, `n_train × dim`.
    pub train: Classification,
    /// The test set, `n_test × dim`.
    pub test: Classification,
    /// The teacher: first `sparsity` entries 1, the rest 0.
    pub beta_star: Array1<f64>,
}

/// Draws a sparse Gaussian task.
///
/// Draw order (fixed, so one seed gives bit-identical data): the training inputs row by row,
/// then the test inputs row by row, `(n_train + n_test) · dim` standard normal draws in all (see
/// [`gaussian_matrix`]). Labels are computed, not drawn.
///
/// # Errors
///
/// [`DataError::Invalid`] if the spec fails [`SparseGaussianSpec::validate`] (naming the
/// first field out of range).
pub fn sparse_gaussian<R: Rng + ?Sized>(
    spec: &SparseGaussianSpec,
    rng: &mut R,
) -> Result<SparseGaussianTask, DataError> {
    spec.validate()?;
    let beta_star = Array1::from_shape_fn(spec.dim, |i| if i < spec.sparsity { 1.0 } else { 0.0 });
    let x_train = gaussian_matrix(spec.n_train, spec.dim, 1.0, rng)?;
    let x_test = gaussian_matrix(spec.n_test, spec.dim, 1.0, rng)?;
    Ok(SparseGaussianTask {
        train: label_by_teacher(x_train, spec.sparsity),
        test: label_by_teacher(x_test, spec.sparsity),
        beta_star,
    })
}

/// Labels `y_n = sign(Σ_{i < sparsity} x_{n,i})`, with `+1` for an exact zero.
fn label_by_teacher(x: Array2<f64>, sparsity: usize) -> Classification {
    let y = x
        .rows()
        .into_iter()
        .map(|row| {
            let score: f64 = row.iter().take(sparsity).sum();
            if score >= 0.0 { 1.0 } else { -1.0 }
        })
        .collect();
    Classification { x, y }
}
