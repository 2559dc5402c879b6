//! `Classification`: validation, signed data, accuracy, separability, transforms.

use ndarray::{Array1, array};
use ngd_data::{Classification, DataError};

fn small() -> Classification {
    Classification::new(
        array![[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0]],
        array![1.0, -1.0, 1.0],
    )
    .unwrap()
}

#[test]
fn signed_data_and_margins() {
    let data = small();
    assert_eq!(data.signed(), array![[1.0, 2.0], [1.0, -0.5], [0.0, -3.0]]);
    let beta = array![1.0, -1.0];
    // Margins y_n x_nᵀβ by hand: 1·(1 − 2) = −1, −1·(−1 − 0.5) = 1.5, 1·(0 + 3) = 3.
    assert_eq!(data.margins(beta.view()).unwrap(), array![-1.0, 1.5, 3.0]);
    assert_eq!(data.accuracy(beta.view()).unwrap(), 2.0 / 3.0);
    assert!(!data.is_linearly_separable_by(beta.view()).unwrap());
    // β = (3, −1): margins 1, 3.5, 3 — separates.
    assert!(
        data.is_linearly_separable_by(array![3.0, -1.0].view())
            .unwrap()
    );
    // β = (2, −1): margins 0, 2.5, 3 — a zero margin counts as an error.
    assert_eq!(data.accuracy(array![2.0, -1.0].view()).unwrap(), 2.0 / 3.0);
}

#[test]
fn transform_scores_like_transposed_coefficients() {
    let data = small();
    let a = array![[2.0, 1.0], [0.5, -1.0], [1.0, 1.0]];
    let moved = data.transformed(a.view()).unwrap();
    assert_eq!(moved.d(), 3);
    let beta_new = array![0.3, -0.7, 1.1];
    let lhs = moved.margins(beta_new.view()).unwrap();
    let rhs = data.margins(a.t().dot(&beta_new).view()).unwrap();
    for (l, r) in lhs.iter().zip(&rhs) {
        assert!((l - r).abs() <= 1e-14);
    }
    assert!(data.transformed(array![[1.0, 2.0, 3.0]].view()).is_err());
}

#[test]
fn validation_errors() {
    let x = array![[1.0], [2.0]];
    let err = Classification::new(x.clone(), array![1.0, 0.5]).unwrap_err();
    assert_eq!(
        err,
        DataError::Label {
            index: 1,
            value: 0.5
        }
    );
    assert!(Classification::new(x.clone(), array![1.0]).is_err());
    let err = Classification::new(array![[1.0], [f64::NAN]], array![1.0, -1.0]).unwrap_err();
    assert!(matches!(err, DataError::NonFinite { index: 1, .. }));
    assert!(Classification::new(ndarray::Array2::zeros((0, 2)), Array1::zeros(0)).is_err());
    assert!(small().margins(array![1.0].view()).is_err());
}
