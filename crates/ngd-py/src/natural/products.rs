//! Fisher-vector products from the Jacobian pieces, the logistic gradient and Fisher in β, and
//! the tangent kernels of `ngd_fisher::ntk`.
//!
//! Diagonal networks (mean logistic loss): `F(w) v = Jᵀ F(β) J v` with
//! `F(β) = (1/N) X̃ᵀ diag(d) X̃`, `d_n = φ(u_n) φ(−u_n)` and `J v = Σ_l c_l ⊙ v_l`, so
//! `(F(w) v)_l = c_l ⊙ (1/N) X̃ᵀ (d ⊙ X̃ Σ_k c_k ⊙ v_k)` — `O(N D + L D)`, no matrix formed.
//! Factorizations (squared loss, `F(β) = I`): `F(w) V = Jᵀ J V`, i.e.
//! `(F V)_i = A_iᵀ (Σ_j A_j V_j B_j) B_iᵀ`.

use super::cutoff;
use super::diagonal::{DiagInputs, read_cofactors, read_data};
use super::factorization::{factors_and_matrix, natural_direction_choice};
use crate::convert::{check_shape, factor_list, float_array};
use crate::errors::ToPyResult;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Ix2};
use ngd_fisher::diagonal::{logistic_gradient, sample_fisher};
use ngd_fisher::ntk::{diagonal as diag_ntk, factorization as factor_ntk};
use ngd_models::factorization::{prefix_products, suffix_products};
use ngd_models::logistic::fisher_weight;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyList;

/// `F(w) v` for a diagonal network (see the module docs); `v` is `L × D` like the weights.
pub fn diag_fisher_vector_product(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    v: ArrayView2<'_, f64>,
) -> Array2<f64> {
    let n = x_signed.nrows() as f64;
    let beta_velocity = (&cofactors * &v).sum_axis(Axis(0));
    let weighted: Array1<f64> = x_signed
        .dot(&beta_velocity)
        .iter()
        .zip(margins)
        .map(|(z, &u)| z * fisher_weight(u) / n)
        .collect();
    let fisher_beta_v = x_signed.t().dot(&weighted);
    &cofactors * &fisher_beta_v.view().insert_axis(Axis(0))
}

/// `F(w) V = Jᵀ J V` for a factorization (see the module docs).
pub fn factorization_fisher_vector_product(
    factors: &[Array2<f64>],
    v: &[Array2<f64>],
) -> Vec<Array2<f64>> {
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let mut beta_velocity = Array2::zeros(factors[0].raw_dim());
    for ((a, b), vi) in prefixes.iter().zip(&suffixes).zip(v) {
        beta_velocity += &a.dot(vi).dot(b);
    }
    prefixes
        .iter()
        .zip(&suffixes)
        .map(|(a, b)| a.t().dot(&beta_velocity).dot(&b.t()))
        .collect()
}

/// `F(w) v` of a diagonal network under the mean logistic loss, from `X̃`, `u`, the cofactors
/// and `v` `(L, D)`; returns `(L, D)`. No Fisher matrix is formed.
#[pyfunction(name = "diag_fisher_vector_product")]
fn py_diag_fisher_vector_product<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
    cofactors: &Bound<'py, PyAny>,
    v: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let inputs = DiagInputs::read(x_signed, margins, cofactors)?;
    let shape = inputs.cofactors.shape().to_vec();
    let expected = format!("(L, D) = ({}, {})", shape[0], shape[1]);
    let v = float_array::<Ix2>(v, "v", &expected)?;
    check_shape("v", v.shape(), &[Some(shape[0]), Some(shape[1])], &expected)?;
    let (x, u, c) = inputs.views();
    let v = v.as_array();
    let out = py.detach(|| diag_fisher_vector_product(x, u, c, v));
    Ok(out.into_pyarray(py))
}

/// `F(w) V = Jᵀ J V` of a factorization under the squared loss, for `V = [V_1, …, V_L]`
/// (each `(D, D)`); returns the list `[(F V)_1, …, (F V)_L]`.
#[pyfunction(name = "factorization_fisher_vector_product")]
fn py_factorization_fisher_vector_product<'py>(
    py: Python<'py>,
    factors: &Bound<'py, PyAny>,
    v: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let factors = factor_list(factors, "factors")?;
    let v = factor_list(v, "v")?;
    let (l, d) = (factors.len(), factors[0].nrows());
    let found = [v.len(), v[0].nrows(), v[0].ncols()];
    let expected = format!("L = {l} matrices of shape (D, D) = ({d}, {d})");
    check_shape("v", &found, &[Some(l), Some(d), Some(d)], &expected)?;
    let out = py.detach(|| factorization_fisher_vector_product(&factors, &v));
    PyList::new(py, out.into_iter().map(|m| m.into_pyarray(py)))
}

/// The mean logistic loss gradient in β, `∇_β L = (1/N) X̃ᵀ ℓ'(u)`, `(D,)`.
#[pyfunction(name = "logistic_gradient")]
fn py_logistic_gradient<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (x, u) = read_data(x_signed, margins)?;
    let (x, u) = (x.as_array(), u.as_array());
    Ok(py.detach(|| logistic_gradient(x, u)).into_pyarray(py))
}

/// The Fisher in β, `F(β) = (1/N) X̃ᵀ diag(φ(u) φ(−u)) X̃`, `(D, D)`.
#[pyfunction(name = "sample_fisher")]
fn py_sample_fisher<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let (x, u) = read_data(x_signed, margins)?;
    let (x, u) = (x.as_array(), u.as_array());
    Ok(py.detach(|| sample_fisher(x, u)).into_pyarray(py))
}

/// The empirical NTK of a diagonal network on the training points, `K = X̃ diag(s) X̃ᵀ`
/// `(N, N)`, `s = Σ_l c_l²`.
#[pyfunction(name = "egd_ntk")]
fn py_egd_ntk<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    cofactors: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let x = float_array::<Ix2>(x_signed, "x_signed", "(N, D)")?;
    let c = read_cofactors(cofactors, x.shape()[1])?;
    let (x, c) = (x.as_array(), c.as_array());
    Ok(py.detach(|| diag_ntk::egd_ntk(x, c)).into_pyarray(py))
}

/// The natural NTK in margin space `Θ` `(N, N)`: the Moore–Penrose natural gradient moves the
/// margins by `X̃ J g = Θ t`, `t = −(1 + e^{−u})`; `Θ = I` when `rank(X̃ J) = N`.
#[pyfunction(name = "natural_ntk")]
#[pyo3(signature = (x_signed, margins, cofactors, *, rcond = None))]
fn py_natural_ntk<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
    cofactors: &Bound<'py, PyAny>,
    rcond: Option<f64>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let cutoff = cutoff(rcond)?;
    let inputs = DiagInputs::read(x_signed, margins, cofactors)?;
    let (x, u, c) = inputs.views();
    let theta = py
        .detach(|| diag_ntk::natural_ntk(x, u, c, cutoff))
        .py_err()?;
    Ok(theta.into_pyarray(py))
}

/// The first-order response of a factorization's product to a unit gradient `e` `(D, D)`
/// (Fig. 3): `flow="egf"` (Euclidean gradient flow), `"ngf"` (natural flow, with `method`),
/// `"egd"` / `"ngd"` (one finite step of size `eta`).
#[pyfunction(name = "factorization_response")]
#[pyo3(signature = (
    factors, e, *, flow, eta = None, method = "moore_penrose", rcond = None,
    cg_tolerance = 1e-10, cg_max_iterations = None
))]
#[allow(clippy::too_many_arguments)]
fn py_factorization_response<'py>(
    py: Python<'py>,
    factors: &Bound<'py, PyAny>,
    e: &Bound<'py, PyAny>,
    flow: &str,
    eta: Option<f64>,
    method: &str,
    rcond: Option<f64>,
    cg_tolerance: f64,
    cg_max_iterations: Option<usize>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let which = natural_direction_choice(method, rcond, cg_tolerance, cg_max_iterations)?;
    let (factors, e) = factors_and_matrix(factors, e, "e")?;
    let e = e.as_array();
    let need_eta = || {
        eta.ok_or_else(|| {
            crate::errors::raise(
                crate::errors::Kind::Invalid,
                format!("eta: flow {flow:?} is a finite step and needs eta"),
            )
        })
    };
    let out = match flow {
        "egf" => Ok(py.detach(|| factor_ntk::egf_response(&factors, e))),
        "ngf" => py.detach(|| factor_ntk::ngf_response(&factors, e, &which)),
        "egd" => {
            let eta = need_eta()?;
            py.detach(|| factor_ntk::egd_response(&factors, e, eta))
        }
        "ngd" => {
            let eta = need_eta()?;
            py.detach(|| factor_ntk::ngd_response(&factors, e, eta, &which))
        }
        other => {
            return Err(crate::errors::raise(
                crate::errors::Kind::Invalid,
                format!("flow: unknown flow {other:?} (allowed: egf, ngf, egd, ngd)"),
            ));
        }
    }
    .py_err()?;
    Ok(out.into_pyarray(py))
}

/// Adds this file's functions to the module.
///
/// # Errors
///
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(py_diag_fisher_vector_product, m)?)?;
    m.add_function(wrap_pyfunction!(py_factorization_fisher_vector_product, m)?)?;
    m.add_function(wrap_pyfunction!(py_logistic_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(py_sample_fisher, m)?)?;
    m.add_function(wrap_pyfunction!(py_egd_ntk, m)?)?;
    m.add_function(wrap_pyfunction!(py_natural_ntk, m)?)?;
    m.add_function(wrap_pyfunction!(py_factorization_response, m)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use ngd_fisher::diagonal::jacobian_from_cofactors;

    /// `F(w) v` without forming `F` equals `Jᵀ F(β) J v` with the dense matrices.
    #[test]
    fn diag_fisher_vector_product_matches_dense() {
        let x = array![[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]];
        let u = array![0.4, -1.3];
        let c = array![[0.5, -1.5, 2.0], [1.2, 0.8, -0.3]];
        let v = array![[0.1, 0.2, -0.3], [-0.7, 0.4, 0.9]];
        let jac = jacobian_from_cofactors(c.view());
        let fisher = jac.t().dot(&sample_fisher(x.view(), u.view())).dot(&jac);
        let expected = fisher.dot(&Array1::from_iter(v.iter().copied()));
        let got = diag_fisher_vector_product(x.view(), u.view(), c.view(), v.view());
        let scale = expected.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
        for (g, e) in got.iter().zip(&expected) {
            assert!((g - e).abs() <= 64.0 * f64::EPSILON * scale, "{g} vs {e}");
        }
    }

    /// `Jᵀ J V` equals the dense Jacobian's product (column-major `vec`).
    #[test]
    fn factorization_fisher_vector_product_matches_dense() {
        let factors = vec![
            array![[1.0, 0.2], [-0.3, 0.9]],
            array![[0.5, 1.1], [0.4, -0.7]],
        ];
        let v = vec![
            array![[0.3, -0.1], [0.2, 0.6]],
            array![[-0.4, 0.8], [0.1, 0.5]],
        ];
        let jac = ngd_fisher::factorization::jacobian_dense(&factors);
        let stacked: Array1<f64> = v
            .iter()
            .flat_map(|m| ngd_fisher::factorization::vec(m.view()))
            .collect();
        let expected = jac.t().dot(&jac.dot(&stacked));
        let got: Vec<f64> = factorization_fisher_vector_product(&factors, &v)
            .iter()
            .flat_map(|m| ngd_fisher::factorization::vec(m.view()))
            .collect();
        let scale = expected.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
        for (g, e) in got.iter().zip(&expected) {
            assert!((g - e).abs() <= 64.0 * f64::EPSILON * scale, "{g} vs {e}");
        }
    }
}
