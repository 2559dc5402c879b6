//! The partial products of a deep factorization `β = W_1 ⋯ W_L`, kept in reusable buffers.
//!
//! With `A_i = W_1 ⋯ W_{i−1}` and `B_i = W_{i+1} ⋯ W_L` (`A_1 = B_L = I`), the prefixes are
//! built forward, `A_{i+1} = A_i W_i`, and the suffixes backward, stored *transposed*:
//! `B_iᵀ = B_{i+1}ᵀ W_{i+1}ᵀ`, so that row `c` of `B_iᵀ` (column `c` of `B_i`) is contiguous —
//! the rows the sparse products `G B_iᵀ` of [`crate::observed`] read. The identities are not
//! stored, and neither is `A_2 = W_1` (a view of the factor); `B_{L−1}ᵀ = W_Lᵀ` is a copy.
//! Cost: `2(L − 2)` products of `D × D` matrices (`(L−2)` each way), none for `L ≤ 2`.
//! After the first call with a given shape, [`PartialProducts::update`] allocates nothing.
//!
//! Indices in this module are 0-based: layer `i ∈ 0..L` has `A(i) = W_0 ⋯ W_{i−1}` and
//! `B(i) = W_{i+1} ⋯ W_{L−1}`.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};

/// Reusable prefix products `A(i)` and transposed suffix products `B(i)ᵀ` (see the module
/// docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartialProducts {
    /// `prefixes[i] = A(i)` for `i ≥ 2`; entries 0 and 1 are empty.
    prefixes: Vec<Array2<f64>>,
    /// `suffixes_t[i] = B(i)ᵀ` for `i ≤ L − 2`; the last entry is empty.
    suffixes_t: Vec<Array2<f64>>,
}

impl PartialProducts {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Recomputes every `A(i)` and `B(i)ᵀ` of the square, equally sized `factors`
    /// (non-empty; the caller checks shapes, e.g. through `MatrixFactorization`).
    pub fn update(&mut self, factors: &[Array2<f64>]) {
        let l = factors.len();
        let d = factors[0].nrows();
        resize(&mut self.prefixes, l, d, |i| i >= 2);
        resize(&mut self.suffixes_t, l, d, |i| i + 2 <= l);
        for i in 2..l {
            let (done, rest) = self.prefixes.split_at_mut(i);
            let previous = if i == 2 {
                factors[0].view()
            } else {
                done[i - 1].view()
            };
            general_mat_mul(1.0, &previous, &factors[i - 1], 0.0, &mut rest[0]);
        }
        if l >= 2 {
            self.suffixes_t[l - 2].assign(&factors[l - 1].t());
            for i in (0..l - 2).rev() {
                let (head, tail) = self.suffixes_t.split_at_mut(i + 1);
                general_mat_mul(1.0, &tail[0], &factors[i + 1].t(), 0.0, &mut head[i]);
            }
        }
    }

    /// `A(i) = W_0 ⋯ W_{i−1}`, or `None` for the identity `A(0)`.
    pub fn prefix<'a>(
        &'a self,
        factors: &'a [Array2<f64>],
        i: usize,
    ) -> Option<ArrayView2<'a, f64>> {
        match i {
            0 => None,
            1 => Some(factors[0].view()),
            _ => Some(self.prefixes[i].view()),
        }
    }

    /// `B(i)ᵀ = (W_{i+1} ⋯ W_{L−1})ᵀ` in row-major order, or `None` for the identity
    /// `B(L−1)`.
    pub fn suffix_t(&self, i: usize) -> Option<ArrayView2<'_, f64>> {
        (i + 1 < self.suffixes_t.len()).then(|| self.suffixes_t[i].view())
    }
}

/// Makes `buffers` hold `l` entries, `d × d` where `stored(i)`, empty elsewhere.
fn resize(buffers: &mut Vec<Array2<f64>>, l: usize, d: usize, stored: impl Fn(usize) -> bool) {
    buffers.resize_with(l, || Array2::zeros((0, 0)));
    for (i, b) in buffers.iter_mut().enumerate() {
        let shape = if stored(i) { (d, d) } else { (0, 0) };
        if b.dim() != shape {
            *b = Array2::zeros(shape);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factorization::{prefix_products, suffix_products};

    #[test]
    fn match_the_allocating_products() {
        for l in 1..=4 {
            let factors: Vec<Array2<f64>> = (0..l)
                .map(|k| Array2::from_shape_fn((3, 3), |(i, j)| ((k * 9 + i * 3 + j) as f64).sin()))
                .collect();
            let mut pp = PartialProducts::new();
            pp.update(&factors);
            let (a, b) = (prefix_products(&factors), suffix_products(&factors));
            for i in 0..l {
                match pp.prefix(&factors, i) {
                    None => assert_eq!(i, 0),
                    Some(p) => assert!((&p - &a[i]).iter().all(|x| x.abs() < 1e-14)),
                }
                match pp.suffix_t(i) {
                    None => assert_eq!(i, l - 1),
                    Some(s) => assert!((&s.t() - &b[i]).iter().all(|x| x.abs() < 1e-14)),
                }
            }
        }
    }
}
