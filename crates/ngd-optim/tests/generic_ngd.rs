//! Generic NGD (`GenericNgd`) on small parametrizations written here: the known answer of exact
//! NGD on the linear model (every margin moves by `η (1 + e^{−u})` when N ≤ D), equality with
//! the structured `DiagonalNgd` step, and a loss decrease for every direction choice.

use ndarray::{Array1, Array2, ArrayView1, Axis, s};
use ngd_fisher::generic::{Curvature, Damping, GenericOptions, Inversion, KfacDamping};
use ngd_fisher::{Cutoff, DiagOptions};
use ngd_models::{DiagonalNet, LinearInInput, ModelError, OutputLoss, Parametrization};
use ngd_optim::{
    ClassificationProblem, DiagonalNgd, FisherChoice, GenericDirection, GenericNgd, NetworkProblem,
    NgdStepSize, OptimError, StepRule,
};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Small parametrizations: `Linear` is `β = w`; `TwoLayer` is `β = W_1ᵀ w_2` (`W_1`: `h × D`
/// row-major, then `w_2`), the deep linear net `s = W_2 W_1 x` in K-FAC's layout with widths
/// `[D, h, 1]`; `Diagonal` is `β = w_1 ⊙ w_2`. Jacobian products from bilinearity.
#[derive(Debug, Clone, Copy)]
enum Model {
    Linear(usize),
    TwoLayer { hidden: usize, dim: usize },
    Diagonal(usize),
}

impl Parametrization for Model {
    fn param_count(&self) -> usize {
        match *self {
            Self::Linear(d) => d,
            Self::TwoLayer { hidden, dim } => hidden * (dim + 1),
            Self::Diagonal(d) => 2 * d,
        }
    }
    fn beta_dim(&self) -> usize {
        match *self {
            Self::Linear(d) | Self::TwoLayer { dim: d, .. } | Self::Diagonal(d) => d,
        }
    }
    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        ngd_models::model::check_len("w", self.param_count(), w.len())?;
        Ok(match *self {
            Self::Linear(_) => w.to_owned(),
            Self::TwoLayer { hidden, dim } => {
                let w1 = w
                    .slice(s![..hidden * dim])
                    .into_shape_with_order((hidden, dim))
                    .unwrap();
                w1.t().dot(&w.slice(s![hidden * dim..]))
            }
            Self::Diagonal(d) => &w.slice(s![..d]) * &w.slice(s![d..]),
        })
    }
    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        // β is bilinear (or linear) in its blocks: J v = β(w + v) − β(w) − β(v) + (linear part).
        Ok(match *self {
            Self::Linear(_) => v.to_owned(),
            _ => {
                let sum = &w + &v;
                self.beta(sum.view())? - self.beta(w)? - self.beta(v)?
            }
        })
    }
    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        Ok(self.jacobian(w)?.t().dot(&u))
    }
    fn layers(&self) -> Vec<std::ops::Range<usize>> {
        match *self {
            Self::Linear(d) => std::iter::once(0..d).collect(),
            Self::TwoLayer { hidden, dim } => {
                vec![0..hidden * dim, hidden * dim..hidden * (dim + 1)]
            }
            Self::Diagonal(d) => vec![0..d, d..2 * d],
        }
    }
}

fn data(seed: u64, n: usize, d: usize) -> (Array2<f64>, Array1<f64>) {
    let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
    let x = Array2::from_shape_simple_fn((n, d), || r.sample(StandardNormal));
    let y = Array1::from_shape_simple_fn(n, || if r.random::<bool>() { 1.0 } else { -1.0 });
    (x, y)
}

fn random_vec(seed: u64, p: usize, scale: f64) -> Array1<f64> {
    let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
    Array1::from_shape_simple_fn(p, || scale * r.sample::<f64, _>(StandardNormal))
}

fn exact() -> GenericDirection {
    GenericDirection::Exact(GenericOptions::default())
}

/// Exact NGD with a fixed step on the logistic loss.
fn exact_rule(
    net: LinearInInput<Model>,
    x: &Array2<f64>,
    y: &Array1<f64>,
    eta: f64,
) -> (GenericNgd, NetworkProblem<LinearInInput<Model>>) {
    let rule = GenericNgd::new(exact(), NgdStepSize::Fixed(eta)).unwrap();
    (rule, logistic_problem(net, x, y))
}

/// The logistic problem of `net` on `(x, y)`.
fn logistic_problem(
    net: LinearInInput<Model>,
    x: &Array2<f64>,
    y: &Array1<f64>,
) -> NetworkProblem<LinearInInput<Model>> {
    NetworkProblem::new(net, x.clone(), y.clone(), OutputLoss::Logistic).unwrap()
}

#[test]
fn exact_ngd_on_the_linear_model_moves_margins_by_the_natural_target() {
    let (n, d, eta) = (5, 9, 0.3);
    let (x, y) = data(1, n, d);
    let mut w = random_vec(2, d, 0.5);
    let net = LinearInInput(Model::Linear(d));
    let (mut rule, problem) = exact_rule(net.clone(), &x, &y, eta);
    let margins = |w: &Array1<f64>| &x.dot(w) * &y;
    let before = margins(&w);
    rule.step(&mut w, &problem).unwrap();
    let info = rule.last_step().unwrap();
    assert_eq!(info.route, "kernel");
    let want = before.mapv(|u| u + eta * (1.0 + (-u).exp()));
    let err = (&margins(&w) - &want)
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let scale = want.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(
        err <= 10.0 * info.condition * f64::EPSILON * scale,
        "{err:e}"
    );
}

#[test]
fn generic_exact_step_equals_the_structured_diagonal_step() {
    let d = 6;
    for n in [4, 20] {
        let (x, y) = data(3 + n as u64, n, d);
        let w0 = random_vec(4, 2 * d, 0.8);
        let net = LinearInInput(Model::Diagonal(d));
        let (mut rule, problem) = exact_rule(net.clone(), &x, &y, 0.1);
        let mut w = w0.clone();
        rule.step(&mut w, &problem).unwrap();
        let mut model =
            DiagonalNet::new(w0.clone().into_shape_with_order((2, d)).unwrap()).unwrap();
        let problem = ClassificationProblem::new(&x * &y.view().insert_axis(Axis(1))).unwrap();
        let mut structured =
            DiagonalNgd::new(0.1, FisherChoice::Sample(DiagOptions::default())).unwrap();
        structured.step(&mut model, &problem).unwrap();
        let flat = model
            .weights()
            .to_owned()
            .into_shape_with_order(2 * d)
            .unwrap();
        let moved = &w0 - &flat;
        let err =
            (&(&w0 - &w) - &moved).dot(&(&(&w0 - &w) - &moved)).sqrt() / moved.dot(&moved).sqrt();
        let kappa = rule.last_step().unwrap().condition;
        assert!(err <= 10.0 * kappa * f64::EPSILON, "N={n}: {err:e}");
    }
}

#[test]
fn every_direction_decreases_the_loss_with_backtracking() {
    let (hidden, dim) = (3, 4);
    let net = Model::TwoLayer { hidden, dim };
    let (x, y) = data(5, 12, dim);
    let w0 = random_vec(6, net.param_count(), 0.6);
    let damped = Damping::Relative(1e-3);
    let choices = [
        exact(),
        GenericDirection::Exact(GenericOptions {
            curvature: Curvature::Empirical,
            ..Default::default()
        }),
        GenericDirection::Damped {
            damping: Damping::Absolute(1e-4),
            curvature: Curvature::Fisher,
        },
        GenericDirection::Damped {
            damping: damped,
            curvature: Curvature::Empirical,
        },
        GenericDirection::Diagonal {
            curvature: Curvature::Fisher,
            inversion: Inversion::Damped(damped),
        },
        GenericDirection::Block {
            curvature: Curvature::Fisher,
            inversion: Inversion::MoorePenrose(Cutoff::default()),
        },
        GenericDirection::Kfac {
            widths: vec![dim, hidden, 1],
            damping: KfacDamping::Heuristic(1e-3),
        },
        GenericDirection::Kfac {
            widths: vec![dim, hidden, 1],
            damping: KfacDamping::Exact(1e-3),
        },
    ];
    for choice in choices {
        let label = format!("{choice:?}");
        let problem = logistic_problem(LinearInInput(net), &x, &y);
        let mut rule = GenericNgd::new(choice, NgdStepSize::Backtracking { max: 1.0 }).unwrap();
        let mut w = w0.clone();
        let mut previous = problem.loss_value(w.view()).unwrap();
        for _ in 0..15 {
            let report = rule.step(&mut w, &problem).unwrap();
            assert_eq!(report.loss, previous);
            let now = problem.loss_value(w.view()).unwrap();
            assert!(now < previous, "{label}: {now} ≥ {previous}");
            previous = now;
        }
    }
}

#[test]
fn bad_construction_is_an_error() {
    let (x, y) = data(7, 4, 3);
    let net = LinearInInput(Model::Linear(3));
    assert!(GenericNgd::new(exact(), NgdStepSize::Fixed(0.0)).is_err());
    // K-FAC widths must end in the scalar output …
    let not_scalar = GenericDirection::Kfac {
        widths: vec![3, 2],
        damping: KfacDamping::Exact(1.0),
    };
    assert!(GenericNgd::new(not_scalar, NgdStepSize::Fixed(0.1)).is_err());
    // … and give the network's parameter count (checked against the problem at the step).
    let kfac = GenericDirection::Kfac {
        widths: vec![3, 2, 1],
        damping: KfacDamping::Exact(1.0),
    };
    let mut rule = GenericNgd::new(kfac, NgdStepSize::Fixed(0.1)).unwrap();
    let problem = logistic_problem(net.clone(), &x, &y);
    let mut w = Array1::zeros(3);
    assert!(matches!(
        rule.step(&mut w, &problem),
        Err(OptimError::Invalid {
            what: "K-FAC widths",
            ..
        })
    ));
    let bad_labels = Array1::from(vec![1.0, 0.0, 1.0, -1.0]);
    assert!(NetworkProblem::new(net, x, bad_labels, OutputLoss::Logistic).is_err());
}
