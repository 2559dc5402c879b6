//! Exact natural gradients for deep linear models, structured and fast, each with a dense
//! brute-force reference (the "Depth without the magic" reproduction).
//!
//! - [`linalg`]: the singular-value cut-off policy, pseudo-inverse, minimum-norm least squares,
//!   SPD and QR solves;
//! - [`diagonal`]: diagonal networks (and the linear model) under the mean logistic loss —
//!   kernel, weighted, minimum-norm, the paper's layerwise variant, dense-β, population Fisher;
//! - [`factorization`]: deep matrix factorization under the squared loss — the layer split
//!   (corrected eq. 51) and the Moore–Penrose direction (Sylvester for L = 2, preconditioned CG
//!   for L ≥ 3);
//! - [`generic`]: any model through the `ngd_models::model` traits — exact Moore–Penrose,
//!   damped and approximate (empirical, diagonal, block, K-FAC) natural gradients, NTKs;
//! - [`ntk`]: empirical and natural neural tangent kernels (the paper's Fig. 3).
//! - [`signed_data`]: signed data `X̃ = diag(y) X` as a type built from `(X, y)`, and the
//!   natural gradient of a [`ngd_models::DiagonalNet`] from the net and the data alone.
//!
//! Conventions (`docs/math.md`): mean loss and mean Fisher; natural gradients are *ascent*
//! directions `g` (optimizers step `w ← w − η g`); `vec` is column-major, so
//! `vec(A X B) = (Bᵀ ⊗ A) vec(X)`.
//!
//! # Example
//!
//! The natural gradient of a depth-2 diagonal network from the inputs `X` and labels `y`
//! ([`SignedData::from_labels`] builds `X̃ = diag(y) X`; [`diag_natural_gradient_of`] derives
//! the margins and cofactors from the network), checked against the dense brute force:
//!
//! ```
//! use ndarray::{Axis, array};
//! use ngd_fisher::diagonal::dense_natural_gradient;
//! use ngd_fisher::{Cutoff, DiagOptions, Route, SignedData, diag_natural_gradient_of};
//! use ngd_models::DiagonalNet;
//!
//! let x = array![[1.0, 0.5, -0.2], [0.3, -1.0, 0.8]]; // N = 2 samples, D = 3 features
//! let y = array![1.0, -1.0];
//! let net = DiagonalNet::new(array![[0.5, -1.0, 2.0], [1.5, 0.5, -0.5]])?;
//! let data = SignedData::from_labels(x.view(), y.view())?;
//! let g = diag_natural_gradient_of(&net, &data, &DiagOptions::default())?;
//! assert_eq!(g.route, Route::Kernel); // N ≤ D: the N × N kernel system
//! assert_eq!(g.direction.dim(), (2, 3)); // L × D; a step is w ← w − η g
//!
//! let xt = &x * &y.view().insert_axis(Axis(1));
//! let margins = xt.dot(&net.beta());
//! let (dense, rank) =
//!     dense_natural_gradient(xt.view(), margins.view(), net.cofactors().view(), Cutoff::default())?;
//! assert_eq!(rank, 2);
//! assert!((&g.direction - &dense).iter().all(|e| e.abs() < 1e-10));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod diagonal;
mod error;
pub mod factorization;
pub mod generic;
pub mod linalg;
pub mod ntk;
pub mod signed_data;

pub use diagonal::{DiagNaturalGradient, DiagOptions, Route, RouteChoice, diag_natural_gradient};
pub use error::FisherError;
pub use linalg::Cutoff;
pub use signed_data::{SignedData, diag_natural_gradient_of};
