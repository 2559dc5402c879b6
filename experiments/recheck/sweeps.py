"""Re-checks of Fig. 3 (response maps) and Figs. 4 / 6 (sparse classification) from their
folders, with NumPy alone (see recheck.py)."""

import math
from pathlib import Path

import numpy as np

from common import (EPS, Mismatch, chain, close, cofactors, config, mean_logistic_loss,
                    read_csv, sigmoid)


# --------------------------------------------------------------------------------------------
# Fig. 3: response maps of an 11 x 11 factorization beta = W_1 ... W_L to the gradient E_cc.
# --------------------------------------------------------------------------------------------

def prefixes_suffixes(ws):
    """A_i = W_1 ... W_{i-1} and B_i = W_{i+1} ... W_L (identity when empty)."""
    eye = np.eye(ws[0].shape[0])
    return ([chain(ws[:i]) if i else eye for i in range(len(ws))],
            [chain(ws[i + 1:]) if i + 1 < len(ws) else eye for i in range(len(ws))])


def factorization_jacobian(ws):
    """J (D^2 x L D^2): column (i, a, b) is vec(A_i E_ab B_i), row-major vec."""
    d = ws[0].shape[0]
    pre, suf = prefixes_suffixes(ws)
    # d beta / d W_i[a, b] = A_i[:, a] B_i[b, :]: the outer products, row-major.
    return np.concatenate([np.einsum("pa,bq->pqab", a, b).reshape(d * d, d * d)
                           for a, b in zip(pre, suf)], axis=1)


def check_fig3(folder):
    folder = Path(folder)
    c = config(folder)
    d, eta = c["size"], c["step"]
    centre = d // 2
    e = np.zeros((d, d))
    e[centre, centre] = 1.0
    stored = {}
    for r in read_csv(folder / "maps.csv"):
        key = (int(r["depth"]), r["method"])
        stored.setdefault(key, np.zeros((d, d)))[int(r["row"]), int(r["col"])] = \
            float(r["response (per unit gradient)"])
    worst_kappa = 1.0
    for depth in c["depths"]:
        ws = list(np.load(folder / f"initial_factors_L{depth}.npy"))
        if len(ws) != depth or ws[0].shape != (d, d):
            raise Mismatch(f"fig3 L={depth}: initial_factors_L{depth}.npy holds "
                           f"{len(ws)} factors of shape {ws[0].shape}")
        pre, suf = prefixes_suffixes(ws)
        beta = chain(ws)
        scale = max(1.0, float(np.max(np.abs(beta))))

        def step_response(dirs, h):
            return (beta - chain([w - h * g for w, g in zip(ws, dirs)])) / h

        egf = sum(a @ a.T @ e @ b.T @ b for a, b in zip(pre, suf))
        grads = [a.T @ e @ b.T for a, b in zip(pre, suf)]
        jac = factorization_jacobian(ws)
        fisher = jac.T @ jac
        lam, vec = np.linalg.eigh(fisher)
        keep = lam >= fisher.shape[0] * EPS * lam.max()
        kappa = float(lam.max() / lam[keep].min())
        worst_kappa = max(worst_kappa, kappa)
        g = vec[:, keep] @ ((vec[:, keep].T @ (jac.T @ e.ravel())) / lam[keep])
        mp = [g[i * d * d:(i + 1) * d * d].reshape(d, d) for i in range(depth)]
        # Sums of L products of D x D matrices: c L D eps relative to the entries' scale;
        # the finite steps lose log10(scale / eta) digits to cancellation; the Moore-Penrose
        # direction carries the condition number of J^T J.
        tol = 64 * depth * d * EPS * scale ** 2
        expected = {
            "EGF": (egf, tol),
            "EGD": (step_response(grads, eta), tol / eta),
            "EGD (η/2)": (step_response(grads, eta / 2), 2 * tol / eta),
            "NGF (Moore–Penrose)": ((jac @ g).reshape(d, d), kappa * tol),
            "NGD (Moore–Penrose)": (step_response(mp, eta), kappa * tol / eta),
            "NGD (Moore–Penrose, η/2)": (step_response(mp, eta / 2), 2 * kappa * tol / eta),
        }
        for method, (want, t) in expected.items():
            if (depth, method) not in stored:
                raise Mismatch(f"fig3 L={depth}: maps.csv has no `{method}` map")
            close(f"fig3 L={depth} {method} map", stored[(depth, method)], want, t)
    print(f"fig3: {len(c['depths'])} depths: EGF, EGD (η, η/2) and Moore–Penrose NGF / NGD "
          f"(η, η/2) maps recomputed from initial_factors_L*.npy match maps.csv (pinv of "
          f"J^T J from its eigenvalues, largest kappa {worst_kappa:.1e})")


# --------------------------------------------------------------------------------------------
# Fig. 4 / Fig. 6: sparse Gaussian classification, diagonal nets beta = w_1 * ... * w_L.
# --------------------------------------------------------------------------------------------

def weight_blocks(folder):
    """{(run_id, method, stage): L x D weights} from weights.npy and weights.csv."""
    weights = np.load(folder / "weights.npy")
    return {(r["run_id"], r["method"], r["stage"]):
            weights[int(r["first_row"]):int(r["first_row"]) + int(r["depth"])]
            for r in read_csv(folder / "weights.csv")}


def check_sweep(folder):
    folder = Path(folder)
    name = folder.name
    c = config(folder)
    k = c["sparsity"]
    acc = read_csv(folder / "accuracy.csv")
    blocks = weight_blocks(folder)
    have_data = (folder / "train_x.npy").is_file()
    if have_data:
        x_all, y_all = np.load(folder / "train_x.npy"), np.load(folder / "train_y.npy")
        tasks = {(int(t["n_train"]), int(t["seed"])): int(t["first_row"])
                 for t in read_csv(folder / "tasks.csv")}
    beta_star = np.r_[np.ones(k), np.zeros(c["dim"] - k)]
    worst_z, checked = 0.0, 0
    for r in acc:
        key = (r["run_id"], r["method"])
        what = f"{name} {r['run_id']} {r['method']}"
        w0, w = blocks.get(key + ("initial",)), blocks.get(key + ("final",))
        depth = int(r["depth"])
        if w is None or w0 is None or w.shape != (depth, c["dim"]) or w0.shape != w.shape:
            raise Mismatch(f"{what}: weights.npy lacks its {depth} x {c['dim']} weights")
        beta = np.prod(w, axis=0)
        mass = float(np.sum(np.abs(beta[:k])) / np.sum(np.abs(beta))) if beta.any() else 0.0
        close(what + " true-support share", mass,
              float(r["true_support_mass (fraction of |beta|_1)"]), 8 * c["dim"] * depth * EPS)
        # Test accuracy: for x ~ N(0, I), P(sign x.beta = sign x.beta*) = 1 - angle / pi; the
        # stored accuracy over n_test samples is within a few binomial deviations of it.
        cos = float(beta @ beta_star / (np.linalg.norm(beta) * np.linalg.norm(beta_star)))
        p = 1.0 - math.acos(max(-1.0, min(1.0, cos))) / math.pi
        z = abs(float(r["test_accuracy (fraction)"]) - p) / math.sqrt(
            max(p * (1 - p), 1.0 / c["n_test"]) / c["n_test"])
        worst_z = max(worst_z, z)
        if z > 5.0:
            raise Mismatch(f"{what}: test accuracy {r['test_accuracy (fraction)']} is {z:.1f} "
                           f"binomial deviations from 1 - angle(beta, beta*)/pi = {p:.4f}")
        if not have_data:
            continue
        n = int(r["n_train"])
        first = tasks[(n, int(r["seed"]))]
        xt = y_all[first:first + n, None] * x_all[first:first + n]
        u = xt @ beta
        loss = mean_logistic_loss(u)
        rel = 16 * (n + c["dim"] * depth + float(np.max(np.abs(u)))) * EPS
        close(what + " training loss", loss, float(r["train_loss (nats)"]), rel * loss)
        close(what + " training error", float(np.mean(u <= 0)), float(r["train_error (fraction)"]), 0.0)
        checked += 1
    print(f"{name}: {len(acc)} models: beta = product of the final weights of weights.npy; "
          f"true-support share recomputed; test accuracy within {worst_z:.1f} binomial "
          "deviations of 1 - angle(beta, beta*)/pi")
    if not have_data:
        print(f"{name}: the training sets are not stored (see README.md): training loss and "
              "error not recomputed")
        return
    print(f"{name}: {checked} models: training loss and error recomputed from train_x.npy, "
          "train_y.npy and the final weights")
    check_sweep_first_steps(folder, c, acc, blocks, x_all, y_all, tasks)


def check_sweep_first_steps(folder, c, acc, blocks, x_all, y_all, tasks):
    """Every model's loss at step 0 from its initial weights, and one EGD step from them."""
    trace = {}
    for t in read_csv(folder / "trace.csv"):
        trace[(t["run_id"], t["method"], int(t["step"]))] = float(t["train_loss (nats)"])
    steps = 0
    for r in acc:
        key = (r["run_id"], r["method"])
        w = blocks[key + ("initial",)]
        n, depth = int(r["n_train"]), int(r["depth"])
        first = tasks[(n, int(r["seed"]))]
        xt = y_all[first:first + n, None] * x_all[first:first + n]
        u = xt @ np.prod(w, axis=0)
        loss = mean_logistic_loss(u)
        tol = 16 * (n + c["dim"] * depth) * EPS * loss
        what = f"{folder.name} {r['run_id']} {r['method']}"
        close(what + " loss at step 0", loss, trace[key + (0,)], tol)
        if not r["method"].startswith("EGD") or key + (1,) not in trace:
            continue
        eta = next(e["learning_rate"] for e in c["egd_depths"] if e["depth"] == depth)
        h = eta / loss if c["egd_step"] == "loss_normalized" else eta
        grad_beta = -(xt.T @ sigmoid(-u)) / n
        w1 = w - h * cofactors(w) * grad_beta
        loss1 = mean_logistic_loss(xt @ np.prod(w1, axis=0))
        close(what + " loss after one EGD step", loss1, trace[key + (1,)], tol)
        steps += 1
    if steps == 0:
        raise Mismatch(f"{folder.name}: no EGD model with a recorded step 1 to check a step on")
    print(f"{folder.name}: every model's loss at step 0 recomputed from its initial weights; "
          f"one EGD step of {steps} models recomputed ({c['egd_step']} step) matches trace.csv")
