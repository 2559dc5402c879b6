//! The sparse Gaussian task: determinism, labels, statistics and validation.

use ngd_data::{DataError, SparseGaussianSpec, gaussian_matrix, sparse_gaussian};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn spec() -> SparseGaussianSpec {
    SparseGaussianSpec {
        dim: 50,
        sparsity: 5,
        n_train: 400,
        n_test: 600,
    }
}

#[test]
fn same_seed_is_bit_identical_and_other_seed_differs() {
    let draw =
        |seed| sparse_gaussian(&spec(), &mut Xoshiro256PlusPlus::seed_from_u64(seed)).unwrap();
    let (a, b, c) = (draw(7), draw(7), draw(8));
    assert_eq!(a, b);
    assert_ne!(a.train.x, c.train.x);
    assert_ne!(a.test.x, c.test.x);
}

#[test]
fn documented_draw_order_train_then_test() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let task = sparse_gaussian(&spec(), &mut rng).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let train = gaussian_matrix(400, 50, 1.0, &mut rng).unwrap();
    let test = gaussian_matrix(600, 50, 1.0, &mut rng).unwrap();
    assert_eq!(task.train.x, train);
    assert_eq!(task.test.x, test);
}

#[test]
fn teacher_labels_and_statistics() {
    let task = sparse_gaussian(&spec(), &mut Xoshiro256PlusPlus::seed_from_u64(11)).unwrap();
    task.train.validate().unwrap();
    task.test.validate().unwrap();
    assert_eq!(task.beta_star.sum(), 5.0);
    assert!(task.beta_star.iter().take(5).all(|&b| b == 1.0));
    // The teacher separates both sets (no exact zeros occur with continuous data).
    assert_eq!(task.train.accuracy(task.beta_star.view()).unwrap(), 1.0);
    assert_eq!(task.test.accuracy(task.beta_star.view()).unwrap(), 1.0);
    // Labels are balanced-ish: P(y = 1) = 1/2, so 400 labels have std 10 around 200.
    let positives = task.train.y.iter().filter(|&&y| y > 0.0).count();
    assert!(
        (150..=250).contains(&positives),
        "{positives} positives of 400"
    );
    // Inputs are standard normal: the sample variance of 20000 draws is 1 ± 0.03 (5 sigma).
    let x = &task.train.x;
    let mean = x.mean().unwrap();
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / x.len() as f64;
    assert!(
        mean.abs() < 0.04 && (var - 1.0).abs() < 0.05,
        "mean {mean}, var {var}"
    );
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (SparseGaussianSpec { dim: 0, ..spec() }, "`dim`"),
        (
            SparseGaussianSpec {
                sparsity: 0,
                ..spec()
            },
            "`sparsity`",
        ),
        (
            SparseGaussianSpec {
                sparsity: 51,
                ..spec()
            },
            "`sparsity`",
        ),
        (
            SparseGaussianSpec {
                n_train: 0,
                ..spec()
            },
            "`n_train`",
        ),
        (
            SparseGaussianSpec {
                n_test: 0,
                ..spec()
            },
            "`n_test`",
        ),
    ];
    for (bad, field) in cases {
        let err = sparse_gaussian(&bad, &mut Xoshiro256PlusPlus::seed_from_u64(0)).unwrap_err();
        assert!(
            matches!(err, DataError::Invalid { what, .. } if what == field),
            "{err}"
        );
        assert!(err.to_string().contains(field));
    }
}

#[test]
fn gaussian_matrix_rejects_bad_std() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    for std in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(gaussian_matrix(2, 2, std, &mut rng).is_err());
    }
    assert_eq!(gaussian_matrix(0, 3, 1.0, &mut rng).unwrap().dim(), (0, 3));
}
