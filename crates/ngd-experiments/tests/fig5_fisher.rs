//! `fig5-fisher`: config validation, and a shrunken end to end run (every method, the
//! finish's files, the claims M1–M3, and `not judged` when a series is missing).

mod common;

use common::ctx;

use ngd_experiments::experiments::fig5_fisher::{Fig5Fisher, Fig5FisherConfig, Method};
use ngd_harness::Experiment;
use ngd_harness::config::Preset;
use ngd_harness::experiment::{RunRecord, Verdict};

/// A change that makes a config invalid.
type Spoil = fn(&mut Fig5FisherConfig);

#[test]
fn presets_are_valid_and_bad_fields_are_named() {
    let exp = Fig5Fisher;
    for preset in [Preset::Quick, Preset::Paper] {
        exp.validate(&exp.config(preset)).unwrap();
    }
    let quick = exp.config(Preset::Quick);
    let cases: [(&str, Spoil); 6] = [
        ("n", |c| c.n = 1),
        ("observations", |c| c.observations = vec![c.n * c.n + 1]),
        ("depths", |c| c.depths = Vec::new()),
        ("relative_damping", |c| c.relative_damping = vec![-1.0]),
        ("egd_step", |c| c.egd_step = f64::NAN),
        ("damped_max_steps", |c| c.damped_max_steps = 0),
    ];
    for (field, spoil) in cases {
        let mut c = quick.clone();
        spoil(&mut c);
        let err = exp.validate(&c).unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
    }
}

fn shrunken() -> Fig5FisherConfig {
    let mut c = Fig5Fisher.config(Preset::Quick);
    c.n = 8;
    c.rank = 1;
    c.observations = vec![20, 40];
    c.depths = vec![2];
    c.relative_damping = vec![1e-6, 1e-2];
    c.egd_step = 0.1;
    c.egd_max_steps = 20_000;
    c.damped_max_steps = 20_000;
    c
}

#[test]
fn shrunken_end_to_end() {
    let exp = Fig5Fisher;
    let c = shrunken();
    exp.validate(&c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for spec in exp.plan(&c) {
        let out = exp.run(&c, &spec, &mut ctx(dir.path(), &spec.id)).unwrap();
        let run = &out.run;
        assert!(run.reconstruction_error.is_finite(), "{}", spec.id);
        if spec.params.method != Method::Egd {
            assert!(
                out.run.convergence.converged,
                "{}: {:?}",
                spec.id, out.run.convergence
            );
        }
        let dev = (run.reconstruction_error - run.trivial_error).abs() / run.trivial_error;
        match spec.params.method {
            // The paper's NGD moves unobserved entries only by its finite-step terms.
            Method::PaperNgd => assert!(dev < 1e-3, "{}: {dev:e}", spec.id),
            // Observed-entry NGD moves them through the tangent kernel, to first order.
            Method::ObservedNgd => {
                assert!(dev > 1e-2, "{}: {dev:e}", spec.id);
                let share = out.unobserved_share.unwrap();
                assert!(share > 1e-2 && share.is_finite(), "{}: {share}", spec.id);
            }
            _ => assert_eq!(out.unobserved_share, None),
        }
        runs.push((spec, RunRecord::Completed { output: out }));
    }
    // ρ = 1e-6 is observed-entry NGD up to O(ρ) terms.
    let error = |id: &str| {
        runs.iter()
            .find(|(s, _)| s.id == id)
            .and_then(|(_, r)| r.output())
            .map(|o| o.run.reconstruction_error)
            .unwrap()
    };
    for m in c.observations.iter() {
        let (a, b) = (
            error(&format!("NGD-OBS-L2-m{m}-s0")),
            error(&format!("NGD-OBS-DAMPED-L2-rho1e-6-m{m}-s0")),
        );
        assert!((a - b).abs() <= 1e-3 * a, "m = {m}: {a} vs {b}");
    }
    let out = ngd_harness::output::ExperimentDir::create(dir.path(), "fig5-fisher").unwrap();
    let summary = exp.finish(&c, &runs, &out).unwrap();
    for f in [
        "curves.csv",
        "final.csv",
        "error.png",
        "rank.png",
        "damping.png",
    ] {
        assert!(out.path(f).is_file(), "{f}");
    }
    let names: Vec<&str> = summary.claims.iter().map(|c| &c.claim[..2]).collect();
    assert_eq!(names, ["M1", "M2", "M3"]);
    // This ρ grid does not reach 1e2: M3 cannot be evaluated.
    assert_eq!(summary.claims[2].verdict, Verdict::NotJudged);
    assert!(summary.claims[2].reason.contains("does not span"));
    // Without the EGD runs, M2 cannot be evaluated: not judged, naming the series.
    runs.retain(|(s, _)| s.params.method != Method::Egd);
    let summary = exp.finish(&c, &runs, &out).unwrap();
    let m2 = &summary.claims[1];
    assert_eq!(m2.verdict, Verdict::NotJudged);
    assert!(m2.reason.contains("EGD, L = 2"), "{}", m2.reason);
}
