//! One natural-gradient step per route at the paper's sizes, with dense routes for comparison
//! (`cargo bench -p ngd-fisher`). Sample counts are kept small so the run takes a few minutes.

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use ngd_fisher::diagonal::dense_natural_gradient as diag_dense;
use ngd_fisher::factorization::{
    MpOptions, dense_natural_gradient as factor_dense, layer_split, moore_penrose,
};
use ngd_fisher::{Cutoff, DiagOptions, Route, RouteChoice, diag_natural_gradient};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;
use std::time::Duration;

fn randn<R: Rng>(rng: &mut R, r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((r, c), || rng.sample(StandardNormal))
}

/// `(X̃, margins, cofactors)` for an L-layer diagonal net with weights `1 + 0.1 ξ`.
fn diag_problem(n: usize, d: usize, l: usize) -> (Array2<f64>, Array1<f64>, Array2<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(n as u64 * 7 + d as u64);
    let x = randn(&mut rng, n, d) / (d as f64).sqrt();
    let w = randn(&mut rng, l, d) * 0.1 + 1.0;
    let net = ngd_models::DiagonalNet::new(w).expect("finite weights");
    let u = x.dot(&net.beta());
    (x, u, net.cofactors())
}

fn factor_problem(d: usize, l: usize) -> (Vec<Array2<f64>>, Array2<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(d as u64 * 11 + l as u64);
    let ws = (0..l)
        .map(|_| Array2::eye(d) + randn(&mut rng, d, d) * (0.5 / (d as f64).sqrt()))
        .collect();
    let g = randn(&mut rng, d, d);
    (ws, g)
}

fn diag_route(c: &mut Criterion, name: &str, n: usize, d: usize, route: Route) {
    let (x, u, cof) = diag_problem(n, d, 2);
    let options = DiagOptions {
        cutoff: Cutoff::default(),
        route: RouteChoice::Force(route),
    };
    c.bench_function(name, |b| {
        b.iter(|| {
            black_box(
                diag_natural_gradient(x.view(), u.view(), cof.view(), &options).expect("solve"),
            )
        })
    });
}

fn diagonal(c: &mut Criterion) {
    diag_route(c, "diag-kernel/N500-D1000-L2", 500, 1000, Route::Kernel);
    diag_route(
        c,
        "diag-weighted/N2500-D1000-L2",
        2500,
        1000,
        Route::Weighted,
    );
    diag_route(
        c,
        "ngd-diag-dense/dense-beta/N500-D1000-L2",
        500,
        1000,
        Route::DenseBeta,
    );
    diag_route(
        c,
        "ngd-diag-dense/dense-beta/N2500-D1000-L2",
        2500,
        1000,
        Route::DenseBeta,
    );
    diag_route(c, "diag-min-norm/N500-D1000-L2", 500, 1000, Route::MinNorm);
    // Full brute force pinv(F(w)) ∇_w at a smaller size, against the kernel route there.
    diag_route(c, "diag-kernel/N100-D200-L2", 100, 200, Route::Kernel);
    let (x, u, cof) = diag_problem(100, 200, 2);
    c.bench_function("diag-dense-pinv/N100-D200-L2", |b| {
        b.iter(|| {
            black_box(diag_dense(x.view(), u.view(), cof.view(), Cutoff::default()).expect("pinv"))
        })
    });
}

fn factorization(c: &mut Criterion) {
    let (ws, g) = factor_problem(100, 3);
    c.bench_function("factor-layer-split/D100-L3", |b| {
        b.iter(|| black_box(layer_split(&ws, g.view(), Cutoff::default()).expect("split")))
    });
    c.bench_function("factor-mp-cg/D100-L3", |b| {
        b.iter(|| black_box(moore_penrose(&ws, g.view(), &MpOptions::default()).expect("cg")))
    });
    let (ws2, g2) = factor_problem(100, 2);
    c.bench_function("factor-mp-sylvester/D100-L2", |b| {
        b.iter(|| {
            black_box(moore_penrose(&ws2, g2.view(), &MpOptions::default()).expect("sylvester"))
        })
    });
    let (ws_small, g_small) = factor_problem(12, 3);
    c.bench_function("factor-mp-cg/D12-L3", |b| {
        b.iter(|| {
            black_box(moore_penrose(&ws_small, g_small.view(), &MpOptions::default()).expect("cg"))
        })
    });
    c.bench_function("factor-dense-pinv/D12-L3", |b| {
        b.iter(|| {
            black_box(factor_dense(&ws_small, g_small.view(), Cutoff::default()).expect("pinv"))
        })
    });
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = diagonal, factorization
}
criterion_main!(benches);
