//! The files of `approximate-ng`'s folder and their columns, for its `README.md` (what
//! `finish` writes: two CSVs; its plots are named, with their captions, by the harness).

use crate::experiments::damping::docs::{ACCURACY, FISHER, LOSS, STEP, SUPPORT, TIME};
use ngd_harness::output::{FileDoc, OutputDocs};

const RUN: (&str, &str) = (
    "run",
    "run id: `<task>-l<depth>-<method>` (training), `thm<1|2>-<preconditioner>-<transform>` (invariance), `empirical-undamped-blow-up`, `deep-linear-<method>`",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    let runs = [
        RUN,
        (
            "kind",
            "`train` (a diagonal net trained on a task), `invariance` (Theorem 1 or 2 under an input transform A), `blow_up` (the undamped empirical Fisher from β = 0) or `deep_linear` (the deep linear net on the first N > D task)",
        ),
        (
            "task",
            "`toy` or `sparse-N<N>` for `train` rows (empty otherwise)",
        ),
        (
            "depth",
            "depth L of the diagonal net β = w_1 ⊙ … ⊙ w_L (`train`; 1 for `blow_up`; empty otherwise)",
        ),
        (
            "method",
            "`train`: `Egd` (loss-normalized step), `Ngd` (exact Moore–Penrose NGD), `Empirical` (empirical Fisher, relatively damped), `Diagonal` (diagonal Fisher), `Block` (per-layer block Fisher); `invariance`: `Diagonal`, `Empirical { rho: ρ }`, `Damped { rho: ρ }` (Fisher + ρ·tr(F)/P·I) or `Kfac { rho: ρ }`; `blow_up`: `empirical undamped`; `deep_linear`: `Egd`, `Ngd` or `Kfac`",
        ),
        (
            "transform",
            "input transform A of an `invariance` row: `Diagonal` (diagonal rescaling), `Rotation` (random rotation) or `WellConditioned` (I + E) (empty otherwise)",
        ),
        (
            "theorem",
            "`invariance` rows: 1 (N < D, training logits compared) or 2 (N ≥ D, Aᵀβ' compared with β) (empty otherwise)",
        ),
        (
            "steps",
            "last recorded step; for a diverged run, or the blow-up run, the step at which it diverged",
        ),
        (
            "stop",
            "why the run ended (budget, loss floor, or `diverged at step k: cause`)",
        ),
        (
            "converged",
            "`true` if the final mean loss is below ln 2 / N (empty for a run without a trajectory)",
        ),
        LOSS,
        ACCURACY,
        SUPPORT,
        (
            "invariance_error",
            "`invariance` rows: the largest over the recorded steps of ‖a − b‖_∞ / ‖b‖_∞ (dimensionless), a and b the training logits on X and on X Aᵀ (Theorem 1) or Aᵀβ' and β (Theorem 2) (empty otherwise)",
        ),
    ];
    let trace = [RUN, STEP, TIME, LOSS, FISHER, ACCURACY, SUPPORT];
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "approx_runs.csv",
                "The end of every run, one row per run (empty cells where a column does not apply).",
                &runs,
            ),
            FileDoc::csv(
                "approx_trace.csv",
                "Every run's recorded states, one row per run × recorded step (an invariance run: its run on X).",
                &trace,
            ),
        ],
        notes: vec![
            "Conventions: β = w_1 ⊙ … ⊙ w_L; labels y ∈ {−1, +1}; training runs take the capped step min(η, cap·‖w‖/‖g‖) (NGD: η; the approximations: η/L), EGD the loss-normalized step η/L(w); invariance runs a fixed step. The settings are in `manifest.json` (`config`); hypotheses A1–A7 and their rules: `docs/hypotheses.md`.".into(),
        ],
    }
}
