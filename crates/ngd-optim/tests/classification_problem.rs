//! The three ways to build a `ClassificationProblem` agree: from `(X, y)`, from a
//! `SignedData`, and from a hand-built `X̃ = diag(y) X`; bad input is an error naming the field.

use ndarray::array;
use ngd_fisher::{FisherError, SignedData};
use ngd_optim::{ClassificationProblem, OptimError};

#[test]
fn labelled_signed_and_hand_built_problems_agree() {
    let x = array![[1.0, -2.0], [0.5, 3.0], [-1.0, 0.25]];
    let y = array![1.0, -1.0, -1.0];
    let by_hand = array![[1.0, -2.0], [-0.5, -3.0], [1.0, -0.25]];
    let from_labels = ClassificationProblem::from_labels(x.view(), y.view()).unwrap();
    let from_signed =
        ClassificationProblem::from(SignedData::from_labels(x.view(), y.view()).unwrap());
    let from_new = ClassificationProblem::new(by_hand.clone()).unwrap();
    assert_eq!(from_labels.xt(), by_hand);
    assert_eq!(from_signed, from_labels);
    assert_eq!(from_new, from_labels);
}

#[test]
fn bad_inputs_name_the_field() {
    let x = array![[1.0, 2.0], [3.0, 4.0]];
    let err = ClassificationProblem::from_labels(x.view(), array![1.0].view()).unwrap_err();
    assert!(
        matches!(
            err,
            OptimError::Fisher(FisherError::Shape {
                what: "labels y",
                ..
            })
        ),
        "{err}"
    );
    let err = ClassificationProblem::from_labels(x.view(), array![1.0, 2.0].view()).unwrap_err();
    assert!(err.to_string().contains("label in y"), "{err}");
    let err = ClassificationProblem::new(array![[f64::INFINITY]]).unwrap_err();
    assert!(err.to_string().contains("signed data X̃"), "{err}");
}

/// `X̃` is stored from a cache line on (the fused passes read it faster), after construction
/// from labels, from signed data and after a clone, and keeps every entry.
#[test]
fn signed_data_is_stored_cache_aligned() {
    use ngd_models::aligned_rows::CACHE_LINE;
    let x = array![[1.0, -2.0, 3.0], [0.5, 0.25, -4.0]];
    let y = array![1.0, -1.0];
    let from_labels = ClassificationProblem::from_labels(x.view(), y.view()).unwrap();
    let signed = ClassificationProblem::new(x.clone()).unwrap();
    for problem in [&from_labels, &signed, &from_labels.clone(), &signed.clone()] {
        assert_eq!(problem.xt().as_ptr() as usize % CACHE_LINE, 0);
    }
    assert_eq!(
        from_labels.xt(),
        array![[1.0, -2.0, 3.0], [-0.5, -0.25, 4.0]]
    );
    assert_eq!(signed.xt(), x);
    assert_eq!(from_labels.clone(), from_labels);
}
