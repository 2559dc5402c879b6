"""The paper's experiments, run in this process.

``ngd.run("fig4", preset="quick", out="results")`` does what ``ngd run fig4 --preset quick
--out results --jobs 1`` does, through the experiments crate's library API (the command line
re-executes its own binary for ``--jobs > 1``; inside Python that binary would be the
interpreter, so the bindings run in-process with one worker — results do not depend on the
number of workers). ``set=["n_grid=[100,200]", ...]`` overrides config keys like ``--set``.
The call releases the GIL; it cannot be interrupted with Ctrl-C before the runner has a
cancellation hook (``resume=True`` reuses finished runs of an interrupted call).

Load what it wrote with :func:`ngd.results.load`.
"""

from __future__ import annotations

from ._ngd import list_experiments
from ._ngd import run

__all__ = ["run", "list_experiments"]
