//! The kernels of the sparse products of [`crate::observed`] on contiguous row-major data:
//! row updates `out[d, :] += α C[s, :]` and sampled dot products `P[l, :] · Q[r, :]`.
//!
//! Both group four consecutive entries that share their output row (resp. their left row),
//! through [`crate::kernels::axpy_rows`] and [`crate::kernels::dot_rows`], which equal the
//! one-at-a-time [`crate::kernels::axpy`] / [`crate::kernels::dot`] bit for bit. They are
//! compiled for AVX2+FMA and AVX with runtime dispatch (as in `crate::fused`); Rust does not
//! contract `a * b + c` into FMAs, so every clone gives the same bits.

use crate::kernels::{axpy, axpy_rows, dot_rows};
use multiversion::multiversion;
use ndarray::{Array2, ArrayView2};

/// `out[dest_k, :] += values_k · C[src_k, :]` for `k` in `order`, from `out = 0`
/// (`out_rows × n`).
pub(crate) fn scatter(
    values: &[f64],
    dest: &[usize],
    src: &[usize],
    order: &[usize],
    out_rows: usize,
    c: ArrayView2<'_, f64>,
    out: &mut Array2<f64>,
) {
    let width = c.ncols();
    if out.dim() != (out_rows, width) || !out.is_standard_layout() {
        *out = Array2::zeros((out_rows, width));
    }
    let c = c.as_standard_layout();
    let c = c.as_slice().expect("standard layout");
    let out = out.as_slice_mut().expect("standard layout");
    scatter_rows(values, dest, src, order, width, c, out);
}

/// The kernel of [`scatter`] on contiguous rows of length `width`, taking the entries in
/// `order`: four consecutive entries with the same `dest` are accumulated in one pass (bit for
/// bit the sequential updates), so an order grouped by `dest` reads and writes each output row
/// once per four entries.
#[multiversion(targets("x86_64+avx2+fma", "x86_64+avx"))]
fn scatter_rows(
    values: &[f64],
    dest: &[usize],
    src: &[usize],
    order: &[usize],
    width: usize,
    c: &[f64],
    out: &mut [f64],
) {
    out.fill(0.0);
    let row = |i: usize| &c[i * width..(i + 1) * width];
    let mut j = 0;
    while j < order.len() {
        let k = order[j];
        let d = dest[k];
        let y = &mut out[d * width..(d + 1) * width];
        if j + 4 <= order.len() && order[j + 1..j + 4].iter().all(|&e| dest[e] == d) {
            let ks = [k, order[j + 1], order[j + 2], order[j + 3]];
            let alphas = ks.map(|e| values[e]);
            let rows = ks.map(|e| row(src[e]));
            axpy_rows(&alphas, &rows, y);
            j += 4;
        } else {
            axpy(values[k], row(src[k]), y);
            j += 1;
        }
    }
}

/// `out_k = P[left_k, :] · Q[right_k, :]`, four consecutive entries with the same `left_k` in
/// one pass (each bit for bit [`crate::kernels::dot`]).
#[multiversion(targets("x86_64+avx2+fma", "x86_64+avx"))]
pub(crate) fn sampled_dots(
    p: &[f64],
    q: &[f64],
    width: usize,
    left: &[usize],
    right: &[usize],
    out: &mut [f64],
) {
    let q_row = |i: usize| &q[i * width..(i + 1) * width];
    let mut k = 0;
    while k < left.len() {
        let l = left[k];
        let p_row = &p[l * width..(l + 1) * width];
        if k + 4 <= left.len() && left[k + 1..k + 4].iter().all(|&e| e == l) {
            let rows = [
                q_row(right[k]),
                q_row(right[k + 1]),
                q_row(right[k + 2]),
                q_row(right[k + 3]),
            ];
            out[k..k + 4].copy_from_slice(&dot_rows(&rows, p_row));
            k += 4;
        } else {
            out[k] = dot_rows(&[q_row(right[k])], p_row)[0];
            k += 1;
        }
    }
}
