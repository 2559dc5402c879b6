//! The files of `damping`'s folder and their columns, for its `README.md` (what `finish`
//! writes: two CSVs; its plots are named, with their captions, by the harness).

use ngd_harness::output::{FileDoc, OutputDocs};

/// The columns naming a run's task, depth and method (both CSVs).
const METHOD: [(&str, &str); 5] = [
    (
        "task",
        "`toy` (the Fig. 2 set, N = 20, D = 2) or `sparse-N<N>` (sparse Gaussian task with N training samples)",
    ),
    ("depth", "depth L of the diagonal net β = w_1 ⊙ … ⊙ w_L"),
    (
        "method",
        "`egd_loss_normalized` (EGD, step η/L(w)), `egd_fixed` (EGD, fixed step, stops at `loss_threshold`), `ngd_exact` (Moore–Penrose NGD), `damped_absolute` (g = (F + λI)⁻¹∇L), `damped_relative` (λ = ρ·tr(F)/P, NGD's step rule) or `damped_relative_rescaled_step` (λ = ρ·tr(F)/P, step η_E·λ_t/L(w): the λ → ∞ end)",
    ),
    (
        "lambda",
        "absolute damping λ of a `damped_absolute` run (empty otherwise)",
    ),
    (
        "rho",
        "relative damping ρ (dimensionless) of a `damped_relative*` run (empty otherwise)",
    ),
];

/// The columns of a recorded state (also used by `approximate-ng`, same trainer).
pub(crate) const LOSS: (&str, &str) = (
    "loss",
    "mean logistic training loss (1/N) Σ log(1 + e^{−y_i x_i·β}) (nats)",
);
pub(crate) const STEP: (&str, &str) = (
    "step",
    "step index k (recorded at log-spaced steps, `points_per_decade` per decade, and at the end)",
);
pub(crate) const TIME: (&str, &str) = ("time", "Σ_t η_t, the sum of the steps taken so far");
pub(crate) const FISHER: (&str, &str) = (
    "fisher_mean_eigenvalue",
    "tr(F)/P, the mean eigenvalue of the mean Fisher F = (1/N) Σ σ'(u_i) J_iᵀJ_i in the model's P weights",
);
pub(crate) const ACCURACY: (&str, &str) = (
    "test_accuracy",
    "fraction of the test set classified correctly by sign(x·β) (empty on the toy set)",
);
pub(crate) const SUPPORT: (&str, &str) = (
    "support_share",
    "share Σ_{i∈S}|β_i| / Σ|β_i| of |β| on the teacher's support S (empty on the toy set)",
);
const TO_EGD: (&str, &str) = (
    "angle_to_egd_end_deg",
    "angle (degrees) between this β and the end β of the same task and depth's `egd_loss_normalized` run (empty if that run did not complete)",
);
const TO_NGD: (&str, &str) = (
    "angle_to_ngd_end_deg",
    "angle (degrees) between this β and the end β of the same task and depth's `ngd_exact` run (empty if that run did not complete)",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    let mut trace = METHOD.to_vec();
    trace.extend([
        STEP,
        TIME,
        LOSS,
        (
            "train_error",
            "fraction of training samples misclassified by sign(x·β)",
        ),
        FISHER,
        ACCURACY,
        SUPPORT,
        TO_EGD,
        TO_NGD,
    ]);
    let mut runs = vec![(
        "run",
        "run id `<task>-L<depth>-<method label>`, e.g. `sparse-N20-L2-abs-1e-5`",
    )];
    runs.extend(METHOD);
    runs.extend([
        ("steps", "step index of the run's last recorded state (empty if the run diverged)"),
        ("stop", "why the run ended (budget, loss floor, threshold, or `diverged at step k: cause`)"),
        ("converged", "`true` if the final mean loss is below ln 2 / N (every training sample classified with margin), else `false`"),
        LOSS,
        ACCURACY,
        SUPPORT,
        TO_EGD,
        TO_NGD,
        (
            "threshold_step",
            "first step whose loss is below `loss_threshold` (empty if never reached)",
        ),
    ]);
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "damping_trace.csv",
                "Every run's recorded states, one row per run × recorded step (the end of the run included).",
                &trace,
            ),
            FileDoc::csv(
                "damping_runs.csv",
                "The end of every run, one row per run (the `runs/` records hold each trajectory's β).",
                &runs,
            ),
        ],
        notes: vec![
            "Conventions: β = w_1 ⊙ … ⊙ w_L; labels y ∈ {−1, +1}; the NGD family (exact, absolute, relative) takes the capped step η_t = min(η, cap·‖w‖/‖g‖); loss-normalized EGD the step η/L(w); the settings are in `manifest.json` (`config`). Hypotheses D1–D5 and their rules: `docs/hypotheses.md`.".into(),
        ],
    }
}
