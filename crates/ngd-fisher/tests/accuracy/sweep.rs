//! The margin sweep of issue #13: `max|u|` from 5 to 600 with all-positive, all-negative and
//! mixed margins, `L = 1, 2`, `N > D`, `N = D`, `N < D`; every applicable route is accurate
//! (against the 1400-bit reference) or an error. Prints, per route, the number of accurate
//! results and errors, the worst error, the largest estimate and the largest κ it returned.

use crate::problems::{Margins, planted};
use crate::reference::reference_natural_gradient;
use crate::{forced, judge};
use ngd_fisher::{DiagOptions, Route, RouteChoice, diag_natural_gradient};
use std::collections::BTreeMap;

/// Per route: (accurate, errors, worst error, largest estimate, largest κ).
type Summary = BTreeMap<String, (usize, usize, f64, f64, f64)>;

#[test]
fn margin_sweep_is_accurate_or_an_error() {
    let mut summary = Summary::new();
    let mut silent = Vec::new();
    let shapes = [(25, 8), (8, 8), (6, 12)];
    let patterns = [Margins::Positive, Margins::Negative, Margins::Mixed];
    for (case, (((n, d), layers), (pattern, margin))) in shapes
        .iter()
        .flat_map(|&shape| [1, 2].map(|l| (shape, l)))
        .flat_map(|sl| {
            patterns
                .iter()
                .flat_map(move |&p| [5.0, 50.0, 150.0, 300.0, 600.0].map(|m| (sl, (p, m))))
        })
        .enumerate()
    {
        let p = planted(100 + case as u64, (n, d, layers), pattern, margin);
        let (x, u, c) = (p.x_signed.view(), p.margins.view(), p.cofactors.view());
        let exact = reference_natural_gradient(x, u, c);
        let mut routes = vec![RouteChoice::Auto, RouteChoice::Force(Route::MinNorm)];
        if n <= d {
            routes.push(RouteChoice::Force(Route::Kernel));
        }
        if n >= d {
            routes.push(RouteChoice::Force(Route::Weighted));
            routes.push(RouteChoice::Force(Route::DenseBeta));
            if layers == 1 {
                routes.push(RouteChoice::Force(Route::PaperLayerwise));
            }
        }
        for choice in routes {
            let options = match choice {
                RouteChoice::Force(route) => forced(route),
                RouteChoice::Auto => DiagOptions::default(),
            };
            let result = diag_natural_gradient(x, u, c, &options);
            let entry = summary
                .entry(format!("{choice:?}"))
                .or_insert((0, 0, 0.0, 0.0, 0.0));
            match (judge(&result, &exact, (n, d)), &result) {
                (Err(message), _) => silent.push(format!(
                    "N = {n}, D = {d}, L = {layers}, {pattern:?} m = {margin}, {choice:?}: {message}"
                )),
                (Ok(_), Err(_)) => entry.1 += 1,
                (Ok(err), Ok(g)) => {
                    entry.0 += 1;
                    entry.2 = entry.2.max(err);
                    entry.3 = entry.3.max(g.accuracy);
                    entry.4 = entry.4.max(g.condition);
                }
            }
        }
    }
    for (route, (ok, errors, worst, estimate, condition)) in &summary {
        eprintln!(
            "{route:>22}: {ok:3} accurate (worst error {worst:.1e}, largest estimate {estimate:.1e}, κ ≤ {condition:.1e}), {errors:3} errors"
        );
    }
    assert!(silent.is_empty(), "silently wrong: {silent:#?}");
}
