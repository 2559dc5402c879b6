//! The natural gradient flow of any network through the generic field: Theorem 4's closed form.
//! For the mean logistic loss and a full-row-rank output Jacobian (`P ≥ N`), the Moore–Penrose
//! NGF moves every training margin independently by `du_n/dt = 1 + e^{−u_n}`
//! (`docs/math.md`), so `u_n(t) = log((1 + e^{u_n(0)}) e^{t} − 1)` whatever the model — checked
//! here on the full-matrix deep linear net and the two-layer tanh net, integrated by
//! Dormand–Prince; and the Euclidean flow of the same problem does not follow it.

use ndarray::{Array1, Array2};
use ngd_fisher::generic::GenericOptions;
use ngd_models::{DeepLinearNet, LinearInInput, Network, OutputLoss, TwoLayerTanh};
use ngd_optim::flow::{DormandPrince, dormand_prince, euclidean_field, natural_field};
use ngd_optim::{GenericDirection, GenericNgd, NetworkProblem, NgdStepSize};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The largest relative deviation of the margins at `t` from Theorem 4's closed form, for the
/// NGF (`natural = true`) or the EGF of `net` on random data.
fn deviation<N: Network + Clone>(net: &N, n: usize, seed: u64, t: f64, natural: bool) -> f64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    let x = Array2::from_shape_simple_fn((n, net.input_dim()), &mut normal);
    let y = Array1::from_shape_simple_fn(n, || if normal() > 0.0 { 1.0 } else { -1.0 });
    let w0 = Array1::from_shape_simple_fn(net.param_count(), || 0.5 * normal());
    let problem = NetworkProblem::new(net.clone(), x, y.clone(), OutputLoss::Logistic).unwrap();
    let margins = |w: &Array1<f64>| &problem.outputs(w.view()).unwrap() * &y;
    let u0 = margins(&w0);
    let options = DormandPrince {
        rtol: 1e-10,
        atol: 1e-12,
        ..DormandPrince::default()
    };
    let trajectory = if natural {
        let exact = GenericDirection::Exact(GenericOptions::default());
        let rule = GenericNgd::new(exact, NgdStepSize::Fixed(1.0)).unwrap();
        dormand_prince(natural_field(&problem, &rule), 0.0, w0, &[t], options)
    } else {
        dormand_prince(euclidean_field(&problem), 0.0, w0, &[t], options)
    }
    .unwrap();
    let u = margins(&trajectory.states[0]);
    let closed = u0.mapv(|u0| ((1.0 + u0.exp()) * t.exp() - 1.0).ln());
    (&u - &closed)
        .iter()
        .zip(&closed)
        .fold(0.0_f64, |m, (e, c)| m.max(e.abs() / c.abs().max(1.0)))
}

#[test]
fn natural_flow_follows_theorem_4_on_any_network() {
    let deep = LinearInInput(DeepLinearNet::new(8, &[6, 4]).unwrap());
    let tanh = TwoLayerTanh::new(3, 5).unwrap();
    let deep_natural = deviation(&deep, 5, 1, 1.5, true);
    let tanh_natural = deviation(&tanh, 6, 2, 1.5, true);
    let deep_euclid = deviation(&deep, 5, 1, 1.5, false);
    println!(
        "NGF: deep linear {deep_natural:.1e}, tanh {tanh_natural:.1e}; EGF deep linear \
         {deep_euclid:.1e}"
    );
    // The integrator's tolerance (1e-10 relative) bounds the NGF deviation.
    assert!(deep_natural < 1e-7, "{deep_natural:e}");
    assert!(tanh_natural < 1e-7, "{tanh_natural:e}");
    // A test that can fail: the Euclidean flow is far from the closed form.
    assert!(deep_euclid > 1e-2, "{deep_euclid:e}");
}
