//! Accuracy of the diagonal-network natural-gradient routes against an extended-precision
//! reference (issue #13, "No silent wrong answer"): the reported reproduction and a margin sweep.

#[path = "../common/mod.rs"]
mod common;
mod problems;
mod reference;

use common::rel_err;
use ngd_fisher::{DiagOptions, Route, RouteChoice, diag_natural_gradient};
use problems::planted;
use reference::reference_natural_gradient;

fn forced(route: Route) -> DiagOptions {
    DiagOptions {
        route: RouteChoice::Force(route),
        ..DiagOptions::default()
    }
}

/// The issue's reproduction: N = 25, D = 8, L = 1, every point misclassified, `max|u|` from
/// 50 to 600. Before the fix the automatic route returns `Ok` with relative errors of about
/// 1e-8 (m = 50), 1e9 (m = 150), 1e35 (m = 300) and, after the fall-back to the min-norm
/// route, 1.0 (m = 600).
#[test]
#[ignore = "reproduces issue #13 (fails before the weighted-route fix)"]
fn issue_reproduction_n25_d8_misclassified() {
    let mut silent = Vec::new();
    for seed in 0..4 {
        for margin in [50.0, 150.0, 300.0, 600.0] {
            let p = planted(seed, 25, 8, 1, -1.0, margin);
            let (x, u, c) = (p.x_signed.view(), p.margins.view(), p.cofactors.view());
            let exact = reference_natural_gradient(x, u, c);
            for options in [DiagOptions::default(), forced(Route::Weighted)] {
                match diag_natural_gradient(x, u, c, &options) {
                    Ok(g) => {
                        let err = rel_err(g.direction.view(), exact.view());
                        eprintln!(
                            "seed {seed} m = {margin} {:?}: {:?} (from {:?}) error {err:.2e}",
                            options.route, g.route, g.fallback_from
                        );
                        if err > 1e-8 {
                            silent.push((seed, margin, options.route, err));
                        }
                    }
                    Err(e) => eprintln!("seed {seed} m = {margin} {:?}: {e}", options.route),
                }
            }
        }
    }
    assert!(silent.is_empty(), "silently wrong: {silent:?}");
}
