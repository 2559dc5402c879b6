//! Diagonal-network cases: EGD on one net, EGD on a batch of nets sharing `X̃`, and one NGD
//! step by a forced solver route.

use super::{SEED, Sizes, Workload, check};
use crate::error::ExperimentError;
use ngd_data::{Classification, SparseGaussianSpec, sparse_gaussian};
use ngd_fisher::{Cutoff, DiagOptions, Route, RouteChoice};
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_models::init::gaussian_diagonal;
use ngd_optim::{
    BatchEgd, ClassificationProblem, DiagonalEgd, DiagonalNgd, DiagonalStep, FisherChoice, StepRule,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The number of non-zero teacher entries of the paper's Fig. 4 task.
const SPARSITY: usize = 20;
/// The test-set size of the paper's Fig. 4 (drawn so that peak memory matches a Fig. 4 run).
const N_TEST: usize = 5000;
/// The standard deviation of the Gaussian diagonal weights.
const WEIGHT_SCALE: f64 = 0.1;
/// The fixed EGD step size (small enough for any timed number of steps).
const EGD_STEP: f64 = 0.5;
/// The fixed NGD step size.
const NGD_STEP: f64 = 0.01;

/// The signed training data as a problem, the test set if kept, the generator (for the
/// model) and the bytes of data held.
type Drawn = (
    ClassificationProblem,
    Option<Classification>,
    Xoshiro256PlusPlus,
    usize,
);

/// Draws the sparse Gaussian task. The raw training inputs are dropped once signed; the test
/// set is kept (as a Fig. 4 run keeps it) only if `keep_test`.
fn problem(n: usize, d: usize, keep_test: bool) -> Result<Drawn, RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let spec = SparseGaussianSpec {
        dim: d,
        sparsity: SPARSITY.min(d),
        n_train: n,
        n_test: if keep_test { N_TEST } else { 1 },
    };
    let task = sparse_gaussian(&spec, &mut rng).map_err(ExperimentError::from)?;
    let signed = task.train.signed();
    let test_bytes = if keep_test { task.test.x.len() * 8 } else { 0 };
    let problem = ClassificationProblem::new(signed).map_err(ExperimentError::from)?;
    let test = keep_test.then_some(task.test);
    Ok((problem, test, rng, n * d * 8 + test_bytes))
}

fn net(depth: usize, d: usize, rng: &mut Xoshiro256PlusPlus) -> Result<DiagonalNet, RunError> {
    gaussian_diagonal(depth, d, WEIGHT_SCALE, rng).map_err(|e| ExperimentError::from(e).into())
}

/// `egd-diag`: one fixed-step EGD step of a depth-`L` net ([`DiagonalEgd`]).
pub(super) fn egd(s: Sizes) -> Result<Workload, RunError> {
    let (problem, test, mut rng, data_bytes) = problem(s.n, s.d, true)?;
    let mut model = net(s.depth, s.d, &mut rng)?;
    let mut rule = DiagonalEgd::new(DiagonalStep::Fixed(EGD_STEP), s.depth, s.d)
        .map_err(ExperimentError::from)?;
    Ok(Workload {
        step: Box::new(move || {
            let _held = &test;
            check(
                rule.step(&mut model, &problem)
                    .map_err(ExperimentError::from)?,
            )
        }),
        data_bytes,
        description: format!(
            "DiagonalEgd, fixed step {EGD_STEP}, N = {}, D = {}, L = {} (+ {N_TEST} test rows held)",
            s.n, s.d, s.depth
        ),
    })
}

/// `egd-diag-batch`: one [`BatchEgd`] step of `K = depth` nets of depths `1, …, K`.
pub(super) fn egd_batch(s: Sizes) -> Result<Workload, RunError> {
    let (problem, _, mut rng, data_bytes) = problem(s.n, s.d, false)?;
    let k = s.depth;
    let mut models = (1..=k)
        .map(|depth| net(depth, s.d, &mut rng))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rule =
        BatchEgd::new(vec![DiagonalStep::Fixed(EGD_STEP); k]).map_err(ExperimentError::from)?;
    Ok(Workload {
        step: Box::new(move || {
            check(
                rule.step(&mut models, &problem)
                    .map_err(ExperimentError::from)?,
            )
        }),
        data_bytes,
        description: format!(
            "BatchEgd, K = {k} nets of depths 1..={k}, fixed step {EGD_STEP}, N = {}, D = {}",
            s.n, s.d
        ),
    })
}

/// `ngd-diag-*`: one sample-Fisher [`DiagonalNgd`] step with the route forced.
pub(super) fn ngd(s: Sizes, route: Route) -> Result<Workload, RunError> {
    let (problem, _, mut rng, data_bytes) = problem(s.n, s.d, false)?;
    let mut model = net(s.depth, s.d, &mut rng)?;
    let options = DiagOptions {
        cutoff: Cutoff::default(),
        route: RouteChoice::Force(route),
    };
    let mut rule =
        DiagonalNgd::new(NGD_STEP, FisherChoice::Sample(options)).map_err(ExperimentError::from)?;
    Ok(Workload {
        step: Box::new(move || {
            check(
                rule.step(&mut model, &problem)
                    .map_err(ExperimentError::from)?,
            )
        }),
        data_bytes,
        description: format!(
            "DiagonalNgd (sample Fisher, route {route:?} forced), step {NGD_STEP}, N = {}, D = {}, L = {}",
            s.n, s.d, s.depth
        ),
    })
}
