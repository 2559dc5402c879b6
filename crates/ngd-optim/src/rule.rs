//! The solver side of the solver / executor / observer split: a step rule moves a model by one
//! step on a problem, and reports what it saw. The run loop ([`Executor`](crate::Executor)) owns
//! the stopping logic; observers ([`Observer`](crate::Observer)) own the logging.
//!
//! Two more one-method traits let the executor judge a model without knowing its rule:
//! [`Objective`] (the loss of a model, evaluated at observation points and at the end) and
//! [`Parameters`] (whether all parameters are finite, checked after every step).

use crate::losses;
use crate::{ClassificationProblem, CompletionProblem, OptimError};
use ngd_models::{DiagonalNet, MatrixFactorization};

/// What one step saw, all measured at the iterate *before* the step (`w_t`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// The loss `L(w_t)` (for a batch of models: the largest of their losses); NaN when the
    /// loss is not finite, in which case the rule leaves the model unchanged.
    pub loss: f64,
    /// The Euclidean norm of the parameter-space gradient `‖∇_w L(w_t)‖` over all parameters
    /// (for a batch: the largest over models).
    pub gradient_norm: f64,
    /// The step size `η_t` actually applied (for a batch: the largest over models).
    pub step_size: f64,
    /// Optional rule-specific information, e.g. which solver route a natural-gradient rule took.
    pub info: Option<&'static str>,
}

/// A rule that advances a model `M` by one step on a problem `P`: `w_{t+1} = rule(w_t)`.
///
/// Rules may keep state across steps (scratch buffers, running averages); such state must be
/// restorable so that a resumed run is bit-identical to an uninterrupted one (see the
/// `state`/`set_state` methods of the stateful rules).
///
/// A natural-gradient rule implements this trait for `DiagonalNet` or `MatrixFactorization`
/// exactly as the Euclidean rules do, reporting its route in [`StepReport::info`].
pub trait StepRule<M, P> {
    /// Performs one step in place, returning the report measured at the iterate before it.
    ///
    /// # Errors
    ///
    /// Whatever the rule or the problem reports: bad shapes ([`OptimError::Shape`]), a step size
    /// that cannot be formed ([`OptimError::Invalid`]), or a failed natural-gradient solve
    /// ([`OptimError::Fisher`]). A non-finite loss is reported in [`StepReport::loss`] (NaN), not
    /// as an error.
    fn step(&mut self, model: &mut M, problem: &P) -> Result<StepReport, OptimError>;
}

/// The training loss of a model `M` on a problem.
pub trait Objective<M> {
    /// The loss `L(w)` of `model`.
    ///
    /// # Errors
    ///
    /// [`OptimError::Shape`] if the model does not fit the problem (e.g. `D` differs); an error
    /// from the loss kernel, such as a non-finite loss, as the problem's implementation reports it.
    fn loss(&self, model: &M) -> Result<f64, OptimError>;
}

/// Access the executor needs to a model's parameters.
pub trait Parameters {
    /// True when every parameter is finite (no NaN, no ±∞).
    fn all_finite(&self) -> bool;
}

impl Parameters for DiagonalNet {
    fn all_finite(&self) -> bool {
        self.weights().iter().all(|w| w.is_finite())
    }
}

impl Parameters for MatrixFactorization {
    fn all_finite(&self) -> bool {
        self.factors()
            .iter()
            .all(|f| f.iter().all(|w| w.is_finite()))
    }
}

impl Parameters for ndarray::Array1<f64> {
    /// The flat parameters of the generic rules.
    fn all_finite(&self) -> bool {
        self.iter().all(|w| w.is_finite())
    }
}

impl Parameters for Vec<DiagonalNet> {
    fn all_finite(&self) -> bool {
        self.iter().all(Parameters::all_finite)
    }
}

impl Objective<DiagonalNet> for ClassificationProblem {
    /// The mean logistic loss of the network's `β`.
    fn loss(&self, model: &DiagonalNet) -> Result<f64, OptimError> {
        check_dim(model.dim(), self.dim())?;
        losses::logistic_value(self.xt(), model.beta().view())
    }
}

impl Objective<Vec<DiagonalNet>> for ClassificationProblem {
    /// The largest mean logistic loss over the batch (so "below a threshold" means all are).
    fn loss(&self, models: &Vec<DiagonalNet>) -> Result<f64, OptimError> {
        let mut worst = f64::NEG_INFINITY;
        for model in models {
            let loss = self.loss(model)?;
            // NaN must win the maximum so that divergence is seen.
            if loss.is_nan() || loss > worst {
                worst = loss;
            }
            if worst.is_nan() {
                break;
            }
        }
        Ok(worst)
    }
}

impl Objective<MatrixFactorization> for CompletionProblem {
    /// The squared loss `½ Σ_Ω (β − M)²` of the product `β = W_1 ⋯ W_L`.
    fn loss(&self, model: &MatrixFactorization) -> Result<f64, OptimError> {
        let beta = model.product();
        let mut scratch = ndarray::Array2::zeros(beta.raw_dim());
        losses::squared_value_and_gradient(
            beta.view(),
            self.target(),
            self.mask(),
            scratch.view_mut(),
        )
    }
}

/// Errors unless the model's feature count matches the data's.
pub(crate) fn check_dim(model_dim: usize, data_dim: usize) -> Result<(), OptimError> {
    if model_dim == data_dim {
        Ok(())
    } else {
        Err(OptimError::Shape {
            what: "model dimension D",
            expected: format!("D = {data_dim} (the data's feature count)"),
            found: format!("{model_dim}"),
        })
    }
}
