//! Deep linear models for the natural-gradient experiments of "Depth without the magic".
//!
//! - [`diagonal`]: L-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` (depth 1 is the linear model);
//! - [`factorization`]: deep matrix factorizations `β = W_1 ⋯ W_L`;
//! - [`logistic`]: numerically stable scalar functions of the logistic loss on margins.
//!
//! Every model exposes `β`, the structured gradient pull-back `∇_w = Jᵀ ∇_β`, and the pieces the
//! Fisher solvers of `ngd-fisher` need (cofactors `c_l`; partial products `A_i`, `B_i`).

pub mod diagonal;
mod error;
pub mod factorization;
pub mod logistic;

pub use diagonal::DiagonalNet;
pub use error::ModelError;
pub use factorization::MatrixFactorization;
