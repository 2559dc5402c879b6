"""Fig. 2 of "Depth without the magic" from Python, notebook style.

1. The exact natural gradient of a 2-layer diagonal network on random data, checked against a
   NumPy pseudo-inverse of the dense Fisher ``F(w) = Jᵀ F(β) J``.
2. EGD and NGD on the paper's 2-D toy set for several depths, with the trajectories returned
   as NumPy arrays.
3. Fig. 2 drawn with matplotlib from those arrays: the data with the ℓ2 / ℓ1 max-margin
   directions and where each run ends, and the angle of ``β`` against the step. EGD's limit
   depends on the depth (ℓ2 max margin at L = 1, the axis-aligned ℓ1 direction for L ≥ 2);
   NGD ends in the same direction at every depth (it is invariant to the parametrization).

Run:  python crates/ngd-py/python/examples/fig2.py [--out fig2.png]
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import ngd  # noqa: E402

# %% 1. A natural gradient, checked against NumPy ------------------------------------------
rng = np.random.default_rng(0)
n, d, depth = 8, 5, 2
model = ngd.DiagonalNet.gaussian(depth, d, scale=1.0, seed=1)
x = rng.standard_normal((n, d))
y = rng.choice([-1.0, 1.0], n)
g = ngd.fisher.natural_gradient(model, x, y)
print(f"natural gradient: route {g.route}, rank {g.rank}")

xt = y[:, None] * x
u = xt @ model.beta()
phi = 1 / (1 + np.exp(-u))
fisher_beta = xt.T @ ((phi * (1 - phi))[:, None] * xt) / n
grad_beta = xt.T @ (-(1 - phi)) / n
jac = model.jacobian()  # (D, L·D)
fisher_w = jac.T @ fisher_beta @ jac
reference = (np.linalg.pinv(fisher_w, rcond=1e-10) @ (jac.T @ grad_beta)).reshape(depth, d)
error = np.linalg.norm(g.direction - reference) / np.linalg.norm(reference)
print(f"  relative difference to pinv(F(w)) ∇_w L: {error:.2e}")
assert error < 1e-8, "the natural gradient disagrees with the NumPy pseudo-inverse"

# %% 2. EGD and NGD on the toy set ------------------------------------------------------------
x2, y2 = ngd.runs.toy_2d(seed=0)
angle = lambda betas: np.degrees(np.arctan2(betas[:, 1], betas[:, 0]))  # noqa: E731

runs = {}
for depth in (1, 2, 3):
    start = ngd.DiagonalNet.constant(depth, 2, 0.1)
    runs[f"EGD L={depth}"] = ngd.runs.egd(
        start, x2, y2, lr=0.01, steps=100_000, step="loss_normalized", loss_below=1e-200,
        points_per_decade=20,
    )
for depth, lr in ((1, 0.1), (2, 0.005)):
    start = ngd.DiagonalNet.constant(depth, 2, 0.1)
    runs[f"NGD L={depth}"] = ngd.runs.ngd(
        start, x2, y2, lr=lr, steps=20_000, loss_below=1e-200, points_per_decade=20
    )
for name, t in runs.items():
    print(f"{name:>8}: {t.stop:>10} at step {t.final_step:>6}, final angle "
          f"{angle(t.betas)[-1]:6.2f}°, loss {t.final_loss:.1e}")

# Any model of the open engine runs the same way: NGD of a full-matrix deep linear net
# (D = 2, hidden width 2) from flat parameters, with Armijo backtracking. NGD is invariant to
# the parametrization, so β ends near the NGD direction of the diagonal networks above.
deep = ngd.models.DeepLinearNet(2, [2])
w0 = 0.1 * np.random.default_rng(3).standard_normal(deep.param_count)
t = ngd.runs.ngd_generic(deep, w0, x2, y2, lr=1.0, steps=2_000, step_size="backtracking",
                         loss_below=1e-200)
beta = deep.beta(t.final_params)
print(f"NGD deep linear: {t.stop:>10} at step {t.final_step:>6}, final angle "
      f"{np.degrees(np.arctan2(beta[1], beta[0])):6.2f}°, route {t.last_route}")

# %% 3. Fig. 2 --------------------------------------------------------------------------------
l2 = np.degrees(np.arctan2(1, 2))  # the ℓ2 max-margin direction (2, 1)/√5
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
for label, marker in ((1.0, "o"), (-1.0, "s")):
    pts = x2[y2 == label]
    left.scatter(pts[:, 0], pts[:, 1], marker=marker, label=f"y = {label:+.0f}")
for name, t in runs.items():
    b = t.betas[-1] / np.linalg.norm(t.betas[-1])
    left.plot([0, 2 * b[0]], [0, 2 * b[1]], lw=1.5, label=f"{name} β")
left.plot([0, 2 * np.cos(np.radians(l2))], [0, 2 * np.sin(np.radians(l2))], "k--", label="ℓ2 max margin")
left.plot([0, 2], [0, 0], "k:", label="ℓ1 max margin")
left.set(title="toy set and final directions of β", xlabel="x₁", ylabel="x₂", aspect="equal")
left.set_ylim(-3.4, 1.6)  # room for the legend below the data
left.legend(fontsize=7, loc="lower right", ncol=2)
for name, t in runs.items():
    right.plot(np.maximum(t.steps, 1), angle(t.betas), label=name, ls="-" if "EGD" in name else "--")
right.axhline(l2, color="k", ls="--", lw=0.8)
right.axhline(0, color="k", ls=":", lw=0.8)
right.set(xscale="log", xlabel="step", ylabel="angle of β (degrees)", title="direction of β")
right.legend(fontsize=8)
fig.tight_layout()

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="fig2.png")
    out = parser.parse_args().out
    fig.savefig(out, dpi=120)
    print(f"figure: {out}")
