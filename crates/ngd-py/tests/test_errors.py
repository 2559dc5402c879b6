"""Every bad argument raises the right exception, with the library's message."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DiagProblem

import ngd
from ngd import fisher, runs


@pytest.fixture
def p():
    return DiagProblem(4, 6, depth=2, seed=21)


def test_hierarchy():
    assert issubclass(ngd.ShapeError, ngd.NgdError) and issubclass(ngd.ShapeError, ValueError)
    assert issubclass(ngd.InvalidArgumentError, ValueError)
    assert issubclass(ngd.NonFiniteError, ValueError)
    assert issubclass(ngd.SingularError, ArithmeticError)
    assert issubclass(ngd.SolverError, ArithmeticError)
    assert issubclass(ngd.ExperimentError, RuntimeError)
    assert issubclass(ngd.ResultsFormatError, ValueError)


@pytest.mark.parametrize(
    "call, exception, pattern",
    [
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, p.c, route="fast"),
         ngd.InvalidArgumentError, "unknown route"),
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, p.c, route="population"),
         ngd.InvalidArgumentError, "population_natural_gradient"),
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, p.c, rcond=1.5),
         ngd.InvalidArgumentError, "rcond"),
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, p.c, rcond=float("nan")),
         ngd.InvalidArgumentError, "rcond"),
        (lambda p: fisher.diag_natural_gradient(np.full((4, 6), np.nan), p.u, p.c),
         ngd.NonFiniteError, "signed data"),
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, np.full((2, 6), np.inf)),
         ngd.NonFiniteError, "cofactors"),
        (lambda p: fisher.diag_natural_gradient(np.zeros((0, 6)), np.zeros(0), p.c),
         ngd.ShapeError, "N × D with N, D ≥ 1"),
        (lambda p: fisher.diag_natural_gradient(p.xt, p.u, np.zeros((0, 6))),
         ngd.ShapeError, "cofactors"),
        (lambda p: fisher.population_natural_gradient(p.xt, p.u, p.c, np.ones((9, 5)), p.beta),
         ngd.ShapeError, r"x_population: expected shape \(M, D\) = \(M, 6\)"),
        (lambda p: fisher.population_natural_gradient(p.xt, p.u, p.c, np.ones((9, 6)), p.beta[:3]),
         ngd.ShapeError, r"beta: expected shape \(D,\) = \(6,\)"),
        (lambda p: fisher.diag_fisher_vector_product(p.xt, p.u, p.c, np.ones((3, 6))),
         ngd.ShapeError, r"v: expected shape \(L, D\) = \(2, 6\)"),
        (lambda p: fisher.natural_gradient(p.model, p.x[:, :3], p.y),
         ngd.ShapeError, r"x: expected shape \(N, D\) = \(N, 6\)"),
        (lambda p: ngd.DiagonalNet(np.ones(3)), ngd.ShapeError, "weights"),
        (lambda p: ngd.DiagonalNet.gaussian(0, 3, 1.0, seed=0), ngd.InvalidArgumentError, "depth"),
        (lambda p: ngd.DiagonalNet.gaussian(2, 3, -1.0, seed=0), ngd.InvalidArgumentError, "scale"),
        (lambda p: ngd.MatrixFactorization([]), ngd.InvalidArgumentError, "at least one factor"),
        (lambda p: ngd.MatrixFactorization([np.eye(3), np.eye(2)]),
         ngd.ShapeError, r"factors\[1\]: expected shape \(3, 3\)"),
        (lambda p: ngd.MatrixFactorization([np.ones((2, 3))]), ngd.ShapeError, r"factors\[0\]"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_arguments(p, call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call(p)


def test_factorization_errors():
    eye = [np.eye(3), np.eye(3)]
    with pytest.raises(ngd.InvalidArgumentError, match="unknown method"):
        fisher.factorization_natural_gradient(eye, np.eye(3), method="exact")
    with pytest.raises(ngd.ShapeError, match=r"grad: expected shape \(D, D\) = \(3, 3\)"):
        fisher.factorization_natural_gradient(eye, np.eye(4))
    with pytest.raises(ngd.InvalidArgumentError, match="cg_tolerance"):
        fisher.factorization_natural_gradient(eye, np.eye(3), cg_tolerance=-1.0)
    with pytest.raises(ngd.SolverError, match="did not converge"):
        rng = np.random.default_rng(0)
        factors = [rng.standard_normal((4, 4)) for _ in range(3)]
        fisher.factorization_natural_gradient(factors, rng.standard_normal((4, 4)),
                                              cg_max_iterations=1, cg_tolerance=1e-14)
    with pytest.raises(ngd.InvalidArgumentError, match="unknown flow"):
        fisher.factorization_response(eye, np.eye(3), flow="sgd")
    with pytest.raises(ngd.InvalidArgumentError, match="needs eta"):
        fisher.factorization_response(eye, np.eye(3), flow="egd")
    with pytest.raises(ngd.ShapeError, match="v: expected shape"):
        fisher.factorization_fisher_vector_product(eye, [np.eye(3)])


def test_run_errors(p):
    model = ngd.DiagonalNet.constant(2, 6, 0.1)
    with pytest.raises(ngd.InvalidArgumentError, match="step size"):
        runs.egd(model, p.x, p.y, lr=-1.0, steps=10)
    with pytest.raises(ngd.InvalidArgumentError, match="unknown step rule"):
        runs.egd(model, p.x, p.y, lr=0.1, steps=10, step="adam")
    with pytest.raises(ngd.InvalidArgumentError, match="labels must be"):
        runs.egd(model, p.x, np.arange(4.0), lr=0.1, steps=10)
    with pytest.raises(ngd.ShapeError, match=r"y: expected shape \(N,\) = \(4,\)"):
        runs.egd(model, p.x, p.y[:2], lr=0.1, steps=10)
    with pytest.raises(ngd.ShapeError, match=r"x: expected shape \(N, D\) = \(N, 6\)"):
        runs.ngd(model, p.x[:, :2], p.y, lr=0.1, steps=10)
    with pytest.raises(ngd.InvalidArgumentError, match="points per decade"):
        runs.egd(model, p.x, p.y, lr=0.1, steps=10, points_per_decade=0)
    with pytest.raises(ngd.InvalidArgumentError, match="NGD step size"):
        runs.ngd(model, p.x, p.y, lr=0.0, steps=10)
    with pytest.raises(ngd.InvalidArgumentError, match="one route"):
        runs.ngd(model, p.x, p.y, lr=0.1, steps=10, route="kernel", x_population=np.ones((8, 6)))
    # At w = 0 every cofactor vanishes: J = 0, and a forced route is singular.
    with pytest.raises(ngd.SingularError, match="singular"):
        runs.ngd(ngd.DiagonalNet.constant(2, 6, 0.0), p.x, p.y, lr=0.1, steps=3,
                 route="weighted")


def test_experiment_errors(tmp_path):
    with pytest.raises(ngd.InvalidArgumentError, match="unknown experiment"):
        ngd.run("fig99", out=tmp_path)
    with pytest.raises(ngd.InvalidArgumentError, match="unknown preset"):
        ngd.run("fig4", preset="huge", out=tmp_path)
    with pytest.raises(ngd.InvalidArgumentError, match="no_such_key"):
        ngd.run("fig4", out=tmp_path, set=["no_such_key=1"])
    with pytest.raises(ngd.InvalidArgumentError, match="checkpoint_every"):
        ngd.run("fig4", out=tmp_path, checkpoint_every="soon")


def test_forced_weighted_route_rejects_rank_deficient_data():
    model = ngd.DiagonalNet.constant(2, 6, 0.1)
    with pytest.raises(ngd.SingularError):
        runs.ngd(model, np.ones((12, 6)) + np.arange(6), np.ones(12), lr=0.1, steps=3,
                 route="weighted")
