//! The files of `egd-demo`'s folder and their columns, for its `README.md`.

use ngd_harness::output::{FileDoc, OutputDocs};

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    OutputDocs {
        files: vec![FileDoc::csv(
            "data.csv",
            "Every run's log-spaced trajectory, one row per run × recorded step.",
            &[
                ("run_id", "run id `L<depth>-r<repeat>`"),
                ("depth", "depth L of the diagonal network β = w_1 ⊙ … ⊙ w_L"),
                ("repeat", "data draw index"),
                ("step", "EGD step"),
                ("train_loss (nats)", "mean logistic training loss"),
                (
                    "train_error (fraction)",
                    "fraction of misclassified training samples",
                ),
                (
                    "test_accuracy (fraction)",
                    "fraction of test samples classified correctly",
                ),
                (
                    "converged",
                    "whether the run met the harness's one convergence criterion: mean logistic training loss < ln 2 / N (every training sample classified correctly)",
                ),
                (
                    "convergence_threshold (nats)",
                    "the criterion's level ln 2 / N",
                ),
            ],
        )],
        notes: Vec::new(),
    }
}
