//! The Python arguments that choose a generic natural gradient — `route`, `rcond`,
//! `damping` / `relative_damping`, `curvature`, `approximation`, `kfac_damping` — turned into an
//! `ngd_optim::GenericDirection`, checked with errors naming the argument; and the loss.

use super::models::PyModel;
use crate::errors::{Kind, raise};
use crate::natural::cutoff;
use ngd_fisher::generic::{Curvature, Damping, ExactRoute, GenericOptions, Inversion, KfacDamping};
use ngd_models::OutputLoss;
use ngd_optim::GenericDirection;
use pyo3::prelude::*;

/// The Python arguments choosing the direction (see `ngd.fisher.natural_gradient_generic`).
#[derive(Debug, Clone)]
pub struct DirectionArgs<'a> {
    /// `"auto"`, `"kernel"`, `"least_squares"` or `"min_norm"` (exact Moore–Penrose only).
    pub route: &'a str,
    /// The relative eigenvalue cut-off (`None`: `P · ε`).
    pub rcond: Option<f64>,
    /// An absolute Tikhonov damping λ.
    pub damping: Option<f64>,
    /// A relative damping ρ (`λ = ρ tr(C)/P`).
    pub relative_damping: Option<f64>,
    /// `"fisher"` or `"empirical"`.
    pub curvature: &'a str,
    /// `None`, `"diagonal"`, `"block"` or `"kfac"`.
    pub approximation: Option<&'a str>,
    /// `"heuristic"` or `"exact"` (K-FAC only).
    pub kfac_damping: &'a str,
}

/// The loss from its Python name.
///
/// # Errors
/// `ngd.InvalidArgumentError` naming `loss`.
pub fn output_loss(name: &str) -> PyResult<OutputLoss> {
    match name {
        "logistic" => Ok(OutputLoss::Logistic),
        "squared" => Ok(OutputLoss::Squared),
        other => Err(invalid(format!(
            "loss: unknown loss {other:?} (allowed: logistic, squared)"
        ))),
    }
}

/// The Python name of a route label of `ngd_fisher::generic` (`"least-squares"` →
/// `"least_squares"`, `"k-fac"` → `"kfac"`).
pub fn route_label(label: &str) -> String {
    match label {
        "k-fac" => "kfac".to_string(),
        other => other.replace(['-', ' '], "_"),
    }
}

fn invalid(message: String) -> PyErr {
    raise(Kind::Invalid, message)
}

impl DirectionArgs<'_> {
    /// The damping, if any (at most one of the two arguments).
    fn damping(&self) -> PyResult<Option<Damping>> {
        match (self.damping, self.relative_damping) {
            (Some(_), Some(_)) => Err(invalid(
                "damping, relative_damping: give at most one of them".to_string(),
            )),
            (Some(l), None) => Ok(Some(Damping::Absolute(l))),
            (None, Some(r)) => Ok(Some(Damping::Relative(r))),
            (None, None) => Ok(None),
        }
    }

    fn curvature(&self) -> PyResult<Curvature> {
        match self.curvature {
            "fisher" => Ok(Curvature::Fisher),
            "empirical" => Ok(Curvature::Empirical),
            other => Err(invalid(format!(
                "curvature: unknown curvature {other:?} (allowed: fisher, empirical)"
            ))),
        }
    }

    fn forced_route(&self) -> PyResult<Option<ExactRoute>> {
        match self.route {
            "auto" => Ok(None),
            "kernel" => Ok(Some(ExactRoute::Kernel)),
            "least_squares" => Ok(Some(ExactRoute::LeastSquares)),
            "min_norm" => Ok(Some(ExactRoute::MinNorm)),
            other => Err(invalid(format!(
                "route: unknown route {other:?} (allowed: auto, kernel, least_squares, min_norm)"
            ))),
        }
    }

    /// The direction for `model`.
    ///
    /// # Errors
    /// `ngd.InvalidArgumentError` naming the argument: an unknown name, both dampings, a
    /// route with damping or an approximation, K-FAC on a model other than `DeepLinearNet`,
    /// without an absolute damping or with the empirical Fisher, a bad `rcond`.
    pub fn direction(&self, model: &PyModel) -> PyResult<GenericDirection> {
        let cutoff = cutoff(self.rcond)?;
        let damping = self.damping()?;
        let curvature = self.curvature()?;
        let force = self.forced_route()?;
        if force.is_some() && (damping.is_some() || self.approximation.is_some()) {
            return Err(invalid(format!(
                "route: {:?} chooses an exact Moore–Penrose route; leave route=\"auto\" with \
                 damping or an approximation",
                self.route
            )));
        }
        let inversion = damping.map_or(Inversion::MoorePenrose(cutoff), Inversion::Damped);
        Ok(match self.approximation {
            None => match damping {
                None => GenericDirection::Exact(GenericOptions {
                    cutoff,
                    curvature,
                    force,
                }),
                Some(damping) => GenericDirection::Damped { damping, curvature },
            },
            Some("diagonal") => GenericDirection::Diagonal {
                curvature,
                inversion,
            },
            Some("block") => GenericDirection::Block {
                curvature,
                inversion,
            },
            Some("kfac") => self.kfac(model, damping, curvature)?,
            Some(other) => {
                return Err(invalid(format!(
                    "approximation: unknown approximation {other:?} (allowed: None, diagonal, \
                     block, kfac)"
                )));
            }
        })
    }

    fn kfac(
        &self,
        model: &PyModel,
        damping: Option<Damping>,
        curvature: Curvature,
    ) -> PyResult<GenericDirection> {
        let widths = model.kfac_widths.clone().ok_or_else(|| {
            invalid(format!(
                "approximation: K-FAC is implemented for DeepLinearNet only, not {}",
                model.description
            ))
        })?;
        let Some(Damping::Absolute(lambda)) = damping else {
            return Err(invalid(
                "damping: K-FAC needs an absolute damping λ > 0 (relative damping and \
                 undamped K-FAC are not defined for it)"
                    .to_string(),
            ));
        };
        if curvature != Curvature::Fisher {
            return Err(invalid(
                "curvature: K-FAC approximates the Fisher; use curvature=\"fisher\"".to_string(),
            ));
        }
        let damping = match self.kfac_damping {
            "heuristic" => KfacDamping::Heuristic(lambda),
            "exact" => KfacDamping::Exact(lambda),
            other => {
                return Err(invalid(format!(
                    "kfac_damping: unknown K-FAC damping {other:?} (allowed: heuristic, exact)"
                )));
            }
        };
        Ok(GenericDirection::Kfac { widths, damping })
    }
}
