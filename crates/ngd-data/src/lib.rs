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
