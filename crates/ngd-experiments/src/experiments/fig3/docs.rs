//! The files of `fig3`'s folder and their columns, for its `README.md`.

use ngd_harness::output::{FileDoc, OutputDocs};

/// Every file `finish` writes, with its columns.
pub(super) fn outputs() -> OutputDocs {
    OutputDocs {
        files: vec![
            FileDoc::file(
                "initial_factors_L*.npy",
                "The initial factors W_1, …, W_L of depth L (float64, L × D × D, W_1 first; β = W_1 ⋯ W_L): the state every map of that depth responds at.",
            ),
            FileDoc::csv(
            "maps.csv",
            "Every response map, one row per depth × method × matrix entry.",
            &[
                ("depth", "number of factors L of β = W_1 ⋯ W_L"),
                (
                    "method",
                    "EGF, EGD, NGF / NGD (layer split or Moore–Penrose), and the maps at η/2",
                ),
                (
                    "row",
                    "row of the entry of β (0-based; the observed centre is (c, c))",
                ),
                ("col", "column of the entry of β (0-based)"),
                (
                    "response (per unit gradient)",
                    "change of the entry under the method's step for the loss gradient E_cc, per unit of gradient",
                ),
                (
                    "response_relative_to_centre (ratio)",
                    "the response divided by the response at the centre",
                ),
            ],
        ),
        ],
        notes: vec![
            "Re-check with NumPy alone: `python3 experiments/recheck/recheck.py fig3 <this folder>` recomputes the EGF, EGD and Moore–Penrose NGF / NGD maps from `initial_factors_L*.npy` (pinv of the dense Jacobian) and compares them with `maps.csv`.".into(),
        ],
    }
}
