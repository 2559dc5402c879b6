//! The files of `fig5-fisher`'s folder and their columns, for its `README.md`.

use super::Fig5FisherConfig;
use ngd_harness::output::{FileDoc, OutputDocs};

/// The columns that name a run, shared by `curves.csv` and `final.csv`.
const RUN: [(&str, &str); 6] = [
    (
        "run_id",
        "run id `<method>-L<depth>[-rho<ρ>]-m<observations>-s<seed>`",
    ),
    (
        "method",
        "`EGD` (plain GD, fixed step), `NGD-MP` (the paper's NGD: Moore–Penrose under F(β) = I on all n² entries), `NGD-OBS` (Moore–Penrose NGD under the observed-entry Fisher F_Ω = Jᵀ P_Ωᵀ P_Ω J) or `NGD-OBS-DAMPED` ((F_Ω + λI)⁻¹∇ with λ = ρ·tr(F_Ω)/P)",
    ),
    ("depth", "number of factors L of β = W_1 ⋯ W_L"),
    (
        "rho",
        "relative damping ρ of `NGD-OBS-DAMPED` (dimensionless; empty for the other methods)",
    ),
    ("observations", "number m of observed entries"),
    (
        "seed",
        "draw index (truth, observed set and initial factors; fig5's draws)",
    ),
];
const ERROR: (&str, &str) = (
    "reconstruction_error (relative)",
    "‖β − M‖²_F / ‖M‖²_F over all entries",
);

/// Every file `finish` writes, with its columns.
pub(super) fn outputs(c: &Fig5FisherConfig) -> OutputDocs {
    let mut curves = RUN.to_vec();
    curves.extend([
        ("step", "step t (log-spaced recording points)"),
        (
            "train_mse (squared units)",
            "mean squared error over the observed entries, (1/m) Σ_Ω (β − M)²",
        ),
        ERROR,
    ]);
    let mut finals = RUN.to_vec();
    finals.extend([
        (
            "converged",
            "the harness's verdict: relative_residual at most its threshold (`convergence` in the run's JSON under `runs/`)",
        ),
        (
            "relative_residual (relative)",
            "Σ_Ω (β − M)² / Σ_Ω M² of the final β on the observed entries",
        ),
        ERROR,
        (
            "trivial_error (relative)",
            "error of the trivial solution: observed entries fitted, the others kept at this run's initial β",
        ),
        (
            "effective_rank (dimensionless)",
            "exp of the entropy of σ/Σσ, σ the singular values of the final β",
        ),
        ("nuclear_norm", "Σσ of the final β (units of M)"),
        ("steps", "steps taken"),
        ("stop", "why the run ended"),
        ("step_rule", "the step rule in words"),
    ]);
    OutputDocs {
        files: vec![
            FileDoc::csv(
                "curves.csv",
                "Every completed run's recorded steps, one row per run × recorded step.",
                &curves,
            ),
            FileDoc::csv(
                "final.csv",
                "The end of every completed run, one row per run (unconverged runs included, marked by `converged`).",
                &finals,
            ),
        ],
        notes: vec![format!(
            "Conventions: the truth M is n × n (n = {}) of rank {}, β = W_1 ⋯ W_L, loss ½ Σ_Ω (β − M)² over the m observed entries. NGD-MP's curvature is F(w) = JᵀJ with J the Jacobian of all n² entries of β; NGD-OBS's is F_Ω = Jᵀ P_Ωᵀ P_Ω J with P_Ω selecting the observed entries (solved through its m × m kernel). The plots average converged runs only; the settings (steps, damping grid ρ ∈ {:?}) are in `manifest.json` (`config`).",
            c.n, c.rank, c.relative_damping
        )],
    }
}
