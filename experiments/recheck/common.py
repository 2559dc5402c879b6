"""Helpers shared by the re-checks: the mismatch error, tolerant comparison, CSV and
manifest readers, and the model functions several figures use (NumPy only)."""

import csv
import json

import numpy as np

EPS = np.finfo(float).eps


class Mismatch(Exception):
    """A recomputed number differs from the stored one by more than its tolerance."""


def close(what, got, want, tol):
    """Raises `Mismatch` unless |got - want| <= tol (elementwise)."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    err = np.max(np.abs(got - want)) if got.size else 0.0
    if not err <= tol:
        raise Mismatch(f"{what}: recomputed {got.ravel()[:4]} vs stored {want.ravel()[:4]} "
                       f"(max difference {err:.3e} > tolerance {tol:.3e})")
    return err


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def config(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["config"]


def sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))


def mean_logistic_loss(u):
    """(1/N) sum log(1 + exp(-u)), stable for any sign of u."""
    return float(np.mean(np.logaddexp(0.0, -u)))


def cofactors(w):
    """c[l, i] = prod_{k != l} w[k, i] (the Jacobian d beta_i / d w_{l,i})."""
    L = w.shape[0]
    return np.array([np.prod(np.delete(w, l, axis=0), axis=0) for l in range(L)])



def chain(ws):
    out = ws[0]
    for w in ws[1:]:
        out = out @ w
    return out
