//! The layer split of the paper's App. B.4 (after Bernacchia et al. 2018), with eq. 51
//! corrected: each layer takes `1/L` of the gradient, `J_i vec(G_i) = vec(G)/L` (eq. 48/50),
//! i.e. `A_i G_i B_i = G/L`, solved by `G_i = (1/L) A_i⁺ G B_i⁺`
//! (`(B_iᵀ ⊗ A_i)⁺ = (B_iᵀ)⁺ ⊗ A_i⁺` and `((B_iᵀ)⁺ ⊗ A_i⁺) vec G = vec(A_i⁺ G B_i⁺)`).
//! The paper prints `(1/L) B_iᵀ⁺ G A_i⁺`, which swaps the factors.
//!
//! When `A_i`, `B_i` are invertible, `Σ_i A_i G_i B_i = G`; with rank-deficient partial
//! products the split is only a least-squares solution of each layer's share.
//!
//! **Pseudo-inverses.** The identities `A_1`, `B_L` are skipped; every other `A_i⁺`, `B_i⁺` is
//! [`pinv_square_into`]: `A⁻¹` by LU (`≈ 2D³` flops) when the matrix is safely inside the
//! cut-off, else the SVD pseudo-inverse (`≈ 20D³`) with the same [`Cutoff`] — the same result
//! to round-off, see `crate::linalg` for the safety test. The route of every factor is
//! reported ([`InverseRoute`]).
//!
//! **Two entry points.** [`layer_split`] takes a dense `G` (`2(L−1)` pseudo-inverses, `2L`
//! products). [`LayerSplit::compute`] takes `G` as the sparse residual of a
//! [`CompletionGradient`] (`m` observed entries) and its partial products: `G B_i⁺` and
//! `A_L⁺ G` (computed as `Gᵀ (A_Lᵀ)⁺`) cost `m·D` each, so a step needs `2(L−1)` inversions
//! plus `L − 2` dense products (for the middle layers), against `2L` products and `2(L−1)`
//! SVDs before. For the `L = 3`, `D = 100` benchmark: four LU inversions and one product.

use super::{FactorMethod, FactorNaturalGradient, validate_inputs};
use crate::FisherError;
use crate::linalg::{Cutoff, InverseRoute, pinv_square_into};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};
use ngd_models::factorization::{prefix_products, suffix_products};
use ngd_models::{CompletionGradient, ModelError};

/// The layer-split natural gradient `G_i = (1/L) A_i⁺ G B_i⁺` of a dense `G`, pseudo-inverses
/// under `cutoff` (LU when safe, else SVD; the identities `A_1`, `B_L` are not decomposed),
/// with `[rank A_i, rank B_i]` per layer.
///
/// # Errors
///
/// [`FisherError::Invalid`] if `L = 0`; [`FisherError::Shape`] if a factor or `G` is not
/// `D × D`; [`FisherError::NonFinite`] for a non-finite factor, partial product or direction;
/// [`FisherError::Lapack`] if an SVD fallback fails.
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
    let mut inverse = Array2::zeros((d, d));
    let mut directions = Vec::with_capacity(layers);
    let mut factor_ranks = Vec::with_capacity(layers);
    for i in 0..layers {
        let mut share: Array2<f64> = &grad * scale;
        let mut ranks = [d, d];
        if i > 0 {
            ranks[0] = pinv_square_into(prefixes[i].view(), cutoff, &mut inverse)?.rank;
            share = inverse.dot(&share);
        }
        if i + 1 < layers {
            ranks[1] = pinv_square_into(suffixes[i].view(), cutoff, &mut inverse)?.rank;
            share = share.dot(&inverse);
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

/// The layer split from the observed entries, in reusable buffers (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct LayerSplit {
    /// `G_i`; for `L ≥ 2` the last one is stored transposed.
    directions: Vec<Array2<f64>>,
    ranks: Vec<[usize; 2]>,
    routes: Vec<[InverseRoute; 2]>,
    scaled: Vec<f64>,
    left_inverse: Array2<f64>,
    right_inverse: Array2<f64>,
    share: Array2<f64>,
}

impl LayerSplit {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Computes `G_i = (1/L) A_i⁺ G B_i⁺` for every layer, where `G` and the partial products
    /// are those of `gradient`, which must have been evaluated
    /// ([`CompletionGradient::evaluate`]) at these `factors`.
    ///
    /// # Errors
    ///
    /// Returns an error on shapes that do not fit, non-finite partial products or directions
    /// ([`FisherError::NonFinite`]), or a failing SVD.
    pub fn compute(
        &mut self,
        factors: &[Array2<f64>],
        gradient: &CompletionGradient,
        cutoff: Cutoff,
    ) -> Result<(), FisherError> {
        let observed = gradient.observed();
        let d = observed.shape().0;
        let (l, products) = (factors.len(), gradient.products());
        if l == 0 || factors.iter().any(|w| w.dim() != (d, d)) || observed.shape() != (d, d) {
            return Err(FisherError::Shape {
                what: "factors of the layer split",
                expected: format!("L ≥ 1 factors of {d} × {d} (the evaluated problem's shape)"),
                found: format!("{} factors", factors.len()),
            });
        }
        let scale = 1.0 / l as f64;
        self.scaled.clear();
        self.scaled
            .extend(observed.residuals().iter().map(|g| g * scale));
        self.directions.resize_with(l, || Array2::zeros((d, d)));
        for g in self.directions.iter_mut().filter(|g| g.dim() != (d, d)) {
            *g = Array2::zeros((d, d));
        }
        self.ranks.clear();
        self.routes.clear();
        let identity = (d, InverseRoute::Identity);
        if l == 1 {
            observed
                .residual_dense_into(self.directions[0].view_mut())
                .map_err(shape_error)?;
            self.push(identity, identity);
            return Ok(());
        }
        for i in 0..l - 1 {
            let bt = products.suffix_t(i).expect("i < L − 1");
            let right = pinv_square_into(bt.t(), cutoff, &mut self.right_inverse)?;
            let right = (right.rank, right.route);
            let left = match products.prefix(factors, i) {
                None => {
                    observed
                        .times(
                            &self.scaled,
                            self.right_inverse.view(),
                            &mut self.directions[i],
                        )
                        .map_err(shape_error)?;
                    identity
                }
                Some(a) => {
                    observed
                        .times(&self.scaled, self.right_inverse.view(), &mut self.share)
                        .map_err(shape_error)?;
                    let left = pinv_square_into(a, cutoff, &mut self.left_inverse)?;
                    let out = &mut self.directions[i];
                    general_mat_mul(1.0, &self.left_inverse, &self.share, 0.0, out);
                    (left.rank, left.route)
                }
            };
            self.push(left, right);
        }
        // G_L = (1/L) A_L⁺ G, computed transposed: Gᵀ (A_Lᵀ)⁺ = (A_L⁺ G)ᵀ.
        let a = products.prefix(factors, l - 1).expect("L ≥ 2");
        let left = pinv_square_into(a.t(), cutoff, &mut self.left_inverse)?;
        observed
            .transpose_times(
                &self.scaled,
                self.left_inverse.view(),
                &mut self.directions[l - 1],
            )
            .map_err(shape_error)?;
        self.push((left.rank, left.route), identity);
        if self.directions.iter().flatten().any(|x| !x.is_finite()) {
            return Err(FisherError::NonFinite {
                what: "layer-split direction",
            });
        }
        Ok(())
    }

    fn push(&mut self, left: (usize, InverseRoute), right: (usize, InverseRoute)) {
        self.ranks.push([left.0, right.0]);
        self.routes.push([left.1, right.1]);
    }

    /// `G_i` of the last [`LayerSplit::compute`] (`D × D`; a transposed view for the last layer
    /// when `L ≥ 2`).
    pub fn direction(&self, i: usize) -> ArrayView2<'_, f64> {
        if i + 1 == self.directions.len() && i > 0 {
            self.directions[i].t()
        } else {
            self.directions[i].view()
        }
    }

    /// The depth `L` of the last computation.
    pub fn depth(&self) -> usize {
        self.ranks.len()
    }

    /// `[rank A_i, rank B_i]` per layer under the cut-off (`D` for the identities).
    pub fn factor_ranks(&self) -> &[[usize; 2]] {
        &self.ranks
    }

    /// `[route of A_i⁺, route of B_i⁺]` per layer.
    pub fn routes(&self) -> &[[InverseRoute; 2]] {
        &self.routes
    }

    /// Whether any pseudo-inverse of the last computation fell back to the SVD.
    pub fn used_svd(&self) -> bool {
        self.routes
            .iter()
            .flatten()
            .any(|r| *r == InverseRoute::Svd)
    }

    /// The solver report of the last computation, without the directions' values.
    pub fn report(&self) -> FactorNaturalGradient {
        FactorNaturalGradient {
            directions: Vec::new(),
            method: FactorMethod::LayerSplit,
            factor_ranks: self.ranks.clone(),
            operator_rank: None,
            iterations: 0,
        }
    }
}

/// A shape error of the sparse products (the gradient was not evaluated for these factors).
fn shape_error(e: ModelError) -> FisherError {
    FisherError::Shape {
        what: "observed residual of the layer split",
        expected: "a CompletionGradient evaluated at these factors".into(),
        found: e.to_string(),
    }
}
