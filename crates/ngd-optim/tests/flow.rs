//! Flow integrators against closed forms: `dy/dt = −y` (`y = y0 e^{−t}`) and the logistic
//! natural-gradient flow in margin space, `du/dt = 1 + e^{−u}` with
//! `u(t) = log((1 + e^{u0}) e^t − 1)` (the paper's Theorem 4; `shared/notes/math.md`).

use ndarray::{Array1, array};
use ngd_optim::OptimError;
use ngd_optim::flow::{DormandPrince, dormand_prince, rk4};

fn decay(_: f64, y: &Array1<f64>) -> Result<Array1<f64>, OptimError> {
    Ok(-y)
}

fn ngf(_: f64, u: &Array1<f64>) -> Result<Array1<f64>, OptimError> {
    Ok(u.mapv(|u| 1.0 + (-u).exp()))
}

fn ngf_exact(u0: &Array1<f64>, t: f64) -> Array1<f64> {
    u0.mapv(|u| ((1.0 + u.exp()) * t.exp() - 1.0).ln())
}

fn max_error(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    (a - b).iter().fold(0.0f64, |m, e| m.max(e.abs()))
}

/// Halving the step (0.02 → 0.01 → 0.005) divides the RK4 error by ≈ 2⁴: observed order within
/// [3.8, 4.25] (larger steps are pre-asymptotic on the NGF field: order 4.4 at h = 0.2).
#[test]
fn rk4_is_fourth_order() {
    let u0 = array![-2.0, 0.0, 1.5];
    for (name, field, y0, exact) in [
        (
            "decay",
            decay as fn(f64, &Array1<f64>) -> _,
            array![1.0, -3.0],
            array![1.0, -3.0] * (-2.0f64).exp(),
        ),
        ("ngf", ngf, u0.clone(), ngf_exact(&u0, 2.0)),
    ] {
        let errors: Vec<f64> = [0.02, 0.01, 0.005]
            .iter()
            .map(|&h| {
                max_error(
                    &rk4(field, 0.0, y0.clone(), &[2.0], h).unwrap().states[0],
                    &exact,
                )
            })
            .collect();
        for pair in errors.windows(2) {
            let order = (pair[0] / pair[1]).log2();
            assert!(
                (3.8..=4.25).contains(&order),
                "{name}: order {order}, errors {errors:?}"
            );
        }
    }
}

/// Recording times are hit exactly, including repeated ones and one at the start.
#[test]
fn records_at_requested_times() {
    let u0 = array![-1.0, 0.5];
    let times = [0.0, 0.3, 0.3, 1.0, 2.7];
    let rk = rk4(ngf, 0.0, u0.clone(), &times, 0.01).unwrap();
    let dp = dormand_prince(ngf, 0.0, u0.clone(), &times, DormandPrince::default()).unwrap();
    assert_eq!(rk.states[0], u0);
    for (i, &t) in times.iter().enumerate() {
        let exact = ngf_exact(&u0, t);
        assert!(max_error(&rk.states[i], &exact) <= 1e-9, "rk4 at t = {t}");
        assert!(max_error(&dp.states[i], &exact) <= 1e-7, "dopri at t = {t}");
    }
}

/// Dormand–Prince meets its tolerance and its error shrinks with it.
#[test]
fn dormand_prince_meets_tolerances() {
    let u0 = array![-3.0, 0.0, 2.0];
    let exact = ngf_exact(&u0, 5.0);
    let mut previous = f64::INFINITY;
    for rtol in [1e-4, 1e-7, 1e-10] {
        let options = DormandPrince {
            rtol,
            atol: rtol * 1e-2,
            ..DormandPrince::default()
        };
        let result = dormand_prince(ngf, 0.0, u0.clone(), &[5.0], options).unwrap();
        let err =
            max_error(&result.states[0], &exact) / exact.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(err <= 50.0 * rtol, "rtol {rtol}: relative error {err:e}");
        assert!(err < previous);
        previous = err;
    }
    let y = dormand_prince(decay, 0.0, array![1.0], &[10.0], DormandPrince::default()).unwrap();
    assert!((y.states[0][0] - (-10.0f64).exp()).abs() <= 1e-9);
}

#[test]
fn bad_input_and_field_errors_are_errors() {
    let y0 = array![1.0];
    assert!(rk4(decay, 0.0, y0.clone(), &[1.0, 0.5], 0.1).is_err());
    assert!(rk4(decay, 0.0, y0.clone(), &[-1.0], 0.1).is_err());
    assert!(rk4(decay, 0.0, y0.clone(), &[1.0], 0.0).is_err());
    let failing = |t: f64, _: &Array1<f64>| -> Result<Array1<f64>, OptimError> {
        if t > 0.5 {
            Err(OptimError::NonFinite { what: "test field" })
        } else {
            Ok(array![1.0])
        }
    };
    assert!(rk4(failing, 0.0, y0.clone(), &[1.0], 0.1).is_err());
    assert!(dormand_prince(failing, 0.0, y0.clone(), &[1.0], DormandPrince::default()).is_err());
    let blow_up =
        |_: f64, y: &Array1<f64>| -> Result<Array1<f64>, OptimError> { Ok(y.mapv(|v| v * v)) };
    // y' = y² from y0 = 1 blows up at t = 1: an error, not a NaN trajectory.
    assert!(rk4(blow_up, 0.0, y0, &[2.0], 0.01).is_err());
}
