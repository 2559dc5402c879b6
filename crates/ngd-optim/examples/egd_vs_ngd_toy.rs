//! EGD vs NGD on the 2-D toy set of the paper's Fig. 2.
//!
//! Diagonal networks `β = w_1 ⊙ … ⊙ w_L` start from every weight `0.1` and are trained on the
//! mean logistic loss of the toy set (`ngd_data::toy_2d`):
//!
//! - EGD with the loss-normalized step `η / L(w)` (run by the [`Executor`]) for `L = 1, 2`;
//! - NGD (exact Moore–Penrose natural gradient from `ngd_fisher::diag_natural_gradient_of`) for
//!   `L = 1, 2, 3`, with the step `η_t = min(η, min_i ρ |w_i| / |g_i|)` (the ratio taken per
//!   coordinate `i`, the cap its smallest value) so that no weight
//!   moves by more than a fraction `ρ` of itself early on.
//!
//! It prints the end directions beside the ℓ2 and ℓ1 max-margin directions (known in closed
//! form for the toy set and recomputed by the interior-point baselines) and checks the paper's
//! picture: EGD on the linear model ends at the ℓ2 max margin, EGD on the depth-2 net ends
//! much nearer the ℓ1 (axis-aligned) direction, and NGD ends at one direction for every depth,
//! different from both. Exits non-zero with a message if a check fails.
//!
//! Run: `cargo run --release -p ngd-optim --example egd_vs_ngd_toy`.

use ndarray::Array1;
use ngd_data::{toy_2d, toy_2d_l1_max_margin_direction, toy_2d_l2_max_margin_direction};
use ngd_fisher::{DiagOptions, SignedData, diag_natural_gradient_of};
use ngd_models::init::constant_diagonal;
use ngd_optim::baselines::{l1_max_margin, l2_max_margin};
use ngd_optim::{ClassificationProblem, DiagonalEgd, DiagonalStep, Executor, NoObserver, Resume};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::process::ExitCode;

/// Every weight at initialization.
const INIT: f64 = 0.1;
/// EGD: loss-normalized step `η / L(w)` and budget.
const EGD_STEP: f64 = 0.01;
const EGD_STEPS: usize = 100_000;
/// NGD: step `η`, relative cap `ρ`, number of steps.
const NGD_STEP: f64 = 0.1;
const NGD_CAP: f64 = 0.2;
const NGD_STEPS: usize = 2_000;
/// Angle tolerance (degrees) of the checks; the two max-margin directions are 26.6° apart.
const TOLERANCE_DEG: f64 = 1.0;

fn angle_deg(beta: &Array1<f64>) -> f64 {
    beta[1].atan2(beta[0]).to_degrees()
}

fn egd_end_direction(problem: &ClassificationProblem, depth: usize) -> Result<f64, String> {
    let mut net = constant_diagonal(depth, 2, INIT).map_err(|e| e.to_string())?;
    let mut rule = DiagonalEgd::new(DiagonalStep::LossNormalized(EGD_STEP), depth, 2)
        .map_err(|e| e.to_string())?;
    let outcome = Executor::new(EGD_STEPS)
        .loss_below(1e-200)
        .run(
            &mut rule,
            &mut net,
            problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .map_err(|e| e.to_string())?;
    println!(
        "EGD L = {depth}: {:?} after {} steps, loss {:.2e}",
        outcome.stop,
        outcome.step,
        outcome.final_loss.unwrap_or(f64::NAN)
    );
    Ok(angle_deg(&net.beta()))
}

fn ngd_end_direction(data: &SignedData, depth: usize) -> Result<f64, String> {
    let mut net = constant_diagonal(depth, 2, INIT).map_err(|e| e.to_string())?;
    let options = DiagOptions::default();
    for _ in 0..NGD_STEPS {
        let g = diag_natural_gradient_of(&net, data, &options).map_err(|e| e.to_string())?;
        let step = net
            .weights()
            .iter()
            .zip(&g.direction)
            .filter(|(_, gi)| gi.abs() > 0.0)
            .fold(NGD_STEP, |h, (wi, gi)| h.min(NGD_CAP * wi.abs() / gi.abs()));
        net.weights_mut().scaled_add(-step, &g.direction);
    }
    let beta = net.beta();
    let margins = data.view().dot(&beta);
    let loss = ngd_models::logistic_loss::mean_loss(margins.view());
    println!("NGD L = {depth}: {NGD_STEPS} steps, loss {loss:.2e}");
    Ok(angle_deg(&beta))
}

fn run() -> Result<(), String> {
    let toy = toy_2d(&mut Xoshiro256PlusPlus::seed_from_u64(0));
    let data = SignedData::from_labels(toy.x.view(), toy.y.view()).map_err(|e| e.to_string())?;
    let problem = ClassificationProblem::from_labels(toy.x.view(), toy.y.view())
        .map_err(|e| e.to_string())?;

    let [l2x, l2y] = toy_2d_l2_max_margin_direction();
    let [l1x, l1y] = toy_2d_l1_max_margin_direction();
    let l2_angle = l2y.atan2(l2x).to_degrees();
    let l1_angle = l1y.atan2(l1x).to_degrees();
    let l2_solved = angle_deg(&l2_max_margin(data.view()).map_err(|e| e.to_string())?.beta);
    let l1_solved = angle_deg(&l1_max_margin(data.view()).map_err(|e| e.to_string())?.beta);
    println!("ℓ2 max margin: {l2_angle:8.3}° (closed form), {l2_solved:8.3}° (QP)");
    println!("ℓ1 max margin: {l1_angle:8.3}° (closed form), {l1_solved:8.3}° (LP)");
    if (l2_solved - l2_angle).abs() > TOLERANCE_DEG || (l1_solved - l1_angle).abs() > TOLERANCE_DEG
    {
        return Err("the max-margin baselines disagree with the closed forms".into());
    }

    let egd1 = egd_end_direction(&problem, 1)?;
    let egd2 = egd_end_direction(&problem, 2)?;
    let ngd: Vec<f64> = (1..=3)
        .map(|depth| ngd_end_direction(&data, depth))
        .collect::<Result<_, _>>()?;
    println!("\nend directions (angle of β):");
    println!("  EGD L = 1: {egd1:8.3}°   EGD L = 2: {egd2:8.3}°");
    for (depth, a) in (1..).zip(&ngd) {
        println!("  NGD L = {depth}: {a:8.3}°");
    }

    if (egd1 - l2_angle).abs() > TOLERANCE_DEG {
        return Err(format!(
            "EGD L = 1 ends at {egd1:.3}°, not within {TOLERANCE_DEG}° of the ℓ2 max margin {l2_angle:.3}°"
        ));
    }
    if (egd2 - l1_angle).abs() > 0.5 * (egd2 - l2_angle).abs() {
        return Err(format!(
            "EGD L = 2 ends at {egd2:.3}°: not much nearer the ℓ1 ({l1_angle:.1}°) than the ℓ2 ({l2_angle:.1}°) direction"
        ));
    }
    let spread = ngd.iter().fold(f64::NEG_INFINITY, |m, &a| m.max(a))
        - ngd.iter().fold(f64::INFINITY, |m, &a| m.min(a));
    if spread > TOLERANCE_DEG {
        return Err(format!(
            "NGD end directions differ by {spread:.3}° across depths"
        ));
    }
    if ngd
        .iter()
        .any(|&a| (a - l2_angle).abs() <= TOLERANCE_DEG || (a - l1_angle).abs() <= TOLERANCE_DEG)
    {
        return Err("an NGD end direction coincides with a max-margin direction".into());
    }
    println!(
        "\nok: EGD L = 1 → ℓ2, EGD L = 2 → near ℓ1, NGD depth-independent (spread {spread:.2e}°)"
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("egd_vs_ngd_toy: check failed: {message}");
            ExitCode::FAILURE
        }
    }
}
