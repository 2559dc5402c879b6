//! The fused logistic-loss kernel: finite differences through diagonal networks, agreement with
//! a naive reference, the batch kernel, layout independence and stability.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, array};
use ngd_models::logistic::loss;
use ngd_models::logistic_loss::{
    batch_value_and_gradient, margins_into, mean_loss, value_and_gradient,
    value_gradient_and_margins,
};
use ngd_models::{DiagonalNet, ModelError};
use proptest::collection::vec;
use proptest::prelude::*;

fn loss_of(xt: ArrayView2<f64>, beta: ArrayView1<f64>) -> f64 {
    let mut g = Array1::zeros(beta.len());
    value_and_gradient(xt, beta, g.view_mut()).unwrap()
}

/// `(depth, dim, n, weights L×D, signed data N×D)` with the brief's size ranges.
fn diagonal_problem() -> impl Strategy<Value = (Array2<f64>, Array2<f64>)> {
    (1..=4usize, 1..=6usize, 1..=8usize).prop_flat_map(|(l, d, n)| {
        (vec(-1.5..1.5f64, l * d), vec(-2.0..2.0f64, n * d)).prop_map(move |(w, x)| {
            (
                Array2::from_shape_vec((l, d), w).unwrap(),
                Array2::from_shape_vec((n, d), x).unwrap(),
            )
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]

    /// ∇_w L = c_l ⊙ ∇_β L against central differences of L(β(w)), step 1e-5.
    #[test]
    fn weight_gradient_matches_finite_differences((w, xt) in diagonal_problem()) {
        let net = DiagonalNet::new(w.clone()).unwrap();
        let d = net.dim();
        let mut grad_beta = Array1::zeros(d);
        value_and_gradient(xt.view(), net.beta().view(), grad_beta.view_mut()).unwrap();
        let mut grad_w = Array2::zeros(w.raw_dim());
        net.pull_back(grad_beta.view(), grad_w.view_mut());
        let h = 1e-5;
        for ((layer, i), &g) in grad_w.indexed_iter() {
            let mut plus = w.clone();
            plus[[layer, i]] += h;
            let mut minus = w.clone();
            minus[[layer, i]] -= h;
            let beta_plus = DiagonalNet::new(plus).unwrap().beta();
            let beta_minus = DiagonalNet::new(minus).unwrap().beta();
            let fd = (loss_of(xt.view(), beta_plus.view()) - loss_of(xt.view(), beta_minus.view())) / (2.0 * h);
            prop_assert!((fd - g).abs() <= 1e-7 * (1.0 + g.abs()), "layer {layer} i {i}: fd {fd} vs {g}");
        }
    }

    /// Value, gradient and margins agree with a naive ndarray evaluation to 1e-14 (relative).
    #[test]
    fn matches_naive_reference((w, xt) in diagonal_problem()) {
        let beta = w.row(0).to_owned();
        let n = xt.nrows() as f64;
        let u = xt.dot(&beta);
        let naive_loss = u.iter().map(|&v| loss(v)).sum::<f64>() / n;
        let coeffs = u.mapv(|v| -1.0 / (1.0 + v.exp())) / n;
        let naive_grad = xt.t().dot(&coeffs);
        let mut grad = Array1::zeros(beta.len());
        let mut margins = Array1::zeros(xt.nrows());
        let value = value_gradient_and_margins(xt.view(), beta.view(), grad.view_mut(), margins.view_mut()).unwrap();
        prop_assert!((value - naive_loss).abs() <= 1e-14 * naive_loss.max(1.0));
        prop_assert!((mean_loss(margins.view()) - value).abs() <= 1e-15 * value.max(1.0));
        for (a, b) in grad.iter().zip(&naive_grad) {
            prop_assert!((a - b).abs() <= 1e-14 * (1.0 + b.abs()), "{a} vs {b}");
        }
        for (a, b) in margins.iter().zip(&u) {
            prop_assert!((a - b).abs() <= 1e-14 * (1.0 + b.abs()));
        }
        let mut margins2 = Array1::zeros(xt.nrows());
        margins_into(xt.view(), beta.view(), margins2.view_mut()).unwrap();
        prop_assert_eq!(margins2, margins);
    }

    /// K models in one pass equal K single calls bit for bit; non-contiguous inputs too.
    #[test]
    fn batch_equals_single_calls((betas, xt) in diagonal_problem()) {
        let (k, d) = betas.dim();
        let mut grads = Array2::zeros((k, d));
        let mut losses = vec![0.0; k];
        batch_value_and_gradient(xt.view(), betas.view(), grads.view_mut(), &mut losses).unwrap();
        // A Fortran-order copy of the data and a strided output (a column) exercise the copy paths.
        let xt_f = xt.t().as_standard_layout().t().to_owned();
        let mut columns = Array2::zeros((d, k + 1));
        for (j, beta) in betas.axis_iter(Axis(0)).enumerate() {
            let mut grad = Array1::zeros(d);
            let value = value_and_gradient(xt.view(), beta, grad.view_mut()).unwrap();
            prop_assert_eq!(value.to_bits(), losses[j].to_bits());
            prop_assert_eq!(&grad, &grads.row(j));
            let mut strided = columns.column_mut(j);
            let value_f = value_and_gradient(xt_f.view(), beta, strided.view_mut()).unwrap();
            prop_assert_eq!(value_f.to_bits(), value.to_bits());
            prop_assert_eq!(strided.to_owned(), grad);
        }
        let mut grads_f = Array2::zeros((d, k));
        let mut losses_f = vec![0.0; k];
        batch_value_and_gradient(xt_f.view(), betas.view(), grads_f.view_mut().reversed_axes(), &mut losses_f).unwrap();
        prop_assert_eq!(grads_f.t(), grads.view());
        prop_assert_eq!(losses_f, losses);
    }
}

/// Margins of ±1e4 and 0: every quantity finite and equal to its hand-derived value.
/// ℓ(1e4) = 0 (underflow of e^{−1e4}), ℓ(−1e4) = 1e4, ℓ(0) = ln 2; ℓ'(1e4) = −0, ℓ'(−1e4) = −1,
/// ℓ'(0) = −1/2, so ∇ = (1/3)(1·1e4, −1/2) = (1e4/3, −1/6).
#[test]
fn huge_margins_are_stable() {
    let xt = array![[1e4, 0.0], [-1e4, 0.0], [0.0, 1.0]];
    let beta = array![1.0, 0.0];
    let mut grad = Array1::zeros(2);
    let value = value_and_gradient(xt.view(), beta.view(), grad.view_mut()).unwrap();
    let expected = (1e4 + std::f64::consts::LN_2) / 3.0;
    assert!((value - expected).abs() <= 2.0 * f64::EPSILON * expected);
    assert!((grad[0] - 1e4 / 3.0).abs() <= 2.0 * f64::EPSILON * 1e4);
    assert!((grad[1] + 1.0 / 6.0).abs() <= 2.0 * f64::EPSILON);
    // Scaling β to make the margins ±1e8: still finite.
    let big = array![1e4, 0.0];
    let value = value_and_gradient(xt.view(), big.view(), grad.view_mut()).unwrap();
    assert!(value.is_finite() && grad.iter().all(|g| g.is_finite()));
}

#[test]
fn shape_and_value_errors() {
    let xt = Array2::<f64>::ones((3, 2));
    let mut grad = Array1::zeros(2);
    let bad_beta = Array1::zeros(3);
    assert!(matches!(
        value_and_gradient(xt.view(), bad_beta.view(), grad.view_mut()),
        Err(ModelError::Shape { .. })
    ));
    let mut bad_grad = Array1::zeros(1);
    assert!(value_and_gradient(xt.view(), Array1::zeros(2).view(), bad_grad.view_mut()).is_err());
    let empty = Array2::<f64>::zeros((0, 2));
    assert!(value_and_gradient(empty.view(), Array1::zeros(2).view(), grad.view_mut()).is_err());
    let nan = array![f64::NAN, 0.0];
    assert!(matches!(
        value_and_gradient(xt.view(), nan.view(), grad.view_mut()),
        Err(ModelError::NonFinite { .. })
    ));
    let mut out = Array1::zeros(2);
    assert!(margins_into(xt.view(), Array1::zeros(2).view(), out.view_mut()).is_err());
    let betas = Array2::<f64>::zeros((2, 2));
    let mut grads = Array2::zeros((2, 2));
    assert!(
        batch_value_and_gradient(xt.view(), betas.view(), grads.view_mut(), &mut [0.0]).is_err()
    );
    let mut grads_bad = Array2::zeros((2, 3));
    assert!(
        batch_value_and_gradient(xt.view(), betas.view(), grads_bad.view_mut(), &mut [0.0; 2])
            .is_err()
    );
    assert_eq!(mean_loss(Array1::zeros(0).view()), 0.0);
}
