//! Reference solutions the implicit biases are compared with:
//!
//! - [`l2_max_margin`]: the hard-margin SVM `min ‖β‖₂ s.t. X̃β ≥ 1` — the limit direction of
//!   EGD with `L = 1` on separable data (Soudry et al. 2018);
//! - [`l1_max_margin`]: `min ‖β‖₁ s.t. X̃β ≥ 1`, a linear program — the limit direction of EGD
//!   on 2-layer diagonal networks (Gunasekar et al. 2018; the paper's §3);
//! - [`min_nuclear_norm_completion`]: `min ‖β‖_* s.t. β_Ω = M_Ω`, the baseline of Arora et al.
//!   2019 for matrix completion.
//!
//! The two max-margin programs are solved with the Clarabel interior-point solver.

mod max_margin;
mod nuclear;

pub use max_margin::{MaxMarginSeparator, l1_max_margin, l2_max_margin};
pub use nuclear::{NuclearCompletion, NuclearOptions, min_nuclear_norm_completion};
