"""Arrays at the boundary: float64 out, dtype conversion or rejection, memory layouts and
views, and shape errors naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import EPS, DiagProblem, assert_close

import ngd
from ngd import fisher


@pytest.fixture
def problem():
    return DiagProblem(5, 8, depth=2, seed=11)


def reference(p):
    return fisher.diag_natural_gradient(p.xt, p.u, p.c).direction


def test_outputs_are_new_c_ordered_float64(problem):
    p = problem
    g = fisher.diag_natural_gradient(p.xt, p.u, p.c)
    for out in (g.direction, p.model.beta(), p.model.cofactors(), p.model.jacobian()):
        assert out.dtype == np.float64
        assert out.flags.c_contiguous and out.flags.writeable


@pytest.mark.parametrize(
    "layout",
    ["fortran", "strided_rows", "strided_cols", "reversed", "transposed_view"],
)
def test_any_float64_layout_gives_the_same_result(problem, layout):
    p = problem
    if layout == "fortran":
        xt = np.asfortranarray(p.xt)
        c = np.asfortranarray(p.c)
    elif layout == "strided_rows":  # every other row of a bigger array
        big = np.zeros((2 * p.n, p.d))
        big[::2] = p.xt
        xt, c = big[::2], p.c
    elif layout == "strided_cols":
        big = np.zeros((p.n, 3 * p.d))
        big[:, ::3] = p.xt
        xt, c = big[:, ::3], p.c
    elif layout == "reversed":  # negative strides
        xt = np.flip(np.flip(p.xt, 0).copy(), 0)
        c = np.flip(np.flip(p.c, 1).copy(), 1)
    else:
        xt = np.ascontiguousarray(p.xt.T).T
        c = np.ascontiguousarray(p.c.T).T
    assert not (xt.flags.c_contiguous and c.flags.c_contiguous) or layout == "reversed"
    u = np.flip(np.flip(p.u).copy()) if layout == "reversed" else p.u
    for route in ("kernel", "min_norm", "paper_layerwise", "dense_beta"):
        g = fisher.diag_natural_gradient(xt, u, c, route=route).direction
        expected = fisher.diag_natural_gradient(p.xt, p.u, p.c, route=route).direction
        assert_close(g, expected, 100 * p.n * p.d * EPS, f"{layout}, {route}")


def test_float64_input_is_not_modified(problem):
    p = problem
    xt, u, c = p.xt.copy(), p.u.copy(), p.c.copy()
    fisher.diag_natural_gradient(xt, u, c)
    np.testing.assert_array_equal(xt, p.xt)
    np.testing.assert_array_equal(c, p.c)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.int32])
def test_float32_float16_and_integers_are_converted(dtype):
    rng = np.random.default_rng(12)
    xt = rng.integers(-3, 4, (4, 6)).astype(dtype)
    w = rng.integers(1, 3, (2, 6)).astype(dtype)
    u = np.zeros(4, dtype=dtype)
    got = fisher.diag_natural_gradient(xt, u, ngd.DiagonalNet(w).cofactors()).direction
    assert got.dtype == np.float64
    converted = xt.astype(np.float64)
    expected = fisher.diag_natural_gradient(
        converted, u.astype(np.float64), ngd.DiagonalNet(w.astype(np.float64)).cofactors()
    ).direction
    np.testing.assert_array_equal(got, expected)


def test_sequences_are_converted(problem):
    p = problem
    g = fisher.diag_natural_gradient(p.xt.tolist(), list(p.u), p.c.tolist()).direction
    np.testing.assert_array_equal(g, reference(p))


@pytest.mark.parametrize("dtype", [np.complex128, np.bool_, object, np.longdouble])
def test_other_dtypes_are_type_errors_naming_the_argument(problem, dtype):
    p = problem
    if dtype is np.longdouble and np.finfo(np.longdouble).bits == 64:
        pytest.skip("longdouble is float64 on this platform")
    with pytest.raises(TypeError, match="x_signed"):
        fisher.diag_natural_gradient(p.xt.astype(dtype), p.u, p.c)


def test_non_native_byte_order_is_converted(problem):
    p = problem
    swapped = p.xt.astype(p.xt.dtype.newbyteorder())
    np.testing.assert_array_equal(
        fisher.diag_natural_gradient(swapped, p.u, p.c).direction, reference(p)
    )


@pytest.mark.parametrize(
    "argument, bad, pattern",
    [
        ("x_signed", lambda p: p.xt[0], r"x_signed: expected shape \(N, D\)"),
        ("margins", lambda p: p.u[:-1], r"margins: expected shape \(N,\) = \(5,\)"),
        ("margins", lambda p: p.u[None], r"margins: expected shape \(N,\) = \(5,\)"),
        ("cofactors", lambda p: p.c[:, :-1], r"cofactors: expected shape \(L, D\) = \(L, 8\)"),
    ],
)
def test_shape_errors_name_the_argument_and_the_expected_shape(problem, argument, bad, pattern):
    p = problem
    args = {"x_signed": p.xt, "margins": p.u, "cofactors": p.c}
    args[argument] = bad(p)
    with pytest.raises(ngd.ShapeError, match=pattern) as info:
        fisher.diag_natural_gradient(**args)
    assert isinstance(info.value, ValueError)
