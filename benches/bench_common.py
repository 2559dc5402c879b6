"""What the Python references of `ngd bench` share: the cases and their default sizes, the
command line, the data (drawn with NumPy's generator, seed 0, from the same distributions as
`ngd bench`) and the timing loop with its output line.

Nothing here imports NumPy at module level: the callers set the BLAS thread variables first.
"""

import argparse
import os
import time

CASES = {
    # case: (N, D, L, steps) defaults, as in `ngd bench`
    "egd-diag": (2500, 1000, 2, 200),
    "ngd-diag-kernel": (500, 1000, 2, 20),
    "ngd-diag-dense": (500, 1000, 2, 3),
    "ngd-diag-weighted": (2500, 1000, 2, 5),
    "egd-mf": (2000, 100, 3, 500),
    "ngd-mf": (2000, 100, 3, 50),
    "egd-diag-batch": (2500, 1000, 4, 100),
}

SPARSITY, N_TEST, WEIGHT_SCALE = 20, 5000, 0.1
CUTOFF = 2.220446049250313e-16  # ngd's default cut-off: max(rows, cols) · ε relative to σ_max
EGD_STEP, NGD_STEP, MF_LR, MF_NGD_STEP, MF_DECAY = 0.5, 0.01, 1e-3, 1e-5, 0.999
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse(description, cases=CASES):
    """The command line of `ngd bench`: CASE [--n N] [--d D] [--depth L] [--steps S] [--threads T]."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("case", choices=sorted(cases))
    p.add_argument("--n", type=int)
    p.add_argument("--d", type=int)
    p.add_argument("--depth", type=int)
    p.add_argument("--steps", type=int)
    p.add_argument("--threads", type=int)
    a = p.parse_args()
    dn, dd, dl, ds = CASES[a.case]
    a.n, a.d = a.n or dn, a.d or dd
    a.depth, a.steps = a.depth or dl, a.steps or ds
    if a.threads:
        for var in THREAD_VARIABLES:
            os.environ[var] = str(a.threads)
    return a


def sparse_gaussian(rng, n, d, keep_test):
    """`X̃ = diag(y) X` of the sparse Gaussian task (labels from the first `SPARSITY` features)."""
    import numpy as np

    x = rng.standard_normal((n, d))
    y = np.where(x[:, : min(SPARSITY, d)].sum(axis=1) >= 0.0, 1.0, -1.0)
    xt = x * y[:, None]
    del x
    test = rng.standard_normal((N_TEST, d)) if keep_test else None
    return xt, test


def completion(a):
    """Truth (rank ≤ 5, Frobenius norm d), mask of `a.n` observed entries, `a.depth` factors."""
    import numpy as np

    rng = np.random.default_rng(0)
    d, rank = a.d, min(5, a.d)
    u, v = rng.standard_normal((d, rank)), rng.standard_normal((d, rank))
    truth = u @ v.T / np.sqrt(rank)
    truth *= d / np.linalg.norm(truth)
    flat = rng.choice(d * d, size=a.n, replace=False)
    mask = np.zeros(d * d)
    mask[flat] = 1.0
    mask = mask.reshape(d, d)
    factors = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(a.depth)]
    return truth, mask, factors


def time_steps(name, step, steps, ready=lambda value: value):
    """One warm-up step, then `steps` timed steps; prints the summary and, last, the contract
    line `CASE seconds_per_step=<float>`. `ready` blocks until a step's value is computed (for
    asynchronous frameworks) and returns it as a float."""
    import math
    import sys

    if not math.isfinite(float(ready(step()))):
        sys.exit(f"{name}: non-finite loss in the warm-up step")
    times = []
    start = time.perf_counter()
    for _ in range(steps):
        t = time.perf_counter()
        ready(step())
        times.append(time.perf_counter() - t)
    per_step = (time.perf_counter() - start) / steps
    times.sort()
    print(
        f"# steps {steps} (+1 warm-up), seconds per step: min {times[0]:.4e}, "
        f"median {times[len(times) // 2]:.4e}, max {times[-1]:.4e}"
    )
    print(f"{name} seconds_per_step={per_step:.6e}")
