//! The fused logistic pass of `K` models sharing `X̃`: margins `u^{(k)} = X̃ β_k`, loss sums
//! `Σ_n ℓ(u_n^{(k)})` and gradients `∇_k = (1/N) X̃ᵀ ℓ'(u^{(k)})`, with one read of `X̃` from
//! memory.
//!
//! # Scheme
//!
//! `X̃` is taken in tiles of about 128 KiB of rows ([`crate::fused_tile`]: 16 rows at
//! `D = 1000`, so a tile stays in L2 between its two phases) and the models in groups of
//! [`GROUP`] = 2 (from `D =` [`WIDE_ROWS`] on) or [`SMALL_GROUP`] = 4 (shorter rows). For each
//! tile and group, [`crate::fused_tile::tile_group`] computes the group's margins with one load
//! of each chunk of a row, then adds the tile's rows to the group's gradients in strips of 16
//! (groups of 2) or 8 (groups of 4) columns kept in registers; the models left over after the
//! full groups take a group of 2 or go one by one. While a group adds its gradient strips, it
//! prefetches its share of the next tile's cache lines into L2 ([`crate::prefetch`]), so the
//! next tile streams in from memory while this one is computed on from L2.
//!
//! Costs: `4·N·D·K` flops; memory traffic one read of `X̃` from L3 or RAM plus `2⌈K/G⌉ − 1`
//! re-reads of each tile from L2 (`G` the group size), and `O(K·D)` per tile for `β` and the gradients.
//!
//! Measured on an AMD EPYC Zen 4 (AVX-512), `N = 2500`, `D = 1000`, `K = 4`, best of 100
//! passes side by side in one process: groups of 2 models with 16-column strips 2.1–2.5 ms,
//! groups of 4 with 8-column strips (the previous scheme) 2.4–3.6 ms, groups of 4 with 16- or
//! 32-column strips 9.7–10 ms (the compiler spills the 8–16 strip registers per model group),
//! one model at a time 2.6 ms; blocks of 2 or 4 rows × 2 or 4 models in the margins were
//! slower (3.1–6.6 ms). (Prefetching rows ahead in software made the one-model pass slower.) Earlier measurements on a
//! Zen 3 machine (not kept either): column-blocked margins with `β` chunks held in L1, phase 2
//! of the previous tile interleaved with phase 1 of the current one, and touching the next tile
//! during phase 2.
//!
//! # Exactness
//!
//! Every margin keeps the [`crate::kernels`] summation order (16 partial sums, fixed tree,
//! tail), the loss terms are added in row order and every gradient entry receives its row terms
//! in row order, tile after tile. So model `k`'s results equal the single-model pass
//! ([`crate::fused`]) on `β_k` bit for bit, whatever `K`, and whatever CPU: products and sums
//! are separate IEEE operations, so every multiversion clone gives the same bits. FMA
//! (`f64::mul_add`) is not used: it would make the bits depend on the CPU, and on Zen 3 and
//! Zen 4, whose two add pipes work beside the two multiply/FMA pipes, separate products and sums
//! issue at the same peak rate as FMAs (16 flops per cycle).

use crate::fused_tile::{Tile, tile_group, tile_rows};
use crate::prefetch::LINE;
use multiversion::multiversion;

/// Models handled together at `D ≥` [`WIDE_ROWS`]: the margins of two models per load of a row
/// (4 AVX-512 or 8 AVX accumulator registers) and gradient strips of 16 columns for both
/// (measured faster than groups of 4, whose wider register blocks the compiler spills; see the
/// module docs).
pub(crate) const GROUP: usize = 2;

/// Models handled together below [`WIDE_ROWS`]: four, with gradient strips of 8 columns, so
/// that small models (Fig. 6: `D = 50`, five depths) take two passes over each tile instead
/// of three.
pub(crate) const SMALL_GROUP: usize = 4;

/// The row length from which groups of [`GROUP`] are faster than groups of [`SMALL_GROUP`]
/// (measured on Zen 4, `K = 4`: groups of 4 ahead by 10–30 % at `D = 50` and `200`, level at
/// `D = 500`, 20 % behind at `D = 1000`).
pub(crate) const WIDE_ROWS: usize = 512;

/// The fused pass of `K` models at once: `betas` and `grads` hold `K` rows of length `d`, and
/// `totals[k]` receives model `k`'s `Σ ℓ(u_n)` (not yet divided by `N`); see the module docs.
/// Model `k`'s results equal [`crate::fused::fused_pass`] on `betas[k]` bit for bit.
#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma", "x86_64+avx"))]
pub(crate) fn batch_pass(
    rows: &[f64],
    d: usize,
    betas: &[f64],
    grads: &mut [f64],
    totals: &mut [f64],
) {
    let n = (rows.len() / d) as f64;
    grads.fill(0.0);
    totals.fill(0.0);
    let size = if d < WIDE_ROWS { SMALL_GROUP } else { GROUP };
    let models = totals.len();
    let height = d * tile_rows(d);
    for (index, tile) in rows.chunks(height).enumerate() {
        // The next tile, prefetched into L2 during the gradient strips of this one: each model
        // of a group takes an equal share of its cache lines.
        let next = &rows[((index + 1) * height).min(rows.len())..];
        let next = &next[..next.len().min(height)];
        let share = next.len().div_ceil(models.max(1)).next_multiple_of(LINE);
        let ahead = |first: usize, count: usize| {
            let start = (first * share).min(next.len());
            &next[start..((first + count) * share).min(next.len())]
        };
        for (first, ((betas, grads), totals)) in betas
            .chunks(d * size)
            .zip(grads.chunks_mut(d * size))
            .zip(totals.chunks_mut(size))
            .enumerate()
            .map(|(g, chunk)| (g * size, chunk))
        {
            let group_ahead = ahead(first, totals.len());
            match totals.len() {
                SMALL_GROUP => {
                    group::<SMALL_GROUP, 8>(tile, d, betas, grads, totals, n, group_ahead)
                }
                GROUP => group::<GROUP, 16>(tile, d, betas, grads, totals, n, group_ahead),
                _ => {
                    for (k, ((beta, grad), total)) in betas
                        .chunks(d)
                        .zip(grads.chunks_mut(d))
                        .zip(totals.chunks_mut(1))
                        .enumerate()
                    {
                        group::<1, 32>(tile, d, beta, grad, total, n, ahead(first + k, 1));
                    }
                }
            }
        }
    }
}

/// One tile for a group of `G` models stored as `G` rows of `betas` and `grads`, gradient strips
/// of `C` columns (`G·C/8` AVX-512 registers), prefetching `ahead` (its share of the next tile)
/// into L2 meanwhile.
#[inline(always)]
fn group<const G: usize, const C: usize>(
    tile: &[f64],
    d: usize,
    betas: &[f64],
    grads: &mut [f64],
    totals: &mut [f64],
    n: f64,
    ahead: &[f64],
) {
    let betas: [&[f64]; G] = std::array::from_fn(|g| &betas[g * d..(g + 1) * d]);
    let mut grad_rows = grads.chunks_exact_mut(d);
    let mut grads: [&mut [f64]; G] =
        std::array::from_fn(|_| grad_rows.next().expect("G gradient rows"));
    let tile = Tile {
        rows: tile,
        width: d,
        ahead,
    };
    tile_group::<G, C>(tile, &betas, &mut grads, totals, n, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fused::fused_pass;
    use crate::fused::tests::{scalar_reference, test_data};

    /// The dispatched batch pass equals, for every model, the scalar reference and the
    /// one-model pass bit for bit: `K = 1 … 6` (one group, a full group plus a partial one),
    /// widths with and without a column tail, row counts giving one tile, several tiles and a
    /// partial last tile (64 rows per tile at `d ≤ 256`, 16 at `d = 1003`).
    #[test]
    fn batch_pass_matches_single_passes_bitwise() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (n, d) in [(9, 21), (8, 16), (40, 1003), (3, 5), (150, 7), (129, 8)] {
            for k in 1..=6 {
                let (rows, betas) = test_data(n, d, k);
                let mut grads = vec![0.0; k * d];
                let mut totals = vec![0.0; k];
                batch_pass(&rows, d, &betas, &mut grads, &mut totals);
                for m in 0..k {
                    let beta = &betas[m * d..(m + 1) * d];
                    let mut expected = vec![0.0; d];
                    let expected_total = scalar_reference(&rows, d, beta, &mut expected);
                    let mut single = vec![0.0; d];
                    let single_total = fused_pass(&rows, d, beta, &mut single, None);
                    let grad = &grads[m * d..(m + 1) * d];
                    assert_eq!(totals[m].to_bits(), expected_total.to_bits(), "n {n} d {d}");
                    assert_eq!(bits(grad), bits(&expected), "n {n} d {d} k {k} model {m}");
                    assert_eq!(single_total.to_bits(), totals[m].to_bits());
                    assert_eq!(bits(&single), bits(grad));
                }
            }
        }
    }
}
