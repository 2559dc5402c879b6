//! Cost of one EGD step: a single diagonal network, and a batch of four networks sharing one
//! pass over the data (the Fig. 4 setting scaled down: N = 500, D = 1000).

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use ngd_models::DiagonalNet;
use ngd_optim::{BatchEgd, ClassificationProblem, DiagonalEgd, DiagonalStep, StepRule};
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
