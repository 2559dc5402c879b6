//! The extended-precision reference: the Moore–Penrose natural gradient of a diagonal network
//! computed in 1400-bit binary floating point (about 420 decimal digits, `dashu-float`), from
//! the same f64 inputs `X̃`, `u`, `c` the solvers get (converted exactly).
//!
//! With `X̃` of full rank `min(N, D)` and `s = Σ_l c_l ⊙ c_l > 0`, the direction is
//! `g_l = c_l ⊙ z` (math.md, "Diagonal networks") with
//! - `N ≥ D`: `z = v / s`, `(X̃ᵀ diag(d) X̃) v = X̃ᵀ ℓ'(u)` (`F(β) v = ∇_β`, weights `d = φ(u)φ(−u)`
//!   and `ℓ'(u) = −φ(−u)` evaluated in extended precision: no underflow, no rescaling needed);
//! - `N ≤ D`: `z = X̃ᵀ a`, `(X̃ diag(s) X̃ᵀ) a = t` with `t = −(1 + e^{−u})`.
//!
//! Both linear systems are solved by Gaussian elimination with partial pivoting. The condition
//! number of `X̃ᵀ diag(d) X̃` is at most about `e^{max|u|} κ(X̃)²` (≈ 1e261 · κ(X̃)² at
//! |u| ≤ 600), far inside the 420 digits, so the rounded f64 result is exact to the last bit or
//! two.

use dashu_float::FBig;
use dashu_float::ops::Abs;
use ndarray::{Array2, ArrayView1, ArrayView2};

type Big = FBig;

/// Working precision in bits.
const PRECISION: usize = 1400;

fn big(x: f64) -> Big {
    Big::try_from(x)
        .expect("finite input")
        .with_precision(PRECISION)
        .value()
}

fn to_f64(x: &Big) -> f64 {
    x.to_f64().value()
}

/// Solves `A x = b` (`n × n`) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<Big>>, mut b: Vec<Big>) -> Vec<Big> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].clone().abs().cmp(&a[j][col].clone().abs()))
            .expect("non-empty");
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (pivot_rows, lower_rows) = a.split_at_mut(col + 1);
        let pivot_row = &pivot_rows[col];
        for (offset, row) in lower_rows.iter_mut().enumerate() {
            let factor = &row[col] / &pivot_row[col];
            for (entry, pivot_entry) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *entry -= &factor * pivot_entry;
            }
            let delta = &factor * &b[col];
            b[col + 1 + offset] -= delta;
        }
    }
    let mut x = vec![big(0.0); n];
    for row in (0..n).rev() {
        let mut acc = b[row].clone();
        for k in row + 1..n {
            acc -= &a[row][k] * &x[k];
        }
        x[row] = acc / &a[row][row];
    }
    x
}

/// The Moore–Penrose natural gradient (`L × D`) of the mean logistic loss of a diagonal network
/// with signed data `x_signed` (full rank), margins `margins` and cofactors `cofactors`
/// (`Σ_l c_l² > 0`), rounded to f64 from the extended-precision solution.
pub fn reference_natural_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
) -> Array2<f64> {
    let (n, d) = x_signed.dim();
    let one = big(1.0);
    let x: Vec<Vec<Big>> = x_signed
        .rows()
        .into_iter()
        .map(|row| row.iter().map(|&v| big(v)).collect())
        .collect();
    let s: Vec<Big> = (0..d)
        .map(|i| {
            cofactors
                .column(i)
                .iter()
                .fold(big(0.0), |acc, &c| acc + big(c) * big(c))
        })
        .collect();
    let z: Vec<Big> = if n >= d {
        // d_n = e^u / (1 + e^u)², ℓ'_n = −1 / (1 + e^u).
        let (weight, slope): (Vec<Big>, Vec<Big>) = margins
            .iter()
            .map(|&u| {
                let e = big(u).exp();
                let denominator = &one + &e;
                let weight = &e / (&denominator * &denominator);
                let slope = -(&one / &denominator);
                (weight, slope)
            })
            .unzip();
        let fisher: Vec<Vec<Big>> = (0..d)
            .map(|i| {
                (0..d)
                    .map(|j| (0..n).fold(big(0.0), |acc, k| acc + &x[k][i] * &weight[k] * &x[k][j]))
                    .collect()
            })
            .collect();
        let gradient: Vec<Big> = (0..d)
            .map(|i| (0..n).fold(big(0.0), |acc, k| acc + &x[k][i] * &slope[k]))
            .collect();
        let v = solve(fisher, gradient);
        v.iter().zip(&s).map(|(vi, si)| vi / si).collect()
    } else {
        let target: Vec<Big> = margins.iter().map(|&u| -(&one + (-big(u)).exp())).collect();
        let kernel: Vec<Vec<Big>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| (0..d).fold(big(0.0), |acc, k| acc + &x[i][k] * &s[k] * &x[j][k]))
                    .collect()
            })
            .collect();
        let a = solve(kernel, target);
        (0..d)
            .map(|i| (0..n).fold(big(0.0), |acc, k| acc + &x[k][i] * &a[k]))
            .collect()
    };
    Array2::from_shape_fn(cofactors.raw_dim(), |(l, i)| {
        to_f64(&(big(cofactors[[l, i]]) * &z[i]))
    })
}
