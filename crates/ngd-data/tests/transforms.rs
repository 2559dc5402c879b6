//! Transforms for Theorems 1 and 2: the documented conditioning bounds.

use ndarray::Array2;
use ngd_data::{diagonal_rescaling, well_conditioned_matrix};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The largest singular value by power iteration on `AᵀA` (enough iterations for these sizes).
fn spectral_norm(a: &Array2<f64>) -> f64 {
    let ata = a.t().dot(a);
    let mut v = ndarray::Array1::from_elem(a.ncols(), 1.0);
    for _ in 0..500 {
        let w = ata.dot(&v);
        v = &w / w.dot(&w).sqrt();
    }
    ata.dot(&v).dot(&v).sqrt()
}

#[test]
fn well_conditioned_is_identity_plus_half_frobenius() {
    for (d, seed) in [(1, 0), (2, 1), (7, 2), (30, 3)] {
        let a = well_conditioned_matrix(d, &mut Xoshiro256PlusPlus::seed_from_u64(seed)).unwrap();
        let e = &a - &Array2::<f64>::eye(d);
        let frob = e.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((frob - 0.5).abs() < 1e-15, "‖E‖_F = {frob}");
        // Consequence checked independently: ‖A‖₂ ≤ 3/2.
        assert!(spectral_norm(&a) <= 1.5 + 1e-12);
    }
    assert!(well_conditioned_matrix(0, &mut Xoshiro256PlusPlus::seed_from_u64(0)).is_err());
}

#[test]
fn diagonal_rescaling_range() {
    let a = diagonal_rescaling(200, &mut Xoshiro256PlusPlus::seed_from_u64(4)).unwrap();
    for i in 0..200 {
        for j in 0..200 {
            if i == j {
                assert!((0.5..2.0).contains(&a[[i, i]]));
            } else {
                assert_eq!(a[[i, j]], 0.0);
            }
        }
    }
    let same = diagonal_rescaling(200, &mut Xoshiro256PlusPlus::seed_from_u64(4)).unwrap();
    assert_eq!(a, same);
    assert!(diagonal_rescaling(0, &mut Xoshiro256PlusPlus::seed_from_u64(0)).is_err());
}
