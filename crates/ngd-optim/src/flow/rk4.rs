//! The classical fourth-order Runge–Kutta method with a fixed step.
//!
//! One step of size `h` from `(t, y)`:
//! `k1 = f(t, y)`, `k2 = f(t + h/2, y + h k1/2)`, `k3 = f(t + h/2, y + h k2/2)`,
//! `k4 = f(t + h, y + h k3)`, `y ← y + h (k1 + 2 k2 + 2 k3 + k4) / 6`.
//! Local error `O(h⁵)`, global error `O(h⁴)` for smooth fields.
//!
//! Each interval between consecutive recording times `[τ_j, τ_{j+1}]` is split into
//! `n = ⌈(τ_{j+1} − τ_j) / max_step⌉` equal steps, so every recording time is hit exactly and no
//! step exceeds `max_step`.

use super::{Trajectory, evaluate, validate_times};
use crate::OptimError;
use ndarray::Array1;

/// Integrates `dy/dt = field(t, y)` from `(t0, y0)` with fixed-step RK4, recording `y` at each
/// of `record_times` (non-decreasing, `≥ t0`; a time equal to `t0` records `y0`).
///
/// # Errors
///
/// Returns an error on bad times or step, a field error, or a non-finite field value.
pub fn rk4<F, E>(
    mut field: F,
    t0: f64,
    y0: Array1<f64>,
    record_times: &[f64],
    max_step: f64,
) -> Result<Trajectory, OptimError>
where
    F: FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, E>,
    E: Into<OptimError>,
{
    validate_times(t0, record_times)?;
    if !(max_step.is_finite() && max_step > 0.0) {
        return Err(OptimError::Invalid {
            what: "RK4 maximum step",
            value: max_step.to_string(),
            allowed: "finite and positive",
        });
    }
    let mut y = y0;
    let mut t = t0;
    let mut states = Vec::with_capacity(record_times.len());
    let mut evaluations = 0;
    for &target in record_times {
        let span = target - t;
        let n = (span / max_step).ceil() as usize;
        let h = if n > 0 { span / n as f64 } else { 0.0 };
        for i in 0..n {
            let ti = t + i as f64 * h;
            let k1 = evaluate(&mut field, ti, &y)?;
            let k2 = evaluate(&mut field, ti + 0.5 * h, &(&y + &(&k1 * (0.5 * h))))?;
            let k3 = evaluate(&mut field, ti + 0.5 * h, &(&y + &(&k2 * (0.5 * h))))?;
            let k4 = evaluate(&mut field, ti + h, &(&y + &(&k3 * h)))?;
            evaluations += 4;
            let increment = (&k1 + &(&k2 * 2.0) + &(&k3 * 2.0) + &k4) * (h / 6.0);
            y += &increment;
        }
        t = target;
        states.push(y.clone());
    }
    Ok(Trajectory {
        times: record_times.to_vec(),
        states,
        evaluations,
    })
}
