//! The step size of factorization NGD ([`super::NgdStepSize`]): fixed, the relative cap
//! `min(η, c · min_i ‖W_i‖_F / ‖G_i‖_F)`, or Armijo backtracking on the dense loss of the trial
//! factors, for directions held either by the layer split's buffers or as dense matrices.

use super::NgdStepSize;
use crate::losses;
use crate::{CompletionProblem, OptimError};
use ndarray::{Array2, ArrayView2};
use ngd_fisher::factorization::LayerSplit;
use ngd_models::MatrixFactorization;
use ngd_models::factorization::product;

/// Armijo constant of the sufficient-decrease condition.
const SUFFICIENT_DECREASE: f64 = 1e-4;
/// The most halvings of one backtracking search.
const MAX_HALVINGS: u32 = 60;

/// The directions of one step: the layer split's buffers or the Moore–Penrose matrices.
#[derive(Clone, Copy)]
pub(super) enum Directions<'a> {
    /// The layer split's buffers.
    Split(&'a LayerSplit),
    /// Moore–Penrose directions.
    Dense(&'a [Array2<f64>]),
}

impl<'a> Directions<'a> {
    /// `G_i` as a `D × D` view.
    pub(super) fn get(self, i: usize) -> ArrayView2<'a, f64> {
        match self {
            Directions::Split(split) => split.direction(i),
            Directions::Dense(dense) => dense[i].view(),
        }
    }
}

/// The step size for this iterate: fixed, capped (setting `capped`), or found by backtracking
/// (reading and setting `previous`).
#[allow(clippy::too_many_arguments)]
pub(super) fn step_size(
    policy: NgdStepSize,
    previous: &mut Option<f64>,
    capped: &mut bool,
    model: &MatrixFactorization,
    problem: &CompletionProblem,
    directions: Directions<'_>,
    loss: f64,
    slope: f64,
) -> Result<f64, OptimError> {
    let max = match policy {
        NgdStepSize::Fixed(eta) => return Ok(eta),
        NgdStepSize::RelativeCap { max, cap } => {
            // min(max, cap · min_i ‖W_i‖_F / ‖G_i‖_F); a NaN ratio leaves `max`.
            let limit = model
                .factors()
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    cap * squared_norm(w.view()).sqrt() / squared_norm(directions.get(i)).sqrt()
                })
                .fold(f64::INFINITY, f64::min);
            *capped = limit < max;
            return Ok(if *capped { limit } else { max });
        }
        NgdStepSize::Backtracking { max } => max,
    };
    let mut eta = previous.map_or(max, |p| (2.0 * p).min(max));
    let mut scratch = Array2::zeros(problem.target().raw_dim());
    for _ in 0..=MAX_HALVINGS {
        let trial: Vec<Array2<f64>> = model
            .factors()
            .iter()
            .enumerate()
            .map(|(i, w)| w - &(&directions.get(i) * eta))
            .collect();
        let beta = product(&trial);
        let trial_loss = losses::squared_value_and_gradient(
            beta.view(),
            problem.target(),
            problem.mask(),
            scratch.view_mut(),
        )?;
        if trial_loss.is_finite() && trial_loss <= loss - SUFFICIENT_DECREASE * eta * slope {
            *previous = Some(eta);
            return Ok(eta);
        }
        eta *= 0.5;
    }
    Err(OptimError::NotConverged {
        what: "NGD backtracking (sufficient decrease)",
        iterations: MAX_HALVINGS as usize,
        residual: loss,
    })
}

fn squared_norm(a: ArrayView2<'_, f64>) -> f64 {
    a.iter().map(|x| x * x).sum()
}
