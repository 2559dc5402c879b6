//! Matrix completion with a deep factorization (the paper's §4, after Arora et al. 2019).
//!
//! A rank-2 truth `M` (`12 × 12`, RMS entry 1) is observed on 96 of its 144 entries. A depth-3
//! factorization `β = W_1 W_2 W_3` from a small Gaussian initialization is trained by
//! Euclidean gradient descent (Arora et al.'s normalized step) on the squared loss
//! `½ Σ_Ω (β − M)²` until the observed entries are fitted. The implicit low-rank bias of depth
//! then fills in the unobserved entries: the example checks that the relative reconstruction
//! error over *all* entries, `‖β − M‖²_F / ‖M‖²_F`, is far below the error of the trivial
//! completion (observed entries right, the rest left at zero, ≈ 1 − 96/144) and that the
//! effective rank of `β` is near the true rank. Exits non-zero with a message if a
//! check fails.
//!
//! Run: `cargo run --release -p ngd-optim --example matrix_completion`.

use ndarray::Array2;
use ndarray_linalg::SVD;
use ngd_data::{completion_task, effective_rank};
use ngd_models::init::gaussian_factorization;
use ngd_optim::{
    CompletionProblem, Executor, FactorizationEgd, FactorizationStep, NoObserver, Resume, Stop,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::process::ExitCode;

const SIZE: usize = 12;
const RANK: usize = 2;
const OBSERVED: usize = 96;
const DEPTH: usize = 3;
const INIT_SCALE: f64 = 1e-3;
const LEARNING_RATE: f64 = 1e-2;
const MAX_STEPS: usize = 50_000;
/// Training stops once the observed loss `½ Σ_Ω (β − M)²` is below this.
const LOSS_STOP: f64 = 1e-3;
/// The deep factorization must reach at most this fraction of the trivial completion's error.
const MAX_ERROR_RATIO: f64 = 0.05;

fn spectrum(beta: &Array2<f64>) -> Result<Vec<f64>, String> {
    let (_, sigma, _) = beta.svd(false, false).map_err(|e| e.to_string())?;
    Ok(sigma.to_vec())
}

fn run() -> Result<(), String> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let task = completion_task(SIZE, RANK, OBSERVED, &mut rng).map_err(|e| e.to_string())?;
    let problem =
        CompletionProblem::new(task.truth.clone(), task.mask.clone()).map_err(|e| e.to_string())?;
    let mut net =
        gaussian_factorization(DEPTH, SIZE, INIT_SCALE, &mut rng).map_err(|e| e.to_string())?;
    let mut rule = FactorizationEgd::new(FactorizationStep::normalized(LEARNING_RATE))
        .map_err(|e| e.to_string())?;
    let outcome = Executor::new(MAX_STEPS)
        .loss_below(LOSS_STOP)
        .run(
            &mut rule,
            &mut net,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .map_err(|e| e.to_string())?;
    println!(
        "EGD, depth {DEPTH}: {:?} at step {}",
        outcome.stop, outcome.step
    );
    if !matches!(outcome.stop, Stop::LossBelow { .. }) {
        return Err(format!(
            "training did not fit the observed entries: {outcome:?}"
        ));
    }

    let beta = net.product();
    let error = task
        .reconstruction_error(beta.view())
        .map_err(|e| e.to_string())?;
    let trivial = task
        .trivial_error(Array2::zeros((SIZE, SIZE)).view())
        .map_err(|e| e.to_string())?;
    let sigma = spectrum(&beta)?;
    let rank = effective_rank(&sigma).map_err(|e| e.to_string())?;
    println!("relative reconstruction error ‖β − M‖²/‖M‖²:");
    println!("  deep factorization (L = {DEPTH}): {error:.3e}, effective rank {rank:.3}");
    println!("  trivial completion (zeros):       {trivial:.3e}");
    println!(
        "  leading singular values of β: {:?}",
        sigma
            .iter()
            .take(RANK + 2)
            .map(|s| format!("{s:.3e}"))
            .collect::<Vec<_>>()
    );
    if error > MAX_ERROR_RATIO * trivial {
        return Err(format!(
            "error {error:.3e} is not below {MAX_ERROR_RATIO} × the trivial completion's {trivial:.3e}"
        ));
    }
    if (rank - RANK as f64).abs() > 0.5 {
        return Err(format!(
            "effective rank {rank:.3} is not near the true rank {RANK}"
        ));
    }
    println!("ok: the deep factorization completed the rank-{RANK} matrix");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("matrix_completion: check failed: {message}");
            ExitCode::FAILURE
        }
    }
}
