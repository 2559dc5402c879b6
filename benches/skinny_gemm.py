"""The GEMM-shaped route for the EGD passes, timed in NumPy: the two products of one batched
step of `K` logistic models on an `N × D` matrix `X̃` done by BLAS, margins `U = X̃ B` and
gradients `Aᵀ X̃`, and for one model the two matrix-vector products. Nothing else of the step
(losses, slopes, the parametrization) is timed, so this is a lower bound on a BLAS route.

    python3 benches/skinny_gemm.py [--n 2500] [--d 1000] [--models 4] [--reps 100]

Runs with one BLAS thread. Prints the best and the median time of each product pair in
seconds, to set beside `ngd bench egd-diag-batch --threads 1` and `ngd bench egd-diag
--threads 1` (whose steps also compute the losses and update the parametrization).
"""

import argparse
import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import time  # noqa: E402

import numpy as np  # noqa: E402


def timed(function, reps):
    """Best and median wall time of `reps` calls."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[0], times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2500)
    parser.add_argument("--d", type=int, default=1000)
    parser.add_argument("--models", type=int, default=4)
    parser.add_argument("--reps", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    xt = rng.standard_normal((args.n, args.d))
    betas = rng.standard_normal((args.d, args.models))
    slopes = rng.standard_normal((args.n, args.models))
    beta, slope = betas[:, 0].copy(), slopes[:, 0].copy()
    rows = [
        (f"batch, K = {args.models}: X̃ B and Aᵀ X̃", lambda: (xt @ betas, slopes.T @ xt)),
        ("one model: X̃ β and αᵀ X̃", lambda: (xt @ beta, slope @ xt)),
    ]
    print(f"# N = {args.n}, D = {args.d}, one BLAS thread, {args.reps} repetitions")
    for name, function in rows:
        best, median = timed(function, args.reps)
        print(f"{name}: best {best:.3e} s, median {median:.3e} s")


if __name__ == "__main__":
    main()
