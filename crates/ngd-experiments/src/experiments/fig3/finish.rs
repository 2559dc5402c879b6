//! Post-processing of `fig3`: tidy CSV of every map, the heatmap grid, masses and claims.

use super::Fig3Config;
use super::maps::{Fig3Output, PANEL_METHODS, cross_share, distance_from_unit, off_centre_mass};
use crate::experiments::npy::write_npy;
use ngd_harness::error::Error;
use ngd_harness::experiment::{Claim, ExperimentSummary, Figure, RunSpec, Verdict, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{HeatmapGrid, HeatmapPanel, heatmap_grid};
use serde::Serialize;

/// One row of `maps.csv`.
#[derive(Serialize)]
struct Row<'a> {
    depth: usize,
    method: &'a str,
    row: usize,
    col: usize,
    #[serde(rename = "response (per unit gradient)")]
    response: f64,
    #[serde(rename = "response_relative_to_centre (ratio)")]
    relative: f64,
}

type Runs = ngd_harness::experiment::Runs<super::Fig3Params, Fig3Output>;

/// The map `method` of a run output.
fn map<'a>(o: &'a Fig3Output, method: &str) -> Option<&'a Vec<Vec<f64>>> {
    o.maps
        .iter()
        .find(|m| m.method == method)
        .map(|m| &m.values)
}

fn verdict(ok: bool) -> Verdict {
    if ok {
        Verdict::Reproduced
    } else {
        Verdict::NotReproduced
    }
}

pub(super) fn finish(
    c: &Fig3Config,
    runs: &Runs,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    let done: Vec<(&RunSpec<_>, &Fig3Output)> = runs
        .iter()
        .filter_map(|(s, r)| r.output().map(|o| (s, o)))
        .collect();
    let centre = c.size / 2;
    let mut rows = Vec::new();
    for (s, o) in &done {
        for m in &o.maps {
            let at_centre = m.values[centre][centre];
            for (i, r) in m.values.iter().enumerate() {
                for (j, &v) in r.iter().enumerate() {
                    rows.push(Row {
                        depth: s.params.depth,
                        method: &m.method,
                        row: i,
                        col: j,
                        response: v,
                        relative: v / at_centre,
                    });
                }
            }
        }
    }
    out.write_csv("maps.csv", &rows)?;
    for (s, o) in &done {
        let (depth, d) = (s.params.depth, c.size);
        let flat: Vec<f64> = o
            .initial_factors
            .iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        let file = format!("initial_factors_L{depth}.npy");
        if o.initial_factors.len() != depth {
            return Err(Error::format(
                &out.path(&file),
                format!(
                    "run {} holds {} initial factors, not {depth} (recorded by an older ngd?); \
                     run it again without --resume",
                    s.id,
                    o.initial_factors.len()
                ),
            ));
        }
        let factors = ndarray::Array3::from_shape_vec((depth, d, d), flat)
            .map_err(|e| Error::format(&out.path(&file), e))?;
        write_npy(out, &file, &factors)?;
    }

    let mut summary = ExperimentSummary {
        title: "Fig. 3 — tangent kernels of deep matrix factorizations".into(),
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    let mut panels = Vec::new();
    for (s, o) in &done {
        for method in PANEL_METHODS {
            if let Some(v) = map(o, method) {
                let at_centre = v[centre][centre];
                panels.push(HeatmapPanel {
                    title: format!("{method}, L = {}", s.params.depth),
                    values: v
                        .iter()
                        .map(|r| r.iter().map(|x| x / at_centre).collect())
                        .collect(),
                });
            }
        }
    }
    if !panels.is_empty() {
        let grid = HeatmapGrid {
            title: format!(
                "Response of β ({0}×{0}) to one observation at ({1}, {1})",
                c.size, centre
            ),
            rows: done.len(),
            cols: PANEL_METHODS.len(),
            panels,
            color_label: "response / response at the observed entry".into(),
            range: None,
            diverging: true,
            panel_px: 190,
            x_axis: None,
            y_axis: None,
        };
        heatmap_grid(&out.path("ntk"), &grid)?;
        summary.figures.push(Figure {
            name: "ntk".into(),
            caption: format!(
                "Rows: depth L; columns: EGF, EGD, NGF, NGD (layer split). Each panel shows how \
                 every entry moves per unit negative gradient at the centre entry, divided by \
                 the centre's own response; EGD/NGD are finite steps with η = {}. Initial \
                 factors: {} (std multiplier {}).",
                c.step, c.init, c.init_std
            ),
        });
    }

    // Masses per depth and method.
    let mut ngf_worst: f64 = 0.0;
    let mut ngd_text = Vec::new();
    let mut ngd_ok = true;
    let mut egd_text = Vec::new();
    let mut egd_ok = true;
    let mut cross_text = Vec::new();
    let mut cross_ok = true;
    for (s, o) in &done {
        let l = s.params.depth;
        for m in &o.maps {
            summary.headline.insert(
                format!("off_centre_mass_L{l}_{} (ratio)", m.method),
                off_centre_mass(&m.values),
            );
        }
        let mass = |name: &str| map(o, name).map(|v| off_centre_mass(v)).unwrap_or(f64::NAN);
        for name in ["NGF (layer split)", "NGF (Moore–Penrose)"] {
            ngf_worst =
                ngf_worst.max(map(o, name).map_or(f64::INFINITY, |v| distance_from_unit(v)));
        }
        for name in ["layer split", "Moore–Penrose"] {
            let (full, half) = (
                mass(&format!("NGD ({name})")),
                mass(&format!("NGD ({name}, η/2)")),
            );
            let ratio = full / half;
            ngd_text.push(format!(
                "L = {l} {name}: {full:.2e} (η/2: {half:.2e}, ratio {ratio:.2})"
            ));
            // At rounding level, or vanishing linearly in η.
            ngd_ok &= full <= 1e-10 || (1.7..=2.3).contains(&ratio);
        }
        let (egf, egd) = (mass("EGF"), mass("EGD"));
        egd_text.push(format!("L = {l}: EGF {egf:.3}, EGD {egd:.3}"));
        egd_ok &= if l == 1 {
            egf == 0.0 && egd == 0.0
        } else {
            egf > 0.1 && egd > 0.1
        };
        if l >= 2 {
            let share = map(o, "EGF").map_or(f64::NAN, |v| cross_share(v));
            summary
                .headline
                .insert(format!("egf_cross_share_L{l} (fraction)"), share);
            cross_text.push(format!("L = {l}: {share:.3}"));
            cross_ok &= if l == 2 {
                share > 1.0 - 1e-12
            } else {
                share >= 0.5
            };
        }
    }
    let cells = (2 * (c.size - 1)) as f64 / ((c.size * c.size - 1) as f64);
    summary.claims = vec![
        Claim {
            claim: "When L ≥ 2, Euclidean gradient methods also move entries where there is no observation".into(),
            measured: format!("off-centre mass Σ|R_ij|/|R_cc| — {}", egd_text.join("; ")),
            verdict: verdict(egd_ok),
            reason: "threshold: exactly 0 for L = 1, > 0.1 for every L ≥ 2".into(),
        },
        Claim {
            claim: "EGD can respond by moving the fifth row of W_1 or column of W_2 … the cross pattern (§4)".into(),
            measured: format!("share of EGF off-centre mass on row c ∪ column c — {}", cross_text.join("; ")),
            verdict: verdict(cross_ok),
            reason: format!(
                "threshold: 1 − 1e-12 for L = 2 (W_1W_1ᵀE + EW_2ᵀW_2 is supported on the cross), ≥ 0.5 for L ≥ 3 (the cross holds {:.1}% of the off-centre cells)",
                100.0 * cells
            ),
        },
        Claim {
            claim: "Due to invariance, natural gradient methods move only the single entry (natural NTK = identity)".into(),
            measured: format!("max over depths and both natural directions of max|NGF response − E_cc| = {ngf_worst:.2e}"),
            verdict: verdict(ngf_worst <= 1e-10),
            reason: "threshold 1e-10 (rounding level of the pseudo-inverses)".into(),
        },
        Claim {
            claim: "This is true even in the approximately invariant NGD".into(),
            measured: format!("NGD off-centre mass at η = {} — {}", c.step, ngd_text.join("; ")),
            verdict: verdict(ngd_ok),
            reason: "pass if each map's off-centre mass is ≤ 1e-10 or halves with η (ratio in [1.7, 2.3], an O(η) finite-step term). With one observed entry the layer split moves only the centre at every order (its second-order term (1/L²) E β⁻¹ E is supported on (c, c)); the Moore–Penrose step moves other entries by O(η), large when A_i⁺, B_i⁺ are large".into(),
        },
    ];
    summary.notes.push(format!(
        "Initial state (the paper says only 'random'): {} factors with std multiplier {} (per-entry std {:.4} = init_std/√D), one draw per depth from the run seed.",
        c.init,
        c.init_std,
        c.init_std / (c.size as f64).sqrt()
    ));
    summary.notes.push("Plotted NGF/NGD use the paper's layer split G_i = (1/L) A_i⁺ G B_i⁺ (eq. 51, factor order corrected); the Moore–Penrose maps and the η/2 maps are in maps.csv.".into());
    summary.notes.push("Panels are divided by their own centre response so that depths with different kernel scales share one colour bar; maps.csv keeps the raw responses.".into());
    Ok(summary)
}
