//! The Fig. 2 toy set: the documented max-margin facts, checked by brute force over angles.

use ndarray::{Array2, array};
use ngd_data::{toy_2d, toy_2d_l1_max_margin_direction, toy_2d_l2_max_margin_direction};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The smallest margin of direction `(c, s)` on the signed data.
fn min_margin(xt: &Array2<f64>, c: f64, s: f64) -> f64 {
    xt.rows()
        .into_iter()
        .map(|r| r[0] * c + r[1] * s)
        .fold(f64::INFINITY, f64::min)
}

/// The angle in `[−π, π)` maximizing the margin normalized by `norm(c, s)`, on a grid of
/// `steps` angles, with the best normalized margin.
fn best_angle(xt: &Array2<f64>, norm: impl Fn(f64, f64) -> f64, steps: usize) -> (f64, f64) {
    (0..steps)
        .map(|k| {
            let theta =
                -std::f64::consts::PI + 2.0 * std::f64::consts::PI * k as f64 / steps as f64;
            let (s, c) = theta.sin_cos();
            (theta, min_margin(xt, c, s) / norm(c, s))
        })
        .fold((0.0, f64::NEG_INFINITY), |best, next| {
            if next.1 > best.1 { next } else { best }
        })
}

#[test]
fn max_margin_directions_for_several_seeds() {
    let steps = 720_000; // angle grid spacing ≈ 8.7e-6 rad
    for seed in [0, 1, 2, 42] {
        let data = toy_2d(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
        data.validate().unwrap();
        assert!((10..=40).contains(&data.n()));
        let xt = data.signed();
        // (a) The axis-aligned β = (1, 0) separates, with margin exactly 1.
        assert!(
            data.is_linearly_separable_by(array![1.0, 0.0].view())
                .unwrap()
        );
        assert_eq!(min_margin(&xt, 1.0, 0.0), 1.0);
        // (b) The ℓ2 max-margin direction is the documented (2, 1)/√5, margin √5/2 > 1.
        let (theta2, margin2) = best_angle(&xt, |c, s| c.hypot(s), steps);
        let expected = toy_2d_l2_max_margin_direction();
        assert!(
            (theta2 - expected[1].atan2(expected[0])).abs() < 2e-5,
            "seed {seed}: {theta2}"
        );
        assert!(theta2.abs() > 0.4, "ℓ2 direction must not be axis-aligned");
        assert!(
            (margin2 - 5.0_f64.sqrt() / 2.0).abs() < 1e-9,
            "seed {seed}: {margin2}"
        );
        assert!(margin2 > 1.1);
        // (c) The ℓ1 max-margin direction is axis-aligned (1, 0), ℓ1 margin 1.
        let (theta1, margin1) = best_angle(&xt, |c, s| c.abs() + s.abs(), steps);
        let expected = toy_2d_l1_max_margin_direction();
        assert!(
            (theta1 - expected[1].atan2(expected[0])).abs() < 1e-5,
            "seed {seed}: {theta1}"
        );
        assert!((margin1 - 1.0).abs() < 1e-9);
    }
}

#[test]
fn deterministic_per_seed() {
    let draw = |seed| toy_2d(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    assert_eq!(draw(5), draw(5));
    assert_ne!(draw(5), draw(6));
}
