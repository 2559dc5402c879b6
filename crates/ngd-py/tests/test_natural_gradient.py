"""Every natural-gradient route against a NumPy brute force on random problems
(N < D, N = D, N = P = L·D, N > P), and the factorization natural gradients."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import EPS, SAFETY, DiagProblem, assert_close, sigmoid

import ngd
from ngd import fisher

MOORE_PENROSE_ALWAYS = ["auto", "min_norm"]


@pytest.mark.parametrize("route", MOORE_PENROSE_ALWAYS)
def test_always_moore_penrose_routes_match_pinv(diag_problem, route):
    p = diag_problem
    g = fisher.diag_natural_gradient(p.xt, p.u, p.c, route=route)
    assert_close(g.direction, p.pinv_natural_gradient(), p.tolerance(), route)
    assert g.direction.dtype == np.float64 and g.direction.shape == (p.depth, p.d)
    # The reported accuracy estimate is within the library's bound (1e-6) and bounds the
    # actual error against pinv (up to the brute force's own κ² ε); κ ≥ 1.
    assert g.condition >= 1.0 and 0.0 <= g.accuracy <= 1e-6
    err = np.linalg.norm(g.direction - p.pinv_natural_gradient()) / np.linalg.norm(g.direction)
    assert err <= SAFETY * g.accuracy + p.tolerance()


def test_kernel_route_is_moore_penrose_when_n_le_d_and_singular_otherwise(diag_problem):
    p = diag_problem
    if p.n <= p.d:
        g = fisher.diag_natural_gradient(p.xt, p.u, p.c, route="kernel")
        assert (g.route, g.rank) == ("kernel", p.n)
        assert_close(g.direction, p.pinv_natural_gradient(), p.tolerance(), "kernel")
    else:
        with pytest.raises(ngd.SingularError):
            fisher.diag_natural_gradient(p.xt, p.u, p.c, route="kernel")


def test_weighted_route_is_moore_penrose_when_n_ge_d_and_singular_otherwise(diag_problem):
    p = diag_problem
    if p.n >= p.d:
        g = fisher.diag_natural_gradient(p.xt, p.u, p.c, route="weighted")
        assert (g.route, g.rank) == ("weighted", p.d)
        assert_close(g.direction, p.pinv_natural_gradient(), p.tolerance(), "weighted")
    else:
        with pytest.raises(ngd.SingularError):
            fisher.diag_natural_gradient(p.xt, p.u, p.c, route="weighted")


@pytest.mark.parametrize("route", ["paper_layerwise", "dense_beta"])
def test_valid_natural_gradient_routes_solve_the_fisher_system(diag_problem, route):
    p = diag_problem
    g = fisher.diag_natural_gradient(p.xt, p.u, p.c, route=route).direction.reshape(-1)
    f = p.fisher_w()
    residual = np.linalg.norm(f @ g - p.grad_w())
    scale = np.linalg.norm(f, 2) * np.linalg.norm(g)
    assert residual <= p.tolerance() * scale, f"{route}: F g ≠ ∇_w ({residual:.3e})"
    if route == "dense_beta" and p.n >= p.d:  # F(β) invertible: Moore–Penrose
        assert_close(g.reshape(p.depth, p.d), p.pinv_natural_gradient(), p.tolerance())


def test_auto_picks_kernel_or_weighted(diag_problem):
    p = diag_problem
    g = fisher.diag_natural_gradient(p.xt, p.u, p.c)
    assert g.route == ("kernel" if p.n <= p.d else "weighted")
    assert g.fallback_from is None


def test_auto_falls_back_to_min_norm_on_rank_deficiency():
    p = DiagProblem(4, 6, depth=2, seed=3)
    xt = p.xt.copy()
    xt[3] = xt[0] + xt[1]  # rank X̃ = 3 < N: the kernel is singular
    u = xt @ p.beta
    g = fisher.diag_natural_gradient(xt, u, p.c)
    assert (g.route, g.fallback_from, g.rank) == ("min_norm", "kernel", 3)
    with pytest.raises(ngd.SingularError):
        fisher.diag_natural_gradient(xt, u, p.c, route="kernel")


def test_rcond_changes_the_cut_off():
    p = DiagProblem(4, 6, depth=2, seed=4)
    loose = fisher.diag_natural_gradient(p.xt, p.u, p.c, route="min_norm", rcond=0.999)
    assert loose.rank == 1


def test_rust_dense_reference_and_one_call_api_agree(diag_problem):
    p = diag_problem
    dense, rank = fisher.dense_natural_gradient(p.xt, p.u, p.c)
    assert rank == min(p.n, p.d)
    assert_close(dense, p.pinv_natural_gradient(), p.tolerance(), "dense")
    one_call = fisher.natural_gradient(p.model, p.x, p.y)
    assert_close(one_call.direction, p.pinv_natural_gradient(), p.tolerance(), "one call")


def test_population_route_matches_pinv(diag_problem):
    p = diag_problem
    rng = np.random.default_rng(7)
    xp = rng.standard_normal((3 * p.d, p.d))
    g = fisher.population_natural_gradient(p.xt, p.u, p.c, xp, p.beta)
    assert g.route == "population"
    dp = sigmoid(xp @ p.beta) * sigmoid(-xp @ p.beta)
    m = (np.sqrt(dp)[:, None] * xp) @ p.jac / np.sqrt(len(xp))
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    keep = s > s[0] * max(m.shape) * EPS
    v = vt[keep].T
    expected = (v @ ((v.T @ p.grad_w()) / s[keep] ** 2)).reshape(p.depth, p.d)
    kappa = s[keep][0] / s[keep][-1]
    assert_close(g.direction, expected, SAFETY * kappa**2 * EPS, "population")


def test_population_needs_m_ge_d():
    p = DiagProblem(4, 6, depth=2, seed=5)
    xp = np.ones((3, 6))
    with pytest.raises(ngd.SingularError):
        fisher.population_natural_gradient(p.xt, p.u, p.c, xp, p.beta)


# --- factorizations --------------------------------------------------------------------


def well_conditioned_factors(depth, d, seed):
    rng = np.random.default_rng(seed)
    return [np.eye(d) + 0.3 * rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(depth)]


def product(matrices):
    out = matrices[0]
    for m in matrices[1:]:
        out = out @ m
    return out


def vec(m):
    return m.reshape(-1, order="F")


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("d", [3, 4])
def test_factorization_moore_penrose_matches_pinv(depth, d):
    factors = well_conditioned_factors(depth, d, seed=10 * depth + d)
    grad = np.random.default_rng(d).standard_normal((d, d))
    jac = ngd.MatrixFactorization(factors).jacobian()
    s = np.linalg.svd(jac, compute_uv=False)
    kappa = s[0] / s[s > s[0] * max(jac.shape) * EPS][-1]
    expected = np.linalg.pinv(jac) @ vec(grad)
    g = fisher.factorization_natural_gradient(factors, grad, method="moore_penrose")
    assert g.method == {1: "direct", 2: "sylvester", 3: "conjugate_gradient"}[depth]
    got = np.concatenate([vec(gi) for gi in g.directions])
    # CG stops at a relative residual of 1e-10 (its default tolerance).
    tol = SAFETY * kappa**2 * EPS + (kappa * 1e-10 if depth >= 3 else 0.0)
    assert_close(got, expected, tol, f"Moore–Penrose L={depth}")
    dense, rank = fisher.dense_factorization_natural_gradient(factors, grad)
    assert rank == d * d
    assert_close(np.concatenate([vec(gi) for gi in dense]), expected, SAFETY * kappa**2 * EPS)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_factorization_layer_split_matches_formula_and_solves_the_system(depth):
    d = 4
    factors = well_conditioned_factors(depth, d, seed=depth)
    grad = np.random.default_rng(1).standard_normal((d, d))
    g = fisher.factorization_natural_gradient(factors, grad, method="layer_split")
    assert g.method == "layer_split" and len(g.factor_ranks) == depth
    prefixes = [product([np.eye(d)] + factors[:i]) for i in range(depth)]
    suffixes = [product([np.eye(d)] + factors[i + 1 :]) for i in range(depth)]
    total = np.zeros((d, d))
    for gi, a, b in zip(g.directions, prefixes, suffixes):
        expected = np.linalg.pinv(a) @ grad @ np.linalg.pinv(b) / depth
        kappa = np.linalg.cond(a) * np.linalg.cond(b)
        assert_close(gi, expected, SAFETY * kappa * EPS * d, "layer split G_i")
        total += a @ gi @ b
    assert_close(total, grad, SAFETY * d * EPS * depth * 10, "Σ A_i G_i B_i = G")
