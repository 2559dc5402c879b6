//! Gradient-flow integration for the continuous-time dynamics EGF `dw/dt = −∇L(w)` and NGF
//! `dw/dt = −F(w)⁺ ∇L(w)`, over a flat state vector.
//!
//! The vector field is a closure `FnMut(t, &state) -> Result<Array1<f64>, E>` with
//! `E: Into<OptimError>`, so a field built on a Fisher solver can report a failed solve.
//! Both integrators record the state at requested times, adjusting their step sizes to land on
//! those times exactly:
//!
//! - [`rk4`]: the classical fixed-step fourth-order Runge–Kutta method (global error `O(h⁴)`);
//! - [`dormand_prince`]: the adaptive Dormand–Prince 5(4) embedded pair with error control.
//!
//! [`euclidean_field`] and [`natural_field`] are the EGF and NGF fields of any network on a
//! [`NetworkProblem`](crate::NetworkProblem) (NGF with any generic natural gradient).

mod dopri;
mod euclidean;
mod natural;
mod rk4;

pub use dopri::{DormandPrince, dormand_prince};
pub use euclidean::euclidean_field;
pub use natural::natural_field;
pub use rk4::rk4;

use crate::OptimError;
use ndarray::Array1;

/// States recorded at requested times.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// The recording times, as requested.
    pub times: Vec<f64>,
    /// The state at each recording time.
    pub states: Vec<Array1<f64>>,
    /// The number of vector-field evaluations spent.
    pub evaluations: usize,
}

/// Checks the start time and the recording times (finite, non-decreasing, none before `t0`).
fn validate_times(t0: f64, record_times: &[f64]) -> Result<(), OptimError> {
    if !t0.is_finite() {
        return Err(OptimError::Invalid {
            what: "flow start time",
            value: t0.to_string(),
            allowed: "finite",
        });
    }
    let mut previous = t0;
    for &t in record_times {
        if !(t.is_finite() && t >= previous) {
            return Err(OptimError::Invalid {
                what: "flow recording time",
                value: t.to_string(),
                allowed: "finite, non-decreasing and not before the start time",
            });
        }
        previous = t;
    }
    Ok(())
}

/// Evaluates the field, checking the shape and finiteness of its value.
fn evaluate<F, E>(field: &mut F, t: f64, y: &Array1<f64>) -> Result<Array1<f64>, OptimError>
where
    F: FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, E>,
    E: Into<OptimError>,
{
    let dy = field(t, y).map_err(Into::into)?;
    if dy.len() != y.len() {
        return Err(OptimError::Shape {
            what: "vector-field value",
            expected: format!("length {} (the state's)", y.len()),
            found: format!("length {}", dy.len()),
        });
    }
    if dy.iter().any(|v| !v.is_finite()) {
        return Err(OptimError::NonFinite {
            what: "vector-field value",
        });
    }
    Ok(dy)
}
