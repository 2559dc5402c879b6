//! The files of a sweep's folder (`fig4`, `fig6`) and their columns, for its `README.md`.

use super::SweepConfig;
use ngd_harness::output::{FileDoc, OutputDocs};

const METHOD: (&str, &str) = (
    "method",
    "series: `EGD L=<depth>`, `NGD sample L=<depth>` (sample Fisher) or `NGD population L=1`",
);
const N_TRAIN: (&str, &str) = ("n_train", "number N of training samples");
const SEED: (&str, &str) = ("seed", "data draw index r");
const LOSS: (&str, &str) = (
    "train_loss (nats)",
    "mean logistic training loss (1/N) Σ_n log(1 + exp(−y_n x_nᵀβ))",
);
const ACC: (&str, &str) = (
    "test_accuracy (fraction)",
    "fraction of the test samples classified correctly by sign(xᵀβ)",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs(c: &SweepConfig) -> OutputDocs {
    let run_id = (
        "run_id",
        "run id: `egd-N<N>-r<r>` (every EGD depth), `ngd-L<L>-N<N>-r<r>`, `ngd-pop-N<N>-r<r>`",
    );
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "accuracy.csv",
                "The end of every trained model, one row per model (one per EGD depth in an EGD run).",
                &[
                    run_id,
                    METHOD,
                    ("depth", "depth L of the diagonal network β = w_1 ⊙ … ⊙ w_L"),
                    N_TRAIN,
                    SEED,
                    ("steps", "steps taken"),
                    ("stop", "why training stopped"),
                    LOSS,
                    (
                        "train_error (fraction)",
                        "fraction of misclassified training samples",
                    ),
                    ACC,
                    (
                        "true_support_mass (fraction of |beta|_1)",
                        "Σ_{j<k} |β_j| / Σ_j |β_j|: the share of |β| on the true support",
                    ),
                    (
                        "converged",
                        "whether the model met the harness's one convergence criterion: mean logistic training loss < ln 2 / N",
                    ),
                    (
                        "convergence_threshold (nats)",
                        "the criterion's level ln 2 / N",
                    ),
                ],
            ),
            FileDoc::csv(
                "trace.csv",
                "Every model's log-spaced trajectory, one row per model × recorded step.",
                &[run_id, METHOD, N_TRAIN, SEED, ("step", "step t"), LOSS, ACC],
            ),
            FileDoc::csv(
                "logits.csv",
                format!(
                    "The NGD logits of run `ngd-L1-N{}-r0` (the `logits` figure), one row per step × traced sample.",
                    c.logit_n
                ),
                &[
                    ("step", "NGD step t"),
                    ("sample", "index n of the training sample"),
                    ("label", "its label y_n = ±1"),
                    ("logit", "x_nᵀβ_t"),
                ],
            ),
            FileDoc::csv(
                "beta.csv",
                format!(
                    "Every coordinate of every model's learnt β at N = {} (the `beta` figure), one row per model × coordinate.",
                    c.beta_n
                ),
                &[
                    METHOD,
                    N_TRAIN,
                    SEED,
                    ("coordinate", "coordinate j (0-based)"),
                    ("beta", "β_j"),
                    (
                        "beta_star",
                        "the truth β*_j (1 on the first k coordinates, else 0)",
                    ),
                ],
            ),
        ],
        notes: vec![format!(
            "The data (D = {}, N up to {}, {} test samples per draw) are not stored: the draws \
             are too large to keep with every run. Each run's settings are in `manifest.json` \
             (`config`), its output (every model's β) in `runs/<run-id>.json`.",
            c.dim,
            c.n_grid.last().copied().unwrap_or(0),
            c.n_test
        )],
    }
}
