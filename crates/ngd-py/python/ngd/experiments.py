"""The paper's experiments, run in this process.

``ngd.run("fig4", preset="quick", out="results")`` does what ``ngd run fig4 --preset quick
--out results --jobs 1`` does, through the experiments crate's library API (the command line
re-executes its own binary to set ``OPENBLAS_NUM_THREADS=1``; inside Python that binary would be
the interpreter, so the bindings run in-process with one worker — results do not depend on the
number of workers). For the command line's bits, start Python with ``OPENBLAS_NUM_THREADS=1``
(or the value the command line ran with): OpenBLAS reads it once, when ``ngd`` is imported, and
runs that use LAPACK depend on its thread count at round-off. ``set=["n_grid=[100,200]", ...]`` overrides config keys like ``--set``.
The call releases the GIL and can be interrupted with Ctrl-C: runs not yet started do not start,
running ones stop at their next checkpoint segment (writing a checkpoint), and
``KeyboardInterrupt`` is raised; ``resume=True`` continues from the finished runs and checkpoints.

Load what it wrote with :func:`ngd.results.load`.
"""

from __future__ import annotations

from ._ngd import list_experiments
from ._ngd import run

__all__ = ["run", "list_experiments"]
