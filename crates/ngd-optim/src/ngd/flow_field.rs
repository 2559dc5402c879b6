//! The natural gradient flow (NGF, the paper's eq. 3 with the Moore–Penrose choice of eq. 5)
//! of a diagonal network as a vector field for the integrators of [`crate::flow`]:
//! `dw/dt = −F(w)⁺ ∇_w L(w)`, with the state the weights flattened row by row (`L·D` entries,
//! layer after layer).

use crate::{ClassificationProblem, OptimError};
use ndarray::{Array1, Array2};
use ngd_fisher::{DiagOptions, diag_natural_gradient};
use ngd_models::{DiagonalNet, logistic_loss};

/// The NGF vector field `w ↦ −F(w)⁺ ∇_w L(w)` of a depth-`depth` diagonal network on
/// `problem`, for [`crate::flow::rk4`] or [`crate::flow::dormand_prince`].
///
/// The returned closure errors if the state does not have `depth · D` entries, if the margins
/// are not finite, or if the natural-gradient solve fails.
///
/// # Errors
///
/// The function itself does not fail; the returned closure errors with [`OptimError::Shape`]
/// if `depth = 0` or the state does not have `depth · D` entries, [`OptimError::Model`] if the
/// weights or margins are not finite, and [`OptimError::Fisher`] if the natural-gradient solve
/// fails.
pub fn diagonal_ngf_field<'a>(
    problem: &'a ClassificationProblem,
    depth: usize,
    options: DiagOptions,
) -> impl FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, OptimError> + 'a {
    let d = problem.dim();
    let mut margins = Array1::zeros(problem.samples());
    move |_t, state| {
        if depth == 0 || state.len() != depth * d {
            return Err(OptimError::Shape {
                what: "NGF state (flattened weights)",
                expected: format!("{depth} · {d} entries"),
                found: state.len().to_string(),
            });
        }
        let weights =
            Array2::from_shape_vec((depth, d), state.to_vec()).map_err(|e| OptimError::Solver {
                what: "NGF state reshape",
                detail: e.to_string(),
            })?;
        let net = DiagonalNet::new(weights)?;
        logistic_loss::margins_into(problem.xt(), net.beta().view(), margins.view_mut())?;
        let g = diag_natural_gradient(
            problem.xt(),
            margins.view(),
            net.cofactors().view(),
            &options,
        )?;
        Ok(g.direction.into_iter().map(|x| -x).collect())
    }
}
