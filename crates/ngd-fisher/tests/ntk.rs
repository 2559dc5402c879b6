//! Tangent kernels: natural NTK of diagonal nets and the Fig. 3 responses of factorizations.

mod common;

use common::{cofactors, diag_problem, factors, rel_err, rel_err1};
use ndarray::Array1;
use ngd_fisher::diagonal::jacobian_from_cofactors;
use ngd_fisher::factorization::{MpOptions, NaturalDirection};
use ngd_fisher::ntk::diagonal::{egd_ntk, margin_velocity, natural_ntk};
use ngd_fisher::ntk::factorization::{
    egd_response, egf_response, ngd_response, ngf_response, unit_matrix,
};
use ngd_fisher::{Cutoff, DiagOptions, diag_natural_gradient};

#[test]
fn diagonal_kernels() {
    for (n, d, l) in [(4, 7, 2), (6, 6, 1), (11, 4, 3)] {
        let (x, w, _, u) = diag_problem(5 + n as u64, n, d, l, 2.0);
        let c = cofactors(&w);
        let j = jacobian_from_cofactors(c.view());
        let explicit = x.dot(&j).dot(&j.t()).dot(&x.t());
        assert!(rel_err(egd_ntk(x.view(), c.view()).view(), explicit.view()) <= 1e-13);
        let theta = natural_ntk(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
        let g =
            diag_natural_gradient(x.view(), u.view(), c.view(), &DiagOptions::default()).unwrap();
        let t: Array1<f64> = u.mapv(|v| -(1.0 + (-v).exp()));
        let velocity = margin_velocity(x.view(), c.view(), g.direction.view());
        assert!(
            rel_err1(velocity.view(), theta.dot(&t).view()) <= 1e-10,
            "N = {n}, D = {d}"
        );
        if n <= d {
            let eye = ndarray::Array2::<f64>::eye(n);
            assert!(rel_err(theta.view(), eye.view()) <= 1e-12);
        } else {
            // A weighted projection of rank D: Θ² = Θ, trace D.
            assert!(rel_err(theta.dot(&theta).view(), theta.view()) <= 1e-10);
            assert!((theta.diag().sum() - d as f64).abs() <= 1e-10);
        }
    }
}

#[test]
fn factorization_responses() {
    let d = 7;
    let e = unit_matrix(d, 3, 3).unwrap();
    assert!(unit_matrix(d, 7, 0).is_none());
    for l in 1..=3 {
        let ws = factors(11 + l as u64, d, l, 1.0);
        let split = NaturalDirection::LayerSplit(Cutoff::default());
        let mp = NaturalDirection::MoorePenrose(MpOptions::default());
        // NGF: the natural NTK is the identity.
        for which in [&split, &mp] {
            let r = ngf_response(&ws, e.view(), which).unwrap();
            assert!(rel_err(r.view(), e.view()) <= 1e-10, "L = {l}");
        }
        // EGF for L = 1 is the identity too; for L ≥ 2 it spreads to other entries.
        let egf = egf_response(&ws, e.view());
        if l == 1 {
            assert!(rel_err(egf.view(), e.view()) <= 1e-15);
        } else {
            let off: f64 = egf
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != 3 * d + 3)
                .map(|(_, x)| x.abs())
                .sum();
            assert!(off > 1e-3, "L = {l}");
        }
        // Finite steps approach the flows as η → 0 (first-order error O(η)).
        let eta = 1e-6;
        let egd = egd_response(&ws, e.view(), eta).unwrap();
        assert!(rel_err(egd.view(), egf.view()) <= 1e-4, "L = {l}");
        for which in [&split, &mp] {
            let ngd = ngd_response(&ws, e.view(), eta, which).unwrap();
            assert!(rel_err(ngd.view(), e.view()) <= 1e-4, "L = {l}");
        }
        assert!(egd_response(&ws, e.view(), 0.0).is_err());
    }
}
