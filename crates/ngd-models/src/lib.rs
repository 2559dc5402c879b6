//! Deep linear models for the natural-gradient experiments of "Depth without the magic".
//!
//! - [`diagonal`]: L-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` (depth 1 is the linear model);
//! - [`factorization`]: deep matrix factorizations `β = W_1 ⋯ W_L`;
//! - [`init`]: Gaussian, constant and "collapsed" initializations of both;
//! - [`logistic`]: numerically stable scalar functions of the logistic loss on margins;
//! - [`logistic_loss`]: the mean logistic loss of a linear score and its gradient, fused in one
//!   pass over the data (the hot kernel of gradient descent), also for `K` models at once;
//! - [`squared_loss`]: the squared loss of matrix completion on observed entries;
//! - [`observed`]: the observed entries in coordinate form and the sparse products with the
//!   residual; [`partial_products`]: reusable prefix / suffix products of a factorization;
//!   [`completion_gradient`]: the completion loss and factor gradients from the observed
//!   entries only (the fast path of the factorization steps);
//! - [`model`]: the open model abstraction — [`Parametrization`] (`w ↦ β`, models linear in
//!   the input) and [`Network`] (`s = f(x; w)`), with Jacobian–vector products;
//! - [`output_loss`]: logistic and squared losses on a model's outputs ([`OutputLoss`]), with
//!   the output-space gradient and Fisher weights;
//! - model implementations of the abstraction, one file each: [`linear_model`] (`β = w`),
//!   [`diagonal_parametrization`], [`factorization_parametrization`] (flat-parameter twins of
//!   [`DiagonalNet`] and [`MatrixFactorization`]), [`deep_linear`] (full-matrix deep linear
//!   network `β = W_1ᵀ ⋯ W_Lᵀ`) and [`two_layer`] (two-layer tanh / ReLU networks);
//! - [`kernels`]: the vectorizable dot product and `axpy` those kernels use.
//!
//! Every model exposes `β`, the structured gradient pull-back `∇_w = Jᵀ ∇_β`, and the pieces the
//! Fisher solvers of `ngd-fisher` need (cofactors `c_l`; partial products `A_i`, `B_i`).

pub mod completion_gradient;
pub mod deep_linear;
pub mod diagonal;
pub mod diagonal_parametrization;
mod error;
pub mod factorization;
pub mod factorization_parametrization;
mod fused;
mod fused_batch;
pub mod init;
pub mod kernels;
pub mod linear_model;
pub mod logistic;
pub mod logistic_loss;
pub mod model;
pub mod observed;
pub mod output_loss;
pub mod partial_products;
mod sparse_kernels;
pub mod squared_loss;
pub mod two_layer;

pub use completion_gradient::CompletionGradient;
pub use deep_linear::DeepLinearNet;
pub use diagonal::DiagonalNet;
pub use diagonal_parametrization::DiagonalParametrization;
pub use error::ModelError;
pub use factorization::MatrixFactorization;
pub use factorization_parametrization::FactorizationParametrization;
pub use init::{
    collapsed_factorization, constant_diagonal, gaussian_diagonal, gaussian_factorization,
};
pub use linear_model::LinearModel;
pub use model::{LinearInInput, Network, Parametrization};
pub use output_loss::OutputLoss;
pub use two_layer::{Activation, Relu, Tanh, TwoLayerNet, TwoLayerRelu, TwoLayerTanh};
