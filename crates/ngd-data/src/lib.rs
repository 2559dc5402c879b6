//! Data sets for the natural-gradient experiments of "Depth without the magic".
//!
//! - [`classification`]: a labelled data set `(X, y)`, `y ∈ {±1}`, with signed data
//!   `X̃ = diag(y) X`, margins, accuracy and input transforms `X Aᵀ`;
//! - [`sparse_gaussian`](mod@sparse_gaussian): the sparse Gaussian task of Fig. 4 and 6 (`y = sign(X β*)`);
//! - [`toy2d`]: the 2-D toy set of Fig. 2 (axis-aligned separator vs. ℓ2 max margin);
//! - [`completion`]: low-rank matrix completion (Fig. 3 and 5, after Arora et al. 2019) and
//!   its metrics;
//! - [`transforms`]: well-conditioned random matrices for Theorems 1 and 2;
//! - [`gaussian`]: i.i.d. Gaussian matrices.
//!
//! All randomness comes from a caller's `&mut R: rand::Rng`, with a documented draw order: the
//! same generator state gives bit-identical data.
//!
//! # Example
//!
//! The toy set of Fig. 2, its signed data `X̃ = diag(y) X`, and its ℓ2 max-margin direction
//! `(2, 1)/√5`, which separates it with normalized margin `√5/2`:
//!
//! ```
//! use ndarray::Array1;
//! use ngd_data::{toy_2d, toy_2d_l2_max_margin_direction};
//! use rand::SeedableRng;
//! use rand_xoshiro::Xoshiro256PlusPlus;
//!
//! let data = toy_2d(&mut Xoshiro256PlusPlus::seed_from_u64(0));
//! assert_eq!((data.n(), data.d()), (20, 2));
//! let beta = Array1::from(toy_2d_l2_max_margin_direction().to_vec());
//! assert_eq!(data.accuracy(beta.view())?, 1.0);
//! // The margins are X̃ β, with X̃ = diag(y) X built by `signed`.
//! let margins = data.margins(beta.view())?;
//! assert!((data.signed().dot(&beta) - &margins).iter().all(|e| e.abs() < 1e-15));
//! let smallest = margins.iter().copied().fold(f64::INFINITY, f64::min);
//! assert!((smallest - 5f64.sqrt() / 2.0).abs() < 1e-12);
//! # Ok::<(), ngd_data::DataError>(())
//! ```

pub mod classification;
pub mod completion;
mod error;
pub mod gaussian;
pub mod sparse_gaussian;
pub mod toy2d;
pub mod transforms;

pub use classification::Classification;
pub use completion::{
    CompletionTask, completion_task, effective_rank, low_rank_truth, sample_observations,
};
pub use error::DataError;
pub use gaussian::gaussian_matrix;
pub use sparse_gaussian::{SparseGaussianSpec, SparseGaussianTask, sparse_gaussian};
pub use toy2d::{
    TOY_2D_POINTS_PER_CLASS, TOY_2D_SUPPORT, toy_2d, toy_2d_l1_max_margin_direction,
    toy_2d_l2_max_margin_direction,
};
pub use transforms::{diagonal_rescaling, well_conditioned_matrix};
