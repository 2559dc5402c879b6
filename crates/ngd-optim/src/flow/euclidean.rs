//! The Euclidean gradient flow (EGF) `dw/dt = −∇_w L(w)` of any network on a
//! [`NetworkProblem`], as a vector field for [`rk4`](super::rk4) and
//! [`dormand_prince`](super::dormand_prince) (the state is the flat parameter vector).

use crate::{NetworkProblem, OptimError};
use ndarray::Array1;
use ngd_models::Network;

/// The EGF vector field `w ↦ −∇_w L(w)` of `problem`.
///
/// The closure errors when the state has not `P` entries or the loss is not finite.
///
/// # Errors
///
/// The function itself does not fail; the returned closure errors as
/// [`NetworkProblem::loss_and_gradient`] does (e.g. a state without `P` entries) and with
/// [`OptimError::NonFinite`] when the loss is not finite.
pub fn euclidean_field<N: Network>(
    problem: &NetworkProblem<N>,
) -> impl FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, OptimError> + '_ {
    move |_t, w| {
        let (loss, gradient) = problem.loss_and_gradient(w.view())?;
        if !loss.is_finite() {
            return Err(OptimError::NonFinite {
                what: "loss along the Euclidean gradient flow",
            });
        }
        Ok(-gradient)
    }
}
