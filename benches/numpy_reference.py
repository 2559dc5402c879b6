#!/usr/bin/env python3
"""NumPy reference of the `ngd bench` cases: the same steps, sizes and output line.

Usage (mirrors `ngd bench`):

    python3 benches/numpy_reference.py CASE [--n N] [--d D] [--depth L] [--steps S] [--threads T]

Runs S steps of CASE after one warm-up step and prints, last, `CASE seconds_per_step=<float>`.
Needs NumPy (`pip install numpy`; `threadpoolctl` optionally, to report the BLAS in use); this
script installs nothing. `--threads T` sets OPENBLAS_NUM_THREADS (and the OpenMP/MKL
equivalents) before NumPy is imported.

Each step is written the way a careful NumPy user would: BLAS matrix-vector products for the
margins and the gradient, `np.linalg` for the solves (LU for the kernel system, Householder QR
for the weighted least squares, SVD-based `lstsq` / `pinv` for minimum-norm solves). The data
are drawn from the same distributions as `ngd bench` (NumPy's own generator, seed 0), so the
timings, not the numbers, are comparable.
"""

from bench_common import (
    CUTOFF,
    EGD_STEP,
    MF_DECAY,
    MF_LR,
    MF_NGD_STEP,
    NGD_STEP,
    WEIGHT_SCALE,
    completion,
    parse,
    sparse_gaussian,
    time_steps,
)

ARGS = parse(__doc__.splitlines()[0])

import numpy as np  # noqa: E402  (after the thread variables are set)


def blas_description():
    try:
        from threadpoolctl import threadpool_info

        return "; ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}), "
            f"{i.get('num_threads')} threads"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:
        try:
            cfg = np.show_config(mode="dicts")
            blas = cfg["Build Dependencies"]["blas"]
            return f"{blas.get('name')} {blas.get('version')} (threadpoolctl not installed)"
        except Exception:  # noqa: BLE001 - best effort only
            return "unknown (install threadpoolctl to see it)"


# ---------------------------------------------------------------- diagonal networks

def log_sigmoid(z):
    """log φ(z) = −log(1 + e^{−z}), stable."""
    return -np.logaddexp(0.0, -z)


def cofactors(w):
    """c_l = ∏_{k≠l} w_k (prefix/suffix products, no division)."""
    depth = w.shape[0]
    out = np.empty_like(w)
    prefix = np.ones(w.shape[1])
    for l in range(depth):
        out[l] = prefix
        prefix = prefix * w[l]
    suffix = np.ones(w.shape[1])
    for l in range(depth - 1, -1, -1):
        out[l] *= suffix
        suffix = suffix * w[l]
    return out


def egd_diag(a):
    rng = np.random.default_rng(0)
    xt, _test = sparse_gaussian(rng, a.n, a.d, True)
    w = WEIGHT_SCALE * rng.standard_normal((a.depth, a.d))
    n = a.n

    def step():
        beta = np.prod(w, axis=0)
        u = xt @ beta
        loss = np.mean(np.logaddexp(0.0, -u))
        slope = -np.exp(log_sigmoid(-u))  # ℓ'(u) = −φ(−u)
        grad_beta = (xt.T @ slope) / n
        grad_w = cofactors(w) * grad_beta
        if np.isfinite(loss):
            w[...] -= EGD_STEP * grad_w
        return loss

    return step


def egd_diag_batch(a):
    rng = np.random.default_rng(0)
    xt, _ = sparse_gaussian(rng, a.n, a.d, False)
    ws = [WEIGHT_SCALE * rng.standard_normal((depth, a.d)) for depth in range(1, a.depth + 1)]
    n = a.n
    betas = np.empty((len(ws), a.d))

    def step():
        for k, w in enumerate(ws):
            betas[k] = np.prod(w, axis=0)
        u = xt @ betas.T  # N × K: one pass over X̃ for all models
        losses = np.mean(np.logaddexp(0.0, -u), axis=0)
        slopes = -np.exp(log_sigmoid(-u))
        grads = (slopes.T @ xt) / n  # K × D
        for k, w in enumerate(ws):
            w -= EGD_STEP * (cofactors(w) * grads[k])
        return losses.max()

    return step


def scaled_weights(u):
    """√d̂ and √d̂ ⊙ t with d = φ(u)φ(−u) rescaled by its maximum, t = −(1 + e^{−u})."""
    log_d = log_sigmoid(u) + log_sigmoid(-u)
    rel = log_d - log_d.max()
    sqrt_w = np.exp(0.5 * rel)
    t = -(1.0 + np.exp(-u))
    return sqrt_w, sqrt_w * t


def ngd_diag(a, route):
    rng = np.random.default_rng(0)
    xt, _ = sparse_gaussian(rng, a.n, a.d, False)
    w = WEIGHT_SCALE * rng.standard_normal((a.depth, a.d))
    n, d, depth = a.n, a.d, a.depth

    def step():
        beta = np.prod(w, axis=0)
        u = xt @ beta
        loss = np.mean(np.logaddexp(0.0, -u))
        grad_beta = (xt.T @ -np.exp(log_sigmoid(-u))) / n
        c = cofactors(w)
        _grad_norm = np.linalg.norm(c * grad_beta)
        if route == "kernel":
            s = (c * c).sum(axis=0)
            k = (xt * s) @ xt.T
            t = -(1.0 + np.exp(-u))
            coef = np.linalg.solve(k, t)
            g = c * (xt.T @ coef)
        elif route == "weighted":
            s = (c * c).sum(axis=0)
            sqrt_w, target = scaled_weights(u)
            q, r = np.linalg.qr(xt * sqrt_w[:, None])
            v = np.linalg.solve(r, q.T @ target)
            g = c * (v / s)
        else:  # dense: Fisher in β, then min-norm lstsq of the D × LD system
            sqrt_w, target = scaled_weights(u)
            weight = sqrt_w * sqrt_w
            fisher = xt.T @ (xt * weight[:, None])
            rhs = xt.T @ (sqrt_w * target)
            system = np.hstack([fisher * c[l] for l in range(depth)])
            sol = np.linalg.lstsq(system, rhs, rcond=None)[0]
            g = sol.reshape(depth, d)
        w[...] -= NGD_STEP * g
        return loss

    return step


# ---------------------------------------------------------------- matrix factorizations

def prefixes_suffixes(factors):
    d = factors[0].shape[0]
    pre = [np.eye(d)]
    for f in factors[:-1]:
        pre.append(pre[-1] @ f)
    suf = [np.eye(d)] * len(factors)
    for i in range(len(factors) - 2, -1, -1):
        suf[i] = factors[i + 1] @ suf[i + 1]
    return pre, suf


def egd_mf(a):
    truth, mask, factors = completion(a)
    state = {"v": 0.0, "rho_t": 1.0}

    def step():
        pre, suf = prefixes_suffixes(factors)
        beta = pre[-1] @ factors[-1]
        g = mask * (beta - truth)
        loss = 0.5 * np.sum(g * g)
        grads = [p.T @ g @ s.T for p, s in zip(pre, suf)]
        norm = np.sqrt(sum(np.sum(x * x) for x in grads))
        state["v"] = MF_DECAY * state["v"] + (1 - MF_DECAY) * norm * norm
        state["rho_t"] *= MF_DECAY
        corrected = state["v"] / (1 - state["rho_t"])
        eta = MF_LR / np.sqrt(corrected) if corrected > 0 else 0.0
        for f, x in zip(factors, grads):
            f -= eta * x
        return loss

    return step


def ngd_mf(a):
    truth, mask, factors = completion(a)
    depth = len(factors)

    def step():
        pre, suf = prefixes_suffixes(factors)
        beta = pre[-1] @ factors[-1]
        g = mask * (beta - truth)
        loss = 0.5 * np.sum(g * g)
        _norm = np.sqrt(sum(np.sum((p.T @ g @ s.T) ** 2) for p, s in zip(pre, suf)))
        dirs = []
        for i in range(depth):
            share = g / depth
            if i > 0:
                share = np.linalg.pinv(pre[i], rcond=CUTOFF * pre[i].shape[0]) @ share
            if i + 1 < depth:
                share = share @ np.linalg.pinv(suf[i], rcond=CUTOFF * suf[i].shape[0])
            dirs.append(share)
        for f, x in zip(factors, dirs):
            f -= MF_NGD_STEP * x
        return loss

    return step


def main():
    a = ARGS
    build = {
        "egd-diag": egd_diag,
        "egd-diag-batch": egd_diag_batch,
        "ngd-diag-kernel": lambda a: ngd_diag(a, "kernel"),
        "ngd-diag-dense": lambda a: ngd_diag(a, "dense"),
        "ngd-diag-weighted": lambda a: ngd_diag(a, "weighted"),
        "egd-mf": egd_mf,
        "ngd-mf": ngd_mf,
    }[a.case]
    step = build(a)
    print(f"# {a.case} (numpy {np.__version__}): N = {a.n}, D = {a.d}, L/K = {a.depth}")
    print(f"# BLAS: {blas_description()}")
    time_steps(a.case, step, a.steps)


if __name__ == "__main__":
    main()
