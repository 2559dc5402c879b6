//! Natural gradient descent (NGD) `w_{t+1} = w_t − η g_t` with an exact natural gradient
//! `g_t` from `ngd-fisher` (the paper's eq. 1 with the Moore–Penrose choice of eq. 5, or
//! another valid solution of eq. 4), and natural gradient flow (NGF, eq. 3) vector fields for
//! the integrators of [`crate::flow`].
//!
//! - [`DiagonalNgd`]: diagonal networks (and the linear model) under the mean logistic loss,
//!   with the sample Fisher (any route of [`ngd_fisher::Route`]) or a population Fisher
//!   ([`FisherChoice`]);
//! - [`FactorizationNgd`]: deep matrix factorizations under the squared loss, with the layer
//!   split or the Moore–Penrose direction ([`ngd_fisher::factorization::NaturalDirection`]);
//! - [`GenericNgd`]: any [`Network`](ngd_models::Network) with the generic natural gradients
//!   of [`ngd_fisher::generic`] (exact, damped, empirical, diagonal, block, K-FAC);
//! - [`diagonal_ngf_field`]: the NGF vector field of a diagonal network, for
//!   [`crate::flow::rk4`] / [`crate::flow::dormand_prince`].
//!
//! Each step reports the route that ran in [`StepReport::info`](crate::StepReport::info), so
//! the experiments can record it.

mod diagonal;
mod factorization;
mod factorization_step;
mod flow_field;
mod generic;

pub use diagonal::{DiagonalNgd, FisherChoice, route_label};
pub use factorization::{FactorizationNgd, NgdStepSize};
pub use flow_field::diagonal_ngf_field;
pub use generic::{GenericDirection, GenericNgd, GenericStepInfo};
