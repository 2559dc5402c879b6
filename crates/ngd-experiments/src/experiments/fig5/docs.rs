//! The files of `fig5`'s folder and their columns, for its `README.md`, and how to re-check
//! them with NumPy (`experiments/recheck/recheck.py`).

use super::Fig5Config;
use ngd_harness::output::{FileDoc, OutputDocs};

const RUN: [(&str, &str); 6] = [
    (
        "run_id",
        "run id `<method>-L<depth>[x<collapse>]-m<observations>-s<seed>`",
    ),
    (
        "method",
        "`EGD`, `NGD-LS` (NGD, layer-split natural gradient), `NGD-MP` (NGD, Moore–Penrose natural gradient) or `NUC` (minimum-nuclear-norm completion)",
    ),
    (
        "depth",
        "number of factors L of β = W_1 ⋯ W_L (0 for `NUC`)",
    ),
    (
        "collapse",
        "collapse factor k of the initialization: each factor a product of k Gaussian matrices (1 = plain)",
    ),
    ("observations", "number m of observed entries"),
    (
        "seed",
        "draw index (truth, observed set and initial factors)",
    ),
];
const ERROR: (&str, &str) = (
    "reconstruction_error (relative)",
    "‖β − M‖²_F / ‖M‖²_F over all entries",
);
const MSE: (&str, &str) = (
    "train_mse (squared units)",
    "mean squared error over the observed entries, (1/m) Σ_Ω (β − M)²",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs(c: &Fig5Config) -> OutputDocs {
    let n = c.n;
    let mut curves = RUN.to_vec();
    curves.extend([("step", "step t (log-spaced recording points)"), MSE, ERROR]);
    let mut finals = RUN.to_vec();
    finals.extend([
        ERROR,
        ("trivial_error (relative)", "error of the trivial solution: observed entries fitted, the others kept at this run's initial β"),
        ("effective_rank (dimensionless)", "exp of the entropy of σ/Σσ, σ the singular values of the final β"),
        ("nuclear_norm", "Σσ of the final β"),
        (
            MSE.0,
            "mean squared error over the observed entries, (1/m) Σ_Ω (β − M)²; for `NUC` the solver's relative constraint residual ‖mask ⊙ (β − M)‖_F / ‖mask ⊙ M‖_F",
        ),
        ("steps", "steps taken (baseline: solver iterations)"),
        ("stop", "why the run ended"),
        ("step_rule", "the step rule in words"),
        (
            "converged",
            "whether the run met the harness's one convergence criterion for the squared loss: relative residual ≤ the threshold",
        ),
        (
            "relative_residual (relative)",
            "Σ_Ω (β − M)² / Σ_Ω M², the quantity the criterion judges",
        ),
        (
            "convergence_threshold (relative)",
            "the criterion's level (`SQUARED_RELATIVE_TOLERANCE` of the harness)",
        ),
    ]);
    let factors = [
        ("index", "index of the factor in `initial_factors.npy`"),
        ("depth", "depth L of the run(s) that start from it"),
        ("collapse", "collapse factor k of the initialization"),
        ("seed", "draw index"),
        ("layer", "l = 1…L: the factor W_l of β = W_1 ⋯ W_L"),
    ];
    OutputDocs {
        files: vec![
            FileDoc::csv("curves.csv", "Every run's recorded steps, one row per run × recorded step.", &curves),
            FileDoc::csv("final.csv", "The end of every completed run, one row per run.", &finals),
            FileDoc::file("truth.npy", format!("The rank-{} truth M of every draw, shape (seeds, {n}, {n}): `truth[seed]`. NaN for a draw without a completed run.", c.rank)),
            FileDoc::file("masks.npy", format!("The observed entries, shape (observation counts, seeds, {n}, {n}): `masks[i, seed]` is 1.0 where entry (row, column) is observed and 0.0 elsewhere, for the i-th count of `config.observations` in `manifest.json` ({:?}). NaN where no run of that count and draw completed.", c.observations)),
            FileDoc::file("initial_factors.npy", format!("The initial factors W_l of every (depth, collapse, draw), shape (factors, {n}, {n}); `initial_factors.csv` says which is which. EGD and NGD runs of one depth and draw start from the same factors.")),
            FileDoc::csv("initial_factors.csv", "Index of `initial_factors.npy`, one row per factor.", &factors),
            FileDoc::file("final_beta.npy", format!("The final β of every completed run, shape (runs, {n}, {n}), in the row order of `final.csv` (`final_beta[k]` is the run of row k).")),
        ],
        notes: vec![
            "Conventions: β = W_1 ⋯ W_L (matrix product in layer order); loss ½ Σ_Ω (β − M)², so the gradient of the loss in β is G = mask ⊙ (β − M) and in W_i it is (W_1⋯W_{i−1})ᵀ G (W_{i+1}⋯W_L)ᵀ. EGD L = 1 is plain GD with the fixed step `config.egd_depth1_step`; EGD L ≥ 2 uses the normalized step η_t = lr / √v̂_t with v_t = ρ v_{t−1} + (1 − ρ) ‖∇‖², v̂_t = v_t / (1 − ρ^t) (so the first step is lr / ‖∇‖). The settings are in `manifest.json` (`config`).".into(),
            "Re-check with NumPy alone: `python3 experiments/recheck/recheck.py fig5 <this folder>` (from the repository root) recomputes every run's reconstruction error, train MSE and effective rank from `truth.npy`, `masks.npy` and `final_beta.npy`, the trivial level from the initial factors, and the first EGD step of every EGD run from `initial_factors.npy`, and compares them with `final.csv` and `curves.csv`.".into(),
        ],
    }
}
