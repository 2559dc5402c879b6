//! The loss-normalized output gradient `(L, ∇_s L / L)`: equal to the plain ratio where `L` is
//! representable, and the softmax closed form far beyond the loss's underflow.

use ndarray::{Array1, array};
use ngd_models::OutputLoss;

fn max_abs(a: &Array1<f64>) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[test]
fn normalized_gradient_is_the_gradient_over_the_loss() {
    let outputs = array![0.3, -1.2, 2.5, 40.0, -0.1];
    let labels = array![1.0, -1.0, 1.0, 1.0, -1.0];
    let targets = array![0.0, 1.0, 2.0, -3.0, 0.5];
    for (loss, t) in [
        (OutputLoss::Logistic, &labels),
        (OutputLoss::Squared, &targets),
    ] {
        let value = loss.value(outputs.view(), t.view()).unwrap();
        let gradient = loss.gradient(outputs.view(), t.view()).unwrap();
        let (again, normalized) = loss.normalized_gradient(outputs.view(), t.view()).unwrap();
        assert_eq!(again, value);
        let expected = gradient / value;
        let bound = 8.0 * outputs.len() as f64 * f64::EPSILON * max_abs(&expected);
        assert!(max_abs(&(normalized - &expected)) <= bound, "{loss:?}");
    }
}

/// With every margin `u_n = c + δ_n` and `c = 5000`, `L` underflows to 0 but
/// `∇_s L / L = −y ⊙ softmax(−δ)` (to `e^{−c}`), which the rescaled form returns.
#[test]
fn normalized_gradient_survives_the_loss_underflow() {
    let delta = array![0.0, 0.5, 3.0, 1.0];
    let labels = array![1.0, -1.0, -1.0, 1.0];
    let outputs = (&delta + 5000.0) * &labels;
    let (value, normalized) = OutputLoss::Logistic
        .normalized_gradient(outputs.view(), labels.view())
        .unwrap();
    assert_eq!(value, 0.0);
    let weights = delta.mapv(|d: f64| (-d).exp());
    let expected = -(&weights / weights.sum()) * &labels;
    assert!(max_abs(&(normalized - &expected)) <= 16.0 * f64::EPSILON);
}

#[test]
fn normalized_squared_gradient_at_an_exact_fit_is_an_error() {
    let t = array![1.0, 2.0];
    assert!(
        OutputLoss::Squared
            .normalized_gradient(t.view(), t.view())
            .is_err()
    );
}
