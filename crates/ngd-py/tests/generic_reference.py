"""NumPy brute force for the open engine's tests: the curvature ``C = Jᵀ diag(S) J`` and the
gradient ``∇_w L = Jᵀ ∂L/∂s`` formed from the model's own dense Jacobian, then ``pinv(C) ∇``,
``(C + λI)⁻¹ ∇`` and the approximations; a random problem per model and size.

Tolerances: a route and ``pinv(C) ∇`` agree to about ``κ(C) · ε`` relative, ``κ(C)`` the
condition number of the kept spectrum (:meth:`GenericProblem.tolerance`, with a safety factor).
"""

from __future__ import annotations

import numpy as np

import ngd
from conftest import EPS, SAFETY, assert_close, sigmoid  # noqa: F401 (re-exported)


# name → (constructor, rank bound of the output Jacobian besides N: min(D_beta, P) or P)
MODELS = {
    "linear": lambda: ngd.models.LinearModel(4),
    "diagonal": lambda: ngd.models.DiagonalParametrization(2, 4),
    "factorization": lambda: ngd.models.FactorizationParametrization(2, 2),
    "deep_linear": lambda: ngd.models.DeepLinearNet(3, [2]),
    "tanh": lambda: ngd.models.TwoLayerTanh(3, 2),
    "relu": lambda: ngd.models.TwoLayerRelu(3, 2),
}


def rank_bound(model):
    """``min(D_β, P)`` for a model linear in its input (β has ``input_dim`` entries), else
    ``P``."""
    p = model.param_count
    return min(model.input_dim, p) if model.linear_in_input else p


class GenericProblem:
    """A random problem: model, parameters ``w``, data ``x`` ``(N, D)``, targets ``y``."""

    def __init__(self, name: str, n: int, loss: str, seed: int):
        rng = np.random.default_rng(seed)
        self.model = MODELS[name]()
        self.name, self.n, self.loss = name, n, loss
        p, d = self.model.param_count, self.model.input_dim
        self.w = rng.uniform(0.5, 1.2, p) * rng.choice([-1.0, 1.0], p)
        self.x = rng.standard_normal((n, d)) / np.sqrt(d)
        if loss == "logistic":
            self.y = rng.choice([-1.0, 1.0], n)
        else:
            self.y = rng.standard_normal(n)
        self.jac = self.model.jacobian(self.w, self.x)
        self.s = self.model.outputs(self.w, self.x)

    # --- brute force ------------------------------------------------------------------
    def output_gradient(self):
        """``∂L/∂s``: mean logistic ``−y σ(−u)/N``; squared ``s − t``."""
        if self.loss == "logistic":
            return -self.y * sigmoid(-self.y * self.s) / self.n
        return self.s - self.y

    def weights(self, curvature="fisher"):
        if self.loss == "logistic":
            u = self.y * self.s
            if curvature == "fisher":
                return sigmoid(u) * sigmoid(-u) / self.n
            return sigmoid(-u) ** 2 / self.n
        return np.ones(self.n) if curvature == "fisher" else (self.s - self.y) ** 2

    def curvature(self, curvature="fisher"):
        return self.jac.T @ (self.weights(curvature)[:, None] * self.jac)

    def gradient(self):
        return self.jac.T @ self.output_gradient()

    def kept_spectrum(self, c):
        values = np.linalg.eigvalsh(c)
        return values[values >= values.max() * c.shape[0] * EPS]

    def pinv_direction(self, curvature="fisher"):
        c = self.curvature(curvature)
        return np.linalg.pinv(c, rcond=c.shape[0] * EPS, hermitian=True) @ self.gradient()

    def damped_direction(self, lam, curvature="fisher"):
        c = self.curvature(curvature)
        return np.linalg.solve(c + lam * np.eye(len(c)), self.gradient())

    def tolerance(self, curvature="fisher", lam=0.0):
        kept = self.kept_spectrum(self.curvature(curvature))
        kappa = (kept.max() + lam) / (kept.min() + lam)
        return SAFETY * kappa * EPS

    def natural_target(self):
        """``r`` with ``∇ = Jᵀ S r``: logistic ``y ⊙ t(u)``, ``t(u) = −(1 + e^{−u})``."""
        if self.loss == "logistic":
            return self.y * -(1.0 + np.exp(-self.y * self.s))
        return self.s - self.y

    def kfac_direction(self, lam):
        """K-FAC with exact damping, ``(G_l ⊗ A_l + λI)⁻¹ ∇_l`` per layer of the deep linear
        net (row-major ``vec(W_l)``): ``A_l = a_{l−1}ᵀ a_{l−1}/N``, ``G_l = (Σ S_n) b_l b_lᵀ``,
        ``a_0 = X``, ``a_l = a_{l−1} W_lᵀ``, ``b_L = 1``, ``b_l = W_{l+1}ᵀ b_{l+1}``."""
        widths = [self.model.input_dim, 2, 1]
        mats, start = [], 0
        for h_in, h_out in zip(widths[:-1], widths[1:]):
            mats.append(self.w[start:start + h_in * h_out].reshape(h_out, h_in))
            start += h_in * h_out
        acts = [self.x]
        for m in mats:
            acts.append(acts[-1] @ m.T)
        backs = [np.ones(1)]
        for m in reversed(mats[1:]):
            backs.append(m.T @ backs[-1])
        backs.reverse()
        grad, total = self.gradient(), self.weights().sum()
        out, start = [], 0
        for l, m in enumerate(mats):
            a = acts[l].T @ acts[l] / self.n
            g = total * np.outer(backs[l], backs[l])
            k = np.kron(g, a)
            size = m.size
            out.append(np.linalg.solve(k + lam * np.eye(size), grad[start:start + size]))
            start += size
        return np.concatenate(out)

