//! The natural gradient flow (NGF) `dw/dt = −g(w)` of any network on a [`NetworkProblem`], with
//! `g` any direction [`GenericNgd`](crate::GenericNgd) can follow (exact Moore–Penrose `F⁺∇`,
//! damped, approximate), as a vector field for [`rk4`](super::rk4) and
//! [`dormand_prince`](super::dormand_prince) (the state is the flat parameter vector). The
//! paper's eq. (5) is the exact choice; its Theorems 1–4 are statements about this flow.

use crate::{GenericNgd, NetworkProblem, OptimError};
use ndarray::Array1;
use ngd_models::Network;

/// The NGF vector field `w ↦ −g(w)` of `problem`, `g` the direction `rule` follows (its step
/// size is not used).
///
/// The closure errors as the direction's solve does (shape, non-finite values, an inaccurate
/// solve, K-FAC widths that do not fit the network).
pub fn natural_field<'a, N: Network>(
    problem: &'a NetworkProblem<N>,
    rule: &'a GenericNgd,
) -> impl FnMut(f64, &Array1<f64>) -> Result<Array1<f64>, OptimError> + 'a {
    move |_t, w| Ok(-rule.direction(problem, w.view())?.direction)
}
