//! The files of `deep-linear`'s folder and their columns, for its `README.md`.

use super::DeepLinearConfig;
use ngd_harness::output::{FileDoc, OutputDocs};

/// The columns that name a run, shared by `data.csv` and `end.csv`.
const RUN: [(&str, &str); 4] = [
    (
        "run_id",
        "run id: `toy-egd-L<L>`, `egd-L<L>-N<N>-r<draw>`, `diag-egd-L2-N<N>-r<draw>`, `ngd-deep-N<N>-r<draw>` or `ngd-linear-N<N>-r<draw>`",
    ),
    (
        "method",
        "`EGD deep linear L=<L> (toy)`, `EGD deep linear L=<L>` (loss-normalized EGD on the full-matrix net β = W_1ᵀ ⋯ W_Lᵀ), `EGD diagonal L=2` (the diagonal net's EGD), `NGD deep linear L=<ngd_depth>` or `NGD linear model` (exact Moore–Penrose NGD)",
    ),
    ("n", "training samples N (20 on the toy set of Fig. 2)"),
    ("seed", "data draw index (0 on the toy set)"),
];
const LOSS: (&str, &str) = (
    "train_loss (nats)",
    "mean logistic loss (1/N) Σ_n ln(1 + e^{−y_n x_n·β}) on the training set",
);
const ACCURACY: (&str, &str) = (
    "test_accuracy (fraction)",
    "share of test samples with sign(x·β) = y (empty on the toy set, which has no test set)",
);
const ANGLE: (&str, &str) = (
    "angle_to_l2_max_margin (degrees)",
    "angle between β and the ℓ2 max-margin separator of the training set (hypothesis L1)",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs(c: &DeepLinearConfig) -> OutputDocs {
    let mut data = RUN.to_vec();
    data.extend([
        ("step", "step t (log-spaced recording points)"),
        LOSS,
        (
            "train_error (fraction)",
            "share of training samples with y_n x_n·β ≤ 0",
        ),
        ACCURACY,
        (
            ANGLE.0,
            "angle between β_t and the ℓ2 max-margin separator of the training set (hypothesis L1); the diagonal net records its end point only",
        ),
    ]);
    let mut end = RUN.to_vec();
    end.extend([
        ("steps", "steps taken (the last recorded step)"),
        ("stop", "why the run ended"),
        (
            "converged",
            "the harness's verdict: the final mean loss is below ln 2 / N",
        ),
        (
            LOSS.0,
            "the final mean logistic loss (the value the convergence verdict judges)",
        ),
        ACCURACY,
        ANGLE,
        (
            "support_share (fraction)",
            "Σ_{j<k} |β_j| / Σ_j |β_j|: the share of |β| on the k true non-zeros of β* (0 on the toy set)",
        ),
    ]);
    let theorem4 = [
        ("n", "training samples N (an entry of `ngd_n`)"),
        (
            "train_logits_relative_difference",
            "‖s_deep − s_lin‖ / ‖s_lin‖ of the final training logits s = Xβ of NGD on the deep net and on the linear model (dimensionless; Theorem 4, hypothesis L3)",
        ),
        (
            "test_logits_relative_difference",
            "the same on the test set (dimensionless)",
        ),
        (
            "beta_angle (degrees)",
            "angle between the two final β (hypothesis L4)",
        ),
        (
            "test_prediction_disagreement (fraction)",
            "share of test samples whose predicted labels sign(x·β) differ",
        ),
        (
            "test_accuracy_deep (fraction)",
            "test accuracy of NGD on the deep net",
        ),
        (
            "test_accuracy_linear (fraction)",
            "test accuracy of NGD on the linear model",
        ),
    ];
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "data.csv",
                "Every run's recorded steps, one row per run × recorded step.",
                &data,
            ),
            FileDoc::csv(
                "end.csv",
                "The end of every completed run, one row per run.",
                &end,
            ),
            FileDoc::csv(
                "theorem4.csv",
                format!(
                    "NGD on the depth-{} net against NGD on the linear model started at its initial β, one row per N of `ngd_n` × data draw (draws in order 0, 1, …).",
                    c.ngd_depth
                ),
                &theorem4,
            ),
        ],
        notes: vec![format!(
            "Conventions: β = W_1ᵀ ⋯ W_Lᵀ ∈ ℝ^D (D = {} on the sparse task, 2 on the toy set), hidden width {}, logits s = Xβ, labels y ∈ {{−1, +1}}. The sparse task draws x ~ N(0, I_D) and y = sign(x·β*) with the first k = {} entries of β* equal to 1; {} test samples per draw. The settings are in `manifest.json` (`config`); means over draws are in `summary.json`.",
            c.dim, c.hidden_width, c.sparsity, c.n_test
        )],
    }
}
