//! Vectorizable dense kernels on contiguous slices: dot product and `y += a x`.
//!
//! The dot product keeps [`LANES`] independent partial sums (so the compiler can use SIMD
//! registers without reassociating floating-point additions itself) and combines them in a
//! fixed tree, then adds the tail: the summation order depends only on the length, so results
//! are deterministic.

/// The number of independent partial sums in [`dot`].
pub const LANES: usize = 8;

/// The dot product `Σ a_i b_i` of two equally long slices (the shorter length is used if they
/// differ).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let chunks_a = a.chunks_exact(LANES);
    let chunks_b = b.chunks_exact(LANES);
    let tail: f64 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut acc = [0.0; LANES];
    for (x, y) in chunks_a.zip(chunks_b) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += p * q;
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y ← y + alpha · x` on equally long slices (the shorter length is used if they differ).
#[inline]
pub fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer-valued inputs make every partial sum exact, so any summation order must give
    /// the exact value; lengths 0–40 cover empty, tail-only and chunk + tail cases.
    #[test]
    fn dot_and_axpy_exact_on_integers() {
        for len in 0..=40 {
            let a: Vec<f64> = (0..len).map(|i| (i % 7) as f64 - 3.0).collect();
            let b: Vec<f64> = (0..len).map(|i| (i % 5) as f64 + 1.0).collect();
            let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert_eq!(dot(&a, &b), exact, "len {len}");
            let mut y = b.clone();
            axpy(2.0, &a, &mut y);
            for i in 0..len {
                assert_eq!(y[i], b[i] + 2.0 * a[i]);
            }
        }
    }

    /// Random-like inputs: agreement with a sequential sum to 1e-14 relative to Σ|a_i b_i|.
    #[test]
    fn dot_close_to_sequential_sum() {
        let a: Vec<f64> = (0..1003)
            .map(|i| ((i * 37 % 101) as f64 / 13.0).sin())
            .collect();
        let b: Vec<f64> = (0..1003)
            .map(|i| ((i * 53 % 97) as f64 / 7.0).cos())
            .collect();
        let seq: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let mag: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum();
        assert!((dot(&a, &b) - seq).abs() <= 1e-14 * mag);
    }
}
