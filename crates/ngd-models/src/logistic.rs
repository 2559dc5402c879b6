//! Numerically stable scalar functions of the logistic loss on margins.
//!
//! Conventions (see `docs/math.md`): labels `y ∈ {−1, +1}`, signed data `X̃ = diag(y) X`,
//! margins `u = X̃ β`, sigmoid `φ(z) = 1 / (1 + e^{−z})`. The mean logistic loss is
//! `L(β) = (1/N) Σ_n ℓ(u_n)` with `ℓ(u) = log(1 + e^{−u})` (the paper's eq. 33–34 with the sum
//! replaced by a mean).
//!
//! Every function here is written so that it neither overflows nor loses relative precision for
//! margins of magnitude up to `1e4` (and beyond, wherever the true value is representable):
//! the branch on the sign of `u` keeps every exponential argument non-positive.

/// The sigmoid `φ(z) = 1 / (1 + e^{−z})`, exact to a few ulps for every finite `z`.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The per-sample logistic loss `ℓ(u) = log(1 + e^{−u})` of a margin `u`.
///
/// For `u ≥ 0` this is `log1p(e^{−u})` (tiny and precise for large `u`); for `u < 0` it is
/// `−u + log1p(e^{u})` (no overflow for very negative `u`).
#[inline]
pub fn loss(u: f64) -> f64 {
    if u >= 0.0 {
        (-u).exp().ln_1p()
    } else {
        -u + u.exp().ln_1p()
    }
}

/// The derivative of the per-sample loss with respect to the margin,
/// `ℓ'(u) = −φ(−u) = −1 / (1 + e^{u})`, in `[−1, 0)`.
#[inline]
pub fn loss_derivative(u: f64) -> f64 {
    -sigmoid(-u)
}

/// The loss and its derivative together, `(ℓ(u), ℓ'(u))`, with one exponential instead of two.
///
/// Bit-for-bit equal to `(loss(u), loss_derivative(u))`: both branches evaluate the same
/// expressions on `e = e^{−|u|}`.
#[inline]
pub fn loss_and_derivative(u: f64) -> (f64, f64) {
    if u >= 0.0 {
        let e = (-u).exp();
        (e.ln_1p(), -(e / (1.0 + e)))
    } else {
        let e = u.exp();
        (-u + e.ln_1p(), -(1.0 / (1.0 + e)))
    }
}

/// The loss and its derivative rescaled by `e^c`, `(e^c ℓ(u), e^c ℓ'(u))`, for a shift
/// `0 ≤ c ≤ u` (typically the smallest margin), so that ratios such as `ℓ'(u_n) / Σ_m ℓ(u_m)`
/// stay representable after `ℓ` itself underflows (margins beyond ≈ 745).
///
/// With `x = e^{−u}`: `e^c ℓ(u) = (log(1 + x)/x) · e^{c−u}` and `e^c ℓ'(u) = −e^{c−u}/(1 + x)`;
/// `log(1 + x)/x` is `1 − x/2` (to `x²/3 < 4·10⁻²¹` relative) below `x = 10⁻¹⁰`. With `c = 0`
/// this is [`loss_and_derivative`] (any `u`). A shift above `u` is clamped to `u`.
#[inline]
pub fn shifted_loss_and_derivative(u: f64, shift: f64) -> (f64, f64) {
    if shift <= 0.0 || u.is_nan() {
        return loss_and_derivative(u);
    }
    let x = (-u).exp();
    let ratio = if x < 1e-10 {
        1.0 - 0.5 * x
    } else {
        x.ln_1p() / x
    };
    let factor = (shift.min(u) - u).exp();
    (ratio * factor, -factor / (1.0 + x))
}

/// The Fisher weight of one sample, `d(u) = φ(u) φ(−u) = e^{−|u|} / (1 + e^{−|u|})²`.
///
/// This is also `ℓ''(u)`. It underflows to zero for `|u| ≳ 745`; solvers that need the ratio
/// of weights of very confident samples use [`log_fisher_weight`] instead.
#[inline]
pub fn fisher_weight(u: f64) -> f64 {
    let e = (-u.abs()).exp();
    let q = 1.0 + e;
    e / (q * q)
}

/// The natural logarithm of the Fisher weight, `log d(u) = −|u| − 2 log(1 + e^{−|u|})`,
/// finite for every finite `u`.
#[inline]
pub fn log_fisher_weight(u: f64) -> f64 {
    let a = u.abs();
    -a - 2.0 * (-a).exp().ln_1p()
}

/// The natural-gradient target in margin space, `t(u) = ℓ'(u) / d(u) = −1 / φ(u) = −(1 + e^{−u})`.
///
/// This is the per-sample natural gradient of the loss with respect to the margin (Lemma 1 of
/// the paper: the Fisher in margin space is diagonal). It is `−1` minus a vanishing term for
/// large positive margins; for very negative margins it grows like `−e^{−u}` and overflows to
/// `−∞` below `u ≈ −709`, which is the true (unrepresentable) value.
#[inline]
pub fn natural_target(u: f64) -> f64 {
    -(1.0 + (-u).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shifted loss and derivative equal `e^c` times the plain ones where those are
    /// representable (to a few ulps), and stay finite and positive far beyond their underflow:
    /// at `u = c + 1` with `c = 2000` they are `e^{−1}` and `−e^{−1}` (to `e^{−2001}`).
    #[test]
    fn shifted_loss_rescales_without_underflow() {
        for (u, c) in [
            (0.3, 0.1),
            (5.0, 4.0),
            (40.0, 39.5),
            (700.0, 690.0),
            (-3.0, 0.0),
        ] {
            let (l, d) = shifted_loss_and_derivative(u, c);
            let (l0, d0) = loss_and_derivative(u);
            let scale = c.exp();
            assert!(
                (l - scale * l0).abs() <= 8.0 * f64::EPSILON * l,
                "{u} {c}: {l} {l0}"
            );
            assert!(
                (d - scale * d0).abs() <= 8.0 * f64::EPSILON * d.abs(),
                "{u} {c}"
            );
        }
        let (l, d) = shifted_loss_and_derivative(2001.0, 2000.0);
        let expected = (-1.0_f64).exp();
        assert!((l - expected).abs() <= 2.0 * f64::EPSILON * expected);
        assert!((d + expected).abs() <= 2.0 * f64::EPSILON * expected);
    }

    /// Reference values computed with 50-digit arithmetic (Python `mpmath`, mp.dps = 50) and
    /// rounded to f64.
    #[test]
    fn known_values() {
        // ℓ(0) = log 2.
        assert!((loss(0.0) - std::f64::consts::LN_2).abs() <= f64::EPSILON);
        // ℓ(40) = log1p(e^-40) = 4.248354255291589e-18 (mpmath).
        let l40 = 4.248_354_255_291_589e-18;
        assert!((loss(40.0) - l40).abs() <= 4.0 * f64::EPSILON * l40);
        // ℓ(−1e4) = 1e4 + log1p(e^-1e4) = 1e4 exactly in f64.
        assert_eq!(loss(-1e4), 1e4);
        // ℓ(1e4) = e^-1e4 underflows to 0: the true value is below the smallest subnormal.
        assert_eq!(loss(1e4), 0.0);
        // φ(−40) = 4.248354255291589e-18 (mpmath).
        assert!((sigmoid(-40.0) - l40).abs() <= 4.0 * f64::EPSILON * l40);
        // d(0) = 1/4.
        assert_eq!(fisher_weight(0.0), 0.25);
        // log d(±1e4) = −1e4 − 2 log1p(e^-1e4) = −1e4.
        assert_eq!(log_fisher_weight(1e4), -1e4);
        assert_eq!(log_fisher_weight(-1e4), -1e4);
        assert_eq!(natural_target(0.0), -2.0);
        assert_eq!(natural_target(1e4), -1.0);
    }

    #[test]
    fn finite_and_consistent_over_wide_range() {
        let mut u = -1e4;
        while u <= 1e4 {
            for f in [loss(u), sigmoid(u), fisher_weight(u), log_fisher_weight(u)] {
                assert!(f.is_finite(), "non-finite at u = {u}");
            }
            // ℓ'(u) = −φ(−u) and d = φ(u)φ(−u).
            let d = sigmoid(u) * sigmoid(-u);
            assert!((fisher_weight(u) - d).abs() <= 4.0 * f64::EPSILON * d.max(f64::MIN_POSITIVE));
            if u > -700.0 {
                // t = ℓ'/d wherever d does not underflow.
                if d > 1e-300 {
                    let t = loss_derivative(u) / d;
                    assert!((natural_target(u) - t).abs() <= 1e-12 * t.abs());
                }
            }
            u += 37.3;
        }
    }

    #[test]
    fn fused_loss_and_derivative_is_bit_identical() {
        let mut u = -800.0;
        while u <= 800.0 {
            for v in [u, -u, u * 1e-3] {
                let (l, dl) = loss_and_derivative(v);
                assert_eq!(l.to_bits(), loss(v).to_bits(), "u = {v}");
                assert_eq!(dl.to_bits(), loss_derivative(v).to_bits(), "u = {v}");
            }
            u += 3.7;
        }
        for v in [0.0, -0.0, 1e4, -1e4, f64::MIN_POSITIVE] {
            assert_eq!(loss_and_derivative(v), (loss(v), loss_derivative(v)));
        }
    }

    #[test]
    fn derivative_matches_central_difference() {
        for &u in &[-30.0, -3.0, -0.5, 0.0, 0.7, 4.0, 25.0] {
            let h = 1e-5;
            let fd = (loss(u + h) - loss(u - h)) / (2.0 * h);
            assert!((fd - loss_derivative(u)).abs() <= 1e-9, "u = {u}");
            let fd2 = (loss_derivative(u + h) - loss_derivative(u - h)) / (2.0 * h);
            assert!((fd2 - fisher_weight(u)).abs() <= 1e-9, "u = {u}");
        }
    }
}
