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
        if self == Self::Logistic
            && let Some(bad) = targets.iter().find(|&&y| y != 1.0 && y != -1.0)
        {
            return Err(ModelError::Invalid {
                what: "label",
                value: bad.to_string(),
                allowed: "labels of the logistic loss must be −1 or +1",
            });
        }
        Ok(())
    }

    /// Checks that outputs and targets have one length and that the targets fit the loss.
    fn check_pair(
        self,
        outputs: ArrayView1<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<(), ModelError> {
        check_len("targets", outputs.len(), targets.len())?;
        self.check_targets(targets)
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
        self.check_pair(outputs, targets)?;
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
        self.check_pair(outputs, targets)?;
        Ok(match self {
            Self::Logistic => per_sample_mean(outputs, targets, |s, y| {
                y * logistic::loss_derivative(y * s)
            }),
            Self::Squared => &outputs - &targets,
        })
    }

    /// The loss and its gradient divided by the loss, `(L, ∇_s L / L)` — the direction of the
    /// loss-normalized step `η_t = η / L(w_t)` — representable after `L` underflows.
    ///
    /// Logistic: `(∇_s L / L)_n = y_n e^c ℓ'(u_n) / Σ_m e^c ℓ(u_m)` with the shift
    /// `c = max(0, min_n u_n)` ([`logistic::shifted_loss_and_derivative`]), finite for any finite
    /// margins; `L` itself is returned as computed (0 once it underflows). Non-finite outputs
    /// give a NaN loss and direction. Squared: `(s − t) / L`.
    ///
    /// # Errors
    /// As [`Self::value`]; [`ModelError::Invalid`] for the squared loss when `L` is below the
    /// smallest normal number (an exact fit has no loss-normalized direction).
    pub fn normalized_gradient(
        self,
        outputs: ArrayView1<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<(f64, Array1<f64>), ModelError> {
        let value = self.value(outputs, targets)?;
        match self {
            Self::Logistic => {
                let margins = &outputs * &targets;
                let shift = margins
                    .iter()
                    .fold(f64::INFINITY, |m, &u| m.min(u))
                    .max(0.0);
                let (mut total, mut direction) = (0.0, Array1::zeros(outputs.len()));
                Zip::from(&mut direction)
                    .and(&margins)
                    .and(&targets)
                    .for_each(|g, &u, &y| {
                        let (l, d) = logistic::shifted_loss_and_derivative(u, shift);
                        total += l;
                        *g = y * d;
                    });
                Ok((value, direction / total))
            }
            Self::Squared => {
                if value.is_nan() || value < f64::MIN_POSITIVE {
                    return Err(ModelError::Invalid {
                        what: "squared loss for the loss-normalized gradient",
                        value: format!("{value:e}"),
                        allowed: "at least the smallest normal number (no direction at an exact fit)",
                    });
                }
                Ok((value, (&outputs - &targets) / value))
            }
        }
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
        self.check_pair(outputs, targets)?;
        Ok(match self {
            Self::Logistic => {
                per_sample_mean(outputs, targets, |s, y| logistic::fisher_weight(y * s))
            }
            Self::Squared => Array1::ones(outputs.len()),
        })
    }
}

/// `f(s_n, y_n) / N` for every sample (the mean convention of the logistic loss).
fn per_sample_mean(
    outputs: ArrayView1<'_, f64>,
    targets: ArrayView1<'_, f64>,
    f: impl Fn(f64, f64) -> f64,
) -> Array1<f64> {
    let n = outputs.len().max(1) as f64;
    Zip::from(&outputs)
        .and(&targets)
        .map_collect(|&s, &y| f(s, y) / n)
}
