//! Cost of one EGD step: a single diagonal network, and a batch of four networks sharing one
//! pass over the data (the Fig. 4 setting scaled down: N = 500, D = 1000); and the generic
//! rule (`NetworkEgd`, flat parameters through the `Parametrization` trait) on the same
//! diagonal network and on a full-matrix deep linear net of width 16.

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array1;
use ndarray::Array2;
use ngd_models::{DeepLinearNet, DiagonalNet, DiagonalParametrization, LinearInInput, OutputLoss};
use ngd_optim::{
    BatchEgd, ClassificationProblem, DiagonalEgd, DiagonalStep, NetworkEgd, NetworkProblem,
    StepRule,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn setup() -> ClassificationProblem {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let xt = Array2::from_shape_fn((500, 1000), |_| StandardNormal.sample(&mut rng));
    ClassificationProblem::new(xt).expect("finite data")
}

fn bench(c: &mut Criterion) {
    let problem = setup();
    let step = DiagonalStep::Fixed(1e-3);
    let mut net = DiagonalNet::new(Array2::from_elem((2, 1000), 0.1)).expect("valid");
    let mut rule = DiagonalEgd::new(step, 2, 1000).expect("valid");
    c.bench_function("diagonal_egd_step_L2_N500_D1000", |b| {
        b.iter(|| black_box(rule.step(&mut net, &problem).expect("step")))
    });
    let mut nets: Vec<DiagonalNet> = (1..=4)
        .map(|l| DiagonalNet::new(Array2::from_elem((l, 1000), 0.1)).expect("valid"))
        .collect();
    let mut batch = BatchEgd::new(vec![step; 4]).expect("valid");
    c.bench_function("batch_egd_step_L1to4_N500_D1000", |b| {
        b.iter(|| black_box(batch.step(&mut nets, &problem).expect("step")))
    });
    let labels = Array1::ones(problem.samples());
    let x = problem.xt().to_owned();
    let diagonal = LinearInInput(DiagonalParametrization::new(2, 1000).expect("valid"));
    let generic = NetworkProblem::new(diagonal, x.clone(), labels.clone(), OutputLoss::Logistic)
        .expect("valid");
    let mut rule = NetworkEgd::new(step).expect("valid");
    let mut w = Array1::from_elem(2000, 0.1);
    c.bench_function("network_egd_step_diagonal_L2_N500_D1000", |b| {
        b.iter(|| black_box(rule.step(&mut w, &generic).expect("step")))
    });
    let deep = LinearInInput(DeepLinearNet::new(1000, &[16]).expect("valid"));
    let generic = NetworkProblem::new(deep, x, labels, OutputLoss::Logistic).expect("valid");
    let mut w = Array1::from_shape_fn(16 * 1000 + 16, |k| 0.01 * ((k % 7) as f64 - 3.0));
    c.bench_function("network_egd_step_deep_linear_L2_H16_N500_D1000", |b| {
        b.iter(|| black_box(rule.step(&mut w, &generic).expect("step")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
