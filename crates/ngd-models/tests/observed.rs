//! The observed-entry pattern and its sparse products ([`ObservedEntries`]) against dense
//! products by hand, the residuals and loss against the dense squared loss, and reloads.

use ndarray::{Array2, array};
use ngd_models::observed::ObservedEntries;

/// A 3 × 4 pattern with weights 1 (and one weight 2) against dense products by hand.
#[test]
fn sparse_products_match_dense() {
    let mask = array![
        [1.0, 0.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 0.0],
        [1.0, 2.0, 1.0, 1.0]
    ];
    let target = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64 * 0.5);
    let mut obs = ObservedEntries::new();
    obs.load(target.view(), mask.view()).unwrap();
    assert_eq!(obs.len(), 7);
    let values: Vec<f64> = (0..7).map(|k| k as f64 - 2.5).collect();
    let mut dense = Array2::zeros((3, 4));
    for k in 0..7 {
        dense[[obs.rows()[k], obs.cols()[k]]] = values[k];
    }
    let c = Array2::from_shape_fn((4, 5), |(i, j)| ((i * 5 + j) as f64).sin());
    let mut out = Array2::zeros((0, 0));
    obs.times(&values, c.view(), &mut out).unwrap();
    assert!((&out - &dense.dot(&c)).iter().all(|x| x.abs() < 1e-14));
    let c2 = Array2::from_shape_fn((3, 2), |(i, j)| ((i * 2 + j) as f64).cos());
    obs.transpose_times(&values, c2.view(), &mut out).unwrap();
    assert!((&out - &dense.t().dot(&c2)).iter().all(|x| x.abs() < 1e-14));
    let p = Array2::from_shape_fn((3, 5), |(i, j)| (i + 2 * j) as f64);
    let mut sampled = vec![0.0; 7];
    obs.sample_product(p.view(), c.view(), &mut sampled)
        .unwrap();
    let full = p.dot(&c.t());
    for k in 0..7 {
        assert!((sampled[k] - full[[obs.rows()[k], obs.cols()[k]]]).abs() < 1e-12);
    }
    assert!(obs.times(&values[..3], c.view(), &mut out).is_err());
    assert!(obs.times(&values, c2.view(), &mut out).is_err());
}

#[test]
fn residuals_and_loss_match_the_dense_loss() {
    let mask = array![[1.0, 0.0], [1.0, 1.0]];
    let target = array![[1.0, 9.0], [2.0, -1.0]];
    let beta = array![[1.5, 3.0], [0.0, 1.0]];
    let mut obs = ObservedEntries::new();
    obs.load(target.view(), mask.view()).unwrap();
    let observed: Vec<f64> = vec![1.5, 0.0, 1.0];
    let loss = obs.set_residuals(&observed).unwrap();
    let mut grad = Array2::zeros((2, 2));
    let dense = ngd_models::squared_loss::value_and_gradient(
        beta.view(),
        target.view(),
        mask.view(),
        grad.view_mut(),
    )
    .unwrap();
    assert_eq!(loss, dense);
    let mut g = Array2::zeros((2, 2));
    obs.residual_dense_into(g.view_mut()).unwrap();
    assert_eq!(g, grad);
    assert!(obs.set_residuals(&[f64::INFINITY, 0.0, 0.0]).is_err());
}

#[test]
fn reload_detects_changed_mask_and_target() {
    let mut obs = ObservedEntries::new();
    let target = array![[1.0, 2.0], [3.0, 4.0]];
    obs.load(target.view(), array![[1.0, 0.0], [0.0, 1.0]].view())
        .unwrap();
    assert_eq!((obs.rows(), obs.cols()), (&[0, 1][..], &[0, 1][..]));
    obs.load(target.view(), array![[0.0, 1.0], [1.0, 1.0]].view())
        .unwrap();
    assert_eq!((obs.rows(), obs.cols()), (&[0, 1, 1][..], &[1, 0, 1][..]));
    // The same mask with a new target: the targets are reloaded.
    let moved = &target + 1.0;
    obs.load(moved.view(), array![[0.0, 1.0], [1.0, 1.0]].view())
        .unwrap();
    assert_eq!(obs.set_residuals(&[3.0, 4.0, 5.0]).unwrap(), 0.0);
    // A non-finite observed target is an error, and the next load rebuilds.
    let bad = array![[f64::NAN, 2.0], [3.0, 4.0]];
    assert!(
        obs.load(bad.view(), array![[1.0, 0.0], [0.0, 0.0]].view())
            .is_err()
    );
    obs.load(moved.view(), array![[0.0, 1.0], [1.0, 1.0]].view())
        .unwrap();
    assert_eq!(obs.len(), 3);
}
