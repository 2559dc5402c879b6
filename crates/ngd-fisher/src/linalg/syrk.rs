//! The lower triangle of a Gram matrix `K = Y Yᵀ` (BLAS `syrk`, which ndarray-linalg does not
//! expose), for the diagonal-network kernel `K = X̃ diag(s) X̃ᵀ = Y Yᵀ` with `Y = X̃ diag(√s)`.
//!
//! Only the `n(n+1)/2` entries on and below the diagonal are computed, about `n²d/2`
//! multiply-adds instead of the full product's `n²d`. The loop structure is the usual packed
//! matrix product, specialised to one operand:
//!
//! - the inner dimension is cut into slabs of [`DEPTH`] columns; each slab of `Y` is formed
//!   from `X̃` and `√s` and written once into each of two packed layouts, tiles of [`ROWS`]
//!   rows and tiles of [`COLS`] rows, each tile stored column after column (the values one
//!   register tile needs per step are adjacent). `Y` itself is never stored;
//! - the column tiles are taken in blocks of [`COLUMN_BLOCK`] rows (their packed slab stays in
//!   the L2 cache); for each row tile on or below the diagonal, a `ROWS × COLS` register tile
//!   (12 vectors of 4 doubles) accumulates `Σ_k y_ik y_jk` over the slab, then is written into
//!   `K` (first slab) or added to it.
//!
//! Tiles that straddle the diagonal are computed whole, so a few entries above the diagonal are
//! also written (fewer than `n · COLS`). Each data value is read and packed twice, against
//! once to form `Y` plus about five times for a recursive split of the triangle into
//! `general_mat_mul` calls (each call packs its operands).
//!
//! The summation order is fixed: `K_ij = Σ_slabs (Σ_{k in slab} y_ik y_jk)`, in increasing `k`.
//! The slab loop is compiled for AVX2+FMA, AVX and baseline x86-64 (`multiversion`); the
//! AVX2+FMA clone accumulates with fused multiply-adds (`f64::mul_add`: half the instructions,
//! which is what limits this loop), the others with a multiply and an add, so, as with
//! `matrixmultiply`, the last bits of `K` depend on whether the CPU has FMA. At n = 500,
//! d = 1000 on the 2-core AMD EPYC test machine the whole triangle (with packing) takes about
//! the time of `matrixmultiply` on half the full product.

use multiversion::multiversion;
use multiversion::target::selected_target;

/// Rows of a register tile (and of a row tile of the packed data).
const ROWS: usize = 6;
/// Columns of a register tile (two vectors of four doubles).
const COLS: usize = 8;
/// Columns of `Y` per slab of the inner dimension.
const DEPTH: usize = 256;
/// Rows of `Y` per block of column tiles (`COLUMN_BLOCK · DEPTH` doubles = 256 KiB).
const COLUMN_BLOCK: usize = 128;

/// Packing buffers of [`lower_gram_into`], kept by the caller across calls.
#[derive(Debug, Clone, Default)]
pub(crate) struct GramBuffers {
    row_tiles: Vec<f64>,
    column_tiles: Vec<f64>,
}

/// Writes the lower triangle of `Y Yᵀ` with `Y = X diag(scale)` into `k`, for `X` given as
/// `n` contiguous rows of length `d` (`x`, row-major), `scale` of length `d`, and `k` an
/// `n × n` column-major matrix (`k[j·n + i] = K_ij`). `Y` is never stored: its values
/// `x_ik · scale_k` are formed while packing.
///
/// Entries strictly above the diagonal are either untouched or set to their value in `Y Yᵀ`.
///
/// # Panics
/// If `x.len() != n · d`, `scale.len() != d` or `k.len() != n²` (a programming error inside
/// this crate).
pub(crate) fn lower_gram_into(
    x: &[f64],
    scale: &[f64],
    n: usize,
    k: &mut [f64],
    buffers: &mut GramBuffers,
) {
    let d = scale.len();
    assert!(
        x.len() == n * d && k.len() == n * n,
        "lower_gram_into: {} values for {n} × {d}, {} for {n} × {n}",
        x.len(),
        k.len()
    );
    if n == 0 {
        return;
    }
    if d == 0 {
        k.fill(0.0);
        return;
    }
    let row_tiles = n.div_ceil(ROWS);
    let column_tiles = n.div_ceil(COLS);
    let depth = DEPTH.min(d);
    buffers.row_tiles.resize(row_tiles * ROWS * depth, 0.0);
    buffers
        .column_tiles
        .resize(column_tiles * COLS * depth, 0.0);
    for start in (0..d).step_by(DEPTH) {
        let end = (start + DEPTH).min(d);
        let slab = end - start;
        let packed_rows = &mut buffers.row_tiles[..row_tiles * ROWS * slab];
        let packed_columns = &mut buffers.column_tiles[..column_tiles * COLS * slab];
        let slab_scale = &scale[start..end];
        pack::<ROWS>(x, n, d, start, slab_scale, packed_rows);
        pack::<COLS>(x, n, d, start, slab_scale, packed_columns);
        accumulate_slab(packed_rows, packed_columns, n, slab, start == 0, k);
    }
}

/// Copies the scaled columns `start .. start + scale.len()` of the rows of `x` into tiles of
/// `W` rows: tile `t` holds, for each column `c`, the values `x[t·W + r][c] · scale[c]` for
/// `r = 0..W` (zeros past the last row), so the writes are sequential.
fn pack<const W: usize>(
    x: &[f64],
    n: usize,
    d: usize,
    start: usize,
    scale: &[f64],
    out: &mut [f64],
) {
    let slab = scale.len();
    let zeros = vec![0.0; slab];
    for (tile, packed) in out.chunks_exact_mut(W * slab).enumerate() {
        let rows: [&[f64]; W] = std::array::from_fn(|r| {
            let row = tile * W + r;
            if row < n {
                &x[row * d + start..row * d + start + slab]
            } else {
                &zeros[..]
            }
        });
        for (c, (step, &factor)) in packed.chunks_exact_mut(W).zip(scale).enumerate() {
            for (value, row) in step.iter_mut().zip(&rows) {
                *value = row[c] * factor;
            }
        }
    }
}

/// One slab: every register tile on or below the diagonal, written (`first`) or added into `k`.
#[multiversion(targets("x86_64+avx2+fma", "x86_64+avx"))]
fn accumulate_slab(
    packed_rows: &[f64],
    packed_columns: &[f64],
    n: usize,
    slab: usize,
    first: bool,
    k: &mut [f64],
) {
    let fused = selected_target!().supports_feature_str("fma");
    let tiles_per_block = COLUMN_BLOCK / COLS;
    let column_tiles = n.div_ceil(COLS);
    for block_start in (0..column_tiles).step_by(tiles_per_block) {
        let block_end = (block_start + tiles_per_block).min(column_tiles);
        // The first row tile that reaches the block's first column.
        let first_row_tile = block_start * COLS / ROWS;
        for (row_tile, a) in packed_rows
            .chunks_exact(ROWS * slab)
            .enumerate()
            .skip(first_row_tile)
        {
            let i0 = row_tile * ROWS;
            // Column tiles with j0 ≤ i0 + ROWS − 1 meet the lower triangle.
            let last = ((i0 + ROWS - 1) / COLS + 1).min(block_end);
            for column_tile in block_start..last {
                let j0 = column_tile * COLS;
                let b = &packed_columns[column_tile * COLS * slab..(column_tile + 1) * COLS * slab];
                let tile = register_tile(a, b, fused);
                store(&tile, k, n, i0, j0, first);
            }
        }
    }
}

/// `Σ_k a_k b_kᵀ` over one slab for a packed row tile `a` and column tile `b`.
#[inline(always)]
fn register_tile(a: &[f64], b: &[f64], fused: bool) -> [[f64; COLS]; ROWS] {
    let mut acc = [[0.0_f64; COLS]; ROWS];
    for (a_step, b_step) in a.chunks_exact(ROWS).zip(b.chunks_exact(COLS)) {
        for (acc_row, &a_value) in acc.iter_mut().zip(a_step) {
            for (acc_value, &b_value) in acc_row.iter_mut().zip(b_step) {
                *acc_value = if fused {
                    a_value.mul_add(b_value, *acc_value)
                } else {
                    *acc_value + a_value * b_value
                };
            }
        }
    }
    acc
}

/// Writes (or adds) the valid part of a register tile into the column-major `k` at `(i0, j0)`.
#[inline(always)]
fn store(tile: &[[f64; COLS]; ROWS], k: &mut [f64], n: usize, i0: usize, j0: usize, first: bool) {
    let rows = ROWS.min(n - i0);
    for j in 0..COLS.min(n - j0) {
        let column = &mut k[(j0 + j) * n + i0..(j0 + j) * n + i0 + rows];
        if first {
            for (out, row) in column.iter_mut().zip(tile) {
                *out = row[j];
            }
        } else {
            for (out, row) in column.iter_mut().zip(tile) {
                *out += row[j];
            }
        }
    }
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
        // Sizes below and across the tile sizes (6, 8), the column block (128) and the slab
        // depth (256); several slabs; a zero inner dimension.
        let shapes = [
            (1, 3),
            (5, 2),
            (6, 1),
            (7, 9),
            (13, 40),
            (130, 257),
            (301, 600),
            (4, 0),
        ];
        let mut buffers = GramBuffers::default();
        for (case, &(n, d)) in shapes.iter().enumerate() {
            let x = matrix(n, d, case as u64 + 1);
            let scale = Array1::from_shape_fn(d, |i| 0.5 + (i % 5) as f64);
            let y = &x * &scale;
            let full = y.dot(&y.t());
            let mut k = Array2::from_elem((n, n).f(), f64::NAN);
            let memory = k.as_slice_memory_order_mut().unwrap();
            lower_gram_into(
                x.as_slice().unwrap(),
                scale.as_slice().unwrap(),
                n,
                memory,
                &mut buffers,
            );
            // Round-off of a length-d dot product: |error| ≤ d·ε·Σ_k |y_ik y_jk| ≤ d·ε·(‖y_i‖² +
            // ‖y_j‖²)/2 ≤ d·ε·max_i K_ii.
            let max_diag = (0..n).map(|i| full[[i, i]]).fold(0.0_f64, f64::max);
            let tol = (d.max(1) as f64) * f64::EPSILON * max_diag;
            let mut worst = 0.0_f64;
            for i in 0..n {
                for j in 0..=i {
                    worst = worst.max((k[[i, j]] - full[[i, j]]).abs());
                }
            }
            eprintln!("n = {n}, d = {d}: worst {worst:.2e} (bound {tol:.2e})");
            assert!(worst <= tol, "n = {n}, d = {d}: worst {worst:e} > {tol:e}");
        }
    }
}
