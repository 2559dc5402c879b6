//! The layer split of the paper's App. B.4 (after Bernacchia et al. 2018), with eq. 51
//! corrected: each layer takes `1/L` of the gradient, `J_i vec(G_i) = vec(G)/L` (eq. 48/50),
//! i.e. `A_i G_i B_i = G/L`, solved by `G_i = (1/L) A_i⁺ G B_i⁺`
//! (`(B_iᵀ ⊗ A_i)⁺ = (B_iᵀ)⁺ ⊗ A_i⁺` and `((B_iᵀ)⁺ ⊗ A_i⁺) vec G = vec(A_i⁺ G B_i⁺)`).
//! The paper prints `(1/L) B_iᵀ⁺ G A_i⁺`, which swaps the factors.
//!
//! When `A_i`, `B_i` are invertible, `Σ_i A_i G_i B_i = G`; with rank-deficient partial
//! products the split is only a least-squares solution of each layer's share. Cost: `2(L−1)`
//! SVDs of `D × D` matrices plus `2L` products, `O(L D³)`.

use super::{FactorMethod, FactorNaturalGradient, validate_inputs};
use crate::FisherError;
use crate::linalg::{Cutoff, pinv};
use ndarray::{Array2, ArrayView2};
use ngd_models::factorization::{prefix_products, suffix_products};

/// The layer-split natural gradient `G_i = (1/L) A_i⁺ G B_i⁺`, pseudo-inverses under `cutoff`
/// (the identities `A_1`, `B_L` are not decomposed), with `[rank A_i, rank B_i]` per layer.
pub fn layer_split(
    factors: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<FactorNaturalGradient, FisherError> {
    let d = validate_inputs(factors, grad)?;
    let layers = factors.len();
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let scale = 1.0 / layers as f64;
    let mut directions = Vec::with_capacity(layers);
    let mut factor_ranks = Vec::with_capacity(layers);
    for i in 0..layers {
        let mut share: Array2<f64> = &grad * scale;
        let mut ranks = [d, d];
        if i > 0 {
            let a_pinv = pinv(prefixes[i].view(), cutoff)?;
            ranks[0] = a_pinv.rank;
            share = a_pinv.matrix.dot(&share);
        }
        if i + 1 < layers {
            let b_pinv = pinv(suffixes[i].view(), cutoff)?;
            ranks[1] = b_pinv.rank;
            share = share.dot(&b_pinv.matrix);
        }
        directions.push(share);
        factor_ranks.push(ranks);
    }
    Ok(FactorNaturalGradient {
        directions,
        method: FactorMethod::LayerSplit,
        factor_ranks,
        operator_rank: None,
        iterations: 0,
    })
}
