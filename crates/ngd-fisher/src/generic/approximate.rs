//! Diagonal and block-diagonal (per-layer) approximations of the curvature, each inverted
//! exactly (Moore–Penrose, the cut-off of [`crate::generic`] relative to the largest eigenvalue
//! of the whole approximation) or damped.
//!
//! - Diagonal: `C_ii = Σ_n S_n J_ni²`, `g_i = ∇_i / C_ii` (zero where `C_ii` is cut), or
//!   `∇_i / (C_ii + λ)`.
//! - Block-diagonal: `C_bb = J_bᵀ S J_b` for each block `b` of
//!   [`Network::layers`](ngd_models::Network::layers), `g_b = C_bb⁺ ∇_b` by the routes of the
//!   exact solver on the columns `J_b` (the paper's layer split is the case of a diagonal
//!   network's layers), or `(C_bb + λI)⁻¹ ∇_b` by the damped solver.
//!
//! Relative damping uses the trace of the whole approximation, which is `tr(C)`:
//! `λ = ρ tr(C)/P` for every block.

use super::damped::solve_damped;
use super::exact::solve_weighted;
use super::spectrum::{eigenvalue_rcond, keep};
use super::system::{OutputJacobian, weighted_network};
use super::{Curvature, Damping, GenericNaturalGradient, Samples};
use crate::FisherError;
use crate::linalg::{Cutoff, thin_svd};
use ndarray::{Array1, ArrayView1, Axis, s};
use ngd_models::Network;

/// How an approximate curvature is inverted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Inversion {
    /// The Moore–Penrose pseudo-inverse with this cut-off (eigenvalues below
    /// `rcond · λ_max` of the whole approximation are zero).
    MoorePenrose(Cutoff),
    /// Tikhonov damping.
    Damped(Damping),
}

/// The natural gradient with the diagonal of the curvature, `diag(C)⁺ ∇` or
/// `(diag(C) + λI)⁻¹ ∇`.
///
/// # Errors
/// [`FisherError::Model`] when the network rejects its input; [`FisherError::Invalid`] for a
/// bad damping; [`FisherError::NonFinite`] for an overflowing result.
pub fn diagonal_fisher_gradient<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
    inversion: Inversion,
) -> Result<GenericNaturalGradient, FisherError> {
    let (jacobian, weights) = weighted_network(network, w, samples, curvature)?;
    let j = jacobian.dense();
    let p = j.ncols();
    let scaled = weights.sqrt_scaled_weights();
    // diag(C)/c and ∇/c.
    let diagonal = (&j * &scaled.view().insert_axis(Axis(1)))
        .mapv(|x| x * x)
        .sum_axis(Axis(0));
    let gradient = j.t().dot(&weights.weighted_targets()?);
    let scale = weights.log_scale().exp();
    let values = diagonal.to_vec();
    let (direction, rank, condition, damping) = match inversion {
        Inversion::MoorePenrose(cutoff) => {
            let kept = keep(&values, eigenvalue_rcond(cutoff, p), None);
            let threshold = eigenvalue_rcond(cutoff, p) * kept.largest;
            let g = Array1::from_shape_fn(p, |i| {
                let c = diagonal[i];
                if c > 0.0 && c >= threshold {
                    gradient[i] / c
                } else {
                    0.0
                }
            });
            (g, kept.rank, kept.condition, 0.0)
        }
        Inversion::Damped(damping) => {
            damping.validate()?;
            let (lambda, scaled_lambda) = absolute_damping(damping, diagonal.sum(), p, scale);
            let largest = values.iter().copied().fold(0.0_f64, f64::max);
            let smallest = values.iter().copied().fold(f64::INFINITY, f64::min);
            let g = Array1::from_shape_fn(p, |i| gradient[i] / (diagonal[i] + scaled_lambda));
            let kappa = (largest + scaled_lambda) / (smallest + scaled_lambda);
            (g, p, kappa, lambda)
        }
    };
    finish(
        direction,
        "diagonal",
        rank,
        condition,
        values.iter().copied().fold(0.0, f64::max) * scale,
        damping,
    )
}

/// The natural gradient with the block-diagonal (per-layer) curvature: per block
/// `C_bb⁺ ∇_b` or `(C_bb + λI)⁻¹ ∇_b`, blocks from [`Network::layers`].
///
/// # Errors
/// As [`diagonal_fisher_gradient`]; [`FisherError::Shape`] when the layers do not partition
/// `0..P` in order.
pub fn block_natural_gradient<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    curvature: Curvature,
    inversion: Inversion,
) -> Result<GenericNaturalGradient, FisherError> {
    let (jacobian, weights) = weighted_network(network, w, samples, curvature)?;
    let layers = network.layers();
    let p = jacobian.params();
    check_partition(&layers, p)?;
    let blocks: Vec<OutputJacobian> = layers.iter().map(|b| jacobian.columns(b.clone())).collect();
    let scale = weights.log_scale().exp();
    let mut direction = Array1::zeros(p);
    let (mut rank, mut largest, mut smallest) = (0, 0.0_f64, f64::INFINITY);
    let mut applied = 0.0;
    match inversion {
        Inversion::MoorePenrose(cutoff) => {
            let rcond = eigenvalue_rcond(cutoff, p);
            let mut reference = 0.0_f64;
            for block in &blocks {
                let top = thin_svd(block.weighted(&weights).view())?
                    .sigma
                    .first()
                    .copied()
                    .unwrap_or(0.0);
                reference = reference.max(top * top);
            }
            for (block, range) in blocks.iter().zip(&layers) {
                let solution = solve_weighted(block, &weights, rcond, None, Some(reference))?;
                direction
                    .slice_mut(s![range.clone()])
                    .assign(&solution.direction);
                rank += solution.kept.rank;
                smallest = smallest.min(solution.kept.smallest);
            }
            largest = reference;
        }
        Inversion::Damped(damping) => {
            damping.validate()?;
            let trace = weights
                .sqrt_scaled_weights()
                .mapv(|x| x * x)
                .dot(&jacobian.dense().mapv(|x| x * x).sum_axis(Axis(1)));
            let (lambda, _) = absolute_damping(damping, trace, p, scale);
            applied = lambda;
            for (block, range) in blocks.iter().zip(&layers) {
                let solution = solve_damped(block, &weights, Damping::Absolute(lambda))?;
                direction
                    .slice_mut(s![range.clone()])
                    .assign(&solution.direction);
                rank += solution.rank;
                let block_largest = solution.largest_eigenvalue;
                largest = largest.max(block_largest);
                smallest = smallest.min((block_largest + lambda) / solution.condition - lambda);
            }
            largest /= scale;
            smallest /= scale;
        }
    }
    let scaled_lambda = applied / scale;
    let condition = if rank == 0 {
        1.0
    } else {
        (largest + scaled_lambda) / (smallest.max(0.0) + scaled_lambda)
    };
    finish(
        direction,
        "block-diagonal",
        rank,
        condition,
        largest * scale,
        applied,
    )
}

/// `(λ, λ/c)` for a damping, with `trace_scaled = tr(C)/c`.
fn absolute_damping(damping: Damping, trace_scaled: f64, p: usize, scale: f64) -> (f64, f64) {
    match damping {
        Damping::Absolute(lambda) => (lambda, lambda / scale),
        Damping::Relative(rho) => {
            let scaled = rho * trace_scaled / p as f64;
            (scaled * scale, scaled)
        }
    }
}

/// Errors unless `layers` partitions `0..p` in order.
fn check_partition(layers: &[std::ops::Range<usize>], p: usize) -> Result<(), FisherError> {
    let mut next = 0;
    for layer in layers {
        if layer.start != next || layer.end < layer.start {
            break;
        }
        next = layer.end;
    }
    if next == p && layers.iter().all(|l| l.end > l.start) {
        Ok(())
    } else {
        Err(FisherError::Shape {
            what: "network layers",
            expected: format!("non-empty ranges partitioning 0..{p} in order"),
            found: format!("{layers:?}"),
        })
    }
}

/// Assembles a result after checking finiteness.
fn finish(
    direction: Array1<f64>,
    route: &'static str,
    rank: usize,
    condition: f64,
    largest_eigenvalue: f64,
    damping: f64,
) -> Result<GenericNaturalGradient, FisherError> {
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "approximate natural-gradient direction",
        });
    }
    Ok(GenericNaturalGradient {
        direction,
        route,
        rank,
        condition,
        largest_eigenvalue,
        damping,
        fallback_from: None,
    })
}
