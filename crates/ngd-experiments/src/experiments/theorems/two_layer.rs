//! A two-layer network `s(x) = vᵀ tanh(W x)` (hidden width `H`, `P = H·D + H` parameters) with
//! a hand-written Jacobian, and its exact Moore–Penrose natural gradient under the mean
//! logistic loss (used for Theorem 4 beyond linear models).
//!
//! **Jacobian.** With `z = W x` and `a = tanh(z)`: `∂s/∂v_h = a_h` and
//! `∂s/∂W_{hj} = v_h (1 − a_h²) x_j`. Parameters are flattened as `W` row by row, then `v`.
//!
//! **Natural gradient.** Let `J` (`N × P`) be the Jacobian of the logits `s_n = s(x_n)`, and
//! `J̃ = diag(y) J` the Jacobian of the margins `u = y ⊙ s`. For the mean logistic loss,
//! `∇_w L = (1/N) J̃ᵀ diag(d) t` and `F(w) = (1/N) J̃ᵀ diag(d) J̃` with `d = φ(u)φ(−u)` and
//! `t = −(1 + e^{−u})` (Lemma 1 of the paper: the Fisher in margin space is diagonal). This is
//! the linear model's formula with `X̃` replaced by `J̃`, so the Moore–Penrose natural gradient
//! is `g = (d^{1/2} J̃)⁺ d^{1/2} t`; when `J̃` has full row rank `N ≤ P`,
//! `(d^{1/2} J̃)⁺ = J̃ᵀ (J̃ J̃ᵀ)⁻¹ d^{−1/2}` and the weights `d` cancel:
//! `g = J̃ᵀ (J̃ J̃ᵀ)⁻¹ t` — the kernel route with the model's empirical NTK `J̃ J̃ᵀ`. The step
//! `w ← w − η g` moves the margins by `−η J̃ g = −η t = η (1 + e^{−u})` to first order, so
//! `u_n ≈ t + c_n` and the logits `s ≈ t y + c_s` (Theorem 4).

use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use ngd_fisher::Cutoff;
use ngd_fisher::linalg::spd_solve;
use ngd_harness::error::RunError;

/// The network `s(x) = vᵀ tanh(W x)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoLayerNet {
    /// Input weights, `H × D`.
    pub w: Array2<f64>,
    /// Output weights, length `H`.
    pub v: Array1<f64>,
}

impl TwoLayerNet {
    /// Number of parameters `P = H·D + H`.
    pub fn parameter_count(&self) -> usize {
        self.w.len() + self.v.len()
    }

    /// The logits `s_n = vᵀ tanh(W x_n)` of the rows of `x` (`N × D`).
    pub fn logits(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&self.w.t()).mapv(f64::tanh).dot(&self.v)
    }

    /// The Jacobian `∂s/∂w` (`N × P`, parameters `W` row-major then `v`).
    pub fn jacobian(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let (n, d) = x.dim();
        let h = self.v.len();
        let a = x.dot(&self.w.t()).mapv(f64::tanh);
        let mut j = Array2::zeros((n, h * d + h));
        for i in 0..n {
            for k in 0..h {
                let scale = self.v[k] * (1.0 - a[[i, k]] * a[[i, k]]);
                for m in 0..d {
                    j[[i, k * d + m]] = scale * x[[i, m]];
                }
                j[[i, h * d + k]] = a[[i, k]];
            }
        }
        j
    }

    /// The parameters flattened (`W` row-major, then `v`).
    pub fn flat(&self) -> Array1<f64> {
        self.w.iter().chain(self.v.iter()).copied().collect()
    }

    /// Adds `scale · delta` (flattened like [`Self::flat`]) to the parameters.
    pub fn add_scaled(&mut self, scale: f64, delta: ArrayView1<'_, f64>) {
        let hd = self.w.len();
        let (h, d) = self.w.dim();
        let dw = delta.slice(s![..hd]).into_shape_with_order((h, d));
        if let Ok(dw) = dw {
            self.w.scaled_add(scale, &dw);
        }
        self.v.scaled_add(scale, &delta.slice(s![hd..]));
    }
}

/// The Moore–Penrose natural gradient `g = J̃ᵀ (J̃ J̃ᵀ)⁻¹ t` of the mean logistic loss at the
/// margins `u = y ⊙ s` (see the module docs); errors if `J̃ J̃ᵀ` is numerically singular.
pub fn natural_gradient(
    net: &TwoLayerNet,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
) -> Result<(Array1<f64>, Array1<f64>), RunError> {
    let mut jt = net.jacobian(x);
    for (mut row, &label) in jt.rows_mut().into_iter().zip(y) {
        row *= label;
    }
    let margins = &net.logits(x) * &y;
    let target = margins.mapv(ngd_models::logistic::natural_target);
    let kernel = jt.dot(&jt.t());
    let a = spd_solve(
        kernel.view(),
        target.view(),
        Cutoff::default(),
        "two-layer NTK J̃J̃ᵀ",
    )
    .map_err(ExperimentError::from)?;
    Ok((jt.t().dot(&a), margins))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn net_and_data() -> (TwoLayerNet, Array2<f64>, Array1<f64>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let w = ngd_data::gaussian_matrix(6, 3, 0.7, &mut rng).unwrap();
        let v = ngd_data::gaussian_matrix(1, 6, 0.5, &mut rng)
            .unwrap()
            .row(0)
            .to_owned();
        let x = ngd_data::gaussian_matrix(4, 3, 1.0, &mut rng).unwrap();
        (
            TwoLayerNet { w, v },
            x,
            Array1::from(vec![1.0, -1.0, -1.0, 1.0]),
        )
    }

    /// The hand-written Jacobian matches central finite differences (step 1e-6; the
    /// truncation error is O(h²) ≈ 1e-12 and the rounding error ≈ ε/h ≈ 1e-10).
    #[test]
    fn jacobian_matches_central_differences() {
        let (net, x, _) = net_and_data();
        let j = net.jacobian(x.view());
        let p = net.parameter_count();
        let h = 1e-6;
        let mut worst = 0.0_f64;
        for k in 0..p {
            let mut e = Array1::zeros(p);
            e[k] = 1.0;
            let (mut plus, mut minus) = (net.clone(), net.clone());
            plus.add_scaled(h, e.view());
            minus.add_scaled(-h, e.view());
            let fd = (plus.logits(x.view()) - minus.logits(x.view())) / (2.0 * h);
            for n in 0..x.nrows() {
                worst = worst.max((fd[n] - j[[n, k]]).abs());
            }
        }
        assert!(worst < 1e-8, "worst |J − FD| = {worst:e}");
    }

    /// The natural gradient moves every margin by `−η t` to first order: `J̃ g = t`, and it
    /// equals the dense Moore–Penrose solution `pinv(d^{1/2} J̃) d^{1/2} t`.
    #[test]
    fn natural_gradient_solves_margin_equation_and_is_minimum_norm() {
        let (net, x, y) = net_and_data();
        let (g, u) = natural_gradient(&net, x.view(), y.view()).unwrap();
        let mut jt = net.jacobian(x.view());
        for (mut row, &label) in jt.rows_mut().into_iter().zip(&y) {
            row *= label;
        }
        let t = u.mapv(ngd_models::logistic::natural_target);
        let residual = (&jt.dot(&g) - &t)
            .iter()
            .fold(0.0_f64, |m, r| m.max(r.abs()));
        assert!(residual < 1e-10, "{residual:e}");
        let d = u.mapv(ngd_models::logistic::fisher_weight).mapv(f64::sqrt);
        let mut weighted = jt.clone();
        for (mut row, &di) in weighted.rows_mut().into_iter().zip(&d) {
            row *= di;
        }
        let dense = ngd_fisher::linalg::pinv(weighted.view(), Cutoff::default())
            .unwrap()
            .matrix
            .dot(&(&d * &t));
        let diff = (&dense - &g).iter().fold(0.0_f64, |m, r| m.max(r.abs()));
        assert!(
            diff < 1e-9 * g.iter().fold(0.0_f64, |m, r| m.max(r.abs())),
            "{diff:e}"
        );
    }
}
