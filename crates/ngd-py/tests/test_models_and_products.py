"""Models (forward map, Jacobian against central finite differences, seeded inits),
Fisher-vector products against the dense Fisher, and the tangent kernels."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import EPS, SAFETY, DiagProblem, assert_close, sigmoid

import ngd
from ngd import fisher


def central_difference_jacobian(f, w, h):
    cols = []
    for i in range(w.size):
        e = np.zeros_like(w)
        e.flat[i] = h
        cols.append((f(w + e) - f(w - e)).reshape(-1, order="F") / (2 * h))
    return np.stack(cols, axis=1)


def test_diagonal_net_forward_and_jacobian():
    w = np.random.default_rng(0).standard_normal((3, 5))
    net = ngd.DiagonalNet(w)
    assert (net.depth, net.dim) == (3, 5)
    np.testing.assert_array_equal(net.weights, w)
    assert_close(net.beta(), w.prod(axis=0), 4 * EPS)
    for layer in range(3):
        others = np.delete(w, layer, axis=0).prod(axis=0)
        assert_close(net.cofactors()[layer], others, 4 * EPS)
    h = EPS ** (1 / 3)
    fd = central_difference_jacobian(lambda v: v.reshape(3, 5).prod(axis=0), w.reshape(-1), h)
    # Central differences: truncation O(h²) + rounding O(ε/h) = O(ε^{2/3}).
    assert_close(net.jacobian(), fd, 100 * EPS ** (2 / 3))


def test_matrix_factorization_forward_and_jacobian():
    rng = np.random.default_rng(1)
    factors = [rng.standard_normal((3, 3)) for _ in range(3)]
    model = ngd.MatrixFactorization(factors)
    assert_close(model.product(), factors[0] @ factors[1] @ factors[2], 20 * EPS)
    stacked = np.concatenate([f.reshape(-1, order="F") for f in factors])

    def product(v):
        w = [v[9 * i : 9 * (i + 1)].reshape(3, 3, order="F") for i in range(3)]
        return w[0] @ w[1] @ w[2]

    fd = central_difference_jacobian(product, stacked, EPS ** (1 / 3))
    assert_close(model.jacobian(), fd, 100 * EPS ** (2 / 3))


def test_seeded_initializations_are_reproducible():
    a = ngd.DiagonalNet.gaussian(2, 7, 0.3, seed=5).weights
    b = ngd.DiagonalNet.gaussian(2, 7, 0.3, seed=5).weights
    c = ngd.DiagonalNet.gaussian(2, 7, 0.3, seed=6).weights
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(ngd.DiagonalNet.constant(3, 4, 0.5).beta() == 0.125)
    f = ngd.MatrixFactorization.gaussian(2, 4, 1.0, seed=3, collapse=2)
    g = ngd.MatrixFactorization.gaussian(2, 4, 1.0, seed=3, collapse=2)
    for x, y in zip(f.factors, g.factors):
        np.testing.assert_array_equal(x, y)


def test_diag_fisher_vector_product_matches_dense_fisher(diag_problem):
    p = diag_problem
    v = np.random.default_rng(2).standard_normal((p.depth, p.d))
    fv = fisher.diag_fisher_vector_product(p.xt, p.u, p.c, v)
    expected = (p.fisher_w() @ v.reshape(-1)).reshape(p.depth, p.d)
    assert_close(fv, expected, SAFETY * p.n * EPS)


def test_factorization_fisher_vector_product_matches_dense_jacobian():
    rng = np.random.default_rng(3)
    factors = [rng.standard_normal((3, 3)) for _ in range(3)]
    v = [rng.standard_normal((3, 3)) for _ in range(3)]
    jac = ngd.MatrixFactorization(factors).jacobian()
    stacked = np.concatenate([m.reshape(-1, order="F") for m in v])
    expected = jac.T @ (jac @ stacked)
    got = fisher.factorization_fisher_vector_product(factors, v)
    got = np.concatenate([m.reshape(-1, order="F") for m in got])
    assert_close(got, expected, SAFETY * 27 * EPS)


def test_logistic_gradient_and_sample_fisher(diag_problem):
    p = diag_problem
    assert_close(fisher.logistic_gradient(p.xt, p.u), p.grad_beta(), SAFETY * p.n * EPS)
    d = sigmoid(p.u) * sigmoid(-p.u)
    expected = p.xt.T @ (d[:, None] * p.xt) / p.n
    assert_close(fisher.sample_fisher(p.xt, p.u), expected, SAFETY * p.n * EPS)


def test_egd_ntk_and_natural_ntk(diag_problem):
    p = diag_problem
    k = fisher.egd_ntk(p.xt, p.c)
    assert_close(k, p.xt @ p.jac @ p.jac.T @ p.xt.T, SAFETY * p.d * EPS)
    theta = fisher.natural_ntk(p.xt, p.u, p.c)
    g = p.pinv_natural_gradient().reshape(-1)
    target = -(1 + np.exp(-p.u))
    assert_close(theta @ target, p.xt @ p.jac @ g, p.tolerance(), "X̃ J g = Θ t")
    if p.n <= p.d:
        assert_close(theta, np.eye(p.n), p.tolerance(), "Θ = I when rank X̃J = N")


@pytest.mark.parametrize("flow", ["egf", "ngf", "egd", "ngd"])
def test_factorization_responses(flow):
    rng = np.random.default_rng(4)
    factors = [np.eye(3) + 0.2 * rng.standard_normal((3, 3)) for _ in range(2)]
    e = np.zeros((3, 3))
    e[0, 1] = 1.0
    eta = 1e-3 if flow in ("egd", "ngd") else None
    r = fisher.factorization_response(factors, e, flow=flow, eta=eta)
    assert r.shape == (3, 3)
    jac = ngd.MatrixFactorization(factors).jacobian()
    if flow == "egf":  # J Jᵀ vec E
        expected = (jac @ jac.T @ e.reshape(-1, order="F")).reshape(3, 3, order="F")
        assert_close(r, expected, SAFETY * 9 * EPS)
    if flow == "ngf":  # J J⁺ vec E = vec E when J has full row rank
        assert_close(r, e, SAFETY * np.linalg.cond(jac) ** 2 * EPS)
