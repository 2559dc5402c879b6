"""The shipped models: L-layer diagonal networks and deep matrix factorizations.

- :class:`DiagonalNet` — ``beta = w_1 * ... * w_L`` (elementwise; depth 1 is the linear
  model), weights ``(L, D)``; ``beta()``, ``cofactors()`` (``c_l = prod_{k != l} w_k``) and the
  dense Jacobian ``jacobian()`` ``(D, L*D)``;
- :class:`MatrixFactorization` — ``beta = W_1 @ ... @ W_L`` of ``(D, D)`` factors;
  ``product()`` and the dense Jacobian ``jacobian()`` ``(D**2, L*D**2)`` (column-major vec).

Random initializations take a ``seed`` (Xoshiro256++, bit-identical to the Rust crates).
"""

from __future__ import annotations

from ._ngd import DiagonalNet, MatrixFactorization

__all__ = ["DiagonalNet", "MatrixFactorization"]
