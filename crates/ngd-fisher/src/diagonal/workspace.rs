//! Buffers of the diagonal-network routes that an optimizer keeps from step to step, so a step
//! allocates no `N × D` or `N × N` matrix (each fresh multi-megabyte allocation also costs its
//! page faults, about as much as reading the data once).

use ndarray::{Array2, ShapeBuilder};

/// Reusable buffers for [`super::diag_natural_gradient_with`]; sized on first use and
/// re-sized only when `N` or `D` changes. The contents between calls are scratch.
#[derive(Debug, Clone, Default)]
pub struct DiagWorkspace {
    /// `Z = X̃ diag(s)` (`N × D`, row-major) for the kernel route.
    scaled_data: Array2<f64>,
    /// The lower triangle of `K = X̃ diag(s) X̃ᵀ`, then its Cholesky factor (`N × N`,
    /// column-major, as LAPACK wants it).
    kernel: Array2<f64>,
}

impl DiagWorkspace {
    /// An empty workspace (no memory until first use).
    pub fn new() -> Self {
        Self::default()
    }

    /// The kernel route's buffers `(Z, K)` for `n` samples in dimension `d`.
    pub(crate) fn kernel_buffers(
        &mut self,
        n: usize,
        d: usize,
    ) -> (&mut Array2<f64>, &mut Array2<f64>) {
        if self.scaled_data.dim() != (n, d) {
            self.scaled_data = Array2::zeros((n, d));
        }
        if self.kernel.dim() != (n, n) {
            self.kernel = Array2::zeros((n, n).f());
        }
        (&mut self.scaled_data, &mut self.kernel)
    }
}
