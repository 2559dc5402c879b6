"""EGD and NGD runs of diagonal networks on the mean logistic loss.

:func:`egd` and :func:`ngd` train a copy of a :class:`~ngd.models.DiagonalNet` through the
Rust executor (step budget, loss threshold, divergence detection) and return a
:class:`Trajectory`: recorded ``steps``, ``losses``, ``weights`` ``(T, L, D)`` and ``betas``
``(T, D)`` at log-spaced steps (``points_per_decade``) and the last step.

``callback(step, loss, weights)`` is called at each recorded step; return ``False`` to stop
the run (``stop == "callback"``); an exception it raises stops the run and propagates.

The run releases the GIL. Ctrl-C (``KeyboardInterrupt``) is checked on a dense log grid of
steps (every step up to about 40, then every ~2.3 % of the step count), stops the run there
and propagates; the process stays usable. (This check is done by the bindings' observer until
the executor's own cancellation hook is available.)

:func:`toy_2d` draws the 2-D toy set of the paper's Fig. 2.
"""

from __future__ import annotations

from ._ngd import Trajectory, egd, ngd, toy_2d

__all__ = ["Trajectory", "egd", "ngd", "toy_2d"]
