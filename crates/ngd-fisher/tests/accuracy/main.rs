//! Accuracy of the diagonal-network natural-gradient routes against an extended-precision
//! reference (issue #13, "No silent wrong answer"): the reported reproduction and a margin
//! sweep, a rank-deficient case and an NGD run into a minimum. Every solve must return an accurate result (within `10 · accuracy + 64 · max(N, D) · ε`
//! of the reference, `accuracy` being the solver's own estimate) or an error — never `Ok` with
//! a wrong direction.

#[path = "../common/mod.rs"]
mod common;
mod problems;
mod reference;
mod sweep;
mod trajectory;

use ndarray::{Array2, ArrayView2};
use ngd_fisher::{DiagNaturalGradient, DiagOptions, FisherError, Route, RouteChoice};
use problems::{Margins, planted};
use reference::reference_natural_gradient;

/// Options forcing `route`.
pub fn forced(route: Route) -> DiagOptions {
    DiagOptions {
        route: RouteChoice::Force(route),
        ..DiagOptions::default()
    }
}

/// `‖a − b‖_F / ‖b‖_F`, scaled by `max|b|` first (directions reach `e^{600}`, whose squares
/// overflow).
pub fn rel_err(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> f64 {
    let scale = b.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let size = |it: &mut dyn Iterator<Item = f64>| it.map(|v| (v / scale).powi(2)).sum::<f64>();
    let diff = size(&mut a.iter().zip(b).map(|(x, y)| x - y));
    (diff / size(&mut b.iter().copied())).sqrt()
}

/// The tolerance for a result that claims the estimated relative error `accuracy`: ten times
/// the estimate, plus the rounding floor of the f64 result itself.
pub fn tolerance(g: &DiagNaturalGradient, n: usize, d: usize) -> f64 {
    10.0 * g.accuracy + 64.0 * n.max(d) as f64 * f64::EPSILON
}

/// The outcome of one solve against the reference: `Ok(error)` when the result is accurate,
/// `Err(message)` when it is silently wrong; errors of the solver are `Ok(NaN)`.
pub fn judge(
    result: &Result<DiagNaturalGradient, FisherError>,
    exact: &Array2<f64>,
    (n, d): (usize, usize),
) -> Result<f64, String> {
    match result {
        Err(_) => Ok(f64::NAN),
        Ok(g) => {
            let err = rel_err(g.direction.view(), exact.view());
            if err <= tolerance(g, n, d) {
                Ok(err)
            } else {
                Err(format!(
                    "{:?} (from {:?}): error {err:.2e} > tolerance {:.2e} (estimate {:.2e}, κ {:.1e})",
                    g.route,
                    g.fallback_from,
                    tolerance(g, n, d),
                    g.accuracy,
                    g.condition
                ))
            }
        }
    }
}

/// The issue's reproduction: N = 25, D = 8, L = 1, every point misclassified, `max|u|` from
/// 50 to 600. Before the fix the automatic route returned `Ok` with relative errors of about
/// 1e-8 (m = 50), 1e9 (m = 150), 1e35 (m = 300) and, after the fall-back to the min-norm
/// route, 1.0 (m = 600). Now the weighted route is accurate at every margin, and the other
/// routes are accurate or errors.
#[test]
fn issue_reproduction_n25_d8_misclassified() {
    let mut silent = Vec::new();
    for seed in 0..4 {
        for margin in [50.0, 150.0, 300.0, 600.0] {
            let p = planted(seed, (25, 8, 1), Margins::Negative, margin);
            let (x, u, c) = (p.x_signed.view(), p.margins.view(), p.cofactors.view());
            let exact = reference_natural_gradient(x, u, c);
            let auto = ngd_fisher::diag_natural_gradient(x, u, c, &DiagOptions::default());
            let g = auto.as_ref().expect("the automatic route is accurate here");
            let err = rel_err(g.direction.view(), exact.view());
            eprintln!(
                "seed {seed} m = {margin}: {:?} error {err:.2e} estimate {:.2e}",
                g.route, g.accuracy
            );
            assert_eq!(g.route, Route::Weighted);
            assert!(
                err <= 64.0 * 25.0 * f64::EPSILON,
                "seed {seed} m = {margin}: {err:e}"
            );
            for route in [Route::MinNorm, Route::DenseBeta, Route::PaperLayerwise] {
                let r = ngd_fisher::diag_natural_gradient(x, u, c, &forced(route));
                if let Err(message) = judge(&r, &exact, (25, 8)) {
                    silent.push(format!("seed {seed} m = {margin}: {message}"));
                }
            }
        }
    }
    assert!(silent.is_empty(), "silently wrong: {silent:#?}");
}

/// A rank-deficient `X̃` with a known answer: the issue's problem with its first column
/// duplicated (`D = 9`, rank 8, `L = 1`). `F(w)` is singular, and its Moore–Penrose natural
/// gradient splits the reduced problem's first coordinate equally between the two copies
/// (the minimum-norm way to keep `X̃ g` unchanged). `Auto` must fall back to the min-norm route
/// and be accurate at ordinary margins; at every margin it is accurate or an error.
#[test]
fn duplicated_column_falls_back_accurately_or_errs() {
    for pattern in [Margins::Positive, Margins::Negative, Margins::Mixed] {
        for margin in [5.0, 50.0, 150.0, 300.0, 600.0] {
            let p = planted(7, (25, 8, 1), pattern, margin);
            let reduced =
                reference_natural_gradient(p.x_signed.view(), p.margins.view(), p.cofactors.view());
            let first = p.x_signed.column(0).insert_axis(ndarray::Axis(1));
            let x = ndarray::concatenate![ndarray::Axis(1), first, p.x_signed.view()];
            let mut exact = ndarray::concatenate![
                ndarray::Axis(1),
                reduced.column(0).insert_axis(ndarray::Axis(1)),
                reduced.view()
            ];
            exact[[0, 0]] *= 0.5;
            exact[[0, 1]] *= 0.5;
            let ones = Array2::ones((1, 9));
            let result = ngd_fisher::diag_natural_gradient(
                x.view(),
                p.margins.view(),
                ones.view(),
                &DiagOptions::default(),
            );
            match &result {
                Ok(g) => eprintln!(
                    "{pattern:?} m = {margin}: {:?} (from {:?}) error {:.1e} estimate {:.1e}",
                    g.route,
                    g.fallback_from,
                    rel_err(g.direction.view(), exact.view()),
                    g.accuracy
                ),
                Err(e) => eprintln!("{pattern:?} m = {margin}: {e}"),
            }
            if let Err(message) = judge(&result, &exact, (25, 9)) {
                panic!("{pattern:?} m = {margin}: silently wrong: {message}");
            }
            if margin == 5.0 {
                let g = result.expect("accurate at ordinary margins");
                assert_eq!(
                    (g.route, g.fallback_from),
                    (Route::MinNorm, Some(Route::Weighted))
                );
            }
        }
    }
}
