//! Dense brute-force references for the generic routes: the curvature `C = Jᵀ diag(S) J`
//! formed explicitly from the dense output Jacobian, then `pinv(C) ∇` (SVD, the same cut-off
//! `rcond · σ_max(C)`, `rcond = cutoff.rcond(P, P)`) or `(C + λI)⁻¹ ∇` (Cholesky). Slow
//! (`O(N P² + P³)`) and limited to weights that do not underflow (`|u| ≲ 700`); for tests.

use super::{Curvature, Samples};
use crate::FisherError;
use crate::linalg::{Cutoff, pinv, spd_solve};
use ndarray::{Array1, Array2, ArrayView1, Axis};
use ngd_models::logistic::loss_derivative;
use ngd_models::{Network, OutputLoss};

/// The dense curvature `C` (`P × P`) and gradient `∇_w L` of a network on `samples`.
///
/// # Errors
/// [`FisherError::Model`] when the network or the loss rejects the input.
pub fn dense_curvature<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
) -> Result<(Array2<f64>, Array1<f64>), FisherError> {
    let outputs = network.outputs(w, samples.x())?;
    let j = network.jacobian(w, samples.x())?;
    let loss = samples.loss();
    let output_gradient = loss.gradient(outputs.view(), samples.targets())?;
    let weights = match curvature {
        Curvature::Fisher => loss.fisher_weights(outputs.view(), samples.targets())?,
        Curvature::Empirical => {
            let n = samples.len() as f64;
            match loss {
                OutputLoss::Logistic => Array1::from_shape_fn(samples.len(), |k| {
                    let derivative = loss_derivative(samples.targets()[k] * outputs[k]);
                    derivative * derivative / n
                }),
                OutputLoss::Squared => output_gradient.mapv(|e| e * e),
            }
        }
    };
    let weighted_j = &j * &weights.view().insert_axis(Axis(1));
    Ok((j.t().dot(&weighted_j), j.t().dot(&output_gradient)))
}

/// The brute-force Moore–Penrose natural gradient `pinv(C) ∇` of a network.
///
/// # Errors
/// As [`dense_curvature`]; SVD failures.
pub fn dense_natural_gradient_generic<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
    cutoff: Cutoff,
) -> Result<Array1<f64>, FisherError> {
    let (c, gradient) = dense_curvature(network, w, samples, curvature)?;
    Ok(pinv(c.view(), cutoff)?.matrix.dot(&gradient))
}

/// The brute-force damped natural gradient `(C + λI)⁻¹ ∇` of a network (absolute `λ > 0`).
///
/// # Errors
/// As [`dense_curvature`]; [`FisherError::Singular`] when `λ` is below round-off.
pub fn dense_damped_natural_gradient<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
    lambda: f64,
) -> Result<Array1<f64>, FisherError> {
    let (mut c, gradient) = dense_curvature(network, w, samples, curvature)?;
    c.diag_mut().mapv_inplace(|x| x + lambda);
    spd_solve(
        c.view(),
        gradient.view(),
        Cutoff::numpy_default(),
        "dense damped curvature",
    )
}
