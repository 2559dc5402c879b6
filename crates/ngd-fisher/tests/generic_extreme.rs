//! The generic exact routes at extreme margins (the construction of issue 13: `X` Gaussian,
//! labels from a planted direction `b`, `β = s · b · m / max|X̃ b|`, margins between 0 and
//! `s·m`), `m` up to 600, both signs, L = 1 and 2, N < D and N > D: every result is accurate
//! (against the known answer `g = Jᵀ(JJᵀ)⁻¹ r` or the dense reference) or flagged by its
//! reported rank and fallback (the cut-off on `F`'s eigenvalues removed the directions of the
//! low-weight samples, as `pinv(F)` does) — never silently wrong.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::{Array1, Array2, Axis, concatenate};
use ndarray_linalg::{EigValsh, UPLO};
use ngd_fisher::generic::{
    Curvature, GenericNaturalGradient, GenericOptions, Samples, dense_natural_gradient_generic,
    natural_gradient_parametrization,
};
use ngd_fisher::linalg::{Cutoff, spd_solve};
use ngd_models::logistic::natural_target;
use ngd_models::{LinearInInput, OutputLoss, Parametrization};

const MARGINS: [f64; 7] = [1.0, 5.0, 50.0, 150.0, 300.0, 600.0, 1000.0];

/// `(X, y, w)` for depth `l` (1: `w = β`; 2: `w = (sign(β)√|β|, √|β|)`).
fn planted(
    seed: u64,
    n: usize,
    d: usize,
    sign: f64,
    m: f64,
    l: usize,
) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut r = rng(seed);
    let x = randn(&mut r, n, d);
    let b = randn_vec(&mut r, d);
    let y = x.dot(&b).mapv(|v| if v >= 0.0 { 1.0 } else { -1.0 });
    let top = (&x.dot(&b) * &y)
        .iter()
        .fold(0.0_f64, |a, v| a.max(v.abs()));
    let beta = &b * (sign * m / top);
    let w = if l == 1 {
        beta
    } else {
        let root = beta.mapv(|v| v.abs().sqrt());
        let signed = &root * &beta.mapv(f64::signum);
        concatenate(Axis(0), &[signed.view(), root.view()]).unwrap()
    };
    (x, y, w)
}

fn solve<P: Parametrization>(
    model: &P,
    x: &Array2<f64>,
    y: &Array1<f64>,
    w: &Array1<f64>,
) -> GenericNaturalGradient {
    let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
    natural_gradient_parametrization(model, w.view(), &samples, &GenericOptions::default()).unwrap()
}

fn condition(k: &Array2<f64>) -> f64 {
    let e = k.eigvalsh(UPLO::Lower).unwrap();
    e[e.len() - 1] / e[0]
}

#[test]
fn n_below_d_is_exact_or_flagged() {
    let (n, d) = (8, 25);
    for l in [1, 2] {
        for sign in [1.0, -1.0] {
            for m in MARGINS {
                let (x, y, w) = planted(1, n, d, sign, m, l);
                let g = if l == 1 {
                    solve(&Dense(Linear(d)), &x, &y, &w)
                } else {
                    solve(&Dense(DiagTwo(d)), &x, &y, &w)
                };
                let flagged = g.rank < n;
                println!(
                    "N<D L={l} s={sign} m={m}: {} rank {} κ {:.1e}",
                    g.route, g.rank, g.condition
                );
                if flagged {
                    assert_eq!(g.route, "min-norm");
                    assert!(g.fallback_from.is_some());
                } else {
                    // Known answer: X J has full row rank, so g = (XJ)ᵀ((XJ)(XJ)ᵀ)⁻¹ r.
                    let j = if l == 1 {
                        x.clone()
                    } else {
                        x.dot(&Dense(DiagTwo(d)).jacobian(w.view()).unwrap())
                    };
                    let beta = if l == 1 {
                        w.clone()
                    } else {
                        Dense(DiagTwo(d)).beta(w.view()).unwrap()
                    };
                    let u = &x.dot(&beta) * &y;
                    let r: Array1<f64> = u
                        .iter()
                        .zip(&y)
                        .map(|(&u, &y)| y * natural_target(u))
                        .collect();
                    let k = j.dot(&j.t());
                    let want = j
                        .t()
                        .dot(&spd_solve(k.view(), r.view(), Cutoff::default(), "K").unwrap());
                    let err = rel_err(g.direction.view(), want.view());
                    assert!(
                        err <= 10.0 * (g.condition + condition(&k)) * f64::EPSILON,
                        "L={l} s={sign} m={m}: {err:e}"
                    );
                }
                // Weights spanning more than 1/(P ε) must be cut; modest ones must not.
                assert_eq!(flagged, m >= 50.0, "L={l} s={sign} m={m}");
            }
        }
    }
}

#[test]
fn n_above_d_is_accurate_or_flagged() {
    let (n, d) = (25, 8);
    for l in [1, 2] {
        for sign in [1.0, -1.0] {
            for m in MARGINS {
                let (x, y, w) = planted(2, n, d, sign, m, l);
                let g = if l == 1 {
                    solve(&Dense(Linear(d)), &x, &y, &w)
                } else {
                    solve(&Dense(DiagTwo(d)), &x, &y, &w)
                };
                let flagged = g.rank < d;
                println!(
                    "N>D L={l} s={sign} m={m}: {} rank {} κ {:.1e}",
                    g.route, g.rank, g.condition
                );
                assert_eq!(g.route, "least-squares");
                if !flagged && m <= 700.0 {
                    let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
                    let rcond = Cutoff::default().rcond(w.len(), w.len());
                    let cutoff = Cutoff::relative(rcond).unwrap();
                    let want = if l == 1 {
                        dense_natural_gradient_generic(
                            &LinearInInput(Dense(Linear(d))),
                            w.view(),
                            &samples,
                            Curvature::Fisher,
                            cutoff,
                        )
                    } else {
                        dense_natural_gradient_generic(
                            &LinearInInput(Dense(DiagTwo(d))),
                            w.view(),
                            &samples,
                            Curvature::Fisher,
                            cutoff,
                        )
                    }
                    .unwrap();
                    let err = rel_err(g.direction.view(), want.view());
                    assert!(
                        err <= 10.0 * g.condition * f64::EPSILON,
                        "L={l} s={sign} m={m}: {err:e}"
                    );
                }
                if m >= 300.0 {
                    assert!(
                        flagged,
                        "L={l} s={sign} m={m}: weights spanning e^{m} must be cut"
                    );
                }
                if m <= 5.0 {
                    assert!(!flagged);
                }
            }
        }
    }
}

#[test]
fn damped_is_accurate_at_extreme_margins() {
    use ngd_fisher::generic::{
        Damping, damped_natural_gradient_parametrization, dense_damped_natural_gradient,
    };
    for (n, d) in [(8, 25), (25, 8)] {
        for sign in [1.0, -1.0] {
            for m in [5.0, 50.0, 150.0, 300.0, 600.0] {
                let (x, y, w) = planted(3, n, d, sign, m, 2);
                let model = Dense(DiagTwo(d));
                let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
                for rho in [1e-6, 1e-2] {
                    let g = damped_natural_gradient_parametrization(
                        &model,
                        w.view(),
                        &samples,
                        Damping::Relative(rho),
                        Curvature::Fisher,
                    )
                    .unwrap();
                    let want = dense_damped_natural_gradient(
                        &LinearInInput(model.clone()),
                        w.view(),
                        &samples,
                        Curvature::Fisher,
                        g.damping,
                    )
                    .unwrap();
                    let err = rel_err(g.direction.view(), want.view());
                    println!(
                        "damped N={n} s={sign} m={m} ρ={rho}: {} κ {:.1e} err {err:.1e}",
                        g.route, g.condition
                    );
                    assert!(
                        err <= 10.0 * g.condition * f64::EPSILON,
                        "N={n} s={sign} m={m} ρ={rho}: {err:e}"
                    );
                }
            }
        }
    }
}
