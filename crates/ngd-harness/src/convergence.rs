//! The one definition of a converged run, per loss, so that every experiment, plot and claim
//! calls the same runs converged. A run records the [`Convergence`] it reached.
//!
//! - **Mean logistic loss** `L = (1/N) Σ_n ln(1 + e^{−u_n})` over `N` training samples
//!   (margins `u_n`): converged ⇔ `L < ln 2 / N`. A sample with margin `u_n ≤ 0` alone
//!   contributes `ln(1 + e^{−u_n}) / N ≥ ln 2 / N`, so below that level every training sample is
//!   classified correctly (zero training error); the level does not depend on the data's scale.
//! - **Squared loss on observed entries** `½ Σ_Ω (β − M)²`: converged ⇔ the relative residual
//!   `Σ_Ω (β − M)² / Σ_Ω M²` is at most [`SQUARED_RELATIVE_TOLERANCE`] `= 10⁻⁵`, independent of
//!   the data's scale. The level sits a factor 10 outside the matrix-completion literature's
//!   stopping rule (Arora et al. 2019: mean squared error over `Ω` at most `10⁻⁶` on targets of
//!   root-mean-square 1, i.e. a relative residual near `10⁻⁶`), so a run stopped by that rule
//!   counts as converged and one stopped by its step budget well above it does not.

use serde::{Deserialize, Serialize};

/// The relative residual below which a squared-loss fit counts as converged.
pub const SQUARED_RELATIVE_TOLERANCE: f64 = 1e-5;

/// The loss a run minimizes, with what its convergence level depends on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "loss", rename_all = "snake_case")]
pub enum Loss {
    /// Mean logistic loss over `samples` training samples.
    Logistic {
        /// `N ≥ 1`.
        samples: usize,
    },
    /// `½ Σ_Ω (β − M)²`, judged relative to `Σ_Ω M²`.
    Squared {
        /// `Σ_Ω M² > 0`, the squared norm of the observed targets.
        target_sq_norm: f64,
    },
}

/// Whether a run converged, with the numbers that decided it (recorded in the run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convergence {
    /// The verdict.
    pub converged: bool,
    /// The criterion, in words, e.g. `mean logistic loss < ln 2 / N`.
    pub criterion: String,
    /// The measured quantity (the loss, or the relative residual).
    pub value: f64,
    /// Its threshold.
    pub threshold: f64,
}

impl Loss {
    /// Judges a final loss: the mean logistic loss, or `½ Σ_Ω (β − M)²`. A non-finite loss, or
    /// a degenerate `N = 0` / `Σ_Ω M² ≤ 0`, never counts as converged.
    pub fn judge(self, final_loss: f64) -> Convergence {
        let (criterion, value, threshold) = match self {
            Loss::Logistic { samples } => (
                "mean logistic loss < ln 2 / N".to_string(),
                final_loss,
                if samples == 0 {
                    f64::NAN
                } else {
                    std::f64::consts::LN_2 / samples as f64
                },
            ),
            Loss::Squared { target_sq_norm } => (
                format!("Σ_Ω (β − M)² / Σ_Ω M² ≤ {SQUARED_RELATIVE_TOLERANCE:e}"),
                2.0 * final_loss / target_sq_norm,
                SQUARED_RELATIVE_TOLERANCE,
            ),
        };
        let converged = match self {
            Loss::Logistic { .. } => value < threshold,
            Loss::Squared { .. } => value <= threshold,
        };
        Convergence {
            converged: converged && value.is_finite() && threshold.is_finite(),
            criterion,
            value,
            threshold,
        }
    }
}

/// How many of a set of runs converged, for a figure's caption and the claims built on them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Runs counted.
    pub total: usize,
    /// Runs that did not converge.
    pub unconverged: usize,
    /// The criterion of the first run counted (all runs of one tally share their loss).
    pub criterion: Option<String>,
}

impl Tally {
    /// The tally of `runs`.
    pub fn of<'a>(runs: impl IntoIterator<Item = &'a Convergence>) -> Self {
        let mut t = Self::default();
        for c in runs {
            t.add(c);
        }
        t
    }

    /// Counts one run.
    pub fn add(&mut self, c: &Convergence) {
        self.total += 1;
        self.unconverged += usize::from(!c.converged);
        if self.criterion.is_none() {
            self.criterion = Some(c.criterion.clone());
        }
    }

    /// The caption sentence: `k of n runs did not converge within the budget (hollow
    /// markers; criterion …).`, or that all converged.
    pub fn caption(&self) -> String {
        let criterion = self.criterion.as_deref().unwrap_or("none");
        if self.unconverged > 0 {
            format!(
                "{} of {} runs did not converge within the budget (hollow markers; criterion: {criterion}).",
                self.unconverged, self.total
            )
        } else {
            format!(
                "All {} runs converged (criterion: {criterion}).",
                self.total
            )
        }
    }

    /// Appends to every claim's reason that it is built on unconverged runs, when some are.
    pub fn mark_claims(&self, claims: &mut [crate::experiment::Claim]) {
        if self.unconverged == 0 {
            return;
        }
        for claim in claims {
            claim.reason.push_str(&format!(
                "; built on runs of which {} of {} did not converge within the budget",
                self.unconverged, self.total
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_logistic(margins: &[f64]) -> f64 {
        margins.iter().map(|u| (-u).exp().ln_1p()).sum::<f64>() / margins.len() as f64
    }

    #[test]
    fn logistic_convergence_implies_zero_training_error() {
        // One sample on the boundary keeps the mean loss at or above ln 2 / N, however large
        // the other margins are.
        let mut margins = vec![1e3; 9];
        margins.push(0.0);
        assert!(
            !Loss::Logistic { samples: 10 }
                .judge(mean_logistic(&margins))
                .converged
        );
        // All margins ≥ 5: loss ≈ e^{-5} ≈ 0.0067 < ln 2 / 10 ≈ 0.069.
        let separated = vec![5.0; 10];
        let c = Loss::Logistic { samples: 10 }.judge(mean_logistic(&separated));
        assert!(c.converged, "{c:?}");
        assert!(!Loss::Logistic { samples: 0 }.judge(0.0).converged);
        assert!(!Loss::Logistic { samples: 3 }.judge(f64::NAN).converged);
    }

    #[test]
    fn a_tally_counts_and_marks_claims() {
        let loss = Loss::Logistic { samples: 4 };
        let runs = [loss.judge(0.01), loss.judge(0.5), loss.judge(0.02)];
        let t = Tally::of(&runs);
        assert_eq!((t.total, t.unconverged), (3, 1));
        assert!(
            t.caption().starts_with("1 of 3 runs did not converge"),
            "{}",
            t.caption()
        );
        let mut claims = vec![crate::experiment::Claim {
            claim: "c".into(),
            measured: "m".into(),
            verdict: crate::experiment::Verdict::Reproduced,
            reason: "r".into(),
        }];
        t.mark_claims(&mut claims);
        assert!(claims[0].reason.contains("1 of 3 did not converge"));
        let all = Tally::of(&runs[..1]);
        all.mark_claims(&mut claims[..0]);
        assert!(all.caption().starts_with("All 1 runs converged"));
    }

    #[test]
    fn squared_convergence_is_relative_to_the_targets() {
        // Relative residual 1e-13 on targets of squared norm 1 and 1e20: the same fit.
        let small = Loss::Squared {
            target_sq_norm: 1.0,
        }
        .judge(0.5 * 1e-13);
        let large = Loss::Squared {
            target_sq_norm: 1e20,
        }
        .judge(0.5 * 1e7);
        assert!(small.converged && large.converged, "{small:?} {large:?}");
        assert_eq!(small.value, 1e-13);
        assert!(
            !Loss::Squared {
                target_sq_norm: 1.0
            }
            .judge(0.5e-4)
            .converged
        );
        assert!(
            !Loss::Squared {
                target_sq_norm: 0.0
            }
            .judge(0.0)
            .converged
        );
    }
}
