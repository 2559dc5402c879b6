//! The files of `theorems`' folder and their columns, for its `README.md`.

use ngd_harness::output::{FileDoc, OutputDocs};

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    let run = (
        "run_id",
        "the check: `thm1-<transform>`, `thm2-<transform>`, `thm3-linear`, `thm4-two-layer`, `appD`, `appG-<transform>` (transform `wellcond` or `diag`)",
    );
    let quantity = (
        "quantity",
        "name of the measured quantity (named in the claims of `summary.json`)",
    );
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "traces.csv",
                "Every check's quantities along NGD, one row per run × recorded step × quantity.",
                &[
                    run,
                    ("step", "NGD step k"),
                    ("time t = eta*k", "time t = ηk"),
                    quantity,
                    ("value", "its value"),
                ],
            ),
            FileDoc::csv(
                "scalars.csv",
                "Every check's end values, one row per run × quantity.",
                &[run, quantity, ("value", "its value")],
            ),
        ],
        notes: Vec::new(),
    }
}
