//! The checks every [`Parametrization`] / [`Network`] runs, so that each model's test file is
//! short: Jacobian–vector products against central finite differences, the adjoint identity
//! `uᵀ(J v) = (Jᵀu)ᵀ v`, the dense Jacobian against both products, the output shapes, and
//! shape errors naming the argument.
//!
//! **Tolerances.** The central difference `D(h) = (f(w + hv) − f(w − hv)) / 2h` has error
//! `C h² + ρ/h` with rounding `ρ ≤ ε · max|f|`; since `D(2h) − D(h) = 3 C h² + …`, the
//! truncation error of `D(h)` is bounded by `|D(2h) − D(h)|`, and the check is
//! `‖D(h) − J v‖_∞ ≤ ‖D(2h) − D(h)‖_∞ + 8 ε max|f| / h` (a wrong `J v` off by more fails).
//! Products compared with each other agree to `4 (P + M) ε ‖J‖_F ‖·‖₂` (`M` outputs), the
//! forward error bound of a sum of `P + M` rounded products.

use ndarray::{Array1, Array2, ArrayView1};
use ngd_models::{LinearInInput, ModelError, Network, Parametrization};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// `n` i.i.d. standard normal draws.
pub fn gaussian_vec<R: Rng + ?Sized>(n: usize, rng: &mut R) -> Array1<f64> {
    (0..n)
        .map(|_| rng.sample::<f64, _>(StandardNormal))
        .collect()
}

/// A `rows × cols` matrix of i.i.d. standard normal draws (row-major order).
pub fn gaussian_mat<R: Rng + ?Sized>(rows: usize, cols: usize, rng: &mut R) -> Array2<f64> {
    gaussian_vec(rows * cols, rng)
        .into_shape_with_order((rows, cols))
        .expect("length rows · cols")
}

fn max_abs(v: ArrayView1<'_, f64>) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn norm(v: ArrayView1<'_, f64>) -> f64 {
    v.dot(&v).sqrt()
}

/// Asserts `jv` equals the central difference of `f` at `w` along `v` (module docs' bound).
pub fn assert_jvp_matches_differences(
    f: impl Fn(&Array1<f64>) -> Array1<f64>,
    w: &Array1<f64>,
    v: &Array1<f64>,
    jv: &Array1<f64>,
) {
    let h = f64::EPSILON.cbrt() * max_abs(w.view()).max(1.0) / max_abs(v.view()).max(1.0);
    let eval = |t: f64| f(&(w + &(v * t)));
    let (plus, minus, plus2, minus2) = (eval(h), eval(-h), eval(2.0 * h), eval(-2.0 * h));
    let central = (&plus - &minus) / (2.0 * h);
    let central2 = (&plus2 - &minus2) / (4.0 * h);
    let scale = [&plus, &minus, &plus2, &minus2]
        .iter()
        .fold(0.0_f64, |m, a| m.max(max_abs(a.view())));
    let bound = max_abs((&central2 - &central).view()) + 8.0 * f64::EPSILON * scale / h;
    let error = max_abs((&central - jv).view());
    assert!(
        error <= bound,
        "‖FD − Jv‖∞ = {error:e} > bound {bound:e} (h = {h:e})"
    );
}

/// Asserts `|a − b| ≤ 4 (P + M) ε scale` componentwise in the max norm.
fn assert_products_agree(a: &Array1<f64>, b: &Array1<f64>, terms: usize, scale: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let bound = 4.0 * terms as f64 * f64::EPSILON * scale;
    let error = max_abs((a - b).view());
    assert!(error <= bound, "{what}: {error:e} > {bound:e}");
}

/// Asserts the adjoint identity `uᵀ(Jv) = (Jᵀu)ᵀv` and that the dense `jacobian` reproduces
/// `jv = J v` and `jtu = Jᵀ u`, each to `4 · terms · ε` times its scale `‖J‖_F ‖·‖₂`.
fn assert_products_consistent(
    jacobian: &Array2<f64>,
    u: &Array1<f64>,
    v: &Array1<f64>,
    jv: &Array1<f64>,
    jtu: &Array1<f64>,
    terms: usize,
) {
    let j_norm = jacobian.iter().map(|x| x * x).sum::<f64>().sqrt();
    let (scale_u, scale_v) = (j_norm * norm(u.view()), j_norm * norm(v.view()));
    assert_products_agree(
        &Array1::from(vec![u.dot(jv)]),
        &Array1::from(vec![jtu.dot(v)]),
        terms,
        scale_u * norm(v.view()),
        "adjoint identity uᵀ(Jv) = (Jᵀu)ᵀv",
    );
    assert_products_agree(&jacobian.dot(v), jv, terms, scale_v, "dense J v vs jvp");
    assert_products_agree(
        &jacobian.t().dot(u),
        jtu,
        terms,
        scale_u,
        "dense Jᵀu vs vjp",
    );
}

/// Asserts that `result` is a [`ModelError::Shape`] naming `what`.
pub fn assert_shape_error<T: std::fmt::Debug>(result: Result<T, ModelError>, what: &str) {
    match result {
        Err(ModelError::Shape { what: named, .. }) => assert_eq!(named, what),
        other => panic!("expected a shape error naming {what}, got {other:?}"),
    }
}

/// Every check of a [`Parametrization`] at `w`, with random directions from `rng`; then the
/// same checks of its [`LinearInInput`] network on random data with `samples` rows.
pub fn check_parametrization<P, R>(model: &P, w: &Array1<f64>, samples: usize, rng: &mut R)
where
    P: Parametrization + Clone,
    R: Rng + ?Sized,
{
    let (p, d) = (model.param_count(), model.beta_dim());
    assert_eq!(w.len(), p, "test set-up: w has length P");
    let (v, u) = (gaussian_vec(p, rng), gaussian_vec(d, rng));
    let beta = model.beta(w.view()).unwrap();
    let jv = model.jvp(w.view(), v.view()).unwrap();
    let jtu = model.vjp(w.view(), u.view()).unwrap();
    assert_eq!((beta.len(), jv.len(), jtu.len()), (d, d, p));
    assert_jvp_matches_differences(|w| model.beta(w.view()).unwrap(), w, &v, &jv);
    let jacobian = model.jacobian(w.view()).unwrap();
    assert_eq!(jacobian.dim(), (d, p));
    assert_products_consistent(&jacobian, &u, &v, &jv, &jtu, p + d);
    let long_w = Array1::zeros(p + 1);
    assert_shape_error(model.beta(long_w.view()), "parameters w");
    assert_shape_error(model.jvp(long_w.view(), v.view()), "parameters w");
    assert_shape_error(model.vjp(long_w.view(), u.view()), "parameters w");
    assert_shape_error(model.jacobian(long_w.view()), "parameters w");
    assert_shape_error(
        model.jvp(w.view(), Array1::zeros(p + 1).view()),
        "tangent v",
    );
    assert_shape_error(
        model.vjp(w.view(), Array1::zeros(d + 1).view()),
        "cotangent u",
    );
    let layers = model.layers();
    assert_eq!(layers.first().map(|r| r.start), Some(0));
    assert_eq!(layers.last().map(|r| r.end), Some(p));
    assert!(layers.windows(2).all(|pair| pair[0].end == pair[1].start));
    check_network(&LinearInInput(model.clone()), w, samples, rng);
}

/// Every check of a [`Network`] at `w` on random data with `samples` rows.
pub fn check_network<N, R>(net: &N, w: &Array1<f64>, samples: usize, rng: &mut R)
where
    N: Network,
    R: Rng + ?Sized,
{
    let x = gaussian_mat(samples, net.input_dim(), rng);
    check_network_on(net, w, &x, rng);
}

/// Every check of a [`Network`] at `w` on the data `x`.
pub fn check_network_on<N, R>(net: &N, w: &Array1<f64>, x: &Array2<f64>, rng: &mut R)
where
    N: Network,
    R: Rng + ?Sized,
{
    let (p, n) = (net.param_count(), x.nrows());
    assert_eq!(w.len(), p, "test set-up: w has length P");
    let (v, u) = (gaussian_vec(p, rng), gaussian_vec(n, rng));
    let outputs = net.outputs(w.view(), x.view()).unwrap();
    let jv = net.jvp(w.view(), x.view(), v.view()).unwrap();
    let jtu = net.vjp(w.view(), x.view(), u.view()).unwrap();
    assert_eq!((outputs.len(), jv.len(), jtu.len()), (n, n, p));
    let forward = |w: &Array1<f64>| net.outputs(w.view(), x.view()).unwrap();
    assert_jvp_matches_differences(forward, w, &v, &jv);
    let jacobian = net.jacobian(w.view(), x.view()).unwrap();
    assert_eq!(jacobian.dim(), (n, p));
    assert_products_consistent(&jacobian, &u, &v, &jv, &jtu, p + n + net.input_dim());
    let long_w = Array1::zeros(p + 1);
    assert_shape_error(net.outputs(long_w.view(), x.view()), "parameters w");
    assert_shape_error(net.jvp(long_w.view(), x.view(), v.view()), "parameters w");
    assert_shape_error(net.vjp(long_w.view(), x.view(), u.view()), "parameters w");
    assert_shape_error(net.jacobian(long_w.view(), x.view()), "parameters w");
    let long_v = Array1::zeros(p + 1);
    assert_shape_error(net.jvp(w.view(), x.view(), long_v.view()), "tangent v");
    let long_u = Array1::zeros(n + 1);
    assert_shape_error(
        net.vjp(w.view(), x.view(), long_u.view()),
        "output cotangent u",
    );
    let wide_x = Array2::zeros((n, net.input_dim() + 1));
    assert_shape_error(net.outputs(w.view(), wide_x.view()), "data X");
    assert_shape_error(net.jvp(w.view(), wide_x.view(), v.view()), "data X");
    assert_shape_error(net.vjp(w.view(), wide_x.view(), u.view()), "data X");
    assert_shape_error(net.jacobian(w.view(), wide_x.view()), "data X");
}
