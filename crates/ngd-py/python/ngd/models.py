"""The shipped models: L-layer diagonal networks and deep matrix factorizations.

- :class:`DiagonalNet` — ``beta = w_1 * ... * w_L`` (elementwise; depth 1 is the linear
  model), weights ``(L, D)``; ``beta()``, ``cofactors()`` (``c_l = prod_{k != l} w_k``) and the
  dense Jacobian ``jacobian()`` ``(D, L*D)``;
- :class:`MatrixFactorization` — ``beta = W_1 @ ... @ W_L`` of ``(D, D)`` factors;
  ``product()`` and the dense Jacobian ``jacobian()`` ``(D**2, L*D**2)`` (column-major vec).

Random initializations take a ``seed`` (Xoshiro256++, bit-identical to the Rust crates).

The open engine: :class:`Model` is any differentiable model on flat parameters ``w`` ``(P,)``
(stateless: ``w`` is passed to every call), with ``outputs(w, x)`` ``(N,)``,
``jvp(w, v, x)``, ``vjp(w, u, x)``, ``jacobian(w, x)`` ``(N, P)``, ``layers()`` and
``param_count`` / ``input_dim``. Shipped subclasses:

- linear in the input (``s = x @ beta(w)``; ``beta(w)`` and the ``beta``-space maps with
  ``x=None``): :class:`LinearModel` ``(dim)``, :class:`DiagonalParametrization`
  ``(depth, dim)``, :class:`FactorizationParametrization` ``(depth, dim)`` (``beta`` the
  column-major ``vec`` of the product), :class:`DeepLinearNet` ``(dim, hidden)``;
- networks: :class:`TwoLayerTanh` / :class:`TwoLayerRelu` ``(dim, hidden)``,
  ``s = v @ sigma(W x)``, ``w = (W.ravel(), v)``.
"""

from __future__ import annotations

from ._ngd import (
    DeepLinearNet,
    DiagonalNet,
    DiagonalParametrization,
    FactorizationParametrization,
    LinearModel,
    MatrixFactorization,
    Model,
    TwoLayerRelu,
    TwoLayerTanh,
)

__all__ = [
    "DiagonalNet",
    "MatrixFactorization",
    "Model",
    "LinearModel",
    "DiagonalParametrization",
    "FactorizationParametrization",
    "DeepLinearNet",
    "TwoLayerTanh",
    "TwoLayerRelu",
]
