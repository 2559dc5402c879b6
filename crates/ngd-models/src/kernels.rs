//! Vectorizable dense kernels on contiguous slices: dot product and `y += a x`, also blocked
//! over several rows (one shared vector) or several vectors (one shared row).
//!
//! The dot product keeps [`LANES`] = 16 independent partial sums (so the compiler can use SIMD
//! registers without reassociating floating-point additions itself: two AVX-512 or four AVX
//! registers, i.e. two or four independent chains of additions per row) and combines them in a
//! fixed pairwise tree, then adds the tail: the summation order depends only on the length, so
//! results are deterministic and the same on every CPU. (Sixteen sums instead of eight: one
//! row's dot product is then no longer bound by the latency of one chain of additions, which
//! lets the fused passes read `X̃` one row at a time, as one stream.) The kernels are `#[inline(always)]` so that they are compiled inside the
//! runtime-dispatched AVX-512 / AVX2 / AVX clones of the fused passes (`crate::fused`).

/// The number of independent partial sums in [`dot`].
pub const LANES: usize = 16;

/// The dot product `Σ a_i b_i` of two equally long slices (the shorter length is used if they
/// differ).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    single_dot(a, b)
}

/// `R` dot products with one shared vector, `out[r] = dot(rows[r], b)`, bit for bit (each row
/// keeps its own [`LANES`] partial sums, tail and combination order); when the rows are equally
/// long, `b` is read once per block of `R` rows.
#[inline(always)]
pub fn dot_rows<const R: usize>(rows: &[&[f64]; R], b: &[f64]) -> [f64; R] {
    let len = b.len();
    if rows.iter().any(|r| r.len() < len) || R == 0 {
        return std::array::from_fn(|r| single_dot(rows[r], b));
    }
    let full = len - len % LANES;
    let mut acc = [[0.0; LANES]; R];
    for (c, y) in b[..full].chunks_exact(LANES).enumerate() {
        let start = c * LANES;
        let y: &[f64; LANES] = y.try_into().expect("chunk of LANES");
        for (acc_r, row) in acc.iter_mut().zip(rows) {
            let x: &[f64; LANES] = row[start..start + LANES]
                .try_into()
                .expect("chunk of LANES");
            for lane in 0..LANES {
                acc_r[lane] += x[lane] * y[lane];
            }
        }
    }
    combine_all(
        acc,
        std::array::from_fn(|r| tail_dot(&rows[r][full..len], &b[full..])),
    )
}

/// `G` dot products of one shared vector `a` with `G` vectors, `out[g] = dot(a, bs[g])`, bit for
/// bit (each product keeps its own [`LANES`] partial sums, tail and combination order). When
/// every `bs[g]` is at least as long as `a`, each chunk of `a` is loaded once for the `G`
/// products and the `G·LANES` partial sums stay in registers (8 of the 32 AVX-512 registers
/// for `G = 4`).
#[inline(always)]
pub fn dot_shared<const G: usize>(a: &[f64], bs: &[&[f64]; G]) -> [f64; G] {
    let len = a.len();
    if bs.iter().any(|b| b.len() < len) {
        return std::array::from_fn(|g| single_dot(a, bs[g]));
    }
    let full = len - len % LANES;
    let mut acc = [[0.0; LANES]; G];
    for (c, x) in a[..full].chunks_exact(LANES).enumerate() {
        let start = c * LANES;
        let x: &[f64; LANES] = x.try_into().expect("chunk of LANES");
        for (acc_g, b) in acc.iter_mut().zip(bs) {
            let y: &[f64; LANES] = b[start..start + LANES].try_into().expect("chunk of LANES");
            for lane in 0..LANES {
                acc_g[lane] += x[lane] * y[lane];
            }
        }
    }
    combine_all(
        acc,
        std::array::from_fn(|g| tail_dot(&a[full..], &bs[g][full..len])),
    )
}

/// One dot product at the common length of `a` and `b` (the [`LANES`]-sum scheme of [`dot`]).
#[inline(always)]
fn single_dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let full = len - len % LANES;
    let mut acc = [0.0; LANES];
    for (x, y) in a[..full]
        .chunks_exact(LANES)
        .zip(b[..full].chunks_exact(LANES))
    {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += p * q;
        }
    }
    combine(&acc, tail_dot(&a[full..], &b[full..]))
}

/// The sequential sum of the products of the (shorter than [`LANES`]) tails.
#[inline(always)]
fn tail_dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// [`combine`] for `R` sets of partial sums and tails. Not inlined on purpose: when the
/// compiler sees the `R` results stored side by side, its straight-line vectorizer packs the
/// `R` products of one lane into a vector instead (transposing every chunk of the rows with
/// shuffles, about 2× slower, seen with `perf annotate`); behind a call, the loops keep one
/// vector per lane group of each row. The partial sums are taken by value (copied once, after
/// the loop): a closure over `&acc`, as `std::array::from_fn` needs, lets them escape, and the
/// compiler then stores them to the stack at every step of the loop.
#[inline(never)]
fn combine_all<const R: usize>(acc: [[f64; LANES]; R], tails: [f64; R]) -> [f64; R] {
    let mut out = tails;
    for (o, acc_r) in out.iter_mut().zip(&acc) {
        *o = combine(acc_r, *o);
    }
    out
}

/// The fixed combination tree of the partial sums, plus the tail: pairwise halving,
/// `s_l ← s_l + s_{l+h}` for `h = 8, 4, 2, 1` (`l < h`), then `s_0 + tail`.
#[inline(always)]
fn combine(acc: &[f64; LANES], tail: f64) -> f64 {
    let mut s = *acc;
    let mut half = LANES / 2;
    while half > 0 {
        for l in 0..half {
            s[l] += s[l + half];
        }
        half /= 2;
    }
    s[0] + tail
}

/// `y ← y + alpha · x` on equally long slices (the shorter length is used if they differ).
#[inline(always)]
pub fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// `R` updates in order, `y ← (…(y + α_0 x_0) + …) + α_{R−1} x_{R−1}`, bit for bit equal to `R`
/// calls of [`axpy`] but reading and writing `y` once (when every row is at least as long as
/// `y`; otherwise it simply makes the `R` calls).
#[inline(always)]
pub fn axpy_rows<const R: usize>(alphas: &[f64; R], rows: &[&[f64]; R], y: &mut [f64]) {
    let len = y.len();
    if rows.iter().any(|r| r.len() < len) {
        for (alpha, row) in alphas.iter().zip(rows) {
            axpy(*alpha, row, y);
        }
        return;
    }
    let full = len - len % LANES;
    let (body, tail) = y.split_at_mut(full);
    for (c, y_chunk) in body.chunks_exact_mut(LANES).enumerate() {
        let start = c * LANES;
        let y_chunk: &mut [f64; LANES] = y_chunk.try_into().expect("chunk of LANES");
        let mut v = *y_chunk;
        for (alpha, row) in alphas.iter().zip(rows.iter()) {
            let x: &[f64; LANES] = row[start..start + LANES]
                .try_into()
                .expect("chunk of LANES");
            for lane in 0..LANES {
                v[lane] += alpha * x[lane];
            }
        }
        *y_chunk = v;
    }
    for (i, yi) in tail.iter_mut().enumerate() {
        let mut v = *yi;
        for (alpha, row) in alphas.iter().zip(rows.iter()) {
            v += alpha * row[full + i];
        }
        *yi = v;
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

    /// The blocked kernels must reproduce the one-row kernels bit for bit (the fused passes rely
    /// on it): every length 0–40 (chunk and tail cases), 3 and 4 rows, irrational-like data;
    /// the shared-row products also with a longer partner (fast path, common length) and a
    /// shorter one (fallback).
    #[test]
    fn blocked_kernels_match_single_row_kernels_bitwise() {
        let value = |i: usize, k: usize| ((i * 37 + k * 11) % 101) as f64 / 13.0;
        for len in 0..=40 {
            let rows: Vec<Vec<f64>> = (0..4)
                .map(|r| (0..len).map(|i| value(i, r).sin()).collect())
                .collect();
            let b: Vec<f64> = (0..len).map(|i| value(i, 7).cos()).collect();
            let four: [&[f64]; 4] = std::array::from_fn(|r| rows[r].as_slice());
            let three: [&[f64]; 3] = std::array::from_fn(|r| rows[r].as_slice());
            let dots = dot_rows(&four, &b);
            for r in 0..4 {
                assert_eq!(dots[r].to_bits(), dot(&rows[r], &b).to_bits(), "len {len}");
            }
            assert_eq!(dot_rows(&three, &b), [dots[0], dots[1], dots[2]]);
            let shared = dot_shared(&b, &four);
            for r in 0..4 {
                assert_eq!(
                    shared[r].to_bits(),
                    dot(&b, &rows[r]).to_bits(),
                    "len {len}"
                );
            }
            let longer: Vec<f64> = b.iter().copied().chain([5.0, -2.0]).collect();
            let mixed = dot_shared(&b, &[longer.as_slice(), rows[1].as_slice()]);
            assert_eq!(mixed[0].to_bits(), dot(&b, &longer).to_bits(), "len {len}");
            assert_eq!(
                dot_shared(&longer, &[rows[2].as_slice()])[0],
                dot(&longer, &rows[2])
            );
            let alphas = [0.3, -1.7, 2.9, -0.01];
            let mut expected = b.clone();
            for (a, row) in alphas.iter().zip(&rows) {
                axpy(*a, row, &mut expected);
            }
            let mut blocked = b.clone();
            axpy_rows(&alphas, &four, &mut blocked);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&blocked), bits(&expected), "len {len}");
        }
    }
}
