//! Euclidean gradient descent (EGD) `w_{t+1} = w_t − η_t ∇_w L(w_t)` with the step-size rules
//! used in the paper's experiments:
//!
//! - [`DiagonalEgd`]: diagonal networks, logistic loss; a fixed step or the loss-normalized step
//!   `η_t = η / L(w_t)` ([`DiagonalStep`]);
//! - [`BatchEgd`]: `K` diagonal networks (any depths) on the same data, stepped together with one
//!   pass over `X̃` per step;
//! - [`FactorizationEgd`]: deep matrix factorizations, squared loss; a fixed step or Arora et
//!   al.'s normalized step `lr / RMS(‖∇‖)` ([`FactorizationStep`]);
//! - [`NetworkEgd`]: any network or parametrization on a [`NetworkProblem`](crate::NetworkProblem),
//!   over its flat parameters, with the diagonal rule's step sizes ([`EgdStep`]).

mod batch;
mod diagonal;
mod factorization;
mod network;

pub use batch::BatchEgd;
pub use diagonal::{DiagonalEgd, DiagonalStep};
pub use factorization::{FactorizationEgd, FactorizationStep, NormalizedState};
pub use network::{EgdStep, NetworkEgd};
