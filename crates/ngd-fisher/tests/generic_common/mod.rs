//! Small test models for the generic routes (written here, not shipped): a tanh network, a
//! two-layer deep linear parametrization, `β = w ⊙ |w|`, a low-dimensional `β = B (w ⊙ w)` and
//! a two-layer diagonal net; seeded data; relative errors.
#![allow(dead_code)]

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use ngd_models::{ModelError, Network, Parametrization};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded generator.
pub fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// An `r × c` matrix of standard normals.
pub fn randn<R: Rng>(rng: &mut R, r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((r, c), || rng.sample(StandardNormal))
}

/// A vector of standard normals.
pub fn randn_vec<R: Rng>(rng: &mut R, n: usize) -> Array1<f64> {
    Array1::from_shape_simple_fn(n, || rng.sample(StandardNormal))
}

/// Random labels `±1`.
pub fn labels<R: Rng>(rng: &mut R, n: usize) -> Array1<f64> {
    Array1::from_shape_simple_fn(n, || if rng.random::<bool>() { 1.0 } else { -1.0 })
}

/// `‖a − b‖ / ‖b‖` (or `‖a‖` when `b = 0`).
pub fn rel_err(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let diff = (&a - &b).mapv(|x| x * x).sum().sqrt();
    let norm = b.mapv(|x| x * x).sum().sqrt();
    if norm > 0.0 { diff / norm } else { diff }
}

fn shape(what: &'static str, expected: usize, found: usize) -> Result<(), ModelError> {
    ngd_models::model::check_len(what, expected, found)
}

/// `jvp` and `vjp` of a test [`Network`] through its dense `jacobian`.
macro_rules! products_through_jacobian {
    () => {
        fn jvp(
            &self,
            w: ndarray::ArrayView1<'_, f64>,
            x: ndarray::ArrayView2<'_, f64>,
            v: ndarray::ArrayView1<'_, f64>,
        ) -> Result<ndarray::Array1<f64>, ngd_models::ModelError> {
            Ok(self.jacobian(w, x)?.dot(&v))
        }
        fn vjp(
            &self,
            w: ndarray::ArrayView1<'_, f64>,
            x: ndarray::ArrayView2<'_, f64>,
            u: ndarray::ArrayView1<'_, f64>,
        ) -> Result<ndarray::Array1<f64>, ngd_models::ModelError> {
            Ok(self.jacobian(w, x)?.t().dot(&u))
        }
    };
}

/// `s = Σ_k a_k tanh(v_kᵀ x)`: parameters `V` (`h × D`, row-major) then `a` (`h`).
#[derive(Debug, Clone)]
pub struct TanhNet {
    pub hidden: usize,
    pub dim: usize,
}

impl TanhNet {
    fn split<'a>(&self, w: ArrayView1<'a, f64>) -> (ArrayView2<'a, f64>, ArrayView1<'a, f64>) {
        let (h, d) = (self.hidden, self.dim);
        let v = w
            .slice_move(ndarray::s![..h * d])
            .into_shape_with_order((h, d))
            .unwrap();
        (v, w.slice_move(ndarray::s![h * d..]))
    }
}

impl Network for TanhNet {
    fn param_count(&self) -> usize {
        self.hidden * (self.dim + 1)
    }
    fn input_dim(&self) -> usize {
        self.dim
    }
    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        shape("w", self.param_count(), w.len())?;
        let (v, a) = self.split(w);
        Ok(x.dot(&v.t()).mapv(f64::tanh).dot(&a))
    }
    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        shape("w", self.param_count(), w.len())?;
        let (v, a) = self.split(w);
        let (h, d) = (self.hidden, self.dim);
        let z = x.dot(&v.t());
        let mut j = Array2::zeros((x.nrows(), self.param_count()));
        for n in 0..x.nrows() {
            for k in 0..h {
                let t = z[[n, k]].tanh();
                for i in 0..d {
                    j[[n, k * d + i]] = a[k] * (1.0 - t * t) * x[[n, i]];
                }
                j[[n, h * d + k]] = t;
            }
        }
        Ok(j)
    }
    products_through_jacobian!();
    fn layers(&self) -> Vec<std::ops::Range<usize>> {
        let hd = self.hidden * self.dim;
        vec![0..hd, hd..self.param_count()]
    }
}

/// A parametrization given by `β(w)` and its dense Jacobian; products through the Jacobian.
pub trait DenseParametrization {
    fn params(&self) -> usize;
    fn dim(&self) -> usize;
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64>;
    fn jacobian_of(&self, w: ArrayView1<'_, f64>) -> Array2<f64>;
    fn blocks(&self) -> Vec<std::ops::Range<usize>> {
        std::iter::once(0..self.params()).collect()
    }
}

/// Adapts a [`DenseParametrization`] to the trait.
#[derive(Debug, Clone)]
pub struct Dense<T>(pub T);

impl<T: DenseParametrization> Parametrization for Dense<T> {
    fn param_count(&self) -> usize {
        self.0.params()
    }
    fn beta_dim(&self) -> usize {
        self.0.dim()
    }
    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        shape("w", self.0.params(), w.len())?;
        Ok(self.0.beta_of(w))
    }
    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        shape("w", self.0.params(), w.len())?;
        shape("v", self.0.params(), v.len())?;
        Ok(self.0.jacobian_of(w).dot(&v))
    }
    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        shape("w", self.0.params(), w.len())?;
        shape("u", self.0.dim(), u.len())?;
        Ok(self.0.jacobian_of(w).t().dot(&u))
    }
    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        shape("w", self.0.params(), w.len())?;
        Ok(self.0.jacobian_of(w))
    }
    fn layers(&self) -> Vec<std::ops::Range<usize>> {
        self.0.blocks()
    }
}

/// `β = W_1ᵀ w_2`: `W_1` is `h × D` (row-major), `w_2` is `h`.
#[derive(Debug, Clone)]
pub struct TwoLayerLinear {
    pub hidden: usize,
    pub dim: usize,
}

impl DenseParametrization for TwoLayerLinear {
    fn params(&self) -> usize {
        self.hidden * (self.dim + 1)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64> {
        let (h, d) = (self.hidden, self.dim);
        let w1 = w
            .slice(ndarray::s![..h * d])
            .into_shape_with_order((h, d))
            .unwrap();
        w1.t().dot(&w.slice(ndarray::s![h * d..]))
    }
    fn jacobian_of(&self, w: ArrayView1<'_, f64>) -> Array2<f64> {
        let (h, d) = (self.hidden, self.dim);
        let mut j = Array2::zeros((d, self.params()));
        for k in 0..h {
            for i in 0..d {
                j[[i, k * d + i]] = w[h * d + k];
                j[[i, h * d + k]] = w[k * d + i];
            }
        }
        j
    }
    fn blocks(&self) -> Vec<std::ops::Range<usize>> {
        let hd = self.hidden * self.dim;
        vec![0..hd, hd..self.params()]
    }
}

/// `β = w ⊙ |w|` (P = D).
#[derive(Debug, Clone)]
pub struct SignedSquare(pub usize);

impl DenseParametrization for SignedSquare {
    fn params(&self) -> usize {
        self.0
    }
    fn dim(&self) -> usize {
        self.0
    }
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64> {
        w.mapv(|x| x * x.abs())
    }
    fn jacobian_of(&self, w: ArrayView1<'_, f64>) -> Array2<f64> {
        Array2::from_diag(&w.mapv(|x| 2.0 * x.abs()))
    }
}

/// `β = B (w ⊙ w)` with a fixed `D × P` matrix `B` (P < D: a low-rank parametrization).
#[derive(Debug, Clone)]
pub struct LowDim(pub Array2<f64>);

impl DenseParametrization for LowDim {
    fn params(&self) -> usize {
        self.0.ncols()
    }
    fn dim(&self) -> usize {
        self.0.nrows()
    }
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64> {
        self.0.dot(&w.mapv(|x| x * x))
    }
    fn jacobian_of(&self, w: ArrayView1<'_, f64>) -> Array2<f64> {
        &self.0 * &w.mapv(|x| 2.0 * x).insert_axis(Axis(0))
    }
}

/// `β = w_1 ⊙ w_2` (the L = 2 diagonal net; parameters `[w_1, w_2]`).
#[derive(Debug, Clone)]
pub struct DiagTwo(pub usize);

impl DenseParametrization for DiagTwo {
    fn params(&self) -> usize {
        2 * self.0
    }
    fn dim(&self) -> usize {
        self.0
    }
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64> {
        let d = self.0;
        &w.slice(ndarray::s![..d]) * &w.slice(ndarray::s![d..])
    }
    fn jacobian_of(&self, w: ArrayView1<'_, f64>) -> Array2<f64> {
        let d = self.0;
        let mut j = Array2::zeros((d, 2 * d));
        for i in 0..d {
            j[[i, i]] = w[d + i];
            j[[i, d + i]] = w[i];
        }
        j
    }
    fn blocks(&self) -> Vec<std::ops::Range<usize>> {
        vec![0..self.0, self.0..2 * self.0]
    }
}

/// Central finite-difference check of a network's Jacobian: the largest relative error.
pub fn jacobian_fd_error<N: Network>(
    net: &N,
    w: ArrayView1<'_, f64>,
    x: ArrayView2<'_, f64>,
) -> f64 {
    let j = net.jacobian(w, x).unwrap();
    let h = 1e-6;
    let mut worst = 0.0_f64;
    for k in 0..w.len() {
        let mut plus = w.to_owned();
        plus[k] += h;
        let mut minus = w.to_owned();
        minus[k] -= h;
        let fd = (net.outputs(plus.view(), x).unwrap() - net.outputs(minus.view(), x).unwrap())
            / (2.0 * h);
        worst = worst.max(rel_err(fd.view(), j.column(k)));
    }
    worst
}

/// The linear model `β = w`.
#[derive(Debug, Clone)]
pub struct Linear(pub usize);

impl DenseParametrization for Linear {
    fn params(&self) -> usize {
        self.0
    }
    fn dim(&self) -> usize {
        self.0
    }
    fn beta_of(&self, w: ArrayView1<'_, f64>) -> Array1<f64> {
        w.to_owned()
    }
    fn jacobian_of(&self, _w: ArrayView1<'_, f64>) -> Array2<f64> {
        Array2::eye(self.0)
    }
}
