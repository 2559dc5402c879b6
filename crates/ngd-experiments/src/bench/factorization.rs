//! Deep matrix factorization cases: one normalized-step EGD step and one layer-split NGD step
//! on rank-5 completion with Gaussian factors of per-entry scale `D^{−1/2}`.

use super::{SEED, Sizes, Workload, check};
use crate::error::ExperimentError;
use ngd_data::completion_task;
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::NaturalDirection;
use ngd_harness::error::RunError;
use ngd_models::MatrixFactorization;
use ngd_models::init::gaussian_factorization;
use ngd_optim::{
    CompletionProblem, FactorizationEgd, FactorizationNgd, FactorizationStep, StepRule,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The rank of the target.
const RANK: usize = 5;
/// Arora et al.'s learning rate of the normalized step.
const EGD_LR: f64 = 1e-3;
/// The fixed NGD step size: small, because the layer split divides by the smallest singular
/// values of the partial products (about 1e-3 at this initialization), and the timing must not
/// depend on the run diverging.
const NGD_STEP: f64 = 1e-5;

/// The completion problem (`s.n` observed entries of a `D × D` rank-5 target) and the model.
fn setup(s: Sizes) -> Result<(CompletionProblem, MatrixFactorization, usize), RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let task = completion_task(s.d, RANK.min(s.d), s.n, &mut rng).map_err(ExperimentError::from)?;
    let model =
        gaussian_factorization(s.depth, s.d, 1.0, &mut rng).map_err(ExperimentError::from)?;
    let bytes = 2 * s.d * s.d * 8;
    let problem = CompletionProblem::new(task.truth, task.mask).map_err(ExperimentError::from)?;
    Ok((problem, model, bytes))
}

/// `egd-mf`: one [`FactorizationEgd`] step with Arora et al.'s normalized step.
pub(super) fn egd(s: Sizes) -> Result<Workload, RunError> {
    let (problem, mut model, data_bytes) = setup(s)?;
    let mut rule = FactorizationEgd::new(FactorizationStep::normalized(EGD_LR))
        .map_err(ExperimentError::from)?;
    Ok(Workload {
        step: Box::new(move || {
            check(
                rule.step(&mut model, &problem)
                    .map_err(ExperimentError::from)?,
            )
        }),
        data_bytes,
        description: format!(
            "FactorizationEgd, normalized step lr {EGD_LR}, D = {}, L = {}, {} observed",
            s.d, s.depth, s.n
        ),
    })
}

/// `ngd-mf`: one layer-split [`FactorizationNgd`] step.
pub(super) fn ngd(s: Sizes) -> Result<Workload, RunError> {
    let (problem, mut model, data_bytes) = setup(s)?;
    let mut rule = FactorizationNgd::new(NGD_STEP, NaturalDirection::LayerSplit(Cutoff::default()))
        .map_err(ExperimentError::from)?;
    Ok(Workload {
        step: Box::new(move || {
            check(
                rule.step(&mut model, &problem)
                    .map_err(ExperimentError::from)?,
            )
        }),
        data_bytes,
        description: format!(
            "FactorizationNgd (layer split), step {NGD_STEP}, D = {}, L = {}, {} observed",
            s.d, s.depth, s.n
        ),
    })
}
