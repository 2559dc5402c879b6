//! The files of `own-data`'s folder and their columns, for its `README.md`.

use super::OwnDataConfig;
use ngd_harness::output::{FileDoc, OutputDocs};

/// The columns that name a method, shared by `data.csv` and `methods.csv`.
const METHOD: [(&str, &str); 3] = [
    (
        "method",
        "the method's `label` in the config's `[[methods]]`",
    ),
    (
        "model",
        "the model (`Linear`, `Diagonal { depth }`, `DeepLinear { hidden }`, `TwoLayerTanh { hidden }` or `TwoLayerRelu { hidden }`)",
    ),
    (
        "rule",
        "the training rule (`Egd { step }`, `NgdExact`, `NgdDampedAbsolute { lambda }`, `NgdDampedRelative { rho }`, `NgdEmpirical { rho }`, `NgdDiagonal`, `NgdBlock` or `Kfac { lambda }`)",
    ),
];
const LOSS: (&str, &str) = (
    "train_loss (nats)",
    "mean logistic loss (1/N) Σ_n ln(1 + e^{−y_n s_n}) on the training file, s_n the model's logit",
);
const ERROR: (&str, &str) = (
    "train_error (fraction)",
    "share of training samples with margin y_n s_n ≤ 0",
);
const ACCURACY: (&str, &str) = (
    "test_accuracy (fraction)",
    "share of test samples classified correctly (empty without a test file)",
);
const ANGLE: (&str, &str) = (
    "angle_to_l2_max_margin (degrees)",
    "angle between β and the ℓ2 max-margin separator of the training set (models linear in the input only; empty for the two-layer nets)",
);
const CONVERGED: &str = "the harness's verdict: the mean training loss is below ln 2 / N";

/// Every file `finish` writes, with its columns.
pub(super) fn outputs(c: &OwnDataConfig) -> OutputDocs {
    let mut data = METHOD.to_vec();
    data.extend([
        ("step", "step t (log-spaced recording points)"),
        LOSS,
        ERROR,
        ACCURACY,
        ANGLE,
        ("converged", CONVERGED),
    ]);
    let mut methods = METHOD.to_vec();
    methods.extend([
        ("learning_rate", "the method's step size η"),
        ("steps", "steps taken (the last recorded step)"),
        ("stop", "why the run ended"),
        ("converged", CONVERGED),
        LOSS,
        ERROR,
        ACCURACY,
        ANGLE,
    ]);
    let directions = [
        ("method", "the method's label"),
        ("coordinate", "index j = 0…D−1 of the input feature"),
        (
            "beta_over_norm",
            "β_j / ‖β‖ of the final end-to-end β (dimensionless)",
        ),
    ];
    let test = c.test_file.as_ref().map_or_else(
        || "no test file".to_string(),
        |p| format!("test samples from `{}`", p.display()),
    );
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "data.csv",
                "Every method's recorded steps, one row per method × recorded step.",
                &data,
            ),
            FileDoc::csv(
                "methods.csv",
                "The end of every completed method, one row per method (the report's table).",
                &methods,
            ),
            FileDoc::csv(
                "directions.csv",
                "The final direction β/‖β‖ of every model linear in the input, one row per method × coordinate (none for the two-layer nets).",
                &directions,
            ),
        ],
        notes: vec![format!(
            "Conventions: training samples from `{}` ({test}), labels y ∈ {{−1, +1}}, logistic loss on the logits s = f(x; w); models linear in the input score s = x·β. The methods and their settings are in `manifest.json` (`config.methods`); no hypothesis is judged (the summary has each method's numbers only).",
            c.train_file.display()
        )],
    }
}
