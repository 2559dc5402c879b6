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
//!
//! # Example
//!
//! A depth-2 diagonal network `β = w_1 ⊙ w_2`, the mean logistic loss of its coefficients on
//! signed data `X̃ = diag(y) X`, and the gradient pulled back to the weights,
//! `∇_{w_l} = c_l ⊙ ∇_β L`, checked against a central difference:
//!
//! ```
//! use ndarray::{Array1, Array2, array};
//! use ngd_models::{DiagonalNet, logistic_loss};
//!
//! let xt = array![[1.0, 0.5, -0.2], [0.3, -1.0, 0.8]]; // X̃ = diag(y) X, N = 2, D = 3
//! let net = DiagonalNet::new(array![[0.5, -1.0, 2.0], [1.5, 0.5, -0.5]])?;
//! let loss_of = |net: &DiagonalNet| {
//!     let mut grad = Array1::zeros(3);
//!     logistic_loss::value_and_gradient(xt.view(), net.beta().view(), grad.view_mut())
//!         .map(|loss| (loss, grad))
//! };
//! let (_, grad_beta) = loss_of(&net)?;
//! let mut grad_w = Array2::zeros((2, 3));
//! net.pull_back(grad_beta.view(), grad_w.view_mut());
//!
//! let h = 1e-6;
//! let mut plus = net.clone();
//! plus.weights_mut()[[1, 2]] += h;
//! let mut minus = net.clone();
//! minus.weights_mut()[[1, 2]] -= h;
//! let difference = (loss_of(&plus)?.0 - loss_of(&minus)?.0) / (2.0 * h);
//! assert!((difference - grad_w[[1, 2]]).abs() < 1e-8);
//! # Ok::<(), ngd_models::ModelError>(())
//! ```

pub mod aligned_rows;
pub mod completion_gradient;
pub mod deep_linear;
pub mod diagonal;
pub mod diagonal_parametrization;
mod error;
pub mod factorization;
pub mod factorization_parametrization;
mod fused;
mod fused_batch;
mod fused_tile;
pub mod init;
pub mod kernels;
pub mod linear_model;
pub mod logistic;
pub mod logistic_loss;
pub mod model;
pub mod observed;
pub mod output_loss;
pub mod partial_products;
mod prefetch;
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
