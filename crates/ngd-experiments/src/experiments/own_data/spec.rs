//! One `[[methods]]` entry of `own-data`: a model ([`ModelSpec`]), a method ([`MethodKind`]),
//! the step size, the step budget and the initialization scale; their checks (each error names
//! `methods[i].field`) and the step rules they build.

use crate::experiments::network_training::NetworkRule;
use crate::experiments::sparse_sweep::EgdStepKind;
use ngd_fisher::Cutoff;
use ngd_fisher::generic::{Curvature, Damping, GenericOptions, Inversion, KfacDamping};
use ngd_harness::config::{check, check_finite_positive, check_positive};
use ngd_harness::error::ConfigError;
use ngd_optim::{EgdStep, GenericDirection, GenericNgd, NetworkEgd, NgdStepSize, OptimError};
use serde::{Deserialize, Serialize};

/// A shipped model (`D` is the data's number of features).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ModelSpec {
    /// The linear model `s = xᵀβ` (`ngd_models::LinearModel`).
    Linear,
    /// The diagonal net `β = w_1 ⊙ … ⊙ w_L` (`ngd_models::DiagonalParametrization`).
    Diagonal {
        /// Depth `L` in `[1, 8]`.
        depth: usize,
    },
    /// The full-matrix deep linear net `β = W_1ᵀ ⋯ W_Lᵀ` (`ngd_models::DeepLinearNet`).
    DeepLinear {
        /// Hidden widths `[h_1, …, h_{L−1}]` (empty: the linear model).
        hidden: Vec<usize>,
    },
    /// `s = vᵀ tanh(W x)` (`ngd_models::TwoLayerTanh`).
    TwoLayerTanh {
        /// Hidden width `H`.
        hidden: usize,
    },
    /// `s = vᵀ relu(W x)` (`ngd_models::TwoLayerRelu`).
    TwoLayerRelu {
        /// Hidden width `H`.
        hidden: usize,
    },
}

/// A training method; every NGD variant steps `w ← w − η g` with the fixed `learning_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum MethodKind {
    /// EGD, fixed step `η` or loss-normalized `η / L(w)`.
    Egd {
        /// The step rule.
        step: EgdStepKind,
    },
    /// Exact Moore–Penrose NGD, `g = F⁺∇`.
    NgdExact,
    /// Tikhonov-damped NGD with an absolute damping, `g = (F + λI)⁻¹∇`.
    NgdDampedAbsolute {
        /// `λ > 0`.
        lambda: f64,
    },
    /// Damped NGD with a relative damping `λ = ρ·tr(F)/P`.
    NgdDampedRelative {
        /// `ρ > 0`.
        rho: f64,
    },
    /// The empirical Fisher `G = Σ ∇ℓ_n ∇ℓ_nᵀ`, relatively damped (undamped it blows up in
    /// finite time on separable data).
    NgdEmpirical {
        /// `ρ > 0`.
        rho: f64,
    },
    /// The diagonal of the Fisher, pseudo-inverted.
    NgdDiagonal,
    /// The per-layer blocks of the Fisher, each pseudo-inverted.
    NgdBlock,
    /// K-FAC with exact damping `G ⊗ A + λI` (deep linear nets only).
    Kfac {
        /// `λ > 0`.
        lambda: f64,
    },
}

/// One configured method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// A unique label (legends, CSV rows, run ids).
    pub label: String,
    /// The model.
    pub model: ModelSpec,
    /// The method.
    pub method: MethodKind,
    /// The (base) step size `η > 0`.
    pub learning_rate: f64,
    /// The step budget.
    pub steps: u64,
    /// Every initial parameter is drawn i.i.d. `N(0, init_scale²)` (> 0).
    pub init_scale: f64,
}

impl MethodSpec {
    /// Checks the entry at `methods[index]`.
    ///
    /// # Errors
    /// [`ConfigError`] naming `methods[index].<field>` and its allowed range.
    pub fn validate(&self, index: usize) -> Result<(), ConfigError> {
        let field = |name: &str| format!("methods[{index}].{name}");
        check(
            !self.label.trim().is_empty(),
            &field("label"),
            &self.label,
            "a non-empty label",
        )?;
        check_finite_positive(&field("learning_rate"), self.learning_rate)?;
        check_positive(&field("steps"), self.steps)?;
        check_finite_positive(&field("init_scale"), self.init_scale)?;
        match &self.model {
            ModelSpec::Linear => {}
            ModelSpec::Diagonal { depth } => check(
                (1..=8).contains(depth),
                &field("model.depth"),
                depth,
                "a depth in [1, 8]",
            )?,
            ModelSpec::DeepLinear { hidden } => check(
                hidden.len() < 8 && hidden.iter().all(|&h| h > 0),
                &field("model.hidden"),
                format!("{hidden:?}"),
                "at most 7 positive widths",
            )?,
            ModelSpec::TwoLayerTanh { hidden } | ModelSpec::TwoLayerRelu { hidden } => {
                check_positive(&field("model.hidden"), *hidden as u64)?;
            }
        }
        let (name, value) = match self.method {
            MethodKind::NgdDampedAbsolute { lambda } | MethodKind::Kfac { lambda } => {
                ("method.lambda", lambda)
            }
            MethodKind::NgdDampedRelative { rho } | MethodKind::NgdEmpirical { rho } => {
                ("method.rho", rho)
            }
            _ => ("", 1.0),
        };
        if !name.is_empty() {
            check_finite_positive(&field(name), value)?;
        }
        if matches!(self.method, MethodKind::Kfac { .. }) {
            check(
                matches!(self.model, ModelSpec::DeepLinear { .. }),
                &field("method"),
                "kfac",
                "K-FAC only with model kind `deep_linear`",
            )?;
        }
        Ok(())
    }

    /// The step rule of this entry; `widths` are the deep linear net's `[D, h_1, …, 1]` (for
    /// K-FAC).
    ///
    /// # Errors
    /// [`OptimError::Invalid`] for a step size or damping the rules refuse.
    pub(crate) fn rule(&self, widths: &[usize]) -> Result<NetworkRule, OptimError> {
        let eta = self.learning_rate;
        let ngd = |direction| GenericNgd::new(direction, NgdStepSize::Fixed(eta));
        let mp = Inversion::MoorePenrose(Cutoff::default());
        let direction = match self.method {
            MethodKind::Egd { step } => {
                let step = match step {
                    EgdStepKind::Fixed => EgdStep::Fixed(eta),
                    EgdStepKind::LossNormalized => EgdStep::LossNormalized(eta),
                };
                return Ok(NetworkRule::Egd(NetworkEgd::new(step)?));
            }
            MethodKind::NgdExact => GenericDirection::Exact(GenericOptions::default()),
            MethodKind::NgdDampedAbsolute { lambda } => GenericDirection::Damped {
                damping: Damping::Absolute(lambda),
                curvature: Curvature::Fisher,
            },
            MethodKind::NgdDampedRelative { rho } => GenericDirection::Damped {
                damping: Damping::Relative(rho),
                curvature: Curvature::Fisher,
            },
            MethodKind::NgdEmpirical { rho } => GenericDirection::Damped {
                damping: Damping::Relative(rho),
                curvature: Curvature::Empirical,
            },
            MethodKind::NgdDiagonal => GenericDirection::Diagonal {
                curvature: Curvature::Fisher,
                inversion: mp,
            },
            MethodKind::NgdBlock => GenericDirection::Block {
                curvature: Curvature::Fisher,
                inversion: mp,
            },
            MethodKind::Kfac { lambda } => GenericDirection::Kfac {
                widths: widths.to_vec(),
                damping: KfacDamping::Exact(lambda),
            },
        };
        Ok(NetworkRule::Ngd(ngd(direction)?))
    }
}

/// The number of parameters `P` of `model` on `d` input features (saturating): `D` (linear),
/// `L·D` (diagonal), `Σ_l h_{l−1} h_l` over the widths `D, h_1, …, 1` (deep linear),
/// `h (D + 1)` (two-layer nets).
pub(super) fn param_count(model: &ModelSpec, d: u64) -> u64 {
    match model {
        ModelSpec::Linear => d,
        ModelSpec::Diagonal { depth } => d.saturating_mul(*depth as u64),
        ModelSpec::DeepLinear { hidden } => {
            let widths: Vec<u64> = std::iter::once(d)
                .chain(hidden.iter().map(|&h| h as u64))
                .chain(std::iter::once(1))
                .collect();
            widths
                .windows(2)
                .fold(0u64, |acc, w| acc.saturating_add(w[0].saturating_mul(w[1])))
        }
        ModelSpec::TwoLayerTanh { hidden } | ModelSpec::TwoLayerRelu { hidden } => {
            (*hidden as u64).saturating_mul(d.saturating_add(1))
        }
    }
}
