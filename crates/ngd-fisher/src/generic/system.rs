//! The output Jacobian of a model on data and its weighted, QR-reduced form.
//!
//! A network gives a dense `J = ∂s/∂w` (`N × P`); a parametrization gives the factored
//! `J = X J_β` (`X`: `N × D`, `J_β = ∂β/∂w`: `D × P`), whose rank is at most `min(N, D, P)`.
//! With the scaled weights `Ŵ` (see [`super::weights`]) and `Â = Ŵ^{1/2} J`, the reduction
//! keeps `F = c ÃᵀÃ` with an `m × P` matrix `Ã`, `m = min(N, rank bound)`:
//!
//! - factored with `D < N`: Householder QR `Ŵ^{1/2} X = Q R_X`, `Ã = R_X J_β`;
//! - otherwise with `P < N`: `Â = Q R`, `Ã = R`;
//! - otherwise `Ã = Â`.
//!
//! Since `Q` has orthonormal columns, `(QÃ)ᵀ(QÃ) = ÃᵀÃ` for any rank, and the routes apply
//! (cut or damped) inverses of `ÃᵀÃ` to `∇/c = Jᵀ(ŵ ⊙ r)` (never to `Qᵀ b̂`): the reduction
//! changes no natural gradient.

use super::weights::{OutputWeights, scale_rows};
use super::{Curvature, Samples};
use crate::FisherError;
use ndarray::{Array1, Array2, ArrayView1};
use ndarray_linalg::QR;
use ngd_models::{Network, Parametrization};

/// The output Jacobian of a model on data.
#[derive(Debug, Clone)]
pub(crate) enum OutputJacobian {
    /// A dense `N × P` Jacobian (any network).
    Dense(Array2<f64>),
    /// `J = X J_β` (a model linear in its input).
    Factored {
        /// The inputs, `N × D`.
        x: Array2<f64>,
        /// `∂β/∂w`, `D × P`.
        j_beta: Array2<f64>,
    },
}

/// A weighted system `F = c ÃᵀÃ` (the gradient is taken as `∇ = c Jᵀ(ŵ ⊙ r)` directly).
#[derive(Debug, Clone)]
pub(crate) struct Reduced {
    /// `Ã`, `m × P`.
    pub a: Array2<f64>,
}

impl OutputJacobian {
    /// The number of samples `N`.
    pub(crate) fn samples(&self) -> usize {
        match self {
            Self::Dense(j) => j.nrows(),
            Self::Factored { x, .. } => x.nrows(),
        }
    }

    /// The number of parameters `P`.
    pub(crate) fn params(&self) -> usize {
        match self {
            Self::Dense(j) => j.ncols(),
            Self::Factored { j_beta, .. } => j_beta.ncols(),
        }
    }

    /// The bound on `rank J` other than `N`: `P` (dense) or `min(D, P)` (factored).
    pub(crate) fn rank_bound(&self) -> usize {
        match self {
            Self::Dense(j) => j.ncols(),
            Self::Factored { x, j_beta } => x.ncols().min(j_beta.ncols()),
        }
    }

    /// The dense `N × P` Jacobian `J` (formed as `X J_β` when factored).
    pub(crate) fn dense(&self) -> Array2<f64> {
        match self {
            Self::Dense(j) => j.clone(),
            Self::Factored { x, j_beta } => x.dot(j_beta),
        }
    }

    /// `Â = Ŵ^{1/2} J`, `N × P`.
    pub(crate) fn weighted(&self, weights: &OutputWeights) -> Array2<f64> {
        let sqrt_w = weights.sqrt_scaled_weights();
        match self {
            Self::Dense(j) => scale_rows(j.view(), sqrt_w.view()),
            Self::Factored { x, j_beta } => scale_rows(x.view(), sqrt_w.view()).dot(j_beta),
        }
    }

    /// The reduced matrix `Ã` (see the module docs).
    ///
    /// # Errors
    /// [`FisherError::NonFinite`] for a non-finite weighted Jacobian; LAPACK failures of the QR.
    pub(crate) fn reduced(&self, weights: &OutputWeights) -> Result<Reduced, FisherError> {
        let n = self.samples();
        match self {
            Self::Factored { x, j_beta } if x.ncols() < n => {
                let wx = scale_rows(x.view(), weights.sqrt_scaled_weights().view());
                let (_, r) = thin_qr(wx)?;
                Ok(Reduced { a: r.dot(j_beta) })
            }
            _ if self.params() < n => {
                let (_, r) = thin_qr(self.weighted(weights))?;
                Ok(Reduced { a: r })
            }
            _ => Ok(Reduced {
                a: self.weighted(weights),
            }),
        }
    }

    /// `Jᵀ v` for an output-space vector `v` (length `N`).
    pub(crate) fn transpose_times(&self, v: ArrayView1<'_, f64>) -> Array1<f64> {
        match self {
            Self::Dense(j) => j.t().dot(&v),
            Self::Factored { x, j_beta } => j_beta.t().dot(&x.t().dot(&v)),
        }
    }
}

/// The thin QR `M = Q R` (`Q`: `rows × k`, `R`: `k × cols`, `k = min(rows, cols)`).
fn thin_qr(m: Array2<f64>) -> Result<(Array2<f64>, Array2<f64>), FisherError> {
    if m.iter().any(|v| !v.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "weighted output Jacobian",
        });
    }
    m.qr().map_err(|e| FisherError::lapack("QR", e))
}

impl OutputJacobian {
    /// The columns `range` of the Jacobian (the parameters of one block).
    pub(crate) fn columns(&self, range: std::ops::Range<usize>) -> Self {
        use ndarray::s;
        match self {
            Self::Dense(j) => Self::Dense(j.slice(s![.., range]).to_owned()),
            Self::Factored { x, j_beta } => Self::Factored {
                x: x.clone(),
                j_beta: j_beta.slice(s![.., range]).to_owned(),
            },
        }
    }
}

/// The dense output Jacobian of a network and the weights of `curvature` at its outputs.
///
/// # Errors
/// As [`network_system`] and [`OutputWeights::new`].
pub(crate) fn weighted_network<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
) -> Result<(OutputJacobian, OutputWeights), FisherError> {
    let (outputs, jacobian) = network_system(network, w, samples)?;
    let weights = OutputWeights::new(outputs.view(), samples, curvature)?;
    Ok((jacobian, weights))
}

/// The factored output Jacobian of a parametrization and the weights of `curvature`.
///
/// # Errors
/// As [`parametrization_system`] and [`OutputWeights::new`].
pub(crate) fn weighted_parametrization<M: Parametrization + ?Sized>(
    model: &M,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
) -> Result<(OutputJacobian, OutputWeights), FisherError> {
    let (outputs, jacobian) = parametrization_system(model, w, samples)?;
    let weights = OutputWeights::new(outputs.view(), samples, curvature)?;
    Ok((jacobian, weights))
}

/// The outputs `s = f(X; w)` and the dense output Jacobian of a network.
///
/// # Errors
/// [`FisherError::Model`] when the network rejects `w` or `X`.
pub(crate) fn network_system<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
) -> Result<(Array1<f64>, OutputJacobian), FisherError> {
    let outputs = network.outputs(w, samples.x())?;
    let j = network.jacobian(w, samples.x())?;
    Ok((outputs, OutputJacobian::Dense(j)))
}

/// The outputs `s = X P(w)` and the factored output Jacobian `X J_β` of a parametrization.
///
/// # Errors
/// [`FisherError::Shape`] when `X` has not `D` columns; [`FisherError::Model`] when the model
/// rejects `w`.
pub(crate) fn parametrization_system<M: Parametrization + ?Sized>(
    model: &M,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
) -> Result<(Array1<f64>, OutputJacobian), FisherError> {
    let d = model.beta_dim();
    if samples.x().ncols() != d {
        return Err(FisherError::Shape {
            what: "inputs X",
            expected: format!("N × {d} (the parametrization's β dimension)"),
            found: format!("{} × {}", samples.len(), samples.x().ncols()),
        });
    }
    let beta = model.beta(w)?;
    let j_beta = model.jacobian(w)?;
    let outputs = samples.x().dot(&beta);
    Ok((
        outputs,
        OutputJacobian::Factored {
            x: samples.x().to_owned(),
            j_beta,
        },
    ))
}
