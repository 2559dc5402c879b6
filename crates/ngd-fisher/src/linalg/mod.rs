//! Dense linear algebra shared by the natural-gradient solvers: the single singular-value
//! cut-off policy ([`Cutoff`]), SVD-based pseudo-inverse and minimum-norm least squares, the
//! square pseudo-inverse by LU when safely inside the cut-off ([`pinv_square_into`]),
//! Cholesky solves of SPD systems and QR least squares, all returning errors (never NaN) on
//! singular systems.
//!
//! **BLAS threads.** OpenBLAS's thread count cannot be set from this crate: declaring
//! `openblas_set_num_threads` needs an `unsafe extern` block, which the workspace forbids
//! (`unsafe_code = "deny"`). Set `OPENBLAS_NUM_THREADS` in the environment of the process
//! instead (small problems usually run fastest with 1).

mod cutoff;
pub(crate) mod finite;
mod inverse;
mod qr;
pub(crate) mod qr_augmented;
pub(crate) mod spd;
pub(crate) mod spd_lower;
mod svd;
pub(crate) mod syrk;

pub use cutoff::Cutoff;
pub use inverse::{InverseReport, InverseRoute, LU_SAFETY, pinv_square_into};
pub use qr::lstsq_full_column_rank;
pub use spd::spd_solve;
pub use svd::{LeastSquares, PseudoInverse, ThinSvd, lstsq_min_norm, pinv, thin_svd};
