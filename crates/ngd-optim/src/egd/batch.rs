//! Batched EGD: `K` diagonal networks of possibly different depths trained on the same `X̃`,
//! stepped together. Their `β`s are stacked as the rows of a `K × D` matrix and one pass over
//! `X̃` computes all `K` losses and gradients; each network then takes its own step exactly as
//! [`DiagonalEgd`](crate::DiagonalEgd) would.

use crate::egd::diagonal::{DiagonalStep, apply_step};
use crate::losses;
use crate::rule::check_dim;
use crate::{ClassificationProblem, OptimError, StepReport, StepRule};
use ndarray::{Array1, Array2};
use ngd_models::DiagonalNet;

/// Full-batch EGD for a batch of diagonal networks (`Vec<DiagonalNet>`) on one
/// [`ClassificationProblem`].
///
/// The [`StepReport`] of a batch step carries the largest loss, gradient norm and step size
/// over the batch (so a loss threshold stops the run once every model is below it); the
/// per-model values of the last step are available from [`BatchEgd::losses`],
/// [`BatchEgd::gradient_norms`] and [`BatchEgd::step_sizes`].
#[derive(Debug, Clone)]
pub struct BatchEgd {
    steps: Vec<DiagonalStep>,
    betas: Array2<f64>,
    grads: Array2<f64>,
    losses: Vec<f64>,
    gradient_norms: Vec<f64>,
    step_sizes: Vec<f64>,
    grad_w: Vec<Array2<f64>>,
    suffix: Array1<f64>,
}

impl BatchEgd {
    /// A rule whose `k`-th model uses step-size rule `steps[k]`.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if a step size `η` is not finite and positive.
    pub fn new(steps: Vec<DiagonalStep>) -> Result<Self, OptimError> {
        for step in &steps {
            step.validate()?;
        }
        let k = steps.len();
        Ok(Self {
            steps,
            betas: Array2::zeros((k, 0)),
            grads: Array2::zeros((k, 0)),
            losses: vec![0.0; k],
            gradient_norms: vec![0.0; k],
            step_sizes: vec![0.0; k],
            grad_w: Vec::new(),
            suffix: Array1::zeros(0),
        })
    }

    /// Per-model losses `L(w_t^{(k)})` measured by the last step.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Per-model gradient norms measured by the last step.
    pub fn gradient_norms(&self) -> &[f64] {
        &self.gradient_norms
    }

    /// Per-model step sizes applied by the last step.
    pub fn step_sizes(&self) -> &[f64] {
        &self.step_sizes
    }

    /// Allocates scratch for `models` unless it already fits.
    fn fit_scratch(&mut self, models: &[DiagonalNet], dim: usize) {
        let fits = self.betas.ncols() == dim
            && self.grad_w.len() == models.len()
            && self
                .grad_w
                .iter()
                .zip(models)
                .all(|(g, m)| g.dim() == (m.depth(), dim));
        if !fits {
            let k = models.len();
            self.betas = Array2::zeros((k, dim));
            self.grads = Array2::zeros((k, dim));
            self.grad_w = models
                .iter()
                .map(|m| Array2::zeros((m.depth(), dim)))
                .collect();
            self.suffix = Array1::zeros(dim);
        }
    }
}

impl StepRule<Vec<DiagonalNet>, ClassificationProblem> for BatchEgd {
    fn step(
        &mut self,
        models: &mut Vec<DiagonalNet>,
        problem: &ClassificationProblem,
    ) -> Result<StepReport, OptimError> {
        if models.len() != self.steps.len() {
            return Err(OptimError::Shape {
                what: "batch of models",
                expected: format!("{} models (one per step-size rule)", self.steps.len()),
                found: format!("{} models", models.len()),
            });
        }
        for model in models.iter() {
            check_dim(model.dim(), problem.dim())?;
        }
        self.fit_scratch(models, problem.dim());
        for (model, beta) in models.iter().zip(self.betas.rows_mut()) {
            model.beta_into(beta);
        }
        losses::logistic_batch_value_and_gradient(
            problem.xt(),
            self.betas.view(),
            self.grads.view_mut(),
            &mut self.losses,
        )?;
        let mut worst = StepReport {
            loss: f64::NEG_INFINITY,
            gradient_norm: 0.0,
            step_size: 0.0,
            info: None,
        };
        for (k, model) in models.iter_mut().enumerate() {
            let report = apply_step(
                model,
                self.steps[k],
                self.losses[k],
                self.grads.row(k),
                self.grad_w[k].view_mut(),
                &mut self.suffix,
            )?;
            self.gradient_norms[k] = report.gradient_norm;
            self.step_sizes[k] = report.step_size;
            worst.loss = nan_max(worst.loss, report.loss);
            worst.gradient_norm = nan_max(worst.gradient_norm, report.gradient_norm);
            worst.step_size = nan_max(worst.step_size, report.step_size);
        }
        Ok(worst)
    }
}

/// The maximum, with NaN winning (so that a diverged member is never hidden).
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}
