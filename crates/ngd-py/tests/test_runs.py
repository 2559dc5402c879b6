"""EGD / NGD runs: trajectories against NumPy re-implementations, recording and callbacks,
and interruption (KeyboardInterrupt) leaving the process usable."""

from __future__ import annotations

import _thread
import threading

import numpy as np
import pytest
from conftest import EPS, assert_close, sigmoid

import ngd
from ngd import fisher, runs


@pytest.fixture(scope="module")
def toy():
    return runs.toy_2d(seed=3)


def numpy_egd(w, xt, lr, steps):
    """Fixed-step EGD on the mean logistic loss: w_l ← w_l − lr · c_l ⊙ ∇_β L."""
    out = [w.copy()]
    for _ in range(steps):
        beta = w.prod(axis=0)
        grad_beta = xt.T @ (-sigmoid(-(xt @ beta))) / len(xt)
        cof = np.stack([np.delete(w, l, axis=0).prod(axis=0) for l in range(len(w))])
        w = w - lr * cof * grad_beta
        out.append(w.copy())
    return out


def mean_logistic_loss(xt, beta):
    return np.mean(np.logaddexp(0.0, -(xt @ beta)))


def test_toy_set(toy):
    x, y = toy
    assert x.shape == (20, 2) and y.shape == (20,)
    assert set(np.unique(y)) == {-1.0, 1.0}
    np.testing.assert_array_equal(runs.toy_2d(seed=3)[0], x)


def test_egd_trajectory_matches_numpy(toy):
    x, y = toy
    w0 = np.array([[0.3, -0.2], [0.4, 0.5]])
    t = runs.egd(ngd.DiagonalNet(w0), x, y, lr=0.5, steps=200)
    assert t.stop == "budget" and t.final_step == 200
    expected = numpy_egd(w0, x * y[:, None], 0.5, 200)
    for k, step in enumerate(t.steps):
        assert_close(t.weights[k], expected[step], 200 * 50 * EPS, f"step {step}")
        assert_close(t.betas[k], expected[step].prod(axis=0), 200 * 50 * EPS)
        assert_close(t.losses[k], mean_logistic_loss(x * y[:, None], t.betas[k]), 100 * EPS)
    assert list(t.steps[:8]) == [0, 1, 2, 3, 4, 5, 6, 8]  # 10 points per decade
    assert t.steps[-1] == 200
    np.testing.assert_array_equal(t.model.weights, t.weights[-1])


def test_ngd_step_matches_the_natural_gradient(toy):
    x, y = toy
    w0 = np.array([[0.3, -0.2], [0.4, 0.5]])
    t = runs.ngd(ngd.DiagonalNet(w0), x, y, lr=0.25, steps=1, route="min_norm")
    g = fisher.natural_gradient(ngd.DiagonalNet(w0), x, y, route="min_norm").direction
    assert_close(t.weights[1], w0 - 0.25 * g, 100 * EPS)
    assert t.last_route == "min_norm"


def test_signed_data_without_labels_and_loss_threshold(toy):
    x, y = toy
    model = ngd.DiagonalNet.constant(1, 2, 0.0)
    t = runs.ngd(model, x * y[:, None], lr=1.0, steps=1000, loss_below=1e-8)
    assert t.stop == "loss_below" and t.final_loss <= 1e-8 and t.final_step < 1000
    assert t.steps[-1] == t.final_step
    np.testing.assert_array_equal(model.weights, np.zeros((1, 2)))  # the input is not trained


def test_population_ngd_runs(toy):
    x, y = toy
    xp = np.random.default_rng(0).standard_normal((50, 2))
    t = runs.ngd(ngd.DiagonalNet.constant(2, 2, 0.5), x, y, lr=0.1, steps=20, x_population=xp)
    assert t.last_route == "population" and t.losses[-1] < t.losses[0]


def test_callback_sees_every_recorded_step_and_can_stop_the_run(toy):
    x, y = toy
    seen = []

    def record(step, loss, weights):
        seen.append((step, loss, weights.copy()))

    t = runs.egd(ngd.DiagonalNet.constant(2, 2, 0.1), x, y, lr=0.1, steps=300, callback=record)
    assert [s for s, _, _ in seen] == list(t.steps)
    assert_close(np.array([l for _, l, _ in seen]), t.losses, 0.0)
    stopped = runs.egd(
        ngd.DiagonalNet.constant(2, 2, 0.1), x, y, lr=0.1, steps=300,
        callback=lambda step, loss, w: step < 20,
    )
    assert stopped.stop == "callback" and stopped.final_step == 20


def short_run(toy):
    x, y = toy
    return runs.egd(ngd.DiagonalNet.constant(2, 2, 0.1), x, y, lr=0.1, steps=50).weights


def test_keyboard_interrupt_from_callback_propagates_and_leaves_process_usable(toy):
    x, y = toy
    before = short_run(toy)

    def interrupt(step, loss, w):
        if step >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runs.egd(ngd.DiagonalNet.constant(2, 2, 0.1), x, y, lr=0.1, steps=10**6,
                 callback=interrupt)
    np.testing.assert_array_equal(short_run(toy), before)


def test_callback_exceptions_propagate(toy):
    x, y = toy

    def fail(step, loss, w):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        runs.ngd(ngd.DiagonalNet.constant(1, 2, 0.0), x, y, lr=1.0, steps=10, callback=fail)


def test_ctrl_c_during_a_long_run_stops_it_and_leaves_process_usable(toy):
    x, y = toy
    before = short_run(toy)
    timer = threading.Timer(0.3, _thread.interrupt_main)  # SIGINT as if from Ctrl-C
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # ~10⁹ steps: minutes of work, unless the interrupt stops it.
            runs.egd(ngd.DiagonalNet.constant(2, 2, 0.1), x, y, lr=0.1, steps=10**9,
                     divergence_factor=None)
    finally:
        timer.cancel()
    np.testing.assert_array_equal(short_run(toy), before)
    other = threading.Thread(target=short_run, args=(toy,))  # other threads still run too
    other.start()
    other.join()
