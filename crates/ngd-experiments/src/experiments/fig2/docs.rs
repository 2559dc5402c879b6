//! The files of `fig2`'s folder and their columns, for its `README.md`, and how to re-check
//! them with NumPy (`experiments/recheck/recheck.py`).

use ngd_harness::output::{FileDoc, OutputDocs};

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    let run = [
        ("run_id", "run id: `egd-L<L>` or `ngd-L<L>`"),
        (
            "method",
            "`EGD` (loss-normalized step η/L(w)) or `NGD` (sample Fisher, Moore–Penrose, capped step)",
        ),
        (
            "depth",
            "depth L of the diagonal net β = w_1 ⊙ … ⊙ w_L (1 = linear model)",
        ),
    ];
    let mut trajectory = run.to_vec();
    trajectory.extend([
        (
            "step",
            "step k (log-spaced recording points; the last row of a run is its end)",
        ),
        (
            "flow_time",
            "Σ_k η_k: for EGD η/L(w_k) per step, for NGD η_k = min(η, min_i ρ|w_i|/|g_i|)",
        ),
        ("angle (deg)", "atan2(β₂, β₁) in degrees"),
        ("beta1", "β₁ = Π_l w_{l,1}"),
        ("beta2", "β₂ = Π_l w_{l,2}"),
        ("min_margin", "min_n x̃_n·β with x̃_n = y_n x_n"),
        ("normalized_l2_margin", "min_n x̃_n·β / ‖β‖₂"),
        (
            "loss (nats)",
            "mean logistic loss (1/N) Σ_n log(1 + exp(−x̃_n·β))",
        ),
        (
            "converged",
            "whether the run met the harness's one convergence criterion at its last point: mean logistic loss < ln 2 / N (the same value on every row of a run)",
        ),
        ("convergence_threshold (nats)", "the criterion's level ln 2 / N"),
    ]);
    let mut parameters = run.to_vec();
    parameters.extend([
        (
            "stage",
            "`initial` (step 0) or `final` (the run's last step)",
        ),
        ("layer", "layer l = 1…L"),
        ("w1", "w_{l,1}, the weight of coordinate 1 in layer l"),
        ("w2", "w_{l,2}, the weight of coordinate 2 in layer l"),
    ]);
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "data.csv",
                "The 2-D toy training set (N = 20), one row per sample.",
                &[("x1", "first input coordinate"), ("x2", "second input coordinate"), ("y", "label ±1")],
            ),
            FileDoc::csv(
                "trajectories.csv",
                "Every run's recorded steps, one row per run × recorded step.",
                &trajectory,
            ),
            FileDoc::csv(
                "parameters.csv",
                "The initial and final weights of every run, one row per run × stage × layer; \
                 β = the product over layers of (w1, w2).",
                &parameters,
            ),
        ],
        notes: vec![
            "Conventions: x̃_n = y_n x_n; mean logistic loss and mean Fisher \
             F(w) = (1/N) Jᵀ X̃ᵀ diag(σ(u)(1−σ(u))) X̃ J with u = X̃β and J = ∂β/∂w; the natural \
             gradient g = F(w)⁺ ∇_w L is an ascent direction and every step is w ← w − η_k g. \
             EGD: w ← w − (η/L(w)) ∇_w L. NGD: η_k = min(η, min_i ρ|w_i|/|g_i|), the ratio per \
             weight i (every layer and coordinate) and the cap its smallest value; η, ρ and the \
             other settings are in `manifest.json` (`config`)."
                .into(),
            "Re-check with NumPy alone: `python3 experiments/recheck/recheck.py fig2 <this folder>` \
             (from the repository root) recomputes every row's angle, margins and loss from β and \
             `data.csv`, each run's final β from `parameters.csv`, the first EGD and NGD step of \
             every run from its initial weights, and the ℓ2 max-margin direction."
                .into(),
        ],
    }
}
