"""The open engine's model classes: outputs, β, Jacobian–vector products and the dense
Jacobian of every shipped model, against each other and against central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import ngd
from generic_reference import EPS, MODELS, assert_close


@pytest.fixture(params=list(MODELS))
def case(request):
    rng = np.random.default_rng(5)
    model = MODELS[request.param]()
    w = rng.standard_normal(model.param_count)
    x = rng.standard_normal((5, model.input_dim))
    return model, w, x, rng


def central_difference_jacobian(f, w):
    """``(f(w + h e_k) − f(w − h e_k)) / 2h`` per column, ``h = ε^{1/3} max(1, |w_k|)``."""
    columns = []
    for k in range(len(w)):
        h = EPS ** (1 / 3) * max(1.0, abs(w[k]))
        e = np.zeros_like(w)
        e[k] = h
        columns.append((f(w + e) - f(w - e)) / (2 * h))
    return np.stack(columns, axis=1)


def test_jacobian_matches_central_differences(case):
    model, w, x, _ = case
    jac = model.jacobian(w, x)
    assert jac.shape == (5, model.param_count)
    fd = central_difference_jacobian(lambda v: model.outputs(v, x), w)
    # Truncation O(h²) + round-off O(ε/h) with h = ε^{1/3}: about ε^{2/3} relative.
    assert_close(jac, fd, 1e2 * EPS ** (2 / 3), "Jacobian vs central differences")


def test_products_match_the_dense_jacobian(case):
    model, w, x, rng = case
    jac = model.jacobian(w, x)
    v = rng.standard_normal(model.param_count)
    u = rng.standard_normal(5)
    tol = 1e2 * EPS * model.param_count
    assert_close(model.jvp(w, v, x), jac @ v, tol, "jvp")
    assert_close(model.vjp(w, u, x), jac.T @ u, tol, "vjp")


def test_layers_partition_the_parameters(case):
    model, *_ = case
    layers = model.layers()
    assert layers[0][0] == 0 and layers[-1][1] == model.param_count
    assert all(a[1] == b[0] for a, b in zip(layers, layers[1:]))


def test_beta_space_of_models_linear_in_the_input(case):
    model, w, x, rng = case
    if not model.linear_in_input:
        with pytest.raises(ngd.InvalidArgumentError, match="pass the inputs x"):
            model.beta(w)
        with pytest.raises(ngd.InvalidArgumentError, match="network"):
            model.jacobian(w)
        return
    beta = model.beta(w)
    tol = 1e2 * EPS * model.param_count
    assert_close(model.outputs(w, x), x @ beta, tol, "s = X β")
    jb = model.jacobian(w)
    assert_close(model.jacobian(w, x), x @ jb, tol, "∂s/∂w = X ∂β/∂w")
    assert_close(jb, central_difference_jacobian(model.beta, w), 1e2 * EPS ** (2 / 3), "∂β/∂w")
    v, u = rng.standard_normal(model.param_count), rng.standard_normal(len(beta))
    assert_close(model.jvp(w, v), jb @ v, tol, "β jvp")
    assert_close(model.vjp(w, u), jb.T @ u, tol, "β vjp")


def test_shipped_formulas():
    """Spot checks of the documented layouts: the diagonal network's β, the two-layer tanh
    network ``s = v @ tanh(W x)`` with ``w = (W.ravel(), v)``, the factorization's
    column-major ``vec``."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal(8)
    diag = ngd.models.DiagonalParametrization(2, 4)
    np.testing.assert_allclose(diag.beta(w), w[:4] * w[4:], rtol=4 * EPS)
    tanh = ngd.models.TwoLayerTanh(3, 2)
    x = rng.standard_normal((4, 3))
    big_w, v = w[:6].reshape(2, 3), w[6:]
    np.testing.assert_allclose(tanh.outputs(w, x), np.tanh(x @ big_w.T) @ v, rtol=1e2 * EPS)
    fact = ngd.models.FactorizationParametrization(2, 2)
    w1, w2 = w[:4].reshape(2, 2, order="F"), w[4:].reshape(2, 2, order="F")
    np.testing.assert_allclose(fact.beta(w), (w1 @ w2).reshape(-1, order="F"), rtol=1e2 * EPS)
    assert isinstance(tanh, ngd.models.Model)
    assert repr(tanh) == "TwoLayerTanh(dim=3, hidden=2)"
    assert ngd.models.DeepLinearNet(3, [2]).param_count == 3 * 2 + 2
