//! The files of a sweep's folder (`fig4`, `fig6`) and their columns, for its `README.md`.

use super::SweepConfig;
use super::arrays::{DATA_BYTES_LIMIT, data_bytes, stores_data};
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
    let mut files = vec![
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
    ];
    files.extend(array_docs(c, run_id));
    OutputDocs {
        files,
        notes: vec![data_note(c)],
    }
}

/// The re-check arrays (`arrays.rs`): the weights always, the training sets when stored.
fn array_docs(c: &SweepConfig, run_id: (&'static str, &'static str)) -> Vec<FileDoc> {
    let mut files = vec![
        FileDoc::file(
            "weights.npy",
            "Every model's initial and final weights w_1, …, w_L (float64, rows × D; a model of depth L takes L consecutive rows, layer 1 first; β = w_1 ⊙ … ⊙ w_L), indexed by `weights.csv`.",
        ),
        FileDoc::csv(
            "weights.csv",
            "Where each model's weights sit in `weights.npy`, one row per model × stage (the rows of `accuracy.csv`, in its order, each as `initial` then `final`).",
            &[
                run_id,
                METHOD,
                ("depth", "depth L: the block has L rows"),
                N_TRAIN,
                SEED,
                (
                    "stage",
                    "`initial` (the weights training started from) or `final` (where it stopped)",
                ),
                (
                    "first_row",
                    "row of `weights.npy` holding layer 1 of the block",
                ),
            ],
        ),
    ];
    if stores_data(c) {
        files.extend([
            FileDoc::file(
                "train_x.npy",
                "Every training set's inputs x_n (float64, rows × D), one block of N rows per (N, r), indexed by `tasks.csv`.",
            ),
            FileDoc::file(
                "train_y.npy",
                "The labels y_n = sign(x_n·β*) = ±1 of the rows of `train_x.npy` (float64).",
            ),
            FileDoc::csv(
                "tasks.csv",
                "Where each (N, r)'s training set sits in `train_x.npy` / `train_y.npy`, one row per data draw.",
                &[N_TRAIN, SEED, ("first_row", "first row of the block (it has N rows)")],
            ),
        ]);
    }
    files
}

/// What of the data the folder holds, and how to re-check it.
fn data_note(c: &SweepConfig) -> String {
    let mib = |b: u64| b as f64 / f64::from(1u32 << 20);
    let data = if stores_data(c) {
        format!(
            "The training sets are stored (`train_x.npy`, {:.1} MiB); ",
            mib(data_bytes(c))
        )
    } else {
        format!(
            "The training sets are not stored: at this config they would take {:.0} MiB \
             (over the folder's limit of {:.0} MiB); ",
            mib(data_bytes(c)),
            mib(DATA_BYTES_LIMIT)
        )
    };
    let recomputed = if stores_data(c) {
        "β, training loss, training error and support share from the weights and data; the \
         first recorded step from the initial weights"
    } else {
        "β and support share from the weights"
    };
    format!(
        "{data}the test sets ({} samples per draw, D = {}) are not stored: their accuracy is \
         re-checked against the closed form 1 − ∠(β, β*)/π of Gaussian inputs, at sampling \
         tolerance. Re-check with NumPy alone: `python3 experiments/recheck/recheck.py fig6 \
         <this folder>` (`fig4` for Fig. 4's folder; {recomputed}).",
        c.n_test, c.dim
    )
}
