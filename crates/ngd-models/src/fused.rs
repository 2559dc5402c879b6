//! The fused logistic pass of one model over the rows of `X̃` (margins, loss terms and
//! gradient in one read of each row), with runtime CPU dispatch. The pass of `K` models sharing
//! `X̃` is in [`crate::fused_batch`] and reproduces this one bit for bit.
//!
//! Rows are taken in blocks of [`ROW_BLOCK`]: their dot products share the reads of `β` and their
//! updates share one read and write of the gradient. Results are unchanged bit for bit against
//! the one-row loop (every row's dot product keeps its [`crate::kernels`] summation order and the
//! updates are applied in row order).
//!
//! The pass functions carry `#[multiversion(targets("x86_64+avx2+fma", "x86_64+avx"))]`:
//! the macro compiles a clone per target (with `#[target_feature]`) and dispatches once per
//! call on the CPU found at run time, so AVX (4 doubles per instruction) runs where available
//! on a baseline x86-64 build. Rust never contracts `a * b + c` into an FMA and the summation
//! order is fixed by explicit accumulators, so every clone gives the same bits (tested against a
//! scalar reference). The macro's dispatch code does not trip the workspace lint
//! `unsafe_code = "deny"` (checked with clippy), so no `allow` is needed; this module's own code
//! contains no `unsafe`.

use crate::kernels::{axpy_rows, dot_rows};
use crate::logistic::loss_and_derivative;
use multiversion::multiversion;

/// Rows processed together by the fused passes.
pub(crate) const ROW_BLOCK: usize = 4;

/// The rows `0 .. R` of the contiguous `block` (each of length `d`).
#[inline]
fn row_block<const R: usize>(block: &[f64], d: usize) -> [&[f64]; R] {
    std::array::from_fn(|r| &block[r * d..(r + 1) * d])
}

/// One block of `R` rows for one model: dot products, loss terms (added to `total` in row
/// order), the update `∇ += Σ_r (ℓ'(u_r)/N) x̃_r` (in row order) and the margins if asked.
#[inline(always)]
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

/// Accumulates the rows of `rows` (any count) for one model into `grad` and `total`: blocks of
/// [`ROW_BLOCK`] rows, then the remaining rows one by one, in row order; writes the margins if
/// given.
#[inline(always)]
fn accumulate(
    rows: &[f64],
    d: usize,
    beta: &[f64],
    grad: &mut [f64],
    n: f64,
    total: &mut f64,
    margins: Option<&mut [f64]>,
) {
    let mut margins = margins;
    let blocks = rows.chunks_exact(d * ROW_BLOCK);
    let tail = blocks.remainder();
    let done = rows.len() / d - tail.len() / d;
    for (b, block) in blocks.enumerate() {
        let m = margins
            .as_deref_mut()
            .map(|m| &mut m[b * ROW_BLOCK..(b + 1) * ROW_BLOCK]);
        let rows = row_block::<ROW_BLOCK>(block, d);
        fused_block(&rows, beta, grad, n, total, m);
    }
    for (i, row) in tail.chunks_exact(d).enumerate() {
        let m = margins
            .as_deref_mut()
            .map(|m| &mut m[done + i..done + i + 1]);
        fused_block(&[row], beta, grad, n, total, m);
    }
}

/// The fused pass of one model on contiguous data (`rows`: `N × d`, row-major): returns
/// `Σ ℓ(u_n)` (not yet divided by `N`), writes `∇ = (1/N) Σ ℓ'(u_n) x̃_n` into `grad` and, if
/// given, the margins `u_n = x̃_n · β` into `margins` (length `N`).
#[multiversion(targets("x86_64+avx2+fma", "x86_64+avx"))]
pub(crate) fn fused_pass(
    rows: &[f64],
    d: usize,
    beta: &[f64],
    grad: &mut [f64],
    margins: Option<&mut [f64]>,
) -> f64 {
    let n = (rows.len() / d) as f64;
    grad.fill(0.0);
    let mut total = 0.0;
    accumulate(rows, d, beta, grad, n, &mut total, margins);
    total
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A plain scalar reference of the fused pass: one row at a time, the [`crate::kernels`]
    /// summation order written out with scalar code only (8 partial sums, fixed tree, tail).
    pub(crate) fn scalar_reference(rows: &[f64], d: usize, beta: &[f64], grad: &mut [f64]) -> f64 {
        let n = (rows.len() / d) as f64;
        grad.fill(0.0);
        let mut total = 0.0;
        for row in rows.chunks_exact(d) {
            let full = d - d % 8;
            let mut acc = [0.0f64; 8];
            for i in 0..full {
                acc[i % 8] += row[i] * beta[i];
            }
            let mut tail = 0.0;
            for i in full..d {
                tail += row[i] * beta[i];
            }
            let u = ((acc[0] + acc[4]) + (acc[1] + acc[5]))
                + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
                + tail;
            let (value, slope) = loss_and_derivative(u);
            total += value;
            let alpha = slope / n;
            for (g, x) in grad.iter_mut().zip(row) {
                *g += alpha * x;
            }
        }
        total
    }

    /// Irrational-like test data: `n × d` rows and `k` coefficient vectors.
    pub(crate) fn test_data(n: usize, d: usize, k: usize) -> (Vec<f64>, Vec<f64>) {
        let rows = (0..n * d)
            .map(|i| ((i * 37 % 101) as f64 / 13.0).sin())
            .collect();
        let betas = (0..k * d)
            .map(|i| 0.3 * ((i * 53 % 97) as f64 / 7.0).cos())
            .collect();
        (rows, betas)
    }

    /// The dispatched pass (AVX2 + FMA clone on this machine when available) equals the scalar
    /// reference bit for bit, for widths with and without a tail and row counts with and
    /// without a partial block; the margins equal the scalar dot products.
    #[test]
    fn dispatched_pass_matches_scalar_reference_bitwise() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (n, d) in [(9, 21), (8, 16), (13, 1003), (3, 5), (150, 7)] {
            let (rows, beta) = test_data(n, d, 1);
            let mut expected = vec![0.0; d];
            let expected_total = scalar_reference(&rows, d, &beta, &mut expected);
            let mut grad = vec![0.0; d];
            let mut margins = vec![0.0; n];
            let total = fused_pass(&rows, d, &beta, &mut grad, Some(&mut margins));
            assert_eq!(total.to_bits(), expected_total.to_bits(), "n {n} d {d}");
            assert_eq!(bits(&grad), bits(&expected), "n {n} d {d}");
            for (u, row) in margins.iter().zip(rows.chunks_exact(d)) {
                assert_eq!(u.to_bits(), crate::kernels::dot(row, &beta).to_bits());
            }
        }
    }
}
