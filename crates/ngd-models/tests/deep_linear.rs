//! The full-matrix deep linear network: the shared model checks, `L = 1` is the linear model,
//! `s(x) = W_L ⋯ W_1 x`, and the K-FAC pieces: `∂s_n/∂W_l = b_l a_{l−1}(x_n)ᵀ`.

mod common;

use common::model_checks::{check_parametrization, gaussian_mat, gaussian_vec};
use ndarray::Array1;
use ngd_models::{DeepLinearNet, LinearInInput, Network, Parametrization};
use proptest::collection::vec;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// `n · ε · scale` closeness in the max norm.
fn assert_close(a: &Array1<f64>, b: &Array1<f64>, terms: usize, scale: f64) {
    let error = (a - b).iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let bound = 4.0 * terms as f64 * f64::EPSILON * scale.max(f64::MIN_POSITIVE);
    assert!(error <= bound, "{error:e} > {bound:e}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]
    #[test]
    fn deep_linear_passes_the_model_checks(
        dim in 1..5usize, hidden in vec(1..4usize, 0..4), samples in 1..6usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = DeepLinearNet::new(dim, &hidden).unwrap();
        let w = gaussian_vec(model.param_count(), &mut rng);
        check_parametrization(&model, &w, samples, &mut rng);
    }

    #[test]
    fn deep_linear_output_is_the_chained_product(
        dim in 1..5usize, hidden in vec(1..4usize, 0..4), samples in 1..5usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = DeepLinearNet::new(dim, &hidden).unwrap();
        let w = gaussian_vec(model.param_count(), &mut rng);
        let x = gaussian_mat(samples, dim, &mut rng);
        let mut direct = x.t().to_owned();
        let mut scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        for layer in model.layer_matrices(w.view()).unwrap() {
            direct = layer.dot(&direct);
            scale *= layer.iter().map(|v| v.abs()).sum::<f64>();
        }
        let outputs = LinearInInput(model.clone()).outputs(w.view(), x.view()).unwrap();
        let terms = model.widths().iter().sum::<usize>();
        assert_close(&outputs, &direct.row(0).to_owned(), terms, scale);
    }

    #[test]
    fn deep_linear_per_sample_gradient_is_the_kfac_outer_product(
        dim in 1..5usize, hidden in vec(1..4usize, 0..3), samples in 1..5usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = DeepLinearNet::new(dim, &hidden).unwrap();
        let w = gaussian_vec(model.param_count(), &mut rng);
        let x = gaussian_mat(samples, dim, &mut rng);
        let jacobian = LinearInInput(model.clone()).jacobian(w.view(), x.view()).unwrap();
        let activations = model.input_activations(w.view(), x.view()).unwrap();
        let gradients = model.output_gradients(w.view()).unwrap();
        let maps = model.forward_maps(w.view()).unwrap();
        let scale = jacobian.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
        for (l, range) in model.layers().into_iter().enumerate() {
            for n in 0..samples {
                let a = &activations[l].row(n);
                let by_map = maps[l].dot(&x.row(n));
                assert_close(&a.to_owned(), &by_map, model.param_count(), scale);
                let kfac: Array1<f64> = gradients[l + 1]
                    .iter()
                    .flat_map(|&b| a.iter().map(move |&z| b * z))
                    .collect();
                let row = jacobian.row(n).slice(ndarray::s![range.clone()]).to_owned();
                assert_close(&row, &kfac, model.param_count(), scale);
            }
        }
    }
}

#[test]
fn deep_linear_depth_one_is_the_linear_model() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let model = DeepLinearNet::new(4, &[]).unwrap();
    assert_eq!((model.depth(), model.param_count()), (1, 4));
    let w = gaussian_vec(4, &mut rng);
    assert_eq!(model.beta(w.view()).unwrap(), w);
    assert_eq!(model.layer_shapes(), vec![(1, 4)]);
}

#[test]
fn deep_linear_shapes_and_errors() {
    let model = DeepLinearNet::new(3, &[4, 2]).unwrap();
    assert_eq!(model.layer_shapes(), vec![(4, 3), (2, 4), (1, 2)]);
    assert_eq!(model.param_count(), 12 + 8 + 2);
    assert_eq!(model.layers(), vec![0..12, 12..20, 20..22]);
    assert!(DeepLinearNet::new(0, &[2]).is_err());
    assert!(DeepLinearNet::new(3, &[2, 0]).is_err());
}
