//! The mean logistic loss `L(β) = (1/N) Σ_n ℓ(u_n)` of a linear score, with margins
//! `u = X̃ β` on signed data `X̃ = diag(y) X` (the paper's eq. 33–34, averaged), and its
//! gradient `∇_β L = (1/N) X̃ᵀ ℓ'(u)`.
//!
//! This is the hot kernel of Euclidean gradient descent. [`value_and_gradient`] reads every row
//! of `X̃` once: `u_n = x̃_n · β`, then `∇ += (ℓ'(u_n)/N) x̃_n`, with no allocation on
//! contiguous (standard-layout) inputs. Other layouts are copied to standard layout first, so
//! the result does not depend on the memory layout. The summation order is fixed (rows in
//! order; within a row see [`crate::kernels`]), so results are deterministic, and
//! [`batch_value_and_gradient`] reproduces `K` single calls bit for bit.

use crate::ModelError;
use crate::fused::fused_pass;
use crate::fused_batch::batch_pass;
use crate::kernels::dot;
use crate::logistic::loss;
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};

fn shape_error(what: &'static str, expected: String, found: String) -> ModelError {
    ModelError::Shape {
        what,
        expected,
        found,
    }
}

/// Checks that `X̃` is `N × D` with `N, D ≥ 1` and returns `(N, D)`.
fn check_data(xt: &ArrayView2<'_, f64>) -> Result<(usize, usize), ModelError> {
    let (n, d) = xt.dim();
    if n == 0 || d == 0 {
        return Err(shape_error(
            "signed data `xt`",
            "N × D with N ≥ 1 and D ≥ 1".into(),
            format!("{n} × {d}"),
        ));
    }
    Ok((n, d))
}

fn check_len(what: &'static str, len: usize, expected: usize) -> Result<(), ModelError> {
    if len != expected {
        return Err(shape_error(
            what,
            format!("length {expected}"),
            format!("length {len}"),
        ));
    }
    Ok(())
}

fn check_finite_loss(value: f64) -> Result<f64, ModelError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ModelError::NonFinite {
            what: "logistic loss (non-finite margins)",
        })
    }
}

/// Writes the margins `u = X̃ β` into `out` (length `N`).
///
/// # Errors
///
/// Returns an error if `X̃` is empty or the lengths of `β` (`D`) or `out` (`N`) do not fit.
pub fn margins_into(
    xt: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    mut out: ArrayViewMut1<'_, f64>,
) -> Result<(), ModelError> {
    let (n, d) = check_data(&xt)?;
    check_len("coefficients `beta`", beta.len(), d)?;
    check_len("margins `out`", out.len(), n)?;
    let xt = xt.as_standard_layout();
    let beta = beta.as_standard_layout();
    let (rows, beta) = (
        xt.as_slice().expect("standard"),
        beta.as_slice().expect("standard"),
    );
    for (u, row) in out.iter_mut().zip(rows.chunks_exact(d)) {
        *u = dot(row, beta);
    }
    Ok(())
}

/// The mean loss `(1/N) Σ_n ℓ(u_n)` of the margins `u` (summed in order). An empty input gives
/// `0` (no samples, no loss); a NaN or `−∞` margin gives a non-finite result.
pub fn mean_loss(margins: ArrayView1<'_, f64>) -> f64 {
    if margins.is_empty() {
        return 0.0;
    }
    margins.iter().map(|&u| loss(u)).sum::<f64>() / margins.len() as f64
}

/// Runs `body` on a contiguous mutable slice of `out`, copying through a buffer if `out` is not
/// contiguous.
fn with_contiguous<T>(mut out: ArrayViewMut1<'_, f64>, body: impl FnOnce(&mut [f64]) -> T) -> T {
    if let Some(slice) = out.as_slice_mut() {
        return body(slice);
    }
    let mut buffer = out.to_vec();
    let result = body(&mut buffer);
    out.iter_mut().zip(buffer).for_each(|(o, b)| *o = b);
    result
}

/// The mean logistic loss and its gradient `∇_β L = (1/N) X̃ᵀ ℓ'(X̃ β)` (written into `grad`,
/// length `D`), in one pass over the rows of `X̃`.
///
/// # Errors
///
/// Returns an error if `X̃` is empty, a length does not fit, or the loss is not finite (non-finite
/// data or coefficients; `grad` then holds partial sums). Margins of any finite size are fine (see
/// [`crate::logistic`]).
pub fn value_and_gradient(
    xt: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    grad: ArrayViewMut1<'_, f64>,
) -> Result<f64, ModelError> {
    let (n, d) = check_data(&xt)?;
    check_len("coefficients `beta`", beta.len(), d)?;
    check_len("gradient `grad`", grad.len(), d)?;
    let xt = xt.as_standard_layout();
    let beta = beta.as_standard_layout();
    let (rows, beta) = (
        xt.as_slice().expect("standard"),
        beta.as_slice().expect("standard"),
    );
    let total = with_contiguous(grad, |g| fused_pass(rows, d, beta, g, None));
    check_finite_loss(total / n as f64)
}

/// As [`value_and_gradient`], and also writes the margins `u = X̃ β` into `margins`
/// (length `N`), which natural-gradient steps need.
///
/// # Errors
///
/// As [`value_and_gradient`], and [`ModelError::Shape`] if `margins` does not have length
/// `N`.
pub fn value_gradient_and_margins(
    xt: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    grad: ArrayViewMut1<'_, f64>,
    margins: ArrayViewMut1<'_, f64>,
) -> Result<f64, ModelError> {
    let (n, d) = check_data(&xt)?;
    check_len("coefficients `beta`", beta.len(), d)?;
    check_len("gradient `grad`", grad.len(), d)?;
    check_len("margins `margins`", margins.len(), n)?;
    let xt = xt.as_standard_layout();
    let beta = beta.as_standard_layout();
    let (rows, beta) = (
        xt.as_slice().expect("standard"),
        beta.as_slice().expect("standard"),
    );
    let total = with_contiguous(grad, |g| {
        with_contiguous(margins, |m| fused_pass(rows, d, beta, g, Some(m)))
    });
    check_finite_loss(total / n as f64)
}

/// The losses and gradients of `K` linear models sharing the data, in one pass over `X̃`.
///
/// Row `k` of `betas` (`K × D`) is the `k`-th model; its gradient goes to row `k` of `grads`
/// (`K × D`) and its mean loss to `losses[k]`. `X̃` is read from memory once, in tiles of
/// about 128 KiB that serve all `K` models (margins of up to 4 models per load of a row, then
/// register-blocked gradient updates); every model's result equals [`value_and_gradient`] bit
/// for bit, on every CPU.
///
/// # Errors
///
/// As [`value_and_gradient`] (for any model; `grads` and `losses` are then
/// unspecified).
pub fn batch_value_and_gradient(
    xt: ArrayView2<'_, f64>,
    betas: ArrayView2<'_, f64>,
    mut grads: ArrayViewMut2<'_, f64>,
    losses: &mut [f64],
) -> Result<(), ModelError> {
    let (n, d) = check_data(&xt)?;
    let k = betas.nrows();
    if betas.ncols() != d {
        return Err(shape_error(
            "coefficients `betas`",
            format!("K × {d}"),
            format!("{} × {}", betas.nrows(), betas.ncols()),
        ));
    }
    if grads.dim() != (k, d) {
        return Err(shape_error(
            "gradients `grads`",
            format!("{k} × {d}"),
            format!("{} × {}", grads.nrows(), grads.ncols()),
        ));
    }
    check_len("losses `losses`", losses.len(), k)?;
    if k == 0 {
        return Ok(());
    }
    let xt = xt.as_standard_layout();
    let betas = betas.as_standard_layout();
    let rows = xt.as_slice().expect("standard");
    let betas = betas.as_slice().expect("standard");
    let mut buffer = None;
    let grads_slice = match grads.as_slice_mut() {
        Some(slice) => slice,
        None => buffer.insert(vec![0.0; k * d]).as_mut_slice(),
    };
    batch_pass(rows, d, betas, grads_slice, losses);
    let n_f = n as f64;
    if let Some(buffer) = buffer {
        grads.iter_mut().zip(buffer).for_each(|(g, b)| *g = b);
    }
    for total in losses.iter_mut() {
        *total = check_finite_loss(*total / n_f)?;
    }
    Ok(())
}
