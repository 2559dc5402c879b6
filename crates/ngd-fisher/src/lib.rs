//! Exact natural gradients for deep linear models, structured and fast, each with a dense
//! brute-force reference (the "Depth without the magic" reproduction).
//!
//! - [`linalg`]: the singular-value cut-off policy, pseudo-inverse, minimum-norm least squares,
//!   SPD and QR solves;
//! - [`diagonal`]: diagonal networks (and the linear model) under the mean logistic loss —
//!   kernel, weighted, minimum-norm, the paper's layerwise variant, dense-β, population Fisher;
//! - [`factorization`]: deep matrix factorization under the squared loss — the layer split
//!   (corrected eq. 51) and the Moore–Penrose direction (Sylvester for L = 2, CG for L ≥ 3);
//! - [`signed_data`]: signed data `X̃ = diag(y) X` as a type built from `(X, y)`, and the
//!   natural gradient of a [`ngd_models::DiagonalNet`] from the net and the data alone;
//! - [`ntk`]: empirical and natural neural tangent kernels (the paper's Fig. 3).
//!
//! Conventions (`docs/math.md`): mean loss and mean Fisher; natural gradients are *ascent*
//! directions `g` (optimizers step `w ← w − η g`); `vec` is column-major, so
//! `vec(A X B) = (Bᵀ ⊗ A) vec(X)`.

pub mod diagonal;
mod error;
pub mod factorization;
pub mod linalg;
pub mod ntk;
pub mod signed_data;

pub use diagonal::{DiagNaturalGradient, DiagOptions, Route, RouteChoice, diag_natural_gradient};
pub use error::FisherError;
pub use linalg::Cutoff;
pub use signed_data::{SignedData, diag_natural_gradient_of};
