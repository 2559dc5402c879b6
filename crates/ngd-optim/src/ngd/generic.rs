//! NGD for **any** [`Network`] (and any parametrization through
//! [`LinearInInput`](ngd_models::LinearInInput)) with the generic natural gradients of
//! [`ngd_fisher::generic`]: exact Moore–Penrose, damped (absolute or relative), the empirical
//! Fisher, diagonal, block-diagonal and K-FAC preconditioners ([`GenericDirection`]).
//!
//! The model state is the flat parameter vector `w` (`Array1<f64>`); the network, the data and
//! the loss are the problem, a [`NetworkProblem`], so the rule implements
//! `StepRule<Array1<f64>, NetworkProblem<N>>` and runs in the [`Executor`](crate::Executor)
//! like every other rule (solver / problem split). One step: outputs and loss,
//! `∇_w L = Jᵀ ∂L/∂s` by one vector–Jacobian product, the direction `g`, a step size from
//! [`NgdStepSize`] (fixed; backtracking on `L(w − ηg) ≤ L(w) − 10⁻⁴ η ⟨∇, g⟩`, starting from
//! `min(max, 2 η_{t−1})`, at most 60 halvings; or the relative cap
//! `η = min(max, cap ‖w‖ / ‖g‖)`), then `w ← w − η g`. The route that ran is reported in
//! [`StepReport::info`].

use crate::{NetworkProblem, NgdStepSize, OptimError, StepReport, StepRule};
use ndarray::{Array1, ArrayView1};
use ngd_fisher::FisherError;
use ngd_fisher::generic::{
    Curvature, Damping, GenericNaturalGradient, GenericOptions, Inversion, KfacDamping, Samples,
    block_natural_gradient, damped_natural_gradient, diagonal_fisher_gradient, kfac_deep_linear,
    natural_gradient, unflatten_weights,
};
use ngd_models::Network;

/// The sufficient-decrease constant of backtracking.
const SUFFICIENT_DECREASE: f64 = 1e-4;
/// The most halvings backtracking tries before the step fails.
const MAX_HALVINGS: usize = 60;

/// Which natural gradient the generic rule follows.
#[derive(Debug, Clone, PartialEq)]
pub enum GenericDirection {
    /// The exact Moore–Penrose `C⁺∇` (the options choose the Fisher or the empirical Fisher,
    /// the cut-off and optionally a forced route).
    Exact(GenericOptions),
    /// `(C + λI)⁻¹∇`, absolute or relative damping.
    Damped {
        /// The damping.
        damping: Damping,
        /// The Fisher or the empirical Fisher.
        curvature: Curvature,
    },
    /// The diagonal of the curvature, inverted exactly or damped.
    Diagonal {
        /// The Fisher or the empirical Fisher.
        curvature: Curvature,
        /// How the diagonal is inverted.
        inversion: Inversion,
    },
    /// The per-layer blocks ([`Network::layers`]), inverted exactly or damped.
    Block {
        /// The Fisher or the empirical Fisher.
        curvature: Curvature,
        /// How each block is inverted.
        inversion: Inversion,
    },
    /// K-FAC; only for the full-matrix deep linear net `s = W_L ⋯ W_1 x` whose parameters are
    /// `vec(W_l)` row-major per layer, with these widths `[D, h_1, …, h_{L−1}, 1]`.
    Kfac {
        /// The widths `[D, h_1, …, 1]`.
        widths: Vec<usize>,
        /// The damping (K-FAC is undefined undamped for a scalar output).
        damping: KfacDamping,
    },
}

/// What the last step computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenericStepInfo {
    /// The route label of the direction.
    pub route: &'static str,
    /// The effective rank of the curvature solve (K-FAC: `P`).
    pub rank: usize,
    /// The condition number reported by the solve (K-FAC: NaN, not estimated).
    pub condition: f64,
    /// The step size applied.
    pub step_size: f64,
}

/// Full-batch NGD for any network, on a [`NetworkProblem`].
#[derive(Debug, Clone)]
pub struct GenericNgd {
    direction: GenericDirection,
    step: NgdStepSize,
    previous_step: Option<f64>,
    last: Option<GenericStepInfo>,
}

impl GenericNgd {
    /// A rule following `direction` with the step size `step`.
    ///
    /// # Errors
    /// [`OptimError::Invalid`] for a step size that is not finite and positive, or K-FAC
    /// widths that do not end in the scalar output `1`.
    pub fn new(direction: GenericDirection, step: NgdStepSize) -> Result<Self, OptimError> {
        let (eta, cap) = match step {
            NgdStepSize::Fixed(eta) | NgdStepSize::Backtracking { max: eta } => (eta, 1.0),
            NgdStepSize::RelativeCap { max, cap } => (max, cap),
        };
        if !(eta.is_finite() && eta > 0.0 && cap.is_finite() && cap > 0.0) {
            return Err(OptimError::Invalid {
                what: "NGD step size",
                value: format!("{step:?}"),
                allowed: "finite and positive",
            });
        }
        if let GenericDirection::Kfac { widths, .. } = &direction
            && (widths.len() < 2 || widths.last() != Some(&1))
        {
            return Err(kfac_widths_error(widths));
        }
        Ok(Self {
            direction,
            step,
            previous_step: None,
            last: None,
        })
    }

    /// The last step's route, rank, condition and step size.
    pub fn last_step(&self) -> Option<GenericStepInfo> {
        self.last
    }

    /// The natural-gradient direction at `w` on `problem` (no step taken).
    ///
    /// # Errors
    /// The errors of the chosen `ngd_fisher::generic` operation; [`OptimError::Invalid`] when
    /// K-FAC's widths do not give the network's parameter count.
    pub fn direction<N: Network>(
        &self,
        problem: &NetworkProblem<N>,
        w: ArrayView1<'_, f64>,
    ) -> Result<GenericNaturalGradient, OptimError> {
        let samples = Samples::new(problem.x(), problem.targets(), problem.output_loss())?;
        let net = problem.network();
        Ok(match &self.direction {
            GenericDirection::Exact(options) => natural_gradient(net, w, &samples, options)?,
            GenericDirection::Damped { damping, curvature } => {
                damped_natural_gradient(net, w, &samples, *damping, *curvature)?
            }
            GenericDirection::Diagonal {
                curvature,
                inversion,
            } => diagonal_fisher_gradient(net, w, &samples, *curvature, *inversion)?,
            GenericDirection::Block {
                curvature,
                inversion,
            } => block_natural_gradient(net, w, &samples, *curvature, *inversion)?,
            GenericDirection::Kfac { widths, damping } => {
                let count: usize = widths.windows(2).map(|p| p[0] * p[1]).sum();
                if count != net.param_count() || widths.first() != Some(&net.input_dim()) {
                    return Err(kfac_widths_error(widths));
                }
                let weights = unflatten_weights(w, widths)?;
                let kfac = kfac_deep_linear(&weights, &samples, *damping)?;
                GenericNaturalGradient {
                    direction: kfac.direction,
                    route: "k-fac",
                    rank: w.len(),
                    condition: f64::NAN,
                    largest_eigenvalue: f64::NAN,
                    damping: match damping {
                        KfacDamping::Heuristic(l) | KfacDamping::Exact(l) => *l,
                    },
                    fallback_from: None,
                }
            }
        })
    }

    /// The step size for direction `g` at `w` (loss `loss`, slope `⟨∇, g⟩`).
    fn step_size<N: Network>(
        &mut self,
        problem: &NetworkProblem<N>,
        w: &Array1<f64>,
        g: &Array1<f64>,
        loss: f64,
        slope: f64,
    ) -> Result<f64, OptimError> {
        let norm = |v: &Array1<f64>| v.dot(v).sqrt();
        match self.step {
            NgdStepSize::Fixed(eta) => Ok(eta),
            NgdStepSize::RelativeCap { max, cap } => {
                let limit = cap * norm(w) / norm(g);
                Ok(if limit < max { limit } else { max })
            }
            NgdStepSize::Backtracking { max } => {
                let mut eta = self.previous_step.map_or(max, |p| (2.0 * p).min(max));
                for _ in 0..=MAX_HALVINGS {
                    let trial = w - &(g * eta);
                    let trial_loss = problem.loss_value(trial.view())?;
                    if trial_loss.is_finite()
                        && trial_loss <= loss - SUFFICIENT_DECREASE * eta * slope
                    {
                        self.previous_step = Some(eta);
                        return Ok(eta);
                    }
                    eta *= 0.5;
                }
                Err(OptimError::NotConverged {
                    what: "generic NGD backtracking (sufficient decrease)",
                    iterations: MAX_HALVINGS,
                    residual: eta,
                })
            }
        }
    }
}

impl<N: Network> StepRule<Array1<f64>, NetworkProblem<N>> for GenericNgd {
    fn step(
        &mut self,
        w: &mut Array1<f64>,
        problem: &NetworkProblem<N>,
    ) -> Result<StepReport, OptimError> {
        let (targets, output_loss) = (problem.targets(), problem.output_loss());
        let outputs = problem.outputs(w.view())?;
        let diverged = StepReport {
            loss: f64::NAN,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: None,
        };
        if outputs.iter().any(|s| !s.is_finite()) {
            return Ok(diverged);
        }
        let loss = output_loss.value(outputs.view(), targets)?;
        if !loss.is_finite() {
            return Ok(diverged);
        }
        let output_gradient = output_loss.gradient(outputs.view(), targets)?;
        let gradient = problem
            .network()
            .vjp(w.view(), problem.x(), output_gradient.view())?;
        let gradient_norm = gradient.dot(&gradient).sqrt();
        let natural = match self.direction(problem, w.view()) {
            Ok(natural) => natural,
            // An overflowing natural gradient is divergence of the run, not bad input.
            Err(OptimError::Fisher(FisherError::NonFinite { .. })) => {
                return Ok(StepReport { loss, ..diverged });
            }
            Err(other) => return Err(other),
        };
        let slope = gradient.dot(&natural.direction);
        let eta = self.step_size(problem, w, &natural.direction, loss, slope)?;
        w.scaled_add(-eta, &natural.direction);
        self.last = Some(GenericStepInfo {
            route: natural.route,
            rank: natural.rank,
            condition: natural.condition,
            step_size: eta,
        });
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: eta,
            info: Some(natural.route),
        })
    }
}

/// The error for K-FAC widths that do not describe the network.
fn kfac_widths_error(widths: &[usize]) -> OptimError {
    OptimError::Invalid {
        what: "K-FAC widths",
        value: format!("{widths:?}"),
        allowed: "[D, h_1, …, 1] with D the network's input dimension and Σ h_l h_(l−1) its P",
    }
}
