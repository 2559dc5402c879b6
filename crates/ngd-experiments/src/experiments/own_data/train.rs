//! One run of `own-data`: the data files, the configured model with i.i.d. `N(0, σ²)` initial
//! parameters from the run's seed, and its rule, trained by the shared network trainer.

use super::spec::{MethodSpec, ModelSpec};
use super::{OwnDataConfig, OwnDataOutput};
use crate::error::ExperimentError;
use crate::experiments::deep_linear::angle_degrees;
use crate::experiments::egd_demo::points_per_decade;
use crate::experiments::network_training::{Budget, Probe, Trained, train_network};
use ndarray::{Array1, ArrayView1};
use ngd_data::Classification;
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::{
    DeepLinearNet, DiagonalParametrization, LinearInInput, LinearModel, Network, OutputLoss,
    Parametrization, TwoLayerRelu, TwoLayerTanh,
};
use ngd_optim::baselines::l2_max_margin;
use ngd_optim::{LogSchedule, NetworkProblem};
use rand_distr::{Distribution, StandardNormal};

/// `w ↦ β` of a model linear in the input.
type BetaOf<'a> = &'a dyn Fn(ArrayView1<'_, f64>) -> Result<Array1<f64>, ExperimentError>;

/// What every model's training shares.
struct Shared<'a> {
    spec: &'a MethodSpec,
    train: &'a Classification,
    test: Option<&'a Classification>,
    budget: Budget,
    widths: Vec<usize>,
}

/// Trains `net` and returns the output; `beta` maps `w` to `β` for models linear in the input
/// (then the end direction is kept and, on separable data, the angle to the ℓ2 max-margin
/// direction is recorded).
fn train_model<N: Network>(
    net: N,
    beta: Option<BetaOf<'_>>,
    s: &Shared<'_>,
    ctx: &mut RunContext,
) -> Result<OwnDataOutput, RunError> {
    let mut rng = ctx.rng();
    let w0: Array1<f64> = (0..net.param_count())
        .map(|_| s.spec.init_scale * Distribution::<f64>::sample(&StandardNormal, &mut rng))
        .collect();
    let problem = NetworkProblem::new(
        net,
        s.train.x.clone(),
        s.train.y.clone(),
        OutputLoss::Logistic,
    )
    .map_err(ExperimentError::from)?;
    let reference = l2_max_margin(s.train.signed().view())
        .ok()
        .map(|m| m.direction());
    let angle = |w: ArrayView1<'_, f64>| -> Result<f64, ExperimentError> {
        match (beta, &reference) {
            (Some(beta), Some(r)) => Ok(angle_degrees(beta(w)?.view(), r.view())),
            _ => Ok(f64::NAN),
        }
    };
    let probe: Option<Probe<'_>> = (beta.is_some() && reference.is_some()).then_some(&angle);
    let rule = s.spec.rule(&s.widths).map_err(ExperimentError::from)?;
    let Trained {
        w,
        points,
        stop,
        convergence,
    } = train_network(&problem, s.test, probe, rule, w0, s.budget, ctx)?;
    let direction = match beta {
        Some(beta) => {
            let b = beta(w.view())?;
            let norm = b.dot(&b).sqrt();
            if norm > 0.0 {
                (b / norm).to_vec()
            } else {
                b.to_vec()
            }
        }
        None => Vec::new(),
    };
    Ok(OwnDataOutput {
        points,
        stop,
        convergence,
        direction,
        train_samples: s.train.n(),
    })
}

/// Trains the parametrization `p` (linear in the input).
fn train_linear_in_input<P: Parametrization + Clone>(
    p: P,
    s: &Shared<'_>,
    ctx: &mut RunContext,
) -> Result<OwnDataOutput, RunError> {
    let beta = |w: ArrayView1<'_, f64>| p.beta(w).map_err(ExperimentError::from);
    train_model(LinearInInput(p.clone()), Some(&beta), s, ctx)
}

/// Runs one configured method (see the module docs of `own_data`).
pub(super) fn run(
    c: &OwnDataConfig,
    spec: &MethodSpec,
    ctx: &mut RunContext,
) -> Result<OwnDataOutput, RunError> {
    let (train, test) = c.data().map_err(ExperimentError::from)?;
    let d = train.d();
    let schedule = LogSchedule::new(points_per_decade(spec.steps, c.record_points))
        .map_err(ExperimentError::from)?;
    let widths = match &spec.model {
        ModelSpec::DeepLinear { hidden } => DeepLinearNet::new(d, hidden)
            .map_err(ExperimentError::from)?
            .widths()
            .to_vec(),
        _ => Vec::new(),
    };
    let s = Shared {
        spec,
        train: &train,
        test: test.as_ref(),
        budget: Budget {
            steps: spec.steps,
            schedule,
            stop_margin: None,
            loss_below: None,
        },
        widths,
    };
    let model = |e: ngd_models::ModelError| RunError::from(ExperimentError::from(e));
    match &spec.model {
        ModelSpec::Linear => train_linear_in_input(LinearModel::new(d).map_err(model)?, &s, ctx),
        ModelSpec::Diagonal { depth } => {
            let p = DiagonalParametrization::new(*depth, d).map_err(model)?;
            train_linear_in_input(p, &s, ctx)
        }
        ModelSpec::DeepLinear { hidden } => {
            train_linear_in_input(DeepLinearNet::new(d, hidden).map_err(model)?, &s, ctx)
        }
        ModelSpec::TwoLayerTanh { hidden } => {
            train_model(TwoLayerTanh::new(d, *hidden).map_err(model)?, None, &s, ctx)
        }
        ModelSpec::TwoLayerRelu { hidden } => {
            train_model(TwoLayerRelu::new(d, *hidden).map_err(model)?, None, &s, ctx)
        }
    }
}
