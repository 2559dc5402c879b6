#!/usr/bin/env python3
"""The Python bindings' cost on the Fig. 4-sized kernel route (N = 500, D = 1000, L = 2),
side by side with `ngd bench ngd-diag-kernel --threads 1`, one BLAS thread on both sides.

Each round runs, back to back on the same machine:

1. `ngd bench ngd-diag-kernel --threads 1` (20 timed `DiagonalNgd` steps, route kernel
   forced) → its `seconds_per_step`;
2. in this process, with `OPENBLAS_NUM_THREADS=1` set before NumPy and ngd load OpenBLAS:
   - `call`: `ngd.fisher.diag_natural_gradient(x_signed, u, c, route="kernel")` alone
     (the direction; a fresh workspace per call), median of 20 calls;
   - `step`: one NGD step driven from Python — margins and cofactors, the call above, the
     update `w - lr g` in NumPy — median of 20 steps;
   - `run`: `ngd.runs.ngd(..., route="kernel", steps=20)` — the same Rust step rule as the
     bench, driven through the bindings — seconds per step;
   - `tiny`: the whole `diag_natural_gradient` call at N = D = 2, where the computation is
     negligible: the bindings' fixed cost per call (argument conversion, GIL release, result
     arrays), median of 20 000 calls.

The data are sparse-Gaussian-like (`x ~ N(0, 1)`, `y = sign(x[:, :20].sum(1))`), the model
`DiagonalNet.gaussian(2, 1000, 0.1, seed=0)` (the bench's scale); the kernel route's cost does not depend on the
values. Prints every round and the medians over rounds with the ratios to the bench.

Usage: python3 benches/py_diag_kernel.py [--rounds 5] [--ngd PATH]
(needs the package installed: `pip install ./crates/ngd-py`, and a release `ngd`).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before NumPy / ngd load OpenBLAS

import numpy as np  # noqa: E402

import ngd  # noqa: E402

N, D, L, LR, CALLS = 500, 1000, 2, 0.01, 20


def default_ngd() -> Path:
    root = Path(__file__).resolve().parent.parent
    target = Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    return (target if target.is_absolute() else root / target) / "release" / "ngd"


def bench(ngd_path: Path) -> float:
    out = subprocess.run(
        [str(ngd_path), "bench", "ngd-diag-kernel", "--threads", "1"],
        check=True, capture_output=True, text=True,
    ).stdout
    return float(re.search(r"seconds_per_step=([0-9.eE+-]+)", out).group(1))


def median_seconds(f, repeats: int = CALLS) -> float:
    f()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_side():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D))
    y = np.where(x[:, :20].sum(axis=1) >= 0, 1.0, -1.0)
    xt = x * y[:, None]
    model = ngd.DiagonalNet.gaussian(L, D, 0.1, seed=0)  # the bench's scale
    u, c = xt @ model.beta(), model.cofactors()
    call = median_seconds(lambda: ngd.fisher.diag_natural_gradient(xt, u, c, route="kernel"))
    state = {"w": model.weights}

    def step():
        net = ngd.DiagonalNet(state["w"])
        g = ngd.fisher.diag_natural_gradient(xt, xt @ net.beta(), net.cofactors(), route="kernel")
        state["w"] = state["w"] - LR * g.direction

    step_time = median_seconds(step)
    start = time.perf_counter()
    ngd.runs.ngd(model, xt, lr=LR, steps=CALLS, route="kernel", divergence_factor=None)
    run = (time.perf_counter() - start) / CALLS
    x2, u2, c2 = np.array([[1.0, 0.5], [0.2, 1.0]]), np.array([0.1, 0.3]), np.ones((2, 2))
    tiny = median_seconds(
        lambda: ngd.fisher.diag_natural_gradient(x2, u2, c2, route="kernel"), 20_000
    )
    return call, step_time, run, tiny


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ngd", type=Path, default=default_ngd())
    args = parser.parse_args()
    rows = []
    print("round  ngd bench      call        step        run       tiny  (seconds per step)")
    for r in range(args.rounds):
        b = bench(args.ngd)
        call, step, run, tiny = python_side()
        rows.append((b, call, step, run, tiny))
        print(f"{r:5d}  {b:.4e}  {call:.4e}  {step:.4e}  {run:.4e}  {tiny:.2e}")
    med = [statistics.median(col) for col in zip(*rows)]
    print(f"median {med[0]:.4e}  {med[1]:.4e}  {med[2]:.4e}  {med[3]:.4e}  {med[4]:.2e}")
    print(f"ratio to ngd bench: call {med[1] / med[0]:.3f}, step {med[2] / med[0]:.3f}, "
          f"run {med[3] / med[0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
