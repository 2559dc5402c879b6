"""Runs of any model (``ngd.runs.egd_generic`` / ``ngd_generic``): EGD against NumPy, one NGD
step per direction against ``natural_gradient_generic``, recording and callbacks, Ctrl-C
through the executor's cancellation flag, and bad arguments of the open engine."""

from __future__ import annotations

import _thread
import threading

import numpy as np
import pytest

import ngd
from generic_reference import EPS, GenericProblem, assert_close
from ngd import fisher, runs


@pytest.fixture
def tanh():
    return GenericProblem("tanh", 6, "logistic", seed=1)


def egd(p, **kwargs):
    return runs.egd_generic(p.model, p.w, p.x, p.y, loss=p.loss, **kwargs)


def test_egd_matches_numpy_gradient_descent(tanh):
    lr, steps = 0.3, 20
    w = tanh.w.copy()
    for _ in range(steps):
        p = GenericProblem.__new__(GenericProblem)
        p.__dict__.update(tanh.__dict__, w=w, s=tanh.model.outputs(w, tanh.x),
                          jac=tanh.model.jacobian(w, tanh.x))
        w = w - lr * p.gradient()
    t = egd(tanh, lr=lr, steps=steps)
    assert t.stop == "budget" and t.final_step == steps
    assert_close(t.final_params, w, 1e2 * steps * EPS, "EGD")
    assert t.params.shape == (len(t.steps), tanh.model.param_count)
    np.testing.assert_array_equal(t.params[-1], t.final_params)
    assert np.all(np.diff(t.losses) < 0)


DIRECTIONS = [
    {},
    {"route": "min_norm"},
    {"damping": 1e-3},
    {"relative_damping": 1e-2},
    {"damping": 1e-2, "curvature": "empirical"},
    {"approximation": "diagonal"},
    {"approximation": "block", "damping": 1e-3},
]


@pytest.mark.parametrize("kwargs", DIRECTIONS, ids=lambda k: repr(k))
@pytest.mark.parametrize("name", ["tanh", "diagonal"])
def test_one_ngd_step_follows_the_generic_direction(name, kwargs):
    p = GenericProblem(name, 6, "logistic", seed=2)
    g = fisher.natural_gradient_generic(p.model, p.w, p.x, p.y, **kwargs)
    t = runs.ngd_generic(p.model, p.w, p.x, p.y, lr=0.1, steps=1, **kwargs)
    assert t.last_route is not None and t.last_rank is not None
    assert_close(t.final_params, p.w - 0.1 * g.direction, 1e6 * EPS, f"{name} {kwargs}")


def test_ngd_kfac_and_step_sizes_on_the_deep_linear_net():
    p = GenericProblem("deep_linear", 12, "logistic", seed=3)
    for step_size, cap in [("fixed", None), ("backtracking", None), ("relative_cap", 0.5)]:
        t = runs.ngd_generic(p.model, p.w, p.x, p.y, lr=1.0, steps=30, step_size=step_size,
                             cap=cap, approximation="kfac", damping=1e-3)
        assert t.last_route == "kfac"
        assert t.final_loss < t.losses[0], step_size
    squared = GenericProblem("linear", 8, "squared", seed=4)
    t = runs.ngd_generic(squared.model, squared.w, squared.x, squared.y, lr=1.0, steps=1,
                         loss="squared")
    # One full NGD step solves a linear least-squares problem (N > P: the residual is minimal).
    w_star = np.linalg.lstsq(squared.x, squared.y, rcond=None)[0]
    assert_close(t.final_params, w_star, 1e3 * np.linalg.cond(squared.x) ** 2 * EPS, "LS")


def test_callback_records_and_stops(tanh):
    seen = []

    def callback(step, loss, w):
        seen.append((step, loss, w.shape))
        return step < 10 or False

    t = egd(tanh, lr=0.1, steps=1000, callback=callback)
    assert t.stop == "callback"
    assert seen[-1][0] == t.final_step and all(s[2] == (8,) for s in seen)
    np.testing.assert_array_equal(t.steps, [s[0] for s in seen])


def short_run(p):
    return egd(p, lr=0.1, steps=50).final_params


def test_interrupted_generic_runs_leave_the_process_usable(tanh):
    before = short_run(tanh)

    def interrupt(step, loss, w):
        if step >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runs.ngd_generic(tanh.model, tanh.w, tanh.x, tanh.y, lr=0.01, steps=10**6,
                         damping=1e-3, callback=interrupt)
    timer = threading.Timer(0.3, _thread.interrupt_main)  # SIGINT as if from Ctrl-C
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # ~10⁹ steps: far beyond the test's time, unless the cancellation flag stops it.
            runs.ngd_generic(tanh.model, tanh.w, tanh.x, tanh.y, lr=1e-9, steps=10**9,
                             divergence_factor=None)
    finally:
        timer.cancel()
    np.testing.assert_array_equal(short_run(tanh), before)


def test_bad_arguments_raise_the_right_exceptions(tanh):
    m, w, x, y = tanh.model, tanh.w, tanh.x, tanh.y
    ng = fisher.natural_gradient_generic
    invalid = ngd.InvalidArgumentError
    cases = [
        (invalid, "loss: unknown loss", lambda: ng(m, w, x, y, loss="hinge")),
        (invalid, "route: unknown route", lambda: ng(m, w, x, y, route="qr")),
        (invalid, "curvature: unknown", lambda: ng(m, w, x, y, curvature="hessian")),
        (invalid, "approximation: unknown", lambda: ng(m, w, x, y, approximation="lowrank")),
        (invalid, "at most one", lambda: ng(m, w, x, y, damping=1.0, relative_damping=1.0)),
        (invalid, "leave route", lambda: ng(m, w, x, y, route="kernel", damping=1.0)),
        (invalid, "DeepLinearNet only", lambda: ng(m, w, x, y, approximation="kfac",
                                                   damping=1.0)),
        (invalid, "damping λ", lambda: ng(m, w, x, y, damping=-1.0)),
        (invalid, "labels", lambda: ng(m, w, x, np.arange(6.0))),
        (ngd.ShapeError, r"w: expected shape \(P,\) = \(8,\)", lambda: ng(m, w[:3], x, y)),
        (ngd.ShapeError, r"x: expected shape \(N, D\) = \(N, 3\)", lambda: ng(m, w, x.T, y)),
        (ngd.ShapeError, r"y: expected shape \(N,\) = \(6,\)", lambda: ng(m, w, x, y[:2])),
        (TypeError, "w: expected a float64", lambda: ng(m, w.astype(complex), x, y)),
        (ngd.SingularError, "forced kernel", lambda: ng(m, w, np.vstack([x] * 3),
                                                         np.tile(y, 3), route="kernel")),
        (invalid, "at least 1", lambda: ngd.models.TwoLayerTanh(0, 2)),
        (invalid, "step_size: unknown", lambda: runs.ngd_generic(m, w, x, y, lr=1.0, steps=1,
                                                                  step_size="adam")),
        (invalid, "needs cap", lambda: runs.ngd_generic(m, w, x, y, lr=1.0, steps=1,
                                                         step_size="relative_cap")),
        (invalid, "step: unknown", lambda: runs.egd_generic(m, w, x, y, lr=1.0, steps=1,
                                                             step="adam")),
        (ngd.ShapeError, "w0: expected", lambda: runs.egd_generic(m, w[:2], x, y, lr=1.0,
                                                                  steps=1)),
    ]
    for error, match, call in cases:
        with pytest.raises(error, match=match):
            call()
    deep = GenericProblem("deep_linear", 4, "logistic", seed=0)
    args = (deep.model, deep.w, deep.x, deep.y)
    with pytest.raises(invalid, match="absolute damping"):
        ng(*args, approximation="kfac")
    with pytest.raises(invalid, match="curvature"):
        ng(*args, approximation="kfac", damping=1.0, curvature="empirical")
    with pytest.raises(invalid, match="kfac_damping"):
        ng(*args, approximation="kfac", damping=1.0, kfac_damping="none")
