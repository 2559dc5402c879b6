"""Natural gradients of every model of the open engine against the NumPy brute force of
``generic_reference``: every exact route, absolute and relative damping, the empirical Fisher,
the diagonal / block / K-FAC approximations, the NTKs — for N < P, N = P and N > P."""

from __future__ import annotations

import numpy as np
import pytest

from generic_reference import EPS, MODELS, GenericProblem, assert_close, rank_bound
from ngd import fisher


def sizes(name):
    p = MODELS[name]().param_count
    return [p // 2, p, 2 * p]  # N < P, N = P, N > P


CASES = [(name, n) for name in MODELS for n in sizes(name)]
IDS = [f"{name}-N{n}" for name, n in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def problem(request):
    name, n = request.param
    return GenericProblem(name, n, "logistic", seed=7 * n + len(name))


def routes_for(problem):
    """``auto`` and ``min_norm`` always; ``kernel`` where its precondition (full row rank:
    ``rank C = N``) holds; ``least_squares`` when ``N`` exceeds the rank bound."""
    routes = ["auto", "min_norm"]
    if len(problem.kept_spectrum(problem.curvature())) == problem.n:
        routes.append("kernel")
    if problem.n > rank_bound(problem.model):
        routes.append("least_squares")
    return routes


def natural(problem, **kwargs):
    return fisher.natural_gradient_generic(problem.model, problem.w, problem.x, problem.y,
                                           loss=problem.loss, **kwargs)


def test_every_exact_route_matches_pinv(problem):
    expected = problem.pinv_direction()
    rank = len(problem.kept_spectrum(problem.curvature()))
    for route in routes_for(problem):
        g = natural(problem, route=route)
        assert_close(g.direction, expected, problem.tolerance(), f"route {route}")
        assert g.rank == rank, route
        assert g.damping == 0.0
        if route != "auto":
            assert g.route == route


@pytest.mark.parametrize("name", list(MODELS))
def test_squared_loss_and_empirical_fisher_match_pinv(name):
    p = GenericProblem(name, MODELS[name]().param_count // 2, "squared", seed=3)
    assert_close(natural(p).direction, p.pinv_direction(), p.tolerance(), "squared")
    g = natural(p, curvature="empirical", route="min_norm")
    assert_close(g.direction, p.pinv_direction("empirical"), p.tolerance("empirical"),
                 "empirical")


def test_damped_absolute_and_relative_match_solve(problem):
    c = problem.curvature()
    lam = 1e-2 * np.trace(c) / len(c)
    g = natural(problem, damping=lam)
    assert_close(g.direction, problem.damped_direction(lam), problem.tolerance(lam=lam),
                 "absolute damping")
    assert g.damping == lam and g.rank == problem.model.param_count
    g = natural(problem, relative_damping=1e-2)
    assert g.damping == pytest.approx(lam, rel=100 * EPS * len(c))
    assert_close(g.direction, problem.damped_direction(lam), problem.tolerance(lam=lam),
                 "relative damping")
    lam_e = 1e-1
    g = natural(problem, damping=lam_e, curvature="empirical")
    assert_close(g.direction, problem.damped_direction(lam_e, "empirical"),
                 problem.tolerance("empirical", lam_e), "damped empirical")


def test_diagonal_and_block_approximations(problem):
    c, grad = problem.curvature(), problem.gradient()
    diag = np.diag(c)
    g = natural(problem, approximation="diagonal")
    expected = np.where(diag >= diag.max() * len(c) * EPS, grad / diag, 0.0)
    kappa = diag.max() / diag[diag >= diag.max() * len(c) * EPS].min()
    assert_close(g.direction, expected, 1e2 * kappa * EPS, "diagonal")
    lam = 1e-3
    g = natural(problem, approximation="diagonal", damping=lam)
    assert_close(g.direction, grad / (diag + lam), 1e2 * EPS, "damped diagonal")
    damped_blocks = np.zeros_like(grad)
    for start, stop in problem.model.layers():
        block = c[start:stop, start:stop]
        damped_blocks[start:stop] = np.linalg.solve(block + lam * np.eye(stop - start),
                                                    grad[start:stop])
    g = natural(problem, approximation="block", damping=lam)
    kappa = np.linalg.cond(c + lam * np.eye(len(c)))
    assert_close(g.direction, damped_blocks, 1e2 * kappa * EPS, "damped block")
    assert g.route == "block_diagonal"


def test_exact_block_on_full_rank_blocks():
    """With ``N > P`` every per-layer block is invertible: ``C_bb⁻¹ ∇_b`` per block."""
    p = GenericProblem("tanh", 40, "logistic", seed=11)
    c, grad = p.curvature(), p.gradient()
    expected = np.concatenate([np.linalg.solve(c[a:b, a:b], grad[a:b])
                               for a, b in p.model.layers()])
    kappa = max(np.linalg.cond(c[a:b, a:b]) for a, b in p.model.layers())
    assert_close(natural(p, approximation="block").direction, expected, 1e3 * kappa * EPS,
                 "block")


@pytest.mark.parametrize("n", [3, 8, 16])
def test_kfac_exact_damping_matches_kronecker_solve(n):
    p = GenericProblem("deep_linear", n, "logistic", seed=n)
    lam = 1e-2
    g = natural(p, approximation="kfac", damping=lam, kfac_damping="exact")
    assert g.route == "kfac"
    assert_close(g.direction, p.kfac_direction(lam), 1e6 * EPS / lam, "K-FAC")


def test_tangent_kernels(problem):
    theta = fisher.tangent_kernel(problem.model, problem.w, problem.x)
    assert_close(theta, problem.jac @ problem.jac.T, 1e2 * EPS * problem.n, "NTK")
    natural_theta = fisher.natural_tangent_kernel(problem.model, problem.w, problem.x,
                                                  problem.y)
    g = natural(problem, route="min_norm").direction
    # J g = Θ_nat r for the Moore–Penrose natural gradient.
    assert_close(problem.jac @ g, natural_theta @ problem.natural_target(),
                 problem.tolerance(), "natural NTK")
    if np.linalg.matrix_rank(problem.jac) == problem.n:
        assert_close(natural_theta, np.eye(problem.n), problem.tolerance(), "Θ_nat = I")
