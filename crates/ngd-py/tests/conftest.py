"""Shared helpers of the ngd pytest suite: random problems and NumPy brute-force references.

Tolerances are derived from the problem: a brute-force pseudo-inverse solution and a
structured route agree to about ``κ² · ε`` relative to the solution's norm, where ``κ`` is the
condition number of the (nonzero part of the) whitened Jacobian ``M = diag(√d) X̃ J / √N``
and ``F(w) = Mᵀ M``; :func:`tolerance` returns ``C · κ² · ε`` with a small safety constant.
"""

from __future__ import annotations

import numpy as np
import pytest

import ngd

EPS = np.finfo(np.float64).eps
SAFETY = 1e3


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class DiagProblem:
    """A random diagonal-network problem with its NumPy brute-force quantities."""

    def __init__(self, n: int, d: int, depth: int, seed: int):
        rng = np.random.default_rng(seed)
        self.n, self.d, self.depth = n, d, depth
        self.model = ngd.DiagonalNet(rng.uniform(0.5, 1.5, (depth, d)) * rng.choice([-1, 1], (depth, d)))
        x = rng.standard_normal((n, d))
        y = rng.choice([-1.0, 1.0], n)
        self.x, self.y = x, y
        self.xt = x * y[:, None]
        self.beta = self.model.beta()
        self.u = self.xt @ self.beta
        self.c = self.model.cofactors()
        self.jac = self.model.jacobian()  # D × LD

    # --- brute force -------------------------------------------------------------------
    def fisher_weights(self):
        return sigmoid(self.u) * sigmoid(-self.u)

    def whitened_jacobian(self):
        """``M = diag(√d) X̃ J / √N`` with ``F(w) = Mᵀ M``."""
        return (np.sqrt(self.fisher_weights())[:, None] * self.xt) @ self.jac / np.sqrt(self.n)

    def fisher_w(self):
        m = self.whitened_jacobian()
        return m.T @ m

    def grad_beta(self):
        return self.xt.T @ (-sigmoid(-self.u)) / self.n

    def grad_w(self):
        return self.jac.T @ self.grad_beta()

    def condition(self):
        """κ of ``M`` on its range (singular values above the numerical-zero level)."""
        s = np.linalg.svd(self.whitened_jacobian(), compute_uv=False)
        kept = s[s > s[0] * max(self.whitened_jacobian().shape) * EPS]
        return kept[0] / kept[-1]

    def pinv_natural_gradient(self):
        """``pinv(F(w)) ∇_w L`` from an SVD of ``M`` (``F⁺ = V Σ⁻² Vᵀ`` on the range)."""
        m = self.whitened_jacobian()
        _, s, vt = np.linalg.svd(m, full_matrices=False)
        keep = s > s[0] * max(m.shape) * EPS
        v = vt[keep].T
        g = v @ ((v.T @ self.grad_w()) / s[keep] ** 2)
        return g.reshape(self.depth, self.d)

    def tolerance(self):
        return SAFETY * self.condition() ** 2 * EPS


def assert_close(actual, expected, rel_tol, what=""):
    """``‖actual − expected‖ ≤ rel_tol · max(‖expected‖, tiny)`` (Frobenius)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs {expected.shape}"
    scale = max(np.linalg.norm(expected), np.finfo(float).tiny)
    err = np.linalg.norm(actual - expected) / scale
    assert err <= rel_tol, f"{what}: relative error {err:.3e} > tolerance {rel_tol:.3e}"


# N < D, N = D, N = P = L·D (> D), N > P, for D = 6, L = 2 (P = 12).
SIZES = [(4, 6), (6, 6), (12, 6), (20, 6)]


@pytest.fixture(params=SIZES, ids=lambda s: f"N{s[0]}-D{s[1]}")
def diag_problem(request):
    n, d = request.param
    return DiagProblem(n, d, depth=2, seed=100 + n)
