#!/usr/bin/env python3
"""JAX reference of the `ngd bench` cases: the same steps, sizes and output line as
`benches/numpy_reference.py`, compiled with `jax.jit` in float64 on the CPU.

Usage (mirrors `ngd bench`):

    python3 benches/jax_reference.py CASE [--n N] [--d D] [--depth L] [--steps S] [--threads T]

Needs JAX with its CPU backend (`pip install jax`); this script installs nothing. `--threads T`
sets the BLAS thread variables and, for T = 1, `XLA_FLAGS` so that XLA's CPU runtime uses one
thread (`--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`), before JAX is
imported. Each step is one jitted function of the state (the weights, or the factors and the
optimizer's moments) returning the new state and the loss; the timing blocks on the loss, so
dispatch and compute are both counted, and the first (warm-up) step includes compilation. The
data are NumPy's draws (seed 0), as in the NumPy reference: the timings, not the numbers, are
comparable with `ngd bench`.
"""

import os

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
if ARGS.threads == 1:
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    ).strip()

import jax  # noqa: E402  (after the thread variables are set)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)


def cofactors(w):
    """c_l = ∏_{k≠l} w_k (prefix/suffix products, no division)."""
    ones = jnp.ones((1, w.shape[1]), w.dtype)
    prefix = jnp.cumprod(jnp.concatenate([ones, w[:-1]]), axis=0)
    suffix = jnp.cumprod(jnp.concatenate([ones, w[::-1][:-1]]), axis=0)[::-1]
    return prefix * suffix


def logistic_terms(u):
    """Mean logistic loss over the rows and ℓ'(u) = −φ(−u), both stable."""
    loss = jnp.mean(jnp.logaddexp(0.0, -u), axis=0)
    slope = -jnp.exp(-jnp.logaddexp(0.0, u))
    return loss, slope


def stateful(update, state):
    """A step closure over `state` for `time_steps`: runs the jitted `update`, keeps its state."""
    box = {"state": state}

    def step():
        box["state"], loss = update(box["state"])
        return loss

    return step


def egd_diag(a):
    rng = np.random.default_rng(0)
    xt, _test = sparse_gaussian(rng, a.n, a.d, True)
    xt = jnp.asarray(xt)
    w = jnp.asarray(WEIGHT_SCALE * rng.standard_normal((a.depth, a.d)))

    @jax.jit
    def update(w):
        beta = jnp.prod(w, axis=0)
        loss, slope = logistic_terms(xt @ beta)
        grad_w = cofactors(w) * ((slope @ xt) / a.n)
        return jnp.where(jnp.isfinite(loss), w - EGD_STEP * grad_w, w), loss

    return stateful(update, w)


def egd_diag_batch(a):
    rng = np.random.default_rng(0)
    xt, _ = sparse_gaussian(rng, a.n, a.d, False)
    xt = jnp.asarray(xt)
    ws = tuple(
        jnp.asarray(WEIGHT_SCALE * rng.standard_normal((depth, a.d)))
        for depth in range(1, a.depth + 1)
    )

    @jax.jit
    def update(ws):
        betas = jnp.stack([jnp.prod(w, axis=0) for w in ws])
        losses, slopes = logistic_terms(xt @ betas.T)  # one pass over X̃ for all models
        grads = (slopes.T @ xt) / a.n
        new = tuple(w - EGD_STEP * cofactors(w) * grads[k] for k, w in enumerate(ws))
        return new, losses.max()

    return stateful(update, ws)


def ngd_diag(a, route):
    rng = np.random.default_rng(0)
    xt, _ = sparse_gaussian(rng, a.n, a.d, False)
    xt = jnp.asarray(xt)
    w = jnp.asarray(WEIGHT_SCALE * rng.standard_normal((a.depth, a.d)))

    @jax.jit
    def update(w):
        beta = jnp.prod(w, axis=0)
        u = xt @ beta
        loss, slope = logistic_terms(u)
        c = cofactors(w)
        _grad_norm = jnp.linalg.norm(c * ((slope @ xt) / a.n))
        log_d = -jnp.logaddexp(0.0, -u) - jnp.logaddexp(0.0, u)
        sqrt_w = jnp.exp(0.5 * (log_d - log_d.max()))
        t = -(1.0 + jnp.exp(-u))
        if route == "kernel":
            s = (c * c).sum(axis=0)
            coef = jnp.linalg.solve((xt * s) @ xt.T, t)
            g = c * (coef @ xt)
        elif route == "weighted":
            s = (c * c).sum(axis=0)
            q, r = jnp.linalg.qr(xt * sqrt_w[:, None])
            v = jax.scipy.linalg.solve_triangular(r, q.T @ (sqrt_w * t))
            g = c * (v / s)
        else:  # dense: Fisher in β, then min-norm lstsq of the D × LD system
            fisher = xt.T @ (xt * (sqrt_w * sqrt_w)[:, None])
            rhs = xt.T @ (sqrt_w * sqrt_w * t)
            system = jnp.hstack([fisher * c[l] for l in range(a.depth)])
            g = jnp.linalg.lstsq(system, rhs)[0].reshape(a.depth, a.d)
        return w - NGD_STEP * g, loss

    return stateful(update, w)


def prefixes_suffixes(factors):
    d = factors[0].shape[0]
    pre = [jnp.eye(d)]
    for f in factors[:-1]:
        pre.append(pre[-1] @ f)
    suf = [jnp.eye(d)] * len(factors)
    for i in range(len(factors) - 2, -1, -1):
        suf[i] = factors[i + 1] @ suf[i + 1]
    return pre, suf


def egd_mf(a):
    truth, mask, factors = completion(a)
    truth, mask = jnp.asarray(truth), jnp.asarray(mask)

    @jax.jit
    def update(state):
        factors, v, rho_t = state
        pre, suf = prefixes_suffixes(factors)
        g = mask * (pre[-1] @ factors[-1] - truth)
        loss = 0.5 * jnp.sum(g * g)
        grads = [p.T @ g @ s.T for p, s in zip(pre, suf)]
        norm_sq = sum(jnp.sum(x * x) for x in grads)
        v = MF_DECAY * v + (1 - MF_DECAY) * norm_sq
        rho_t = rho_t * MF_DECAY
        corrected = v / (1 - rho_t)
        eta = jnp.where(corrected > 0, MF_LR / jnp.sqrt(corrected), 0.0)
        return (tuple(f - eta * x for f, x in zip(factors, grads)), v, rho_t), loss

    return stateful(update, (tuple(jnp.asarray(f) for f in factors), jnp.asarray(0.0), jnp.asarray(1.0)))


def ngd_mf(a):
    truth, mask, factors = completion(a)
    truth, mask = jnp.asarray(truth), jnp.asarray(mask)
    depth = len(factors)

    @jax.jit
    def update(factors):
        pre, suf = prefixes_suffixes(factors)
        g = mask * (pre[-1] @ factors[-1] - truth)
        loss = 0.5 * jnp.sum(g * g)
        _norm = jnp.sqrt(sum(jnp.sum((p.T @ g @ s.T) ** 2) for p, s in zip(pre, suf)))
        dirs = []
        for i in range(depth):
            share = g / depth
            if i > 0:
                share = jnp.linalg.pinv(pre[i], rtol=CUTOFF * pre[i].shape[0]) @ share
            if i + 1 < depth:
                share = share @ jnp.linalg.pinv(suf[i], rtol=CUTOFF * suf[i].shape[0])
            dirs.append(share)
        return tuple(f - MF_NGD_STEP * x for f, x in zip(factors, dirs)), loss

    return stateful(update, tuple(jnp.asarray(f) for f in factors))


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
    print(f"# {a.case} (jax {jax.__version__}, float64, jit): N = {a.n}, D = {a.d}, L/K = {a.depth}")
    print(f"# XLA_FLAGS: {os.environ.get('XLA_FLAGS', '(unset)')}; devices: {jax.devices()}")
    time_steps(a.case, step, a.steps, ready=lambda loss: float(loss.block_until_ready()))


if __name__ == "__main__":
    main()
