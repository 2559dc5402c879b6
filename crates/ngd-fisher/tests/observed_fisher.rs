//! The observed-entry Fisher `F_Ω = Jᵀ P_Ωᵀ P_Ω J` of a deep factorization: the `m × m`
//! kernel route against the dense brute force `pinv(F_Ω) Jᵀ vec(P_Ω G)` (Moore–Penrose and
//! damped), the observed-entry equations `P_Ω Σ_i A_i G_i B_i = P_Ω G`, agreement with the
//! paper's `F = I` route when every entry is observed, the damping limits, and input errors.
//!
//! Tolerances: both routes are backward stable on a matrix of condition `κ` (reported by the
//! kernel route), so they agree to `c · P · κ · ε` relative with `P = L D²` the number of
//! parameters (the size of the dense matrix) and `c = 10`.

mod common;

use common::{beta_change, factors, randn, rel_err, rng};
use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{
    MpOptions, ObservedOptions, dense_observed_natural_gradient, moore_penrose,
    observed_natural_gradient,
};
use ngd_fisher::generic::Damping;
use ngd_models::factorization::pull_back;
use rand::RngExt;

/// A 0/1 mask with about `fraction · D²` ones (at least one).
fn mask(seed: u64, d: usize, fraction: f64) -> Array2<f64> {
    let mut r = rng(seed);
    let mut m = Array2::from_shape_fn((d, d), |_| f64::from(r.random::<f64>() < fraction));
    m[[0, 0]] = 1.0;
    m
}

fn tolerance(params: usize, condition: f64) -> f64 {
    10.0 * params as f64 * condition * f64::EPSILON
}

fn max_rel_err(a: &[Array2<f64>], b: &[Array2<f64>]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| rel_err(x.view(), y.view()))
        .fold(0.0, f64::max)
}

#[test]
fn moore_penrose_matches_dense_and_fits_the_observed_entries() {
    for l in 1..=3 {
        for (seed, d, fraction) in [(1, 3, 0.3), (2, 4, 0.5), (3, 4, 0.9), (4, 3, 1.0)] {
            let ws = factors(seed * 10 + l as u64, d, l, 0.8);
            let m = mask(seed + 50, d, fraction);
            let g = randn(&mut rng(seed + 100), d, d) * &m;
            let options = ObservedOptions::default();
            let fast = observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
            let observed = m.sum() as usize;
            assert_eq!(fast.observed, observed);
            assert_eq!(fast.rank, observed, "J_Ω has full row rank here");
            let (dense, dense_rank) =
                dense_observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
            assert_eq!(dense_rank, observed, "rank of F_Ω");
            let tol = tolerance(l * d * d, fast.condition);
            let err = max_rel_err(&fast.directions, &dense);
            assert!(
                err <= tol,
                "L = {l}, D = {d}, m = {observed}: {err:e} > {tol:e}"
            );
            let fitted = beta_change(&ws, &fast.directions) * &m;
            let res = rel_err(fitted.view(), g.view());
            assert!(res <= tol, "L = {l}, D = {d}: residual {res:e} > {tol:e}");
        }
    }
}

#[test]
fn every_entry_observed_gives_the_papers_moore_penrose_direction() {
    for l in 1..=2 {
        let d = 4;
        let ws = factors(7 + l as u64, d, l, 0.6);
        let all = Array2::ones((d, d));
        let g = randn(&mut rng(8), d, d);
        let options = ObservedOptions::default();
        let fast = observed_natural_gradient(&ws, all.view(), g.view(), &options).unwrap();
        let paper = moore_penrose(&ws, g.view(), &MpOptions::default()).unwrap();
        let tol = tolerance(l * d * d, fast.condition);
        let err = max_rel_err(&fast.directions, &paper.directions);
        assert!(err <= tol, "L = {l}: {err:e} > {tol:e}");
    }
}

#[test]
fn rank_deficient_factors_are_cut_as_the_dense_pseudo_inverse() {
    // W_1 of rank 1 at L = 2: J = [I ⊗ ... ] loses directions, and with every entry of a
    // 4 × 4 observed K_Ω is singular; the kernel route must cut what pinv(F_Ω) cuts.
    let d = 4;
    let mut r = rng(21);
    let u = randn(&mut r, d, 1);
    let v = randn(&mut r, 1, d);
    let ws = vec![u.dot(&v), Array2::zeros((d, d))];
    let m = mask(22, d, 0.7);
    let g = randn(&mut r, d, d) * &m;
    let options = ObservedOptions::default();
    let fast = observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
    let (dense, dense_rank) =
        dense_observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
    assert_eq!(fast.rank, dense_rank);
    assert!(fast.rank < fast.observed, "K_Ω is singular here");
    let tol = tolerance(2 * d * d, fast.condition);
    let err = max_rel_err(&fast.directions, &dense);
    assert!(err <= tol, "{err:e} > {tol:e}");
}

#[test]
fn damped_matches_dense_for_absolute_and_relative_damping() {
    for (l, damping) in [
        (2, Damping::Absolute(0.3)),
        (2, Damping::Relative(1e-2)),
        (3, Damping::Relative(5.0)),
        (1, Damping::Absolute(2.0)),
    ] {
        let d = 4;
        let ws = factors(30 + l as u64, d, l, 0.7);
        let m = mask(31, d, 0.5);
        let g = randn(&mut rng(32), d, d) * &m;
        let options = ObservedOptions {
            damping: Some(damping),
            ..ObservedOptions::default()
        };
        let fast = observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
        assert!(fast.damping > 0.0);
        let (dense, _) =
            dense_observed_natural_gradient(&ws, m.view(), g.view(), &options).unwrap();
        // The dense matrix F_Ω + λI also has the eigenvalue λ on the null space of J_Ω, so its
        // condition is (λ_max + λ)/λ, at least the kernel's.
        let dense_condition = (fast.largest_eigenvalue + fast.damping) / fast.damping;
        let tol = tolerance(l * d * d, dense_condition.max(fast.condition));
        let err = max_rel_err(&fast.directions, &dense);
        assert!(err <= tol, "L = {l}, {damping:?}: {err:e} > {tol:e}");
    }
}

#[test]
fn damping_limits_are_moore_penrose_and_egd() {
    let (d, l) = (4, 2);
    let ws = factors(40, d, l, 0.7);
    let m = mask(41, d, 0.5);
    let g = randn(&mut rng(42), d, d) * &m;
    let mp =
        observed_natural_gradient(&ws, m.view(), g.view(), &ObservedOptions::default()).unwrap();
    // λ → 0⁺: (K + λI)⁻¹ = K⁻¹ − λ K⁻² + …, a relative change of about λ / λ_min(K).
    let rho = 1e-9;
    let damped = |damping| ObservedOptions {
        damping: Some(damping),
        ..ObservedOptions::default()
    };
    let small = observed_natural_gradient(&ws, m.view(), g.view(), &damped(Damping::Relative(rho)))
        .unwrap();
    // The damped route's λ_max is a power-iteration estimate (a lower bound, 1e-6 relative steps).
    let estimate = (mp.largest_eigenvalue - small.largest_eigenvalue) / mp.largest_eigenvalue;
    assert!(
        (0.0..=1e-4).contains(&estimate.abs()),
        "λ_max estimate off by {estimate:e}"
    );
    let lambda_min = mp.largest_eigenvalue / mp.condition;
    let bound = 10.0 * small.damping / lambda_min + tolerance(l * d * d, mp.condition);
    let err = max_rel_err(&small.directions, &mp.directions);
    assert!(err <= bound, "λ → 0: {err:e} > {bound:e}");
    // A λ far below λ_min(K_Ω) (K_Ω regular here): Moore–Penrose to rounding.
    let tiny = Damping::Absolute(1e-30 * mp.largest_eigenvalue);
    let fallback = observed_natural_gradient(&ws, m.view(), g.view(), &damped(tiny)).unwrap();
    let err = max_rel_err(&fallback.directions, &mp.directions);
    let tol = tolerance(l * d * d, mp.condition);
    assert!(err <= tol, "fallback: {err:e} > {tol:e}");
    // λ → ∞: λ g = ∇_w L − K/λ ∇ + …, a relative change of about λ_max / λ.
    let lambda = 1e9;
    let large =
        observed_natural_gradient(&ws, m.view(), g.view(), &damped(Damping::Absolute(lambda)))
            .unwrap();
    let scaled: Vec<Array2<f64>> = large.directions.iter().map(|x| x * lambda).collect();
    let euclidean = pull_back(&ws, g.view());
    let bound = 10.0 * large.largest_eigenvalue / lambda;
    let err = max_rel_err(&scaled, &euclidean);
    assert!(err <= bound, "λ → ∞: {err:e} > {bound:e}");
}

#[test]
fn bad_inputs_are_errors_naming_the_field() {
    let d = 3;
    let ws = factors(50, d, 2, 0.5);
    let g = randn(&mut rng(51), d, d);
    let options = ObservedOptions::default();
    let mut bad = Array2::ones((d, d));
    bad[[1, 2]] = 0.5;
    let none = Array2::zeros((d, d));
    let small = Array2::ones((2, 2));
    for m in [&bad, &none, &small] {
        match observed_natural_gradient(&ws, m.view(), g.view(), &options) {
            Err(FisherError::Invalid { what, .. } | FisherError::Shape { what, .. }) => {
                assert_eq!(what, "observation mask P_Ω");
            }
            other => panic!("expected a mask error, got {other:?}"),
        }
    }
    let all = Array2::ones((d, d));
    let negative = ObservedOptions {
        damping: Some(Damping::Relative(-1.0)),
        ..ObservedOptions::default()
    };
    assert!(matches!(
        observed_natural_gradient(&ws, all.view(), g.view(), &negative),
        Err(FisherError::Invalid {
            what: "relative damping ρ",
            ..
        })
    ));
    let mut nan = g.clone();
    nan[[0, 0]] = f64::NAN;
    assert!(matches!(
        observed_natural_gradient(&ws, all.view(), nan.view(), &options),
        Err(FisherError::NonFinite { .. })
    ));
}
