//! Matrix completion: the truth's scale, observations, task construction, metrics.

use ndarray::Array2;
use ngd_data::{
    CompletionTask, DataError, completion_task, effective_rank, low_rank_truth, sample_observations,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashSet;

fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

#[test]
fn truth_has_frobenius_norm_n() {
    for (n, r) in [(1, 1), (10, 3), (30, 5)] {
        let w = low_rank_truth(n, r, &mut rng(1)).unwrap();
        let frob = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!(
            (frob - n as f64).abs() <= 8.0 * f64::EPSILON * n as f64,
            "{n}: {frob}"
        );
        let rms = (w.iter().map(|v| v * v).sum::<f64>() / (n * n) as f64).sqrt();
        assert!((rms - 1.0).abs() <= 1e-14);
    }
    assert_eq!(
        low_rank_truth(12, 3, &mut rng(4)).unwrap(),
        low_rank_truth(12, 3, &mut rng(4)).unwrap()
    );
    assert_ne!(
        low_rank_truth(12, 3, &mut rng(4)).unwrap(),
        low_rank_truth(12, 3, &mut rng(5)).unwrap()
    );
}

#[test]
fn truth_rank_one_is_an_outer_product() {
    // Rank 1: every 2 × 2 minor vanishes.
    let w = low_rank_truth(6, 1, &mut rng(2)).unwrap();
    for i in 0..5 {
        for j in 0..5 {
            let minor = w[[i, j]] * w[[i + 1, j + 1]] - w[[i, j + 1]] * w[[i + 1, j]];
            assert!(minor.abs() < 1e-12, "{minor}");
        }
    }
}

#[test]
fn observations_distinct_sorted_in_range() {
    for (n, m) in [(1, 1), (5, 25), (20, 150), (100, 2000)] {
        let obs = sample_observations(n, m, &mut rng(9)).unwrap();
        assert_eq!(obs.len(), m);
        assert!(obs.iter().all(|&(i, j)| i < n && j < n));
        assert_eq!(obs.iter().collect::<HashSet<_>>().len(), m);
        assert!(obs.windows(2).all(|w| w[0] < w[1]));
    }
    assert_eq!(
        sample_observations(20, 50, &mut rng(1)).unwrap(),
        sample_observations(20, 50, &mut rng(1)).unwrap()
    );
    assert_ne!(
        sample_observations(20, 50, &mut rng(1)).unwrap(),
        sample_observations(20, 50, &mut rng(2)).unwrap()
    );
    for (n, m) in [(3, 0), (3, 10), (0, 1)] {
        assert!(matches!(
            sample_observations(n, m, &mut rng(0)),
            Err(DataError::Invalid { .. })
        ));
    }
}

#[test]
fn task_metrics() {
    let task = completion_task(20, 3, 120, &mut rng(3)).unwrap();
    assert_eq!(task.mask.sum(), 120.0);
    for &(i, j) in &task.observed {
        assert_eq!(task.mask[[i, j]], 1.0);
    }
    assert_eq!(task.reconstruction_error(task.truth.view()).unwrap(), 0.0);
    let zero = Array2::zeros((20, 20));
    assert!((task.reconstruction_error(zero.view()).unwrap() - 1.0).abs() < 1e-15);
    // Trivial error at zero init: 1 − Σ_Ω M² / ‖M‖², near 1 − m/n² = 0.7.
    let observed_energy: f64 = task
        .observed
        .iter()
        .map(|&(i, j)| task.truth[[i, j]].powi(2))
        .sum();
    let expected = 1.0 - observed_energy / 400.0;
    let trivial = task.trivial_error(zero.view()).unwrap();
    assert!(
        (trivial - expected).abs() < 1e-14,
        "{trivial} vs {expected}"
    );
    assert!((trivial - 0.7).abs() < 0.15);
    assert!(
        task.reconstruction_error(Array2::zeros((3, 3)).view())
            .is_err()
    );
}

#[test]
fn single_centre_task() {
    let task = CompletionTask::single_centre(11, 1.0).unwrap();
    assert_eq!(task.observed, vec![(5, 5)]);
    assert_eq!(task.mask.sum(), 1.0);
    assert_eq!(task.truth.sum(), 1.0);
    assert_eq!(task.truth[[5, 5]], 1.0);
    assert_eq!(
        task.trivial_error(Array2::zeros((11, 11)).view()).unwrap(),
        0.0
    );
    assert!(CompletionTask::single_centre(0, 1.0).is_err());
    assert!(CompletionTask::single_centre(3, f64::NAN).is_err());
}

#[test]
fn task_new_rejects_bad_observations() {
    let truth = Array2::<f64>::ones((3, 3));
    assert!(CompletionTask::new(truth.clone(), vec![(0, 0), (0, 0)]).is_err());
    assert!(CompletionTask::new(truth.clone(), vec![(3, 0)]).is_err());
    assert!(CompletionTask::new(truth.clone(), vec![]).is_err());
    assert!(CompletionTask::new(Array2::ones((2, 3)), vec![(0, 0)]).is_err());
    let task = CompletionTask::new(truth, vec![(2, 1), (0, 2)]).unwrap();
    assert_eq!(task.observed, vec![(0, 2), (2, 1)]);
}

#[test]
fn effective_rank_values() {
    // r equal values give exactly r (up to rounding); one non-zero value gives 1.
    assert!((effective_rank(&[2.0, 2.0, 2.0, 2.0]).unwrap() - 4.0).abs() < 1e-14);
    assert_eq!(effective_rank(&[3.0, 0.0, 0.0]).unwrap(), 1.0);
    // p = (3/4, 1/4): exp(−¾ ln ¾ − ¼ ln ¼) = 1.7547654… (evaluated by hand with ln).
    let expected = (-(0.75_f64 * 0.75_f64.ln() + 0.25 * 0.25_f64.ln())).exp();
    assert!((effective_rank(&[3.0, 1.0]).unwrap() - expected).abs() < 1e-15);
    assert!((expected - 1.754_765_4).abs() < 1e-7);
    for bad in [&[][..], &[0.0, 0.0], &[1.0, -1.0], &[f64::NAN]] {
        assert!(effective_rank(bad).is_err());
    }
}
