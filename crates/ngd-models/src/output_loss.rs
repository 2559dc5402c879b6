//! The losses a model's outputs are trained with, in output space, for the generic routes of
//! `ngd-fisher` and the generic step rules of `ngd-optim`.
//!
//! With outputs `s ∈ ℝ^N` (one scalar per sample) and targets `t ∈ ℝ^N`:
//!
//! - [`OutputLoss::Logistic`]: targets are labels `y ∈ {−1, +1}`, margins `u = y ⊙ s`,
//!   `L = (1/N) Σ_n log(1 + e^{−u_n})` (the paper's eq. 33–34 with a mean);
//!   `∂L/∂s_n = y_n ℓ'(u_n) / N`; the output Fisher (the Hessian of the negative
//!   log-likelihood in `s`) is `S = diag(φ(u) φ(−u)) / N` — diagonal (the paper's Lemma 1).
//! - [`OutputLoss::Squared`]: `L = ½ Σ_n (s_n − t_n)²` (the sum convention of matrix completion,
//!   so that a unit-variance Gaussian model gives `S = I`, the paper's Lemma 2);
//!   `∂L/∂s = s − t`.
//!
//! A parametrization's Fisher is then `F(w) = Jᵀ S J` with `J = ∂s/∂w` (`docs/math.md`).

use crate::ModelError;
use crate::logistic;
use crate::model::check_len;
use ndarray::{Array1, ArrayView1, Zip};

/// The loss on a model's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputLoss {
    /// Mean logistic loss on margins `u = y ⊙ s`, labels `y ∈ {−1, +1}`.
    Logistic,
    /// Summed squared loss `½ Σ (s − t)²`.
    Squared,
}

impl OutputLoss {
    /// Checks targets: finite, and `±1` for the logistic loss.
    ///
    /// # Errors
    /// [`ModelError::NonFinite`] or [`ModelError::Invalid`] naming the targets.
    pub fn check_targets(self, targets: ArrayView1<'_, f64>) -> Result<(), ModelError> {
        if targets.iter().any(|t| !t.is_finite()) {
            return Err(ModelError::NonFinite { what: "targets" });
        }
        if self == Self::Logistic {
            if let Some(bad) = targets.iter().find(|&&y| y != 1.0 && y != -1.0) {
                return Err(ModelError::Invalid {
                    what: "label",
                    value: bad.to_string(),
                    allowed: "labels of the logistic loss must be −1 or +1",
                });
            }
        }
        Ok(())
    }

    /// The loss value `L(s)`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when the lengths differ; target errors as [`Self::check_targets`].
    pub fn value(
        self,
        outputs: ArrayView1<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<f64, ModelError> {
        check_len("targets", outputs.len(), targets.len())?;
        self.check_targets(targets)?;
        Ok(match self {
            Self::Logistic => {
                let n = outputs.len().max(1) as f64;
                Zip::from(&outputs)
                    .and(&targets)
                    .fold(0.0, |acc, &s, &y| acc + logistic::loss(y * s))
                    / n
            }
            Self::Squared => {
                Zip::from(&outputs)
                    .and(&targets)
                    .fold(0.0, |acc, &s, &t| acc + (s - t) * (s - t))
                    / 2.0
            }
        })
    }

    /// The gradient `∂L/∂s ∈ ℝ^N`.
    ///
    /// # Errors
    /// As [`Self::value`].
    pub fn gradient(
        self,
        outputs: ArrayView1<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("targets", outputs.len(), targets.len())?;
        self.check_targets(targets)?;
        Ok(match self {
            Self::Logistic => {
                let n = outputs.len().max(1) as f64;
                Zip::from(&outputs)
                    .and(&targets)
                    .map_collect(|&s, &y| y * logistic::loss_derivative(y * s) / n)
            }
            Self::Squared => &outputs - &targets,
        })
    }

    /// The diagonal of the output Fisher `S` (length `N`): `φ(u)φ(−u)/N` (logistic), `1`
    /// (squared). Underflows to 0 for logistic margins `|u| ≳ 745`; routes that need the
    /// weights' ratios use [`logistic::log_fisher_weight`] instead.
    ///
    /// # Errors
    /// As [`Self::value`].
    pub fn fisher_weights(
        self,
        outputs: ArrayView1<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("targets", outputs.len(), targets.len())?;
        self.check_targets(targets)?;
        Ok(match self {
            Self::Logistic => {
                let n = outputs.len().max(1) as f64;
                Zip::from(&outputs)
                    .and(&targets)
                    .map_collect(|&s, &y| logistic::fisher_weight(y * s) / n)
            }
            Self::Squared => Array1::ones(outputs.len()),
        })
    }
}
