//! NGD on non-separable data (`N = 30 > D = 6`, labels `+ + −` repeating, step 0.7, L = 1, as
//! the Theorem 2 check of `ngd-experiments`) runs into the logistic loss's minimum, where the
//! terms of `∇_β` cancel and the direction `g → 0` is determined by the data only to a relative
//! accuracy of about `η ε` (`η = ‖X̃ᵀ|ℓ'|‖ / ‖X̃ᵀℓ'‖`). Every step must report an estimate that
//! bounds its actual error against the 1400-bit reference (the result is accepted when the
//! estimate is within `ACCURACY_BOUND · η`), and the estimate must grow as the run converges.

use crate::common::{randn, rng};
use crate::judge;
use crate::reference::reference_natural_gradient;
use ndarray::{Array1, Array2, Axis};
use ngd_fisher::diagonal::ACCURACY_BOUND;
use ngd_fisher::{DiagOptions, diag_natural_gradient};

#[test]
fn ngd_into_a_minimum_reports_its_accuracy() {
    for seed in 0..3 {
        let mut r = rng(seed);
        let x = randn(&mut r, 30, 6);
        let labels = Array1::from_iter((0..30).map(|i| if i % 3 == 0 { -1.0 } else { 1.0 }));
        let x_signed = &x * &labels.view().insert_axis(Axis(1));
        let mut beta = randn(&mut r, 6, 1).column(0).to_owned() * 0.1;
        let ones = Array2::ones((1, 6));
        let mut largest_estimate = 0.0_f64;
        for step in 0..40 {
            let u = x_signed.dot(&beta);
            let exact = reference_natural_gradient(x_signed.view(), u.view(), ones.view());
            let result = diag_natural_gradient(
                x_signed.view(),
                u.view(),
                ones.view(),
                &DiagOptions::default(),
            );
            if let Err(message) = judge(&result, &exact, (30, 6)) {
                panic!("seed {seed} step {step}: silently wrong: {message}");
            }
            let Ok(g) = result else { break };
            largest_estimate = largest_estimate.max(g.accuracy);
            beta = &beta - &(&g.direction.row(0) * 0.7);
        }
        // The run reaches the regime where the relaxed bound is what accepts the result.
        assert!(
            largest_estimate > ACCURACY_BOUND,
            "seed {seed}: {largest_estimate:e}"
        );
    }
}
