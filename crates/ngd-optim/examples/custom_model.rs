//! A parametrization ngd does not ship, `β = w ⊙ |w|`, defined in a few lines: its exact
//! natural gradient from the generic routes, checked against the dense brute force
//! `pinv(Jᵀ S J) ∇`, and a short NGD run.
//!
//! Run: `cargo run --release -p ngd-optim --example custom_model`.

use ndarray::{Array1, Array2, ArrayView1};
use ngd_fisher::generic::{
    Curvature, GenericOptions, Samples, dense_natural_gradient_generic,
    natural_gradient_parametrization,
};
use ngd_models::model::check_len;
use ngd_models::{LinearInInput, ModelError, OutputLoss, Parametrization};
use ngd_optim::{GenericDirection, GenericNgd, NetworkProblem, NgdStepSize, StepRule};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// `β = w ⊙ |w|`: the Jacobian is `diag(2|w|)`.
#[derive(Debug, Clone, Copy)]
struct SignedSquare(usize);

impl Parametrization for SignedSquare {
    fn param_count(&self) -> usize {
        self.0
    }
    fn beta_dim(&self) -> usize {
        self.0
    }
    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_len("w", self.0, w.len())?;
        Ok(w.mapv(|x| x * x.abs()))
    }
    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("v", self.0, v.len())?;
        Ok(w.mapv(|x| 2.0 * x.abs()) * v)
    }
    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.jvp(w, u) // J is symmetric (diagonal).
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, d) = (30, 10);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    let x = Array2::from_shape_simple_fn((n, d), &mut normal);
    let planted = Array1::from_shape_simple_fn(d, &mut normal);
    let y = x.dot(&planted).mapv(|s| if s >= 0.0 { 1.0 } else { -1.0 });
    let w = Array1::from_shape_simple_fn(d, &mut normal) * 0.3;
    let model = SignedSquare(d);

    // The exact natural gradient (N > D: the least-squares route through the QR of Ŵ^{1/2} X).
    let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic)?;
    let g =
        natural_gradient_parametrization(&model, w.view(), &samples, &GenericOptions::default())?;
    let reference = dense_natural_gradient_generic(
        &LinearInInput(model),
        w.view(),
        &samples,
        Curvature::Fisher,
        Default::default(),
    )?;
    let error = (&g.direction - &reference).mapv(|e| e * e).sum().sqrt()
        / reference.mapv(|e| e * e).sum().sqrt();
    println!(
        "route {}, rank {}, κ(F) = {:.2e}: relative error against pinv(F)∇ = {error:.2e} (≤ 10 κ ε = {:.2e})",
        g.route,
        g.rank,
        g.condition,
        10.0 * g.condition * f64::EPSILON
    );
    assert!(error <= 10.0 * g.condition * f64::EPSILON);

    // A short NGD run with backtracking.
    let exact = GenericDirection::Exact(GenericOptions::default());
    let step = NgdStepSize::Backtracking { max: 1.0 };
    let problem = NetworkProblem::new(LinearInInput(model), x, y, OutputLoss::Logistic)?;
    let mut rule = GenericNgd::new(exact, step)?;
    let mut w = w;
    for t in 0..=20 {
        let report = rule.step(&mut w, &problem)?;
        if t % 5 == 0 {
            println!(
                "step {t:2}: loss {:.3e}, η {:.3}, route {:?}",
                report.loss, report.step_size, report.info
            );
        }
    }
    println!("final loss {:.3e}", problem.loss_value(w.view())?);
    Ok(())
}
