//! Per-sample weights and targets in output space, in log form: the curvature is
//! `Jᵀ diag(S) J`, the gradient `Jᵀ diag(S) r`, and both are carried as `log S_n`,
//! `sign(r_n)`, `log |r_n|` so that no route forms a weight where it underflows or a target
//! where it overflows (see the module docs of [`crate::generic`]).

use super::{Curvature, Samples};
use crate::FisherError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use ngd_models::OutputLoss;
use ngd_models::logistic::{log_fisher_weight, loss as softplus_of_negative};

/// Weights `S_n` and targets `r_n` of one curvature matrix, in log form.
#[derive(Debug, Clone)]
pub(crate) struct OutputWeights {
    /// `log S_n` (`−∞` for a zero weight).
    log_weight: Array1<f64>,
    /// `sign(r_n) ∈ {−1, 0, 1}`.
    sign: Array1<f64>,
    /// `log |r_n|` (`±∞` allowed where the weight is zero).
    log_abs_target: Array1<f64>,
    /// `log c = max_n log S_n`.
    log_scale: f64,
}

impl OutputWeights {
    /// The weights and targets of `curvature` at the outputs `s`.
    ///
    /// Fisher: logistic `log S = log(φ(u)φ(−u)) − log N`, `r = −y (1 + e^{−u})`; squared
    /// `S = 1`, `r = s − t`. Empirical Fisher: logistic `log S = −2 ℓ(−u) − log N`
    /// (`S = ℓ'(u)²/N`), `r = −y (1 + e^{u})`; squared `S = (s − t)²`, `r = 1/(s − t)`.
    ///
    /// # Errors
    /// [`FisherError::NonFinite`] when an output is not finite or every weight is zero.
    pub(crate) fn new(
        outputs: ArrayView1<'_, f64>,
        samples: &Samples<'_>,
        curvature: Curvature,
    ) -> Result<Self, FisherError> {
        if outputs.iter().any(|s| !s.is_finite()) {
            return Err(FisherError::NonFinite {
                what: "model outputs s",
            });
        }
        let n = samples.len();
        let log_n = (n as f64).ln();
        let mut log_weight = Array1::zeros(n);
        let mut sign = Array1::zeros(n);
        let mut log_abs_target = Array1::zeros(n);
        for (k, (&s, &t)) in outputs.iter().zip(samples.targets()).enumerate() {
            let (lw, sg, lr) = match (samples.loss(), curvature) {
                (OutputLoss::Logistic, Curvature::Fisher) => {
                    let u = t * s;
                    (log_fisher_weight(u) - log_n, -t, softplus_of_negative(u))
                }
                (OutputLoss::Logistic, Curvature::Empirical) => {
                    let u = t * s;
                    (
                        -2.0 * softplus_of_negative(-u) - log_n,
                        -t,
                        softplus_of_negative(-u),
                    )
                }
                (OutputLoss::Squared, Curvature::Fisher) => {
                    let e = s - t;
                    (0.0, signum(e), e.abs().ln())
                }
                (OutputLoss::Squared, Curvature::Empirical) => {
                    let e = s - t;
                    (2.0 * e.abs().ln(), signum(e), -e.abs().ln())
                }
            };
            log_weight[k] = lw;
            sign[k] = sg;
            log_abs_target[k] = lr;
        }
        let log_scale = log_weight.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !log_scale.is_finite() {
            return Err(FisherError::NonFinite {
                what: "curvature weights (every per-sample weight is zero)",
            });
        }
        Ok(Self {
            log_weight,
            sign,
            log_abs_target,
            log_scale,
        })
    }

    /// `log c`, the log of the largest weight (`F = c ÂᵀÂ`).
    pub(crate) fn log_scale(&self) -> f64 {
        self.log_scale
    }

    /// The number of samples.
    pub(crate) fn len(&self) -> usize {
        self.log_weight.len()
    }

    /// `√ŵ_n = exp(½ (log S_n − log c)) ∈ [0, 1]`.
    pub(crate) fn sqrt_scaled_weights(&self) -> Array1<f64> {
        self.log_weight
            .mapv(|lw| (0.5 * (lw - self.log_scale)).exp())
    }

    /// `log S_n` (`−∞` for a zero weight).
    pub(crate) fn log_weights(&self) -> &Array1<f64> {
        &self.log_weight
    }

    /// `ŵ ⊙ r = sign(r) exp(log ŵ + log|r|)` (zero where the weight is zero), so that
    /// `∇ = c Jᵀ (ŵ ⊙ r)`.
    ///
    /// # Errors
    /// [`FisherError::NonFinite`] when a product overflows (the output gradient over `c`
    /// beyond `e^{709}`).
    pub(crate) fn weighted_targets(&self) -> Result<Array1<f64>, FisherError> {
        let out = Array1::from_shape_fn(self.len(), |k| {
            let lw = self.log_weight[k];
            if lw == f64::NEG_INFINITY || self.sign[k] == 0.0 {
                0.0
            } else {
                self.sign[k] * (lw - self.log_scale + self.log_abs_target[k]).exp()
            }
        });
        if out.iter().any(|x| !x.is_finite()) {
            return Err(FisherError::NonFinite {
                what: "output gradient ŵ r",
            });
        }
        Ok(out)
    }

    /// The weight-free targets `r` (for the kernel route), or `None` when one is not finite
    /// (a weight is zero there, or it overflows).
    pub(crate) fn targets(&self) -> Option<Array1<f64>> {
        let r = Array1::from_shape_fn(self.len(), |k| {
            if self.log_weight[k] == f64::NEG_INFINITY {
                f64::NAN
            } else {
                self.sign[k] * self.log_abs_target[k].exp()
            }
        });
        r.iter().all(|x| x.is_finite()).then_some(r)
    }
}

/// `sign(x)` with `sign(0) = 0`.
fn signum(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x.signum() }
}

/// `diag(v) M`: scales the rows of `m` by `v`.
pub(crate) fn scale_rows(m: ArrayView2<'_, f64>, v: ArrayView1<'_, f64>) -> Array2<f64> {
    &m * &v.insert_axis(Axis(1))
}
