#!/usr/bin/env python3
"""Re-check results folders of `ngd` with NumPy alone (no ngd code, no Rust).

Usage (from the repository root):

    python3 experiments/recheck/recheck.py fig2 RESULTS/fig2      # Fig. 2 from its folder
    python3 experiments/recheck/recheck.py fig3 RESULTS/fig3      # Fig. 3 from its folder
    python3 experiments/recheck/recheck.py fig4 RESULTS/fig4      # Fig. 4 (weights only)
    python3 experiments/recheck/recheck.py fig5 RESULTS/fig5      # Fig. 5 from its folder
    python3 experiments/recheck/recheck.py fig6 RESULTS/fig6      # Fig. 6 from its folder
    python3 experiments/recheck/recheck.py readme RESULTS         # every folder's README
    python3 experiments/recheck/recheck.py all RESULTS            # all of the above
    python3 experiments/recheck/recheck.py prove-fails RESULTS    # tampered copies must fail

Each check recomputes numbers from the data and parameters the folder holds and compares them
with the CSVs, with tolerances derived from the problem (`c * n * eps` for sums of n terms;
`c * kappa * eps` for a pseudo-inverse with condition number kappa, reported). It prints one
line per check and exits with status 1 on the first mismatch.

Fig. 3 and Figs. 4 / 6 are checked in `sweeps.py`; shared helpers live in `common.py`.
"""

import csv
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from common import (EPS, Mismatch, chain, close, cofactors, config, mean_logistic_loss,
                    read_csv, sigmoid)
from sweeps import check_fig3, check_sweep


# --------------------------------------------------------------------------------------------
# Fig. 2: the 2-D toy set, diagonal nets beta = w_1 * ... * w_L (elementwise), EGD and NGD.
# --------------------------------------------------------------------------------------------

def egd_step(w, xt, eta):
    """Loss-normalized EGD: w <- w - (eta / L(w)) grad_w L(w). Returns (w', step)."""
    u = xt @ np.prod(w, axis=0)
    grad_beta = -(xt.T @ sigmoid(-u)) / len(u)
    h = eta / mean_logistic_loss(u)
    return w - h * cofactors(w) * grad_beta, h


def ngd_step(w, xt, eta, rho):
    """NGD with the sample Fisher, Moore-Penrose: g = F(w)^+ grad_w L, then the capped step
    eta_k = min(eta, min_{i: g_i != 0} rho |w_i| / |g_i|) (the ratio per weight). Returns
    (w', step, kappa of F on its range)."""
    L, D = w.shape
    n = xt.shape[0]
    u = xt @ np.prod(w, axis=0)
    c = cofactors(w)
    # J = d beta / d w (D x L*D), w flattened layer by layer.
    J = np.zeros((D, L * D))
    for l in range(L):
        for i in range(D):
            J[i, l * D + i] = c[l, i]
    lam = sigmoid(u) * sigmoid(-u)
    A = xt.T @ (lam[:, None] * xt) / n
    F = J.T @ A @ J
    grad = J.T @ (-(xt.T @ sigmoid(-u)) / n)
    ev = np.linalg.eigvalsh(F)
    kept = ev[ev > 1e-10 * ev.max()]
    g = (np.linalg.pinv(F, rcond=1e-10, hermitian=True) @ grad).reshape(L, D)
    wf, gf = w.ravel(), g.ravel()
    nz = gf != 0
    h = min(eta, float(np.min(rho * np.abs(wf[nz]) / np.abs(gf[nz]))))
    return w - h * g, h, float(kept.max() / kept.min())


def l2_l1_max_margin_angles(xt):
    """Angles (deg) maximizing min_n x~_n . beta over the l2 and the l1 unit circle: a grid,
    then golden-section refinement around the best grid point."""
    def best(norm):
        def f(theta):
            b = np.array([math.cos(theta), math.sin(theta)])
            return float(np.min(xt @ b)) / norm(b)
        grid = np.linspace(-math.pi, math.pi, 200_001)
        vals = [f(t) for t in grid[::10]]
        k = int(np.argmax(vals)) * 10
        lo, hi = grid[max(k - 10, 0)], grid[min(k + 10, len(grid) - 1)]
        g = (math.sqrt(5) - 1) / 2
        for _ in range(200):
            a, b = hi - g * (hi - lo), lo + g * (hi - lo)
            if f(a) < f(b):
                lo = a
            else:
                hi = b
        return math.degrees((lo + hi) / 2)
    return best(lambda b: float(np.linalg.norm(b))), best(lambda b: float(np.sum(np.abs(b))))


def check_fig2(folder):
    folder = Path(folder)
    c = config(folder)
    data = read_csv(folder / "data.csv")
    x = np.array([[float(r["x1"]), float(r["x2"])] for r in data])
    y = np.array([float(r["y"]) for r in data])
    xt = y[:, None] * x
    n = len(y)
    rows = read_csv(folder / "trajectories.csv")
    params = read_csv(folder / "parameters.csv")
    runs = sorted({r["run_id"] for r in rows})

    # 1. Every recorded row: angle, margins, loss from beta and the data.
    worst = 0.0
    for r in rows:
        beta = np.array([float(r["beta1"]), float(r["beta2"])])
        u = xt @ beta
        scale = float(np.max(np.abs(xt) @ np.abs(beta)))
        what = f"fig2 {r['run_id']} step {r['step']}"
        close(what + " angle", math.degrees(math.atan2(beta[1], beta[0])),
              float(r["angle (deg)"]), 8 * EPS * 180)
        close(what + " min margin", u.min(), float(r["min_margin"]), 4 * EPS * scale)
        close(what + " normalized margin", u.min() / np.linalg.norm(beta),
              float(r["normalized_l2_margin"]), 8 * EPS * scale / np.linalg.norm(beta))
        # The loss sums n terms exp-like in u: relative rounding ~ (n + max|u|) eps.
        loss = mean_logistic_loss(u)
        rel = 16 * (n + float(np.max(np.abs(u)))) * EPS
        worst = max(worst, close(what + " loss", loss, float(r["loss (nats)"]),
                                 rel * max(loss, 1e-300)) / max(loss, 1e-300))
    print(f"fig2: {len(rows)} rows: angle, margins and loss recomputed from beta and data.csv "
          f"(largest relative loss difference {worst:.1e})")

    # 2. Each run's final beta is the product of its final weights; 3. its first steps.
    steps_checked = 0
    for run in runs:
        traj = [r for r in rows if r["run_id"] == run]
        depth = int(traj[0]["depth"])

        def weights(stage):
            ws = sorted((r for r in params if r["run_id"] == run and r["stage"] == stage),
                        key=lambda r: int(r["layer"]))
            return np.array([[float(r["w1"]), float(r["w2"])] for r in ws])
        w0, w_end = weights("initial"), weights("final")
        if w0.shape != (depth, 2) or w_end.shape != (depth, 2):
            raise Mismatch(f"fig2 {run}: parameters.csv lacks the weights of {depth} layers")
        last = traj[-1]
        close(f"fig2 {run} final beta from parameters.csv", np.prod(w_end, axis=0),
              [float(last["beta1"]), float(last["beta2"])],
              4 * depth * EPS * np.max(np.abs(np.prod(w_end, axis=0))))
        close(f"fig2 {run} initial beta", np.prod(w0, axis=0),
              [float(traj[0]["beta1"]), float(traj[0]["beta2"])], 4 * depth * EPS * np.max(np.abs(w0)) ** depth)
        # The first three steps from the initial weights (steps 1, 2, 3 are recorded).
        w, flow = w0.copy(), 0.0
        for k in (1, 2, 3):
            if traj[0]["method"] == "EGD":
                w, h = egd_step(w, xt, c["egd_step"])
                kappa = 1.0
            else:
                w, h, kappa = ngd_step(w, xt, c["ngd_step"], c["ngd_max_relative_change"])
            flow += h
            rec = [r for r in traj if int(r["step"]) == k]
            if not rec:
                break
            beta = np.prod(w, axis=0)
            tol = 1e3 * kappa * depth * EPS
            close(f"fig2 {run} beta after step {k} (kappa {kappa:.1e})", beta,
                  [float(rec[0]["beta1"]), float(rec[0]["beta2"])], tol * np.max(np.abs(beta)))
            close(f"fig2 {run} flow time after step {k}", flow, float(rec[0]["flow_time"]),
                  tol * flow)
            steps_checked += 1
    print(f"fig2: {len(runs)} runs: final beta = product of the final weights; {steps_checked} "
          "EGD / NGD steps recomputed from the initial weights (NGD: sample Fisher, pinv, "
          "step min(eta, min_i rho|w_i|/|g_i|)) match beta and the flow time")

    # 4. The max-margin directions.
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["headline"]
    l2, l1 = l2_l1_max_margin_angles(xt)
    close("fig2 l2 max-margin angle (deg)", l2, summary["l2_max_margin_angle (deg)"], 1e-5)
    close("fig2 l1 max-margin angle (deg)", l1, summary["l1_max_margin_angle (deg)"], 1e-5)
    print(f"fig2: max-margin angles by search over directions: l2 {l2:.6f} deg, l1 {l1:.6f} deg "
          "(match summary.json)")


# --------------------------------------------------------------------------------------------
# Fig. 5: matrix completion, beta = W_1 ... W_L, loss 1/2 sum_Omega (beta - M)^2.
# --------------------------------------------------------------------------------------------

def rel_error(beta, truth):
    return float(np.sum((beta - truth) ** 2) / np.sum(truth ** 2))


def effective_rank(beta):
    s = np.linalg.svd(beta, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))


def egd_first_step(ws, truth, mask, c):
    """One EGD step: plain GD with egd_depth1_step for L = 1; otherwise Arora et al.'s
    normalized step, whose first step is lr / ||grad|| (bias-corrected second moment)."""
    g = mask * (chain(ws) - truth)
    L = len(ws)
    eye = np.eye(truth.shape[0])
    grads = [chain(ws[:i] or [eye]).T @ g @ chain(ws[i + 1:] or [eye]).T for i in range(L)]
    if L == 1:
        h = c["egd_depth1_step"]
    else:
        h = c["egd_lr"] / math.sqrt(sum(float(np.sum(d * d)) for d in grads))
    return [w - h * d for w, d in zip(ws, grads)]


def check_fig5(folder):
    folder = Path(folder)
    c = config(folder)
    n, obs = c["n"], c["observations"]
    truth = np.load(folder / "truth.npy")
    masks = np.load(folder / "masks.npy")
    factors = np.load(folder / "initial_factors.npy")
    betas = np.load(folder / "final_beta.npy")
    final = read_csv(folder / "final.csv")
    curves = read_csv(folder / "curves.csv")
    index = read_csv(folder / "initial_factors.csv")
    if betas.shape != (len(final), n, n):
        raise Mismatch(f"fig5: final_beta.npy has shape {betas.shape}, final.csv {len(final)} rows")
    tol = 64 * n * n * EPS

    def task(r):
        k, i = int(r["seed"]), obs.index(int(r["observations"]))
        return truth[k], masks[i, k]

    def init(r):
        rows = sorted((f for f in index if (f["depth"], f["collapse"], f["seed"])
                       == (r["depth"], r["collapse"], r["seed"])), key=lambda f: int(f["layer"]))
        return [factors[int(f["index"])] for f in rows]

    for r in final:
        M, mask = task(r)
        m = int(r["observations"])
        if int(mask.sum()) != m:
            raise Mismatch(f"fig5 {r['run_id']}: mask has {int(mask.sum())} entries, not {m}")
        beta = betas[final.index(r)]
        what = f"fig5 {r['run_id']}"
        err = rel_error(beta, M)
        close(what + " reconstruction error", err, float(r["reconstruction_error (relative)"]),
              tol * err)
        if r["method"] == "NUC":
            mse = float(np.linalg.norm(mask * (beta - M)) / np.linalg.norm(mask * M))
            start = np.zeros_like(M)
        else:
            mse = float(np.sum((mask * (beta - M)) ** 2) / m)
            start = chain(init(r))
        close(what + " train MSE", mse, float(r["train_mse (squared units)"]), tol * mse)
        rank = effective_rank(beta)
        close(what + " effective rank", rank, float(r["effective_rank (dimensionless)"]), tol * rank)
        trivial = rel_error(np.where(mask > 0, M, start), M)
        close(what + " trivial error", trivial, float(r["trivial_error (relative)"]), tol * trivial)
    print(f"fig5: {len(final)} runs: reconstruction error, train MSE, effective rank and trivial "
          "level recomputed from truth.npy, masks.npy, final_beta.npy and initial_factors.npy")

    # One EGD step from the initial factors: the change of the train MSE and of the error.
    checked = 0
    for r in (r for r in final if r["method"] == "EGD"):
        rec = {int(q["step"]): q for q in curves if q["run_id"] == r["run_id"]}
        if 0 not in rec or 1 not in rec:
            continue
        M, mask = task(r)
        m = int(r["observations"])
        ws = init(r)
        b0, b1 = chain(ws), chain(egd_first_step(ws, M, mask, c))
        mse0, mse1 = (float(np.sum((mask * (b - M)) ** 2) / m) for b in (b0, b1))
        e0, e1 = rel_error(b0, M), rel_error(b1, M)
        stored = lambda k, col: float(rec[k][col])
        what = f"fig5 {r['run_id']} first EGD step"
        close(what + ": train MSE at step 0", mse0, stored(0, "train_mse (squared units)"), tol * mse0)
        close(what + ": change of the train MSE", mse1 - mse0,
              stored(1, "train_mse (squared units)") - stored(0, "train_mse (squared units)"),
              tol * mse0)
        close(what + ": change of the reconstruction error", e1 - e0,
              stored(1, "reconstruction_error (relative)") - stored(0, "reconstruction_error (relative)"),
              tol * e0)
        checked += 1
    if checked == 0:
        raise Mismatch("fig5: no EGD run with recorded steps 0 and 1 to check a step on")
    print(f"fig5: the first EGD step of {checked} runs recomputed from initial_factors.npy "
          "matches the recorded change of train MSE and reconstruction error")


# --------------------------------------------------------------------------------------------
# README of every folder: every file and every CSV column named.
# --------------------------------------------------------------------------------------------

def documented(readme):
    """(file names / patterns, {csv name: set of columns}) named by a README."""
    files, columns, current = [], {}, None
    for line in readme.splitlines():
        if line.startswith("## Columns of `"):
            current = line.split("`")[1]
            columns[current] = set()
        elif line.startswith("## "):
            current = None
        elif line.startswith("| `"):
            name = line[3:line.index("` |")]
            if current is None:
                files.append(name)
            else:
                columns[current].add(name.replace("\\|", "|"))
    return files, columns


def matches(pattern, name):
    if "*" not in pattern:
        return pattern == name
    head, tail = pattern.split("*", 1)
    return len(name) >= len(head) + len(tail) and name.startswith(head) and name.endswith(tail)


def check_readme(root):
    root = Path(root)
    folders = sorted(p for p in root.iterdir() if (p / "manifest.json").is_file())
    if not folders:
        raise Mismatch(f"no experiment folder (with manifest.json) under {root}")
    for folder in folders:
        readme = folder / "README.md"
        if not readme.is_file():
            raise Mismatch(f"{folder.name}: no README.md")
        files, columns = documented(readme.read_text(encoding="utf-8"))
        for entry in sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")):
            doc = next((f for f in files if matches(f, entry)), None)
            if doc is None:
                raise Mismatch(f"{folder.name}/README.md does not name `{entry}`")
            if entry.endswith(".csv"):
                with open(folder / entry, newline="", encoding="utf-8") as f:
                    header = next(csv.reader(f), [])
                missing = [h for h in header if h not in columns.get(doc, set())]
                if missing:
                    raise Mismatch(f"{folder.name}/README.md does not explain column(s) "
                                   f"{missing} of `{entry}`")
    print(f"readme: {len(folders)} folders: every file and CSV column is named in README.md")


# --------------------------------------------------------------------------------------------

def prove_fails(root):
    """Tampers with one stored number of a copy of fig2, fig3, fig5 and fig6 and requires the
    re-check to report it (proof that the checks can fail)."""
    root = Path(root)
    cases = [
        ("fig2", "trajectories.csv", "beta1", check_fig2),
        ("fig3", "maps.csv", "response (per unit gradient)", check_fig3),
        ("fig5", "final.csv", "reconstruction_error (relative)", check_fig5),
        ("fig6", "accuracy.csv", "train_loss (nats)", check_sweep),
    ]
    for name, file, column, check in cases:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / name
            shutil.copytree(root / name, copy, ignore=shutil.ignore_patterns("runs", "*.png", "*.svg"))
            rows = read_csv(copy / file)
            # The last row whose value a relative change can move.
            row = next(r for r in reversed(rows) if float(r[column]) != 0.0)
            row[column] = repr(float(row[column]) * (1 + 1e-6))
            with open(copy / file, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
            try:
                check(copy)
            except Mismatch as e:
                print(f"prove-fails: {name}: a relative change of 1e-6 in `{column}` of the last "
                      f"non-zero row of {file} is caught: {e}")
                continue
            raise SystemExit(f"prove-fails: {name}: the tampered {file} passed the re-check")


def main(argv):
    checks = {"fig2": check_fig2, "fig3": check_fig3, "fig4": check_sweep, "fig5": check_fig5,
              "fig6": check_sweep}
    if len(argv) != 3 or argv[1] not in (*checks, "readme", "all", "prove-fails"):
        raise SystemExit(__doc__)
    what, path = argv[1], Path(argv[2])
    try:
        if what in checks:
            checks[what](path)
        elif what == "readme":
            check_readme(path)
        elif what == "all":
            check_readme(path)
            for name, check in checks.items():
                if name == "fig4" and not (path / name).is_dir():
                    print("fig4: no folder (not run): skipped")
                    continue
                check(path / name)
        else:
            prove_fails(path)
    except Mismatch as e:
        print(f"recheck: MISMATCH: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
