//! The response maps of one depth (one run of `fig3`) and the scalar summaries of a map.
//!
//! For the loss gradient `E = E_cc` (one observation at the centre `(c, c)`, residual 1), the
//! response of entry `(i, j)` is how much `β_ij` moves per unit of time (flows) or per unit of
//! step size (finite steps) under a *negative* gradient step:
//!
//! - EGF: `Σ_i A_i A_iᵀ E B_iᵀ B_i` (the NTK column `k_{·,·,c,c}`);
//! - EGD: `(β(W) − β(W − η ∇))/η`, `∇_{W_i} = A_iᵀ E B_iᵀ`;
//! - NGF: `Σ_i A_i G_i B_i` for the natural direction `(G_i)` of `E` (= `E` when `J` has full
//!   row rank: the natural NTK is the identity, the paper's §4);
//! - NGD: `(β(W) − β(W − η G))/η`, which differs from `E` by terms of order `η`.
//!
//! Summaries: the *off-centre mass* `Σ_{(i,j)≠(c,c)} |R_ij| / |R_cc|` and the *cross share*
//! `Σ_{row c ∪ column c, ≠(c,c)} |R_ij| / Σ_{(i,j)≠(c,c)} |R_ij|`.

use super::Fig3Config;
use crate::error::ExperimentError;
use ndarray::Array2;
use ngd_fisher::factorization::{NaturalDirection, dense_natural_gradient};
use ngd_fisher::linalg::Cutoff;
use ngd_fisher::ntk::factorization::{
    egd_response, egf_response, ngd_response, ngf_response, unit_matrix,
};
use ngd_harness::error::RunError;
use ngd_models::MatrixFactorization;
use ngd_models::factorization::{prefix_products, product, suffix_products};
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// One response map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseMap {
    /// Method label, e.g. `EGF`, `NGD (layer split)`, `NGD (layer split, η/2)`.
    pub method: String,
    /// The map, row-major `size × size`.
    pub values: Vec<Vec<f64>>,
}

/// The output of one depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig3Output {
    /// The maps of every method.
    pub maps: Vec<ResponseMap>,
    /// The initial factors `W_1, …, W_L` the maps respond at (each row-major `size × size`).
    #[serde(default)]
    pub initial_factors: Vec<Vec<Vec<f64>>>,
}

/// The labels of the four panels of a row, in the paper's column order.
pub const PANEL_METHODS: [&str; 4] = ["EGF", "EGD", "NGF (layer split)", "NGD (layer split)"];

/// The initial factors: i.i.d. Gaussian with per-entry std `init_std / √D`, or
/// `I + (init_std / √D) Z` (identity plus noise). Draws `W_1` row-major, then `W_2`, ….
pub fn initial_factors(
    c: &Fig3Config,
    depth: usize,
    rng: &mut impl rand::Rng,
) -> Result<MatrixFactorization, RunError> {
    let d = c.size;
    let std = c.init_std / (d as f64).sqrt();
    let identity = c.init == super::Init::IdentityPlusNoise;
    let factors = (0..depth)
        .map(|_| {
            Array2::from_shape_fn((d, d), |(i, j)| {
                let z: f64 = rng.sample(StandardNormal);
                std * z + if identity && i == j { 1.0 } else { 0.0 }
            })
        })
        .collect();
    MatrixFactorization::new(factors).map_err(|e| ExperimentError::from(e).into())
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// Computes every map of one depth.
pub fn response_maps(c: &Fig3Config, model: &MatrixFactorization) -> Result<Fig3Output, RunError> {
    let d = c.size;
    let centre = d / 2;
    let e = unit_matrix(d, centre, centre).ok_or_else(|| {
        ExperimentError::Internal(format!("centre ({centre}, {centre}) outside {d} × {d}"))
    })?;
    let w = model.factors();
    let split = NaturalDirection::LayerSplit(Cutoff::default());
    let f = ExperimentError::from;
    let mut maps = vec![
        ("EGF".to_string(), egf_response(w, e.view())),
        ("EGD".into(), egd_response(w, e.view(), c.step).map_err(f)?),
        (
            "NGF (layer split)".into(),
            ngf_response(w, e.view(), &split).map_err(f)?,
        ),
        (
            "NGD (layer split)".into(),
            ngd_response(w, e.view(), c.step, &split).map_err(f)?,
        ),
        (
            "NGD (layer split, η/2)".into(),
            ngd_response(w, e.view(), c.step / 2.0, &split).map_err(f)?,
        ),
    ];
    // Moore–Penrose by the dense brute force pinv(J) vec E (D² × L D², tiny at D = 11):
    // conjugate gradients on the operator does not converge for the ill-conditioned
    // products of small random factors.
    let (mp, _) = dense_natural_gradient(w, e.view(), Cutoff::default()).map_err(f)?;
    maps.push(("NGF (Moore–Penrose)".into(), tangent(w, &mp)));
    for (label, eta) in [("", c.step), (", η/2", c.step / 2.0)] {
        maps.push((
            format!("NGD (Moore–Penrose{label})"),
            finite_step(w, &mp, eta),
        ));
    }
    maps.push((
        "EGD (η/2)".into(),
        egd_response(w, e.view(), c.step / 2.0).map_err(f)?,
    ));
    if let Some((name, _)) = maps.iter().find(|(_, m)| m.iter().any(|v| !v.is_finite())) {
        return Err(RunError::Diverged {
            step: 0,
            cause: format!("the {name} response is not finite"),
        });
    }
    Ok(Fig3Output {
        maps: maps
            .into_iter()
            .map(|(method, m)| ResponseMap {
                method,
                values: rows(&m),
            })
            .collect(),
        initial_factors: w.iter().map(rows).collect(),
    })
}

/// `J g = Σ_i A_i G_i B_i`.
fn tangent(w: &[Array2<f64>], g: &[Array2<f64>]) -> Array2<f64> {
    let (prefixes, suffixes) = (prefix_products(w), suffix_products(w));
    let mut out = Array2::zeros(w[0].raw_dim());
    for ((a, b), gi) in prefixes.iter().zip(&suffixes).zip(g) {
        out += &a.dot(gi).dot(b);
    }
    out
}

/// `(β(W) − β(W − η G))/η`.
fn finite_step(w: &[Array2<f64>], g: &[Array2<f64>], eta: f64) -> Array2<f64> {
    let moved: Vec<Array2<f64>> = w.iter().zip(g).map(|(wi, gi)| wi - &(gi * eta)).collect();
    (product(w) - product(&moved)) / eta
}

/// `Σ_{(i,j)≠(c,c)} |R_ij| / |R_cc|` (∞ if the centre does not move).
pub fn off_centre_mass(values: &[Vec<f64>]) -> f64 {
    let c = values.len() / 2;
    let off: f64 = off_centre(values).map(|(_, _, v)| v.abs()).sum();
    off / values[c][c].abs()
}

/// `Σ_{row c ∪ column c, ≠(c,c)} |R_ij| / Σ_{(i,j)≠(c,c)} |R_ij|` (0 if nothing moves).
pub fn cross_share(values: &[Vec<f64>]) -> f64 {
    let c = values.len() / 2;
    let (mut cross, mut all) = (0.0, 0.0);
    for (i, j, v) in off_centre(values) {
        all += v.abs();
        if i == c || j == c {
            cross += v.abs();
        }
    }
    if all > 0.0 { cross / all } else { 0.0 }
}

/// `max |R − E_cc|` (how far a map is from the identity kernel's column).
pub fn distance_from_unit(values: &[Vec<f64>]) -> f64 {
    let c = values.len() / 2;
    let centre = (values[c][c] - 1.0).abs();
    off_centre(values)
        .map(|(_, _, v)| v.abs())
        .fold(centre, f64::max)
}

fn off_centre(values: &[Vec<f64>]) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
    let c = values.len() / 2;
    values.iter().enumerate().flat_map(move |(i, row)| {
        row.iter()
            .enumerate()
            .filter(move |&(j, _)| (i, j) != (c, c))
            .map(move |(j, &v)| (i, j, v))
    })
}
