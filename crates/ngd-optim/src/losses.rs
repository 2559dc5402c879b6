//! Adapters over the fused loss-and-gradient passes of `ngd_models::logistic_loss` and
//! `ngd_models::squared_loss`.
//!
//! Those report a non-finite loss as `ModelError::NonFinite`. Inside a run that is divergence,
//! not a failure: the adapters turn it into a NaN loss, which the step rules pass on (without
//! moving the model) and the [`Executor`](crate::Executor) reports as
//! [`Stop::Diverged`](crate::Stop::Diverged). Every other model error stays an error.

use crate::OptimError;
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use ngd_models::{ModelError, logistic_loss, squared_loss};

/// `Ok(value)`, `Ok(NaN)` for a non-finite loss, or the error.
fn nan_if_non_finite(result: Result<f64, ModelError>) -> Result<f64, OptimError> {
    match result {
        Ok(value) => Ok(value),
        Err(ModelError::NonFinite { .. }) => Ok(f64::NAN),
        Err(other) => Err(other.into()),
    }
}

/// Mean logistic loss at `beta` and its gradient into `grad` (one pass over `X̃`).
pub(crate) fn logistic_value_and_gradient(
    xt: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    grad: ArrayViewMut1<'_, f64>,
) -> Result<f64, OptimError> {
    nan_if_non_finite(logistic_loss::value_and_gradient(xt, beta, grad))
}

/// [`logistic_value_and_gradient`] for the `K` rows of `betas` at once (one pass over `X̃`);
/// a non-finite loss of any model makes every entry of `losses` NaN.
pub(crate) fn logistic_batch_value_and_gradient(
    xt: ArrayView2<'_, f64>,
    betas: ArrayView2<'_, f64>,
    grads: ArrayViewMut2<'_, f64>,
    losses: &mut [f64],
) -> Result<(), OptimError> {
    match logistic_loss::batch_value_and_gradient(xt, betas, grads, losses) {
        Ok(()) => Ok(()),
        Err(ModelError::NonFinite { .. }) => {
            losses.fill(f64::NAN);
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// Mean logistic loss at `beta` (allocates the margins; for observations, not inner loops).
pub(crate) fn logistic_value(
    xt: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
) -> Result<f64, OptimError> {
    let mut margins = ndarray::Array1::zeros(xt.nrows());
    logistic_loss::margins_into(xt, beta, margins.view_mut())?;
    Ok(logistic_loss::mean_loss(margins.view()))
}

/// Squared loss `½ Σ_Ω (β − M)²` and its gradient `mask ⊙ (β − M)` into `grad`.
pub(crate) fn squared_value_and_gradient(
    beta: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    mask: ArrayView2<'_, f64>,
    grad: ArrayViewMut2<'_, f64>,
) -> Result<f64, OptimError> {
    nan_if_non_finite(squared_loss::value_and_gradient(beta, target, mask, grad))
}
