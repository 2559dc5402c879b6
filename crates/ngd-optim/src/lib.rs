//! Optimizers for the experiments of "Depth without the magic": Euclidean gradient descent on
//! deep linear models, gradient-flow integrators, a run loop with stopping rules and observers,
//! and the max-margin / minimum-nuclear-norm baselines the implicit biases are compared with.
//!
//! The design follows a solver / executor / observer split (after `argmin`), with one-method
//! traits:
//!
//! - [`StepRule`] — one step of an optimizer on a model and a problem (EGD here; the
//!   natural-gradient rules implement the same trait);
//! - [`Executor`] — the run loop: step budget, loss threshold, divergence detection
//!   ([`Stop`]), log-spaced observation ([`LogSchedule`]), resumable from a checkpoint
//!   ([`Resume`]);
//! - [`Observer`] — records a run at scheduled steps and may stop it;
//! - [`Objective`] and [`Parameters`] — what the executor needs to know about a model.
//!
//! Problems: [`ClassificationProblem`] (mean logistic loss on `X̃ = diag(y) X`) and
//! [`CompletionProblem`] (squared loss on observed entries), and for any model of
//! `ngd_models::{Network, Parametrization}` over its flat parameters, [`NetworkProblem`] (data,
//! targets and an `OutputLoss`) with [`NetworkEgd`] and [`flow::euclidean_field`]. Modules
//! [`egd`], [`ngd`], [`flow`] and [`baselines`] hold the rules, integrators and reference
//! solvers. [`Executor::cancel_when`] stops a run between steps from outside
//! ([`Stop::Cancelled`]).
//!
//! # Example
//!
//! Euclidean gradient descent with the loss-normalized step `η / L(w)` on a depth-2 diagonal
//! network, run by the [`Executor`] on a problem built from inputs and labels:
//!
//! ```
//! use ndarray::array;
//! use ngd_models::init::constant_diagonal;
//! use ngd_optim::{ClassificationProblem, DiagonalEgd, DiagonalStep, Executor, NoObserver, Resume, Stop};
//!
//! let x = array![[2.0, 1.0], [1.0, 3.0], [-1.5, -1.0], [-1.0, -2.0]];
//! let y = array![1.0, 1.0, -1.0, -1.0];
//! let problem = ClassificationProblem::from_labels(x.view(), y.view())?; // X̃ = diag(y) X
//! let mut net = constant_diagonal(2, 2, 0.1)?;
//! let mut rule = DiagonalEgd::new(DiagonalStep::LossNormalized(0.1), 2, 2)?;
//! let outcome = Executor::new(10_000)
//!     .loss_below(1e-6)
//!     .run(&mut rule, &mut net, &problem, Resume::fresh(), &mut NoObserver)?;
//! assert!(matches!(outcome.stop, Stop::LossBelow { .. }), "{outcome:?}");
//! assert!(outcome.final_loss.unwrap() <= 1e-6);
//! assert!(problem.xt().dot(&net.beta()).iter().all(|&u| u > 0.0)); // every point classified
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod baselines;
pub mod egd;
mod error;
mod executor;
pub mod flow;
mod losses;
mod network_problem;
pub mod ngd;
mod observer;
mod problem;
mod rule;
mod schedule;

pub use egd::{
    BatchEgd, DiagonalEgd, DiagonalStep, EgdStep, FactorizationEgd, FactorizationStep, NetworkEgd,
};
pub use error::OptimError;
pub use executor::{DivergenceCause, Executor, Outcome, Resume, Stop};
pub use network_problem::NetworkProblem;
pub use ngd::{
    DiagonalNgd, FactorizationNgd, FisherChoice, GenericDirection, GenericNgd, NgdStepSize,
};
pub use observer::{NoObserver, Observation, Observer};
pub use problem::{ClassificationProblem, CompletionProblem};
pub use rule::{Objective, Parameters, StepReport, StepRule};
pub use schedule::LogSchedule;
