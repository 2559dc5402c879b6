//! The two training problems of the paper: logistic classification on signed data
//! `X̃ = diag(y) X` (§3, eq. 33–34) and matrix completion with the squared loss on observed
//! entries (§4, following Arora et al. 2019).

use crate::OptimError;
use ndarray::{Array2, ArrayView1, ArrayView2, Zip};
use ngd_fisher::SignedData;
use ngd_models::aligned_rows::{cache_aligned, into_cache_aligned};

/// Binary classification with the mean logistic loss `L(β) = (1/N) Σ_n log(1 + e^{−u_n})` on
/// the margins `u = X̃ β`, where `X̃ = diag(y) X` (labels folded into the data).
///
/// `X̃` is kept in a [`cache_aligned`] copy (rows in standard layout from a cache-line
/// boundary), which the fused logistic passes read faster; clones are aligned again.
#[derive(Debug, PartialEq)]
pub struct ClassificationProblem {
    xt: Array2<f64>,
}

impl Clone for ClassificationProblem {
    fn clone(&self) -> Self {
        Self {
            xt: cache_aligned(self.xt.view()),
        }
    }
}

impl ClassificationProblem {
    /// Wraps signed data `X̃ = diag(y) X` (`N × D`).
    ///
    /// Nothing can check that the labels were folded in: raw inputs `X` passed here train as if
    /// every label were `+1`. Prefer [`ClassificationProblem::from_labels`], or build the
    /// problem from an [`ngd_fisher::SignedData`] (`ClassificationProblem::from(data)`).
    ///
    /// # Errors
    ///
    /// [`OptimError::Fisher`] wrapping [`FisherError::Shape`](ngd_fisher::FisherError::Shape)
    /// if `N = 0` or `D = 0`, or
    /// [`FisherError::NonFinite`](ngd_fisher::FisherError::NonFinite) if an entry is not finite.
    pub fn new(xt: Array2<f64>) -> Result<Self, OptimError> {
        Ok(SignedData::from_signed(xt)?.into())
    }

    /// Builds `X̃ = diag(y) X` from data `X` (`N × D`) and labels `y ∈ {−1, +1}^N` (by
    /// [`SignedData::from_labels`]).
    ///
    /// # Errors
    ///
    /// [`OptimError::Fisher`] wrapping the error of [`SignedData::from_labels`]: a shape error if
    /// `len(y) ≠ N`, `N = 0` or `D = 0`, an invalid-value error naming the first label that is
    /// not exactly `±1`, or a non-finite error if `X` has a NaN or infinite entry.
    pub fn from_labels(x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<Self, OptimError> {
        Ok(SignedData::from_labels(x, y)?.into())
    }

    /// The signed data `X̃`, `N × D`.
    pub fn xt(&self) -> ArrayView2<'_, f64> {
        self.xt.view()
    }

    /// The number of samples `N`.
    pub fn samples(&self) -> usize {
        self.xt.nrows()
    }

    /// The number of features `D`.
    pub fn dim(&self) -> usize {
        self.xt.ncols()
    }
}

impl From<SignedData> for ClassificationProblem {
    /// The problem on already validated signed data (built from `(X, y)` or explicitly
    /// `SignedData::from_signed`).
    fn from(data: SignedData) -> Self {
        Self {
            xt: into_cache_aligned(data.into_inner()),
        }
    }
}

/// Matrix completion with the squared loss `L(β) = ½ Σ_{(i,j)∈Ω} (β_ij − M_ij)²` on the
/// observed entries `Ω`; its gradient is `∇_β L = P_Ω(β − M)` (mask ⊙ (β − M)).
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionProblem {
    target: Array2<f64>,
    mask: Array2<f64>,
}

impl CompletionProblem {
    /// Wraps a target `M` and a mask of the same shape with entries `1` (observed) or `0`.
    /// Unobserved target entries are ignored (they may be anything finite).
    ///
    /// # Errors
    ///
    /// Returns an error on a shape mismatch, a mask entry other than 0 or 1, or a non-finite target.
    pub fn new(target: Array2<f64>, mask: Array2<f64>) -> Result<Self, OptimError> {
        if target.dim() != mask.dim() || target.is_empty() {
            return Err(OptimError::Shape {
                what: "completion mask",
                expected: format!("non-empty and equal to the target's {:?}", target.dim()),
                found: format!("{:?}", mask.dim()),
            });
        }
        if let Some(bad) = mask.iter().find(|&&m| m != 0.0 && m != 1.0) {
            return Err(OptimError::Invalid {
                what: "completion mask entry",
                value: bad.to_string(),
                allowed: "0 (unobserved) or 1 (observed)",
            });
        }
        let mut bad_target = false;
        Zip::from(&target).and(&mask).for_each(|&t, &m| {
            bad_target |= m == 1.0 && !t.is_finite();
        });
        if bad_target {
            return Err(OptimError::NonFinite {
                what: "observed target entries",
            });
        }
        Ok(Self { target, mask })
    }

    /// The target `M`.
    pub fn target(&self) -> ArrayView2<'_, f64> {
        self.target.view()
    }

    /// The observation mask (1 observed, 0 unobserved).
    pub fn mask(&self) -> ArrayView2<'_, f64> {
        self.mask.view()
    }

    /// The number of observed entries `|Ω|`.
    pub fn observed(&self) -> usize {
        self.mask.iter().filter(|&&m| m == 1.0).count()
    }
}
