//! EGD for L-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` on the mean logistic loss.
//!
//! The gradient is `∇_{w_l} L = c_l ⊙ ∇_β L` with the cofactors `c_l = ∏_{k≠l} w_k` (the
//! paper's eq. 39) and `∇_β L = (1/N) X̃ᵀ ℓ'(X̃β)`. One step makes one pass over `X̃` and
//! allocates nothing once the rule's scratch buffers have the model's shape.

use crate::losses;
use crate::rule::check_dim;
use crate::{ClassificationProblem, OptimError, StepReport, StepRule};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};
use ngd_models::DiagonalNet;

/// The step size of diagonal-network EGD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DiagonalStep {
    /// A constant step `η_t = η`.
    Fixed(f64),
    /// The loss-normalized step `η_t = η / L(w_t)`.
    ///
    /// This is a time reparametrization of the same gradient flow: the iteration is the Euler
    /// discretization of `dw/dτ = −∇L(w) / L(w)`, whose trajectory is that of `dw/dt = −∇L(w)`
    /// run with `dt = η / L(w_t)` per step. On separable data `L → 0`, so the time steps grow
    /// and the run reaches the asymptotic regime (where the direction of `β` converges to a
    /// max-margin separator) in far fewer steps than a fixed step. It is an acceleration
    /// device, not the paper's fixed-step EGD: label results obtained with it as such.
    LossNormalized(f64),
}

impl DiagonalStep {
    /// The base step `η`.
    pub fn base(&self) -> f64 {
        match *self {
            Self::Fixed(eta) | Self::LossNormalized(eta) => eta,
        }
    }

    /// The smallest loss the loss-normalized step accepts. Below it (margins beyond ≈ 690)
    /// the loss and its gradient are near the f64 underflow threshold, `∇L / L` loses all
    /// precision, and the rule returns an error; stop earlier with
    /// [`Executor::loss_below`](crate::Executor::loss_below).
    pub const LOSS_FLOOR: f64 = 1e-300;

    /// The step `η_t` applied when the current loss is `loss`; a non-finite loss gives NaN
    /// (the step is then not taken).
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] for the loss-normalized step when `0 ≤ loss < 1e-300` (or the
    /// loss is negative): the step `η / L` would overflow; stop the run earlier (e.g.
    /// `Executor::loss_below`).
    pub fn at_loss(&self, loss: f64) -> Result<f64, OptimError> {
        match *self {
            Self::Fixed(eta) => Ok(eta),
            Self::LossNormalized(_) if loss.is_nan() => Ok(f64::NAN),
            Self::LossNormalized(eta) if loss >= Self::LOSS_FLOOR => Ok(eta / loss),
            Self::LossNormalized(_) => Err(OptimError::Invalid {
                what: "loss for the loss-normalized step",
                value: format!("{loss:e}"),
                allowed: "at least 1e-300: below it the loss underflows; stop the run earlier",
            }),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), OptimError> {
        let eta = self.base();
        if eta.is_finite() && eta > 0.0 {
            Ok(())
        } else {
            Err(OptimError::Invalid {
                what: "EGD step size η",
                value: eta.to_string(),
                allowed: "finite and positive",
            })
        }
    }
}

/// Full-batch EGD for one diagonal network on a [`ClassificationProblem`].
#[derive(Debug, Clone)]
pub struct DiagonalEgd {
    step: DiagonalStep,
    beta: Array1<f64>,
    grad_beta: Array1<f64>,
    grad_w: Array2<f64>,
    suffix: Array1<f64>,
}

impl DiagonalEgd {
    /// A rule with step-size rule `step`; scratch space for a depth-`depth`, `dim`-feature
    /// network is allocated here (another shape reallocates once, at its first step).
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if the step size `η` is not finite and positive.
    pub fn new(step: DiagonalStep, depth: usize, dim: usize) -> Result<Self, OptimError> {
        step.validate()?;
        Ok(Self {
            step,
            beta: Array1::zeros(dim),
            grad_beta: Array1::zeros(dim),
            grad_w: Array2::zeros((depth, dim)),
            suffix: Array1::zeros(dim),
        })
    }

    /// The step-size rule.
    pub fn step_rule(&self) -> DiagonalStep {
        self.step
    }
}

impl StepRule<DiagonalNet, ClassificationProblem> for DiagonalEgd {
    fn step(
        &mut self,
        model: &mut DiagonalNet,
        problem: &ClassificationProblem,
    ) -> Result<StepReport, OptimError> {
        check_dim(model.dim(), problem.dim())?;
        if self.grad_w.dim() != (model.depth(), model.dim()) {
            *self = Self::new(self.step, model.depth(), model.dim())?;
        }
        model.beta_into(self.beta.view_mut());
        let loss = losses::logistic_value_and_gradient(
            problem.xt(),
            self.beta.view(),
            self.grad_beta.view_mut(),
        )?;
        apply_step(
            model,
            self.step,
            loss,
            self.grad_beta.view(),
            self.grad_w.view_mut(),
            &mut self.suffix,
        )
    }
}

/// Pulls `grad_beta` back to the weights (into `grad_w`) and takes the step
/// `w ← w − η_t ∇_w L`. Does nothing to the model when the loss or gradient is not finite, so
/// the executor reports divergence with the last finite iterate intact.
pub(crate) fn apply_step(
    model: &mut DiagonalNet,
    step: DiagonalStep,
    loss: f64,
    grad_beta: ArrayView1<'_, f64>,
    mut grad_w: ArrayViewMut2<'_, f64>,
    suffix: &mut Array1<f64>,
) -> Result<StepReport, OptimError> {
    pull_back_into(model.weights(), grad_beta, grad_w.view_mut(), suffix);
    let gradient_norm = grad_w.iter().map(|g| g * g).sum::<f64>().sqrt();
    let step_size = step.at_loss(loss)?;
    if loss.is_finite() && gradient_norm.is_finite() {
        model.weights_mut().scaled_add(-step_size, &grad_w);
    }
    Ok(StepReport {
        loss,
        gradient_norm,
        step_size,
        info: None,
    })
}

/// `∇_{w_l} = c_l ⊙ ∇_β` written into `out` (`L × D`) with prefix and suffix products (no
/// division, exact at zero weights); `suffix` (length `D`) is scratch.
fn pull_back_into(
    weights: ArrayView2<'_, f64>,
    grad_beta: ArrayView1<'_, f64>,
    mut out: ArrayViewMut2<'_, f64>,
    suffix: &mut Array1<f64>,
) {
    let depth = weights.nrows();
    // Row l ← ∇_β ⊙ w_1 ⊙ … ⊙ w_{l−1}.
    out.row_mut(0).assign(&grad_beta);
    for layer in 1..depth {
        let (done, mut rest) = out.view_mut().split_at(Axis(0), layer);
        let mut row = rest.row_mut(0);
        row.assign(&done.row(layer - 1));
        row.zip_mut_with(&weights.row(layer - 1), |c, &w| *c *= w);
    }
    // Row l ← row l ⊙ w_{l+1} ⊙ … ⊙ w_L.
    suffix.fill(1.0);
    for layer in (0..depth).rev() {
        out.row_mut(layer).zip_mut_with(suffix, |c, &s| *c *= s);
        suffix.zip_mut_with(&weights.row(layer), |s, &w| *s *= w);
    }
}
