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
use crate::kernels::{axpy_rows, dot, dot_rows};
use crate::logistic::{loss, loss_and_derivative};
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
/// Errors if `X̃` is empty or the lengths of `β` (`D`) or `out` (`N`) do not fit.
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

/// Rows processed together by the fused passes: their dot products share the reads of `β`
/// and their updates share one read and write of the gradient (results are unchanged: every
/// row's dot product and the order of the updates are those of the one-row loop).
const ROW_BLOCK: usize = 4;

/// The rows `R·block .. R·block + R` of the contiguous `rows` (each of length `d`).
#[inline]
fn row_block<const R: usize>(block: &[f64], d: usize) -> [&[f64]; R] {
    std::array::from_fn(|r| &block[r * d..(r + 1) * d])
}

/// One block of `R` rows for one model: dot products, loss terms (added to `total` in row
/// order), the update `∇ += Σ_r (ℓ'(u_r)/N) x̃_r` (in row order) and the margins if asked.
#[inline]
fn fused_block<const R: usize>(
    rows: &[&[f64]; R],
    beta: &[f64],
    grad: &mut [f64],
    n: f64,
    total: &mut f64,
    margins: Option<&mut [f64]>,
) {
    let u = dot_rows(rows, beta);
    let mut alphas = [0.0; R];
    for (alpha, &u_r) in alphas.iter_mut().zip(&u) {
        let (value, slope) = loss_and_derivative(u_r);
        *total += value;
        *alpha = slope / n;
    }
    axpy_rows(&alphas, rows, grad);
    if let Some(m) = margins {
        m.copy_from_slice(&u);
    }
}

/// The fused pass on contiguous data: returns `Σ ℓ(u_n)` (not yet divided by `N`), writes
/// `∇ = (1/N) Σ ℓ'(u_n) x̃_n` into `grad` and, if given, the margins.
fn fused_pass(
    rows: &[f64],
    d: usize,
    beta: &[f64],
    grad: &mut [f64],
    mut margins: Option<&mut [f64]>,
) -> f64 {
    let n = (rows.len() / d) as f64;
    grad.fill(0.0);
    let mut total = 0.0;
    let blocks = rows.chunks_exact(d * ROW_BLOCK);
    let done = rows.len() / d - blocks.remainder().len() / d;
    let tail = blocks.remainder();
    for (b, block) in blocks.enumerate() {
        let m = margins
            .as_deref_mut()
            .map(|m| &mut m[b * ROW_BLOCK..(b + 1) * ROW_BLOCK]);
        let rows = row_block::<ROW_BLOCK>(block, d);
        fused_block(&rows, beta, grad, n, &mut total, m);
    }
    for (i, row) in tail.chunks_exact(d).enumerate() {
        let m = margins
            .as_deref_mut()
            .map(|m| &mut m[done + i..done + i + 1]);
        fused_block(&[row], beta, grad, n, &mut total, m);
    }
    total
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
/// Errors if `X̃` is empty, a length does not fit, or the loss is not finite (non-finite data
/// or coefficients; `grad` then holds partial sums). Margins of any finite size are fine (see
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
/// (`K × D`) and its mean loss to `losses[k]`. Each row of `X̃` is read once and used for `K`
/// dot products and `K` updates; every model's result equals [`value_and_gradient`] bit for
/// bit. Errors as [`value_and_gradient`] (for any model; `grads` and `losses` are then
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
    grads_slice.fill(0.0);
    losses.fill(0.0);
    let n_f = n as f64;
    let blocks = rows.chunks_exact(d * ROW_BLOCK);
    let tail = blocks.remainder();
    for block in blocks {
        let rows = row_block::<ROW_BLOCK>(block, d);
        for ((beta, grad), total) in betas
            .chunks_exact(d)
            .zip(grads_slice.chunks_exact_mut(d))
            .zip(losses.iter_mut())
        {
            fused_block(&rows, beta, grad, n_f, total, None);
        }
    }
    for row in tail.chunks_exact(d) {
        for ((beta, grad), total) in betas
            .chunks_exact(d)
            .zip(grads_slice.chunks_exact_mut(d))
            .zip(losses.iter_mut())
        {
            fused_block(&[row], beta, grad, n_f, total, None);
        }
    }
    if let Some(buffer) = buffer {
        grads.iter_mut().zip(buffer).for_each(|(g, b)| *g = b);
    }
    for total in losses.iter_mut() {
        *total = check_finite_loss(*total / n_f)?;
    }
    Ok(())
}
