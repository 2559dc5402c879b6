//! The 2-D separable toy set of the paper's Fig. 2: separable by the axis-aligned line
//! `x₁ = 0`, while a slanted line has a strictly larger ℓ2 margin.
//!
//! # Construction
//!
//! Every signed point `x̃ = y x` lies in the cone `s + a·(0, 1) + b·(1, −3/2)` with the *support
//! point* `s = (1, 1/2)` and `a, b ≥ 0`. Each class has [`TOY_2D_POINTS_PER_CLASS`] points: the
//! support point itself (`a = b = 0`) and points with `a, b` drawn uniformly from
//! `[1/4, 3/2)`. Class `+1` is `x = x̃` (rows first), class `−1` is `x = −x̃` (rows after).
//!
//! # Max-margin directions (proved here, checked by brute force in the tests)
//!
//! - **Axis-aligned separator.** Every `x̃₁ = 1 + b ≥ 1`, so `β = (1, 0)` separates with
//!   normalized margin exactly 1 (attained at `s`).
//! - **ℓ2 max margin.** With `v = s = (1, 1/2)`: `x̃·v = |s|² + a/2 + b/4 ≥ |s|² = 5/4`, with
//!   equality only at `s`. So `s` is the point of the data's convex hull nearest the origin,
//!   the ℓ2 max-margin direction is `s/|s| = (2, 1)/√5` (not axis-aligned) and the margin is
//!   `|s| = √5/2 ≈ 1.118 > 1`.
//! - **ℓ1 (and every ℓp, p ≤ 1) max margin.** Tilting `(1, 0)` to `(1 − t, t)` changes the
//!   margin of `s` to `1 − t/2` (for `t > 0`) or `1 − 3|t|/2` (for `t < 0`): both smaller, and
//!   the ℓ1 max-margin problem is a linear program (so this local optimum is global). Hence the
//!   ℓ1 max-margin direction is `(1, 0)` with ℓ1 margin 1, which is also the ℓp max margin for
//!   `p < 1` since `|β|_p ≥ |β|_1`. This is the direction deep diagonal networks trained by
//!   gradient descent approach (the ℓ_{2/L} max margin for depth `L ≥ 2`).

use crate::Classification;
use ndarray::{Array1, Array2};
use rand::{Rng, RngExt};

/// Points per class in [`toy_2d`]; `N = 2 · TOY_2D_POINTS_PER_CLASS`.
pub const TOY_2D_POINTS_PER_CLASS: usize = 10;

/// The support point `s = (1, 1/2)` of the toy set (in signed coordinates `x̃ = y x`).
pub const TOY_2D_SUPPORT: [f64; 2] = [1.0, 0.5];

/// Draws the 2-D toy set (see the module docs for the construction).
///
/// Draw order: for class `+1` then class `−1`, for each non-support point, `a` then `b`
/// (uniform on `[1/4, 3/2)`), `4 (TOY_2D_POINTS_PER_CLASS − 1)` uniform draws in all.
pub fn toy_2d<R: Rng + ?Sized>(rng: &mut R) -> Classification {
    let n = 2 * TOY_2D_POINTS_PER_CLASS;
    let mut x = Array2::zeros((n, 2));
    let mut y = Array1::zeros(n);
    for (class, label) in [1.0, -1.0].into_iter().enumerate() {
        for k in 0..TOY_2D_POINTS_PER_CLASS {
            let (a, b) = if k == 0 {
                (0.0, 0.0)
            } else {
                let a: f64 = rng.random_range(0.25..1.5);
                let b: f64 = rng.random_range(0.25..1.5);
                (a, b)
            };
            let row = class * TOY_2D_POINTS_PER_CLASS + k;
            x[[row, 0]] = label * (TOY_2D_SUPPORT[0] + b);
            x[[row, 1]] = label * (TOY_2D_SUPPORT[1] + a - 1.5 * b);
            y[row] = label;
        }
    }
    Classification { x, y }
}

/// The ℓ2 max-margin direction of [`toy_2d`], `(2, 1)/√5` (unit ℓ2 norm), with ℓ2 margin
/// `√5/2`. Gradient descent on a linear model converges to it in direction.
pub fn toy_2d_l2_max_margin_direction() -> [f64; 2] {
    let norm = 5.0_f64.sqrt();
    [2.0 / norm, 1.0 / norm]
}

/// The ℓ1 (and ℓp, `p ≤ 1`) max-margin direction of [`toy_2d`], `(1, 0)`, with margin 1.
pub fn toy_2d_l1_max_margin_direction() -> [f64; 2] {
    [1.0, 0.0]
}
