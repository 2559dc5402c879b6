"""Exact natural gradients, Fisher-vector products and tangent kernels.

Diagonal networks under the mean logistic loss take plain arrays: signed data
``x_signed = y[:, None] * x`` ``(N, D)``, margins ``u = x_signed @ beta`` ``(N,)`` and
cofactors ``(L, D)`` (:meth:`ngd.models.DiagonalNet.cofactors`). The natural gradient
``g`` ``(L, D)`` solves ``F(w) g = grad_w L`` (Moore–Penrose: minimum norm) and is an ascent
direction: step ``w - lr * g``. Routes (``route=``):

============== ===================================================== ====================
route          computation                                           Moore–Penrose when
============== ===================================================== ====================
``auto``       ``kernel`` if N <= D else ``weighted``; ``min_norm``    always
               when the first detects rank deficiency
``kernel``     N x N NTK system, ``O(N^2 D + N^3)``                   rank x_signed = N
``weighted``   weighted least squares by QR, ``O(N D^2)``             rank x_signed = D
``min_norm``   SVD of the N x LD matrix, always valid                 always
``paper_layerwise`` the paper's App. B.2 variant                      (a valid NG, not MP)
``dense_beta`` Fisher in beta, then a min-norm D x LD solve          F(beta) invertible
============== ===================================================== ====================

:func:`population_natural_gradient` uses a population Fisher on unlabelled inputs.
``rcond`` is the relative singular-value cut-off (``None``: ``max(rows, cols) * eps``).

Factorizations ``beta = W_1 ... W_L`` under the squared loss (``F(beta) = I``):
:func:`factorization_natural_gradient` with ``method="moore_penrose"`` or
``"layer_split"``.

Any model of the open engine (:class:`ngd.models.Model`, flat parameters ``w`` ``(P,)``,
data ``x`` ``(N, D)``, targets ``y``, ``loss="logistic"`` or ``"squared"``):
:func:`natural_gradient_generic` returns a :class:`GenericNaturalGradient` (``direction``
``(P,)``, ``route``, ``rank``, ``condition``, ``largest_eigenvalue``, ``damping``):

- exact Moore–Penrose ``C⁺ ∇`` (``C = Jᵀ S J``, the Fisher, or ``curvature="empirical"``),
  ``route`` ``"auto"`` / ``"kernel"`` / ``"least_squares"`` / ``"min_norm"``, eigenvalues
  below ``rcond · λ_max`` cut (default ``rcond = P·ε``, numpy's ``pinv`` default);
- ``damping=λ``: ``(C + λI)⁻¹ ∇``; ``relative_damping=ρ``: ``λ = ρ tr(C)/P``;
- ``approximation="diagonal"`` / ``"block"`` (per ``model.layers()``), exact or damped;
  ``"kfac"`` for :class:`~ngd.models.DeepLinearNet` (needs ``damping``;
  ``kfac_damping="heuristic"`` or ``"exact"``).

:func:`tangent_kernel` (``J Jᵀ``) and :func:`natural_tangent_kernel` (``Θ_nat``, with
``J g = Θ_nat r``) of any model.

Arrays: float64 arrays in C or Fortran order and strided or transposed views are read in
place without a copy; views with a negative stride (``a[::-1]``) are copied to C order first;
float32 / float16 / integer arrays and sequences are converted to float64 (one copy); other
dtypes (bool, complex, object) raise ``TypeError``; wrong shapes raise
:class:`ngd.ShapeError` (a ``ValueError``) naming the argument and the expected shape. Every
computation releases the GIL (do not modify its input arrays from another thread meanwhile).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ._ngd import (
    DiagNaturalGradient,
    FactorNaturalGradient,
    GenericNaturalGradient,
    dense_factorization_natural_gradient,
    dense_natural_gradient,
    diag_fisher_vector_product,
    diag_natural_gradient,
    egd_ntk,
    factorization_fisher_vector_product,
    factorization_natural_gradient,
    factorization_response,
    logistic_gradient,
    natural_gradient_generic,
    natural_ntk,
    natural_tangent_kernel,
    population_natural_gradient,
    sample_fisher,
    tangent_kernel,
)
from .models import DiagonalNet

__all__ = [
    "DiagNaturalGradient",
    "FactorNaturalGradient",
    "GenericNaturalGradient",
    "natural_gradient",
    "natural_gradient_generic",
    "tangent_kernel",
    "natural_tangent_kernel",
    "diag_natural_gradient",
    "population_natural_gradient",
    "dense_natural_gradient",
    "factorization_natural_gradient",
    "dense_factorization_natural_gradient",
    "diag_fisher_vector_product",
    "factorization_fisher_vector_product",
    "logistic_gradient",
    "sample_fisher",
    "egd_ntk",
    "natural_ntk",
    "factorization_response",
    "signed_data",
]


def signed_data(x: Any, y: Any) -> np.ndarray:
    """``X̃ = diag(y) X``: the rows of ``x`` ``(N, D)`` times the labels ``y`` ``(N,)``."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2:
        raise _shape_error("x", "(N, D)", x.shape)
    if y.shape != (x.shape[0],):
        raise _shape_error("y", f"(N,) = ({x.shape[0]},)", y.shape)
    return x * y[:, None]


def natural_gradient(
    model: DiagonalNet,
    x: Any,
    y: Optional[Any] = None,
    *,
    route: str = "auto",
    rcond: Optional[float] = None,
) -> DiagNaturalGradient:
    """The natural gradient of ``model`` on data ``(x, y)`` (or signed data ``x`` when ``y``
    is ``None``) in one call: forms ``x_signed``, the margins and the cofactors, then calls
    :func:`diag_natural_gradient`."""
    xt = np.asarray(x, dtype=np.float64) if y is None else signed_data(x, y)
    if xt.ndim != 2 or xt.shape[1] != model.dim:
        name = "x_signed" if y is None else "x"
        raise _shape_error(name, f"(N, D) = (N, {model.dim})", xt.shape)
    margins = xt @ model.beta()
    return diag_natural_gradient(xt, margins, model.cofactors(), route=route, rcond=rcond)


def _shape_error(argument: str, expected: str, found: tuple) -> Exception:
    from .errors import ShapeError

    return ShapeError(f"{argument}: expected shape {expected}, found {list(found)}")
