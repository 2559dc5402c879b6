"""EGD and NGD runs of diagonal networks on the mean logistic loss.

:func:`egd` and :func:`ngd` train a copy of a :class:`~ngd.models.DiagonalNet` through the
Rust executor (step budget, loss threshold, divergence detection) and return a
:class:`Trajectory`: recorded ``steps``, ``losses``, ``weights`` ``(T, L, D)`` and ``betas``
``(T, D)`` at log-spaced steps (``points_per_decade``) and the last step.

``callback(step, loss, weights)`` is called at each recorded step; return ``False`` to stop
the run (``stop == "callback"``); an exception it raises stops the run and propagates.

Any model of the open engine (:class:`ngd.models.Model`): :func:`egd_generic` and
:func:`ngd_generic` train from flat parameters ``w0`` ``(P,)`` on data ``x`` ``(N, D)``, targets
``y`` ``(N,)`` (labels ``±1`` for ``loss="logistic"``, values for ``"squared"``), and return a
:class:`GenericTrajectory` (``params`` ``(T, P)``, ``final_params``, ``last_route`` …); NGD
takes the direction arguments of :func:`ngd.fisher.natural_gradient_generic` and a
``step_size`` of ``"fixed"``, ``"backtracking"`` or ``"relative_cap"`` (with ``cap``).

A run executes on a worker thread with the GIL released; the calling thread checks for
signals every 20 ms and on Ctrl-C (``KeyboardInterrupt``) sets the executor's cancellation
flag, so the run stops between two steps and the exception propagates; the process stays
usable.

:func:`toy_2d` draws the 2-D toy set of the paper's Fig. 2.
"""

from __future__ import annotations

from ._ngd import GenericTrajectory, Trajectory, egd, egd_generic, ngd, ngd_generic, toy_2d

__all__ = [
    "Trajectory",
    "GenericTrajectory",
    "egd",
    "ngd",
    "egd_generic",
    "ngd_generic",
    "toy_2d",
]
