"""ngd — exact natural gradients of deep linear models, from Python.

Submodules:

- :mod:`ngd.models` — diagonal networks, deep matrix factorizations, and every model of the
  open engine (:class:`ngd.models.Model`: linear, diagonal, factorization, deep linear,
  two-layer tanh / ReLU);
- :mod:`ngd.fisher` — natural gradients (every route), Fisher-vector products, NTKs;
- :mod:`ngd.runs` — EGD / NGD runs returning trajectories, the 2-D toy set;
- :mod:`ngd.experiments` — the paper's experiments, run in-process (:func:`ngd.run`);
- :mod:`ngd.results` — experiment results as pandas DataFrames (:func:`ngd.results.load`);
- :mod:`ngd.errors` — the exception hierarchy (:class:`ngd.NgdError`).

Arrays are float64 in and out (float32 / integer input is converted, see
:mod:`ngd.fisher`). Conventions follow the Rust crates: mean logistic loss and mean Fisher,
signed data ``x_signed = y[:, None] * x``, margins ``u = x_signed @ beta``, natural gradients
are ascent directions (step ``w - lr * g``), ``vec`` is column-major.
"""

from __future__ import annotations

from . import errors, experiments, fisher, models, results, runs
from ._ngd import __version__
from .errors import (
    ExperimentError,
    InvalidArgumentError,
    NgdError,
    NonFiniteError,
    ResultsFormatError,
    ShapeError,
    SingularError,
    SolverError,
)
from .experiments import run
from .models import DiagonalNet, MatrixFactorization

__all__ = [
    "__version__",
    "errors",
    "experiments",
    "fisher",
    "models",
    "results",
    "runs",
    "run",
    "DiagonalNet",
    "MatrixFactorization",
    "NgdError",
    "ShapeError",
    "InvalidArgumentError",
    "NonFiniteError",
    "SingularError",
    "SolverError",
    "ExperimentError",
    "ResultsFormatError",
]
