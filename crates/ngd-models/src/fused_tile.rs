//! One tile of rows of `X̃` for a group of `G` logistic models: the shared step of the fused
//! passes of one model ([`crate::fused`]) and of `K` models ([`crate::fused_batch`]).
//!
//! A tile is `T` consecutive rows (`T·D·8` bytes ≈ [`TILE_BYTES`], 16 rows at `D = 1000`, so
//! the tile stays in L2 between its two phases):
//!
//! 1. margins, one row after the other (one sequential stream from memory):
//!    `u_{t,k} = x̃_t · β_k` for the `G` models at once ([`crate::kernels::dot_shared`]: one
//!    load of a chunk of `x̃_t` serves `G` products, [`LANES`](crate::kernels::LANES) partial sums per product kept in
//!    registers); then `ℓ(u)` is added to the model's total and `α_{t,k} = ℓ'(u_{t,k})/N`;
//! 2. gradients: `∇_k ← ∇_k + Σ_t α_{t,k} x̃_t`, in strips of `C` columns: the `G` gradient
//!    strips are loaded into registers once per tile, the `T` rows' strips (in L2) are added in
//!    row order and the strips are stored once — a `G × T` by `T × D` product done as a
//!    register-blocked kernel, instead of `T·G` separate `axpy`s that each read and write a
//!    gradient of `D` values.
//!
//! # Exactness
//!
//! Every margin keeps the [`crate::kernels`] summation order ([`LANES`](crate::kernels::LANES) partial sums, fixed
//! tree, tail), the loss terms are added in row order and every gradient entry receives its row
//! terms in row order, tile after tile. None of this depends on `G`, `C`, the tile height or the
//! CPU (products and sums are separate IEEE operations; no FMA), so a model's results are the
//! same bits in the one-model and the `K`-model pass, on every CPU.

use crate::kernels::dot_shared;
use crate::logistic::loss_and_derivative;
use crate::prefetch::{self, LINE};

/// The target size of a tile of rows, in bytes (a quarter of a 512 KiB L2).
pub(crate) const TILE_BYTES: usize = 128 * 1024;

/// The most rows in a tile (bounds the stack arrays of slopes).
pub(crate) const MAX_TILE_ROWS: usize = 64;

/// Rows per tile for rows of `d` values: about [`TILE_BYTES`], at least 1, at most
/// [`MAX_TILE_ROWS`].
pub(crate) fn tile_rows(d: usize) -> usize {
    (TILE_BYTES / (8 * d.max(1))).clamp(1, MAX_TILE_ROWS)
}

/// A tile of rows of `X̃` and what to fetch meanwhile.
pub(crate) struct Tile<'a> {
    /// The tile's rows, row-major, at most [`MAX_TILE_ROWS`] of them.
    pub(crate) rows: &'a [f64],
    /// The row length `D`.
    pub(crate) width: usize,
    /// A part of the next tile (or nothing) whose cache lines are prefetched into L2 while
    /// this tile's gradient strips are added ([`crate::prefetch`]); changes timing only.
    pub(crate) ahead: &'a [f64],
}

/// One tile (at most [`MAX_TILE_ROWS`] rows of length `d`) for a group of `G` models: phase 1
/// (margins, loss terms added to `totals[k]` in row order, slopes) then phase 2 (gradients, in
/// strips of `C` columns). If `margins` is given (one entry per row of the tile), it receives
/// the first model's margins. The cache lines of `tile.ahead` are prefetched during phase 2,
/// spread evenly over its strips.
#[inline(always)]
pub(crate) fn tile_group<const G: usize, const C: usize>(
    Tile {
        rows: tile,
        width: d,
        ahead,
    }: Tile<'_>,
    betas: &[&[f64]; G],
    grads: &mut [&mut [f64]; G],
    totals: &mut [f64],
    n: f64,
    margins: Option<&mut [f64]>,
) {
    let mut slopes = [[0.0; G]; MAX_TILE_ROWS];
    let count = tile.len() / d;
    let mut margins = margins;
    for (t, (row, slope_t)) in tile.chunks_exact(d).zip(slopes.iter_mut()).enumerate() {
        let u = dot_shared(row, betas);
        for ((total, slope), &u_k) in totals.iter_mut().zip(slope_t.iter_mut()).zip(&u) {
            let (value, derivative) = loss_and_derivative(u_k);
            *total += value;
            *slope = derivative / n;
        }
        if let Some(m) = margins.as_deref_mut() {
            m[t] = u[0];
        }
    }
    add_rows::<G, C>(tile, d, &slopes[..count], grads, ahead);
}

/// `∇_k ← ∇_k + Σ_t slopes[t][k] · x̃_t` over the rows `x̃_t` of `tile`, each gradient entry
/// receiving its terms in row order: strips of `C` columns kept in registers for all `G`
/// models while the rows are added, then the tail columns. Before each strip, its share of the
/// cache lines of `ahead` is prefetched into L2.
#[inline(always)]
fn add_rows<const G: usize, const C: usize>(
    tile: &[f64],
    d: usize,
    slopes: &[[f64; G]],
    grads: &mut [&mut [f64]; G],
    ahead: &[f64],
) {
    let full = d - d % C;
    let lines = ahead.len().div_ceil(LINE);
    let per_strip = lines.div_ceil((full / C).max(1));
    for start in (0..full).step_by(C) {
        let first = start / C * per_strip;
        for line in first..(first + per_strip).min(lines) {
            prefetch::to_l2(ahead, line * LINE);
        }
        let mut strip: [[f64; C]; G] = std::array::from_fn(|g| {
            grads[g][start..start + C]
                .try_into()
                .expect("strip of C columns")
        });
        for (row, slope_t) in tile.chunks_exact(d).zip(slopes) {
            let x: &[f64; C] = row[start..start + C]
                .try_into()
                .expect("strip of C columns");
            for (acc, &alpha) in strip.iter_mut().zip(slope_t) {
                for (a, &x_i) in acc.iter_mut().zip(x) {
                    *a += alpha * x_i;
                }
            }
        }
        for (grad, acc) in grads.iter_mut().zip(&strip) {
            grad[start..start + C].copy_from_slice(acc);
        }
    }
    if full == 0 {
        for line in 0..lines {
            prefetch::to_l2(ahead, line * LINE);
        }
    }
    for j in full..d {
        for (g, grad) in grads.iter_mut().enumerate() {
            let mut value = grad[j];
            for (row, slope_t) in tile.chunks_exact(d).zip(slopes) {
                value += slope_t[g] * row[j];
            }
            grad[j] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tiles hold about 128 KiB of rows, between 1 and 64 rows.
    #[test]
    fn tile_rows_follow_the_byte_budget() {
        assert_eq!(tile_rows(1000), 16);
        assert_eq!(tile_rows(7), MAX_TILE_ROWS);
        assert_eq!(tile_rows(1 << 20), 1);
    }
}
