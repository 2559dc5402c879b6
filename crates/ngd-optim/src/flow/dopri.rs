//! The adaptive Dormand–Prince 5(4) method (Dormand & Prince 1980; Hairer, Nørsett & Wanner,
//! *Solving ODEs I*, §II.5, Table 5.2).
//!
//! Seven stages with the first-same-as-last property; the fifth-order solution is propagated
//! and the difference to the embedded fourth-order one estimates the local error. A step is
//! accepted when
//! `err = ( (1/n) Σ_i (e_i / (atol + rtol · max(|y_i|, |y_i^new|)))² )^{1/2} ≤ 1`,
//! and the next step is `h · min(5, max(0.2, 0.9 · err^{−1/5}))`. Steps are shortened to land
//! exactly on the recording times. The first step is `0.01 ‖y0‖/‖f(t0, y0)‖` (scaled norms),
//! or `10⁻⁶` when either norm is below `10⁻⁵`, capped to the span.

use super::{Trajectory, evaluate, validate_times};
use crate::OptimError;
use ndarray::{Array1, Zip};

const C: [f64; 6] = [1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0];
const A2: [f64; 1] = [1.0 / 5.0];
const A3: [f64; 2] = [3.0 / 40.0, 9.0 / 40.0];
const A4: [f64; 3] = [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0];
const A5: [f64; 4] = [
    19372.0 / 6561.0,
    -25360.0 / 2187.0,
    64448.0 / 6561.0,
    -212.0 / 729.0,
];
const A6: [f64; 5] = [
    9017.0 / 3168.0,
    -355.0 / 33.0,
    46732.0 / 5247.0,
    49.0 / 176.0,
    -5103.0 / 18656.0,
];
/// Fifth-order weights (also the seventh stage's coefficients).
const B: [f64; 6] = [
    35.0 / 384.0,
    0.0,
    500.0 / 1113.0,
    125.0 / 192.0,
    -2187.0 / 6784.0,
    11.0 / 84.0,
];
/// Fifth- minus fourth-order weights, `b − b̂`, for the seven stages.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Tolerances and limits of [`dormand_prince`].
///
/// Defaults (`DormandPrince::default()`): `rtol = 1e-8`, `atol = 1e-10`, `max_step = ∞` (no
/// cap), `max_attempts = 10⁶`. Edges: `rtol = atol = 0` or `max_step ≤ 0` is rejected by
/// [`dormand_prince`] ([`OptimError::Invalid`]); running out of attempts is
/// [`OptimError::NotConverged`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DormandPrince {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// The largest step allowed.
    pub max_step: f64,
    /// The largest number of attempted steps before giving up with
    /// [`OptimError::NotConverged`].
    pub max_attempts: usize,
}

impl Default for DormandPrince {
    /// `rtol = 1e-8`, `atol = 1e-10`, no step cap, 10⁶ attempts.
    fn default() -> Self {
        Self {
            rtol: 1e-8,
            atol: 1e-10,
            max_step: f64::INFINITY,
            max_attempts: 1_000_000,
        }
    }
}

/// `y + h Σ_j a_j k_j`.
fn combine(y: &Array1<f64>, h: f64, a: &[f64], k: &[Array1<f64>]) -> Array1<f64> {
    let mut out = y.clone();
    for (aj, kj) in a.iter().zip(k) {
        if *aj != 0.0 {
            out.scaled_add(h * aj, kj);
        }
    }
    out
}

/// Integrates `dy/dt = field(t, y)` from `(t0, y0)` with adaptive Dormand–Prince 5(4),
/// recording `y` at each of `record_times` (non-decreasing, `≥ t0`).
///
/// # Errors
///
/// [`OptimError::Invalid`] for a non-finite `t0`, recording times that are not finite,
/// non-decreasing and `≥ t0`, or tolerances outside `rtol, atol ≥ 0`, `rtol + atol > 0`,
/// `max_step > 0`; the field's own error (converted with `Into<OptimError>`);
/// [`OptimError::NotConverged`] after more than `max_attempts` step attempts;
/// [`OptimError::NonFinite`] when the step size stops being positive and finite (a non-finite
/// field value drives it there).
pub fn dormand_prince<F, E2>(
    mut field: F,
    t0: f64,
    y0: Array1<f64>,
    record_times: &[f64],
    options: DormandPrince,
) -> Result<Trajectory, OptimError>
where
    F: FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, E2>,
    E2: Into<OptimError>,
{
    validate_times(t0, record_times)?;
    let tolerances_ok =
        options.rtol >= 0.0 && options.atol >= 0.0 && options.rtol + options.atol > 0.0;
    if !tolerances_ok || options.max_step.is_nan() || options.max_step <= 0.0 {
        return Err(OptimError::Invalid {
            what: "Dormand–Prince tolerances",
            value: format!(
                "rtol {}, atol {}, max_step {}",
                options.rtol, options.atol, options.max_step
            ),
            allowed: "rtol, atol ≥ 0 with rtol + atol > 0; max_step > 0",
        });
    }
    let scaled_norm = |v: &Array1<f64>, y: &Array1<f64>, y2: &Array1<f64>| {
        let mut sum = 0.0;
        Zip::from(v).and(y).and(y2).for_each(|&e, &a, &b| {
            let scale = options.atol + options.rtol * a.abs().max(b.abs());
            sum += (e / scale).powi(2);
        });
        (sum / v.len().max(1) as f64).sqrt()
    };
    let mut y = y0;
    let mut t = t0;
    let mut k1 = evaluate(&mut field, t, &y)?;
    let mut evaluations = 1;
    let (d0, d1) = (scaled_norm(&y, &y, &y), scaled_norm(&k1, &y, &y));
    let mut h = if d0 < 1e-5 || d1 < 1e-5 {
        1e-6
    } else {
        0.01 * d0 / d1
    };
    h = h.min(options.max_step);
    let mut attempts = 0;
    let mut states = Vec::with_capacity(record_times.len());
    for &target in record_times {
        while t < target {
            attempts += 1;
            if attempts > options.max_attempts {
                return Err(OptimError::NotConverged {
                    what: "Dormand–Prince integration",
                    iterations: attempts - 1,
                    residual: target - t,
                });
            }
            let lands = t + h >= target;
            let step = if lands { target - t } else { h };
            let mut k = vec![k1.clone()];
            for (ci, a) in C[..5].iter().zip([&A2[..], &A3, &A4, &A5, &A6]) {
                let yi = combine(&y, step, a, &k);
                k.push(evaluate(&mut field, t + ci * step, &yi)?);
            }
            let y_new = combine(&y, step, &B, &k);
            let k7 = evaluate(&mut field, t + step, &y_new)?;
            evaluations += 6;
            k.push(k7);
            let mut error = Array1::zeros(y.len());
            for (ej, kj) in E.iter().zip(&k) {
                error.scaled_add(step * ej, kj);
            }
            let err = scaled_norm(&error, &y, &y_new);
            let factor = if err == 0.0 {
                5.0
            } else {
                (0.9 * err.powf(-0.2)).clamp(0.2, 5.0)
            };
            if err <= 1.0 {
                t = if lands { target } else { t + step };
                y = y_new;
                k1 = k.pop().expect("seven stages");
                // A landing step is at most the proposed `h`, which remains a valid proposal.
                if !lands {
                    h = (step * factor).min(options.max_step);
                }
            } else {
                h = step * factor;
            }
            if !(h > 0.0 && h.is_finite()) {
                return Err(OptimError::NonFinite {
                    what: "Dormand–Prince step size",
                });
            }
        }
        states.push(y.clone());
    }
    Ok(Trajectory {
        times: record_times.to_vec(),
        states,
        evaluations,
    })
}
