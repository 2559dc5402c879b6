//! End-to-end checks of `fig3` and `fig5` on small configs.

mod common;

use common::ctx;

use ndarray::{Array2, Array3};
use ndarray_npy::ReadNpyExt;
use ngd_experiments::experiments::fig3::maps::{cross_share, off_centre_mass, response_maps};
use ngd_experiments::experiments::fig3::{Fig3, maps::initial_factors};
use ngd_experiments::experiments::fig5::{Fig5, Method};
use ngd_harness::Experiment;
use ngd_harness::config::Preset;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// NGF maps are exactly E_cc; EGF of L = 2 lives on the cross; EGF of L ≥ 2 moves other entries.
#[test]
fn fig3_maps_have_the_papers_structure() {
    let c = Fig3.config(Preset::Quick);
    for depth in 1..=3 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(depth as u64);
        let model = initial_factors(&c, depth, &mut rng).unwrap();
        let out = response_maps(&c, &model).unwrap();
        let get = |name: &str| &out.maps.iter().find(|m| m.method == name).unwrap().values;
        for name in ["NGF (layer split)", "NGF (Moore–Penrose)"] {
            for (i, row) in get(name).iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    let e = if (i, j) == (5, 5) { 1.0 } else { 0.0 };
                    assert!((v - e).abs() < 1e-12, "{name} L = {depth} ({i},{j}): {v}");
                }
            }
        }
        let egf = get("EGF");
        if depth == 1 {
            assert_eq!(off_centre_mass(egf), 0.0);
        } else {
            assert!(off_centre_mass(egf) > 0.1, "L = {depth}");
        }
        if depth == 2 {
            assert!((cross_share(egf) - 1.0).abs() < 1e-12);
        }
    }
}

/// A tiny completion end to end: files written; NGD and EGD L = 1 at the trivial level.
#[test]
fn fig5_tiny_end_to_end() {
    let exp = Fig5;
    let mut c = exp.config(Preset::Quick);
    c.n = 12;
    c.rank = 2;
    c.observations = vec![60];
    c.egd_depths = vec![1, 2];
    c.egd_max_steps = 200;
    c.egd_lr = 1e-2;
    c.ngd_layer_split_depths = vec![1, 2];
    c.ngd_moore_penrose_depths = vec![2];
    c.collapsed = vec![[2, 2]];
    c.ngd_max_steps = 200;
    c.chunk_steps = 100;
    exp.validate(&c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plan = exp.plan(&c);
    let mut runs = Vec::new();
    for spec in plan {
        let out = exp.run(&c, &spec, &mut ctx(dir.path(), &spec.id)).unwrap();
        let p = &spec.params;
        let dev = (out.reconstruction_error - out.trivial_error).abs() / out.trivial_error;
        // NGD with L ≥ 2 deviates from the trivial level by
        // its finite-step terms (measured 2.2e-5 relative for Moore–Penrose here).
        // L = 1 stops at train MSE ≤ 1e-6, so it sits within ~1e-6 relative of the level.
        let tol = if p.depth == 1 { 1e-5 } else { 1e-3 };
        if p.method == Method::NgdMoorePenrose || (p.depth == 1 && p.method != Method::Nuclear) {
            assert!(
                dev < tol,
                "{}: error {} vs trivial {}",
                spec.id,
                out.reconstruction_error,
                out.trivial_error
            );
        }
        assert!(out.reconstruction_error.is_finite());
        runs.push((
            spec,
            ngd_harness::experiment::RunRecord::Completed { output: out },
        ));
    }
    let out = ngd_harness::output::ExperimentDir::create(dir.path(), "fig5").unwrap();
    let summary = exp.finish(&c, &runs, &out).unwrap();
    for f in [
        "curves.csv",
        "final.csv",
        "error.svg",
        "error.png",
        "rank.png",
        "collapsed.png",
    ] {
        assert!(out.path(f).is_file(), "{f}");
    }
    assert_eq!(summary.claims.len(), 4);

    // The folder is re-checkable: the arrays have their documented shapes and hold what the
    // runs used and produced, and the README documents every file and column.
    let read = |f: &str| std::fs::File::open(out.path(f)).unwrap();
    let truth = Array3::<f64>::read_npy(read("truth.npy")).unwrap();
    assert_eq!(truth.dim(), (1, 12, 12));
    let betas = Array3::<f64>::read_npy(read("final_beta.npy")).unwrap();
    assert_eq!(betas.dim(), (runs.len(), 12, 12));
    for (k, (_, record)) in runs.iter().enumerate() {
        let o = record.output().unwrap();
        assert_eq!(betas.index_axis(ndarray::Axis(0), k), o.final_beta);
        // The error recomputed from the stored truth and final β (sums of 144 terms).
        let t = truth.index_axis(ndarray::Axis(0), 0);
        let d = &o.final_beta - &t;
        let err = d.iter().map(|v| v * v).sum::<f64>() / t.iter().map(|v| v * v).sum::<f64>();
        let tol = 4.0 * 144.0 * f64::EPSILON * err;
        assert!(
            (err - o.reconstruction_error).abs() <= tol,
            "{}",
            runs[k].0.id
        );
    }
    let masks = ndarray::Array4::<f64>::read_npy(read("masks.npy")).unwrap();
    assert_eq!(masks.dim(), (1, 1, 12, 12));
    assert_eq!(masks.sum(), 60.0);
    let factors = Array3::<f64>::read_npy(read("initial_factors.npy")).unwrap();
    let index = std::fs::read_to_string(out.path("initial_factors.csv")).unwrap();
    // Depths 1, 2 (plain) and 2 × 2 (collapsed): 1 + 2 + 2 factors.
    assert_eq!((factors.dim().0, index.lines().count()), (5, 6));
    let _: Array2<f64> = factors.index_axis(ndarray::Axis(0), 0).to_owned();
    let missing =
        ngd_harness::output::readme::write_readme(out.root(), "fig5", &summary, &exp.outputs(&c))
            .unwrap();
    assert!(missing.is_empty(), "{missing:?}");

    // A planned series without any completed run is an error naming it, not a missing claim.
    let without: Vec<_> = runs
        .iter()
        .filter(|(s, _)| !(s.params.method == Method::NgdLayerSplit && s.params.depth == 2))
        .cloned()
        .collect();
    let e = exp.finish(&c, &without, &out).unwrap_err().to_string();
    assert!(
        e.contains("NGD layer split, L = 2") && e.contains("no completed run"),
        "{e}"
    );
}
