//! The lower triangle of a product `X Zᵀ` that is known to be symmetric — a stand-in for BLAS
//! `syrk`, which ndarray-linalg does not expose.
//!
//! The diagonal-network kernel `K = X̃ diag(s) X̃ᵀ` is `X Zᵀ` with `Z = X̃ diag(s)`. A Cholesky
//! factorization reads only one triangle, so only the lower one is formed, by recursive halving
//! of the rows (`X = [X₀; X₁]`, `Z = [Z₀; Z₁]`):
//!
//! ```text
//! K = [ X₀Z₀ᵀ    ·    ]      K₁₀ = X₁ Z₀ᵀ by one matrix product (general_mat_mul),
//!     [ X₁Z₀ᵀ  X₁Z₁ᵀ ]      K₀₀ and K₁₁ recursively, down to blocks of at most
//!                           LEAF_ROWS rows, which are formed whole.
//! ```
//!
//! Cost for `n` rows and inner dimension `d`: `n² d / 2 + n · LEAF_ROWS · d / 2` multiply-adds
//! instead of `n² d` (56 % of the full product at n = 500), in a few large products that keep
//! the `matrixmultiply` kernels efficient. Every entry on or below the diagonal is computed by
//! the same kernel with the same summation order over the inner dimension as a full
//! `X.dot(&Z.t())`, so it equals the full product's entry (bit for bit with `matrixmultiply`,
//! and in any case to round-off). Entries above the diagonal outside the diagonal blocks are not
//! written.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, Axis};

/// Diagonal blocks with at most this many rows are formed as one full product. Chosen by
/// measurement at n = 500, d = 1000 (64 was as fast as 96 and faster than 32 or 128).
const LEAF_ROWS: usize = 64;

/// Writes the lower triangle (and the whole diagonal blocks of at most [`LEAF_ROWS`] rows) of
/// `X Zᵀ` into `k`, for `X`, `Z` both `n × d` and `k` `n × n` in any memory layout.
///
/// Meant for a symmetric product (`X Zᵀ = Z Xᵀ`, e.g. `Z = X diag(s)`); the entries strictly
/// above the diagonal blocks are left untouched.
///
/// # Panics
/// If the shapes disagree (a programming error inside this crate).
pub(crate) fn lower_product_into(
    x: ArrayView2<'_, f64>,
    z: ArrayView2<'_, f64>,
    mut k: ArrayViewMut2<'_, f64>,
) {
    let n = x.nrows();
    assert!(
        z.dim() == x.dim() && k.dim() == (n, n),
        "lower_product_into: X {:?}, Z {:?}, K {:?}",
        x.dim(),
        z.dim(),
        k.dim()
    );
    if n <= LEAF_ROWS {
        general_mat_mul(1.0, &x, &z.t(), 0.0, &mut k);
        return;
    }
    let half = n / 2;
    let (x0, x1) = x.split_at(Axis(0), half);
    let (z0, z1) = z.split_at(Axis(0), half);
    let (top, bottom) = k.split_at(Axis(0), half);
    let (k00, _) = top.split_at(Axis(1), half);
    let (mut k10, k11) = bottom.split_at(Axis(1), half);
    general_mat_mul(1.0, &x1, &z0.t(), 0.0, &mut k10);
    lower_product_into(x0, z0, k00);
    lower_product_into(x1, z1, k11);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, ShapeBuilder};

    /// A deterministic pseudo-random `rows × cols` matrix with entries in [−1, 1).
    fn matrix(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Array2::from_shape_fn((rows, cols), |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
    }

    #[test]
    fn lower_triangle_equals_full_product() {
        // Sizes below, at and above the leaf size, odd and even, in both memory layouts.
        for (case, &(n, d)) in [(1, 3), (5, 2), (64, 30), (65, 17), (130, 40), (301, 57)]
            .iter()
            .enumerate()
        {
            let x = matrix(n, d, case as u64 + 1);
            let s = Array1::from_shape_fn(d, |i| 0.5 + (i % 7) as f64);
            let z = &x * &s;
            let full = x.dot(&z.t());
            let mut c_order = Array2::from_elem((n, n), f64::NAN);
            let mut f_order = Array2::from_elem((n, n).f(), f64::NAN);
            lower_product_into(x.view(), z.view(), c_order.view_mut());
            lower_product_into(x.view(), z.view(), f_order.view_mut());
            // Round-off bound of a length-d dot product: d·ε·Σ|x_k z_k| ≤ d·ε·max|K|·(1 + …);
            // we allow d·ε relative to the largest entry of the full product.
            let scale = full.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let tol = d as f64 * f64::EPSILON * scale;
            let mut worst = 0.0_f64;
            for i in 0..n {
                for j in 0..=i {
                    worst = worst
                        .max((c_order[[i, j]] - full[[i, j]]).abs())
                        .max((f_order[[i, j]] - full[[i, j]]).abs());
                }
            }
            assert!(worst <= tol, "n = {n}, d = {d}: worst {worst:e} > {tol:e}");
        }
    }
}
