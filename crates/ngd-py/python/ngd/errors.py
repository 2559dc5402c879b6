"""The exceptions raised by ngd.

Every error of the Rust library arrives as a subclass of :class:`NgdError` carrying the
library's message. Each class also derives from the built-in exception a Python user would
expect, so ``except ValueError`` keeps working:

============================  ==================  ==========================================
class                         built-in base       raised for
============================  ==================  ==========================================
:class:`ShapeError`           ``ValueError``      an array of the wrong shape (the message
                                                  names the argument and the expected shape)
:class:`InvalidArgumentError` ``ValueError``      a value out of range, an unknown route,
                                                  method or experiment, a bad config
:class:`NonFiniteError`       ``ValueError``      NaN or infinity in an input or a result
:class:`SingularError`        ``ArithmeticError`` a forced route on a rank-deficient system
:class:`SolverError`          ``ArithmeticError`` LAPACK failures, CG not converging
:class:`ExperimentError`      ``RuntimeError``    an experiment run or its output failing
:class:`ResultsFormatError`   ``ValueError``      a results folder the loader cannot read
============================  ==================  ==========================================

An unsupported dtype (bool, complex, object, …) is a plain ``TypeError``.
"""

from __future__ import annotations

__all__ = [
    "NgdError",
    "ShapeError",
    "InvalidArgumentError",
    "NonFiniteError",
    "SingularError",
    "SolverError",
    "ExperimentError",
    "ResultsFormatError",
]


class NgdError(Exception):
    """Base class of every error raised by ngd."""


class ShapeError(NgdError, ValueError):
    """An array argument has the wrong number of dimensions or the wrong size."""


class InvalidArgumentError(NgdError, ValueError):
    """A parameter is outside its allowed range or names no known option."""


class NonFiniteError(NgdError, ValueError):
    """A NaN or infinite value where a finite one is required."""


class SingularError(NgdError, ArithmeticError):
    """A system the requested route needs non-singular is (numerically) singular."""


class SolverError(NgdError, ArithmeticError):
    """A linear-algebra routine failed or an iterative solver did not converge."""


class ExperimentError(NgdError, RuntimeError):
    """An experiment failed to run or to write its results."""


class ResultsFormatError(NgdError, ValueError):
    """A results folder is missing, of another experiment, or of an unsupported format."""
