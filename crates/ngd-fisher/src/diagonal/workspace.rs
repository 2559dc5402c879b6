//! Buffers of the diagonal-network routes that an optimizer keeps from step to step, so a step
//! of the kernel route allocates no `N × N` matrix or packing buffer (each fresh multi-megabyte
//! allocation also costs its page faults, about as much as reading the data once).

use crate::linalg::syrk::GramBuffers;
use ndarray::{Array2, ShapeBuilder};

/// Reusable buffers for [`super::diag_natural_gradient_with`]; sized on first use and
/// re-sized only when `N` changes. The contents between calls are scratch.
#[derive(Debug, Clone, Default)]
pub struct DiagWorkspace {
    /// The lower triangle of `K = X̃ diag(s) X̃ᵀ`, then its Cholesky factor (`N × N`,
    /// column-major, as LAPACK wants it).
    kernel: Array2<f64>,
    /// The packed copies of `Y` used to form `K`.
    packing: GramBuffers,
}

impl DiagWorkspace {
    /// An empty workspace (no memory until first use).
    pub fn new() -> Self {
        Self::default()
    }

    /// The kernel route's buffers `(K, packing)` for `n` samples.
    pub(crate) fn kernel_buffers(&mut self, n: usize) -> (&mut Array2<f64>, &mut GramBuffers) {
        if self.kernel.dim() != (n, n) {
            self.kernel = Array2::zeros((n, n).f());
        }
        (&mut self.kernel, &mut self.packing)
    }
}
