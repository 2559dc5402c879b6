//! Max-margin and minimum nuclear-norm baselines against hand-solved answers and optimality
//! conditions.

mod common;

use common::{gaussian, random_mask, separable};
use ndarray::{Array1, Array2, array};
use ngd_optim::OptimError;
use ngd_optim::baselines::{
    NuclearOptions, l1_max_margin, l2_max_margin, min_nuclear_norm_completion,
};

/// One point `x̃ = (1, 2)`: ℓ2 gives `x̃/‖x̃‖² = (0.2, 0.4)`, ℓ1 gives `(0, 0.5)` (by hand).
#[test]
fn single_point_known_answers() {
    let xt = array![[1.0, 2.0]];
    let l2 = l2_max_margin(xt.view()).unwrap();
    assert!(
        (&l2.beta - &array![0.2, 0.4])
            .iter()
            .all(|e| e.abs() <= 1e-7),
        "{}",
        l2.beta
    );
    let l1 = l1_max_margin(xt.view()).unwrap();
    assert!(
        (&l1.beta - &array![0.0, 0.5])
            .iter()
            .all(|e| e.abs() <= 1e-7),
        "{}",
        l1.beta
    );
    assert!((l1.norm - 0.5).abs() <= 1e-7 && (l2.norm - 0.2f64.sqrt()).abs() <= 1e-7);
}

/// KKT conditions of the hard-margin SVM on random separable data: margins ≥ 1, and
/// `β = Σ_{active} α_n x̃_n` with `α ≥ 0` (least squares on the active rows).
#[test]
fn l2_separator_satisfies_kkt() {
    let xt = separable(2, 25, &array![1.0, -1.0, 0.5, 0.0], 0.1);
    let svm = l2_max_margin(xt.view()).unwrap();
    let margins = xt.dot(&svm.beta);
    assert!(margins.iter().all(|&u| u >= 1.0 - 1e-7), "{margins}");
    assert!((svm.min_margin - 1.0).abs() <= 1e-6);
    let active: Vec<usize> = (0..25).filter(|&n| margins[n] <= 1.0 + 1e-5).collect();
    let a = Array2::from_shape_fn((4, active.len()), |(i, j)| xt[[active[j], i]]);
    // Normal equations (aᵀa) α = aᵀβ.
    use ndarray_linalg::Solve;
    let alpha: Array1<f64> = a.t().dot(&a).solve(&a.t().dot(&svm.beta)).unwrap();
    assert!(alpha.iter().all(|&v| v >= -1e-6), "{alpha}");
    assert!((&a.dot(&alpha) - &svm.beta).iter().all(|e| e.abs() <= 1e-6));
}

#[test]
fn non_separable_data_is_an_error() {
    let xt = array![[1.0, 0.0], [-1.0, 0.0]];
    assert!(matches!(
        l2_max_margin(xt.view()),
        Err(OptimError::NotSeparable { .. })
    ));
    assert!(matches!(
        l1_max_margin(xt.view()),
        Err(OptimError::NotSeparable { .. })
    ));
}

/// Rank-1 (8×8, 52 of 64 entries) and rank-2 (10×10, 85 of 100) matrices are recovered:
/// relative Frobenius error ≤ 1e-5 and constraint residual ≤ 1e-7; the estimate's nuclear
/// norm never exceeds the truth's (the truth is feasible). With fewer observations (40 of 64)
/// the minimizer is not the truth: its nuclear norm is smaller (8.59 vs 8.81).
#[test]
fn nuclear_norm_completion_recovers_low_rank() {
    for (seed, n, rank, observed) in [(1u64, 8usize, 1usize, 52usize), (2, 10, 2, 85)] {
        let truth = gaussian(seed, n, rank).dot(&gaussian(seed + 100, rank, n));
        let mask = random_mask(seed + 200, n, n, observed);
        let result =
            min_nuclear_norm_completion(truth.view(), mask.view(), NuclearOptions::default())
                .unwrap();
        let rel = (&result.estimate - &truth)
            .iter()
            .map(|e| e * e)
            .sum::<f64>()
            .sqrt()
            / truth.iter().map(|e| e * e).sum::<f64>().sqrt();
        let truth_nuclear: f64 = {
            use ndarray_linalg::{JobSvd, SVDDC};
            truth.svddc(JobSvd::None).unwrap().1.sum()
        };
        assert!(result.nuclear_norm <= truth_nuclear * (1.0 + 1e-7));
        println!(
            "rank {rank}: relative error {rel:e}, residual {:e}, {} iterations",
            result.constraint_residual, result.iterations
        );
        assert!(rel <= 1e-5, "rank {rank}: relative error {rel:e}");
        assert!(result.constraint_residual <= 1e-7);
    }
}
