//! The fused logistic pass of one model over the rows of `X̃` (margins, loss terms and
//! gradient with one read of `X̃` from memory), with runtime CPU dispatch. The pass of `K`
//! models sharing `X̃` is in [`crate::fused_batch`]; both run [`crate::fused_tile`] on tiles of
//! about 128 KiB of rows, so they give the same bits.
//!
//! The pass functions carry `#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma",
//! "x86_64+avx2+fma", "x86_64+avx"))]`: the macro compiles a clone per target (with
//! `#[target_feature]`) and dispatches once per call on the CPU found at run time, so AVX-512
//! (8 doubles per instruction, 32 vector registers) or AVX (4 doubles) runs where available on
//! a baseline x86-64 build. Rust never contracts `a * b + c` into an FMA and the summation
//! order is fixed by explicit accumulators, so every clone gives the same bits (tested against a
//! scalar reference). The macro's dispatch code does not trip the workspace lint
//! `unsafe_code = "deny"` (checked with clippy), so no `allow` is needed; this module's own code
//! contains no `unsafe`. The one-model pass prefetches nothing ahead (measured slower with
//! prefetches, see [`crate::prefetch`]): the hardware's own stream prefetch serves one row
//! stream.

use crate::fused_tile::{Tile, tile_group, tile_rows};
use multiversion::multiversion;

/// Gradient columns kept in registers per strip in the one-model pass (4 AVX-512 or 8 AVX
/// registers).
const STRIP: usize = 32;

/// The fused pass of one model on contiguous data (`rows`: `N × d`, row-major): returns
/// `Σ ℓ(u_n)` (not yet divided by `N`), writes `∇ = (1/N) Σ ℓ'(u_n) x̃_n` into `grad` and, if
/// given, the margins `u_n = x̃_n · β` into `margins` (length `N`).
#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma", "x86_64+avx"))]
pub(crate) fn fused_pass(
    rows: &[f64],
    d: usize,
    beta: &[f64],
    grad: &mut [f64],
    margins: Option<&mut [f64]>,
) -> f64 {
    let n = (rows.len() / d) as f64;
    grad.fill(0.0);
    let mut total = [0.0];
    let height = tile_rows(d);
    let mut margins = margins;
    for (i, tile) in rows.chunks(d * height).enumerate() {
        let first = i * height;
        let m = margins
            .as_deref_mut()
            .map(|m| &mut m[first..first + tile.len() / d]);
        let tile = Tile {
            rows: tile,
            width: d,
            ahead: &[],
        };
        tile_group::<1, STRIP>(tile, &[beta], &mut [&mut *grad], &mut total, n, m);
    }
    total[0]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::logistic::loss_and_derivative;

    /// A plain scalar reference of the fused pass: one row at a time, the [`crate::kernels`]
    /// summation order written out with scalar code only (16 partial sums, pairwise tree, tail).
    pub(crate) fn scalar_reference(rows: &[f64], d: usize, beta: &[f64], grad: &mut [f64]) -> f64 {
        let n = (rows.len() / d) as f64;
        grad.fill(0.0);
        let mut total = 0.0;
        for row in rows.chunks_exact(d) {
            let full = d - d % 16;
            let mut acc = [0.0f64; 16];
            for i in 0..full {
                acc[i % 16] += row[i] * beta[i];
            }
            let mut tail = 0.0;
            for i in full..d {
                tail += row[i] * beta[i];
            }
            for half in [8, 4, 2, 1] {
                for l in 0..half {
                    acc[l] += acc[l + half];
                }
            }
            let u = acc[0] + tail;
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

    /// The dispatched pass (the AVX-512 or AVX2 clone on this machine when available) equals the scalar
    /// reference bit for bit, for widths with and without a column tail and row counts giving one
    /// tile, several tiles and a partial last tile; the margins equal the scalar dot products.
    #[test]
    fn dispatched_pass_matches_scalar_reference_bitwise() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (n, d) in [
            (9, 21),
            (8, 16),
            (13, 1003),
            (3, 5),
            (150, 7),
            (40, 1003),
            (129, 40),
        ] {
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
