#!/usr/bin/env python3
"""Projects the wall time of `cargo xtask reproduce --preset paper` from two short calibration
runs of every experiment.

Each experiment is run twice at the paper's sizes with every step budget S cut to
s1 = max(2, round(f·S)) and then s2 = 2·s1 (f per experiment, below; `--scale` multiplies it),
one draw / seed only, `--jobs 1` with one BLAS thread (what each run of a parallel
`ngd reproduce` gets) and no checkpoints. A run's measured wall time (from the `manifest.json`
that `ngd run` writes) is modelled as t = a + b·steps, so the full run is projected as
t1 + (t2 − t1)·(S − s1)/(s2 − s1), with S the paper's step budget and s1, s2 the calibration
budgets of that run. Every paper run takes the projection of its
calibration twin (same run id with draw / seed 0). Runs that stop early at a loss threshold
(fig2, fig5) are projected at their full budget, so those rows are upper bounds.

The total CPU time is then divided over the cores: `ngd reproduce --jobs C` runs independent runs
in parallel, largest first, so the wall time is about max(total / C, longest run) — the larger
of the two is printed. Two concurrent runs share the memory system; the script does not model
that (see docs/performance.md for a measurement).

    python3 benches/project_paper.py [--ngd target/release/ngd] [--cores 2] [--only fig4,fig5]

Build first: cargo build --release -p ngd-experiments. Prints a Markdown table (experiment,
run kind, runs, steps per run, projected seconds per run, CPU hours) and the total.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

# Per experiment: the first calibration fraction of the paper's step budgets (chosen so that a
# calibration run takes about a second or more: the fit needs the steps to dominate start-up),
# the step-budget keys to scale (a list value scales every entry), the keys that
# select one draw, and a function from a run id to the key (and list index) of its budget.
# `None` as the budget key means the run has no step budget (its time is taken as measured).
EXPERIMENTS = {
    "fig2": {
        "factor": 1e-2,
        "scale": ["egd_max_steps", "ngd_steps"],
        "one_draw": {},
        "budget": lambda rid: ("egd_max_steps", None) if rid.startswith("egd") else ("ngd_steps", None),
    },
    "fig3": {
        "factor": 1.0,
        "scale": [],
        "one_draw": {},
        "budget": lambda rid: (None, None),
    },
    "fig4": {
        "factor": 1e-3,
        "scale": ["egd_steps", "ngd_steps", "population_steps"],
        "one_draw": {"seeds": 1},
        "budget": lambda rid: sweep_budget(rid),
    },
    "fig5": {
        "factor": 1e-3,
        "scale": ["egd_max_steps", "ngd_max_steps"],
        "one_draw": {"seeds": 1},
        "budget": lambda rid: ("egd_max_steps", None)
        if rid.startswith("EGD")
        else (("ngd_max_steps", None) if rid.startswith("NGD") else (None, None)),
    },
    "fig6": {
        "factor": 1e-2,
        "scale": ["egd_steps", "ngd_steps", "population_steps"],
        "one_draw": {"seeds": 1},
        "budget": lambda rid: sweep_budget(rid),
    },
    "theorems": {
        "factor": 5e-2,
        "scale": ["asymptotic_steps", "invariance_steps", "two_layer_steps"],
        "one_draw": {},
        "budget": lambda rid: theorem_budget(rid),
    },
    "egd-demo": {
        "factor": 5e-2,
        "scale": ["steps"],
        "one_draw": {"repeats": 1},
        "budget": lambda rid: ("steps", None),
    },
}

# The smallest step budget a calibration run may get (validation wants ≥ 1, and a couple of steps
# keep the fit away from pure start-up cost).
MIN_STEPS = 2


def sweep_budget(rid):
    if rid.startswith("egd"):
        return ("egd_steps", None)
    if rid.startswith("ngd-pop"):
        return ("population_steps", None)
    m = re.match(r"ngd-L(\d+)", rid)
    return ("ngd_steps", int(m.group(1)) - 1) if m else (None, None)


def theorem_budget(rid):
    if rid.startswith("thm3"):
        return ("asymptotic_steps", None)
    if rid.startswith("thm4"):
        return ("two_layer_steps", None)
    if rid.startswith(("thm1", "thm2", "appG")):
        return ("invariance_steps", None)
    return (None, None)


def draw_zero(rid):
    """The calibration twin of a paper run id: draw / seed index 0."""
    return re.sub(r"-(r|s)\d+$", r"-\g<1>0", rid)


def scaled(value, factor, level):
    """The calibration budget of one step key: `level` × max(MIN_STEPS, round(value·factor)), so
    that the second level always runs exactly twice the steps of the first."""
    if isinstance(value, list):
        return [level * max(MIN_STEPS, round(v * factor)) for v in value]
    return level * max(MIN_STEPS, round(value * factor))


def budget_of(config, key, index):
    if key is None:
        return None
    value = config[key]
    if isinstance(value, list):
        # A per-depth list whose depth is not in the run id: all entries are equal in the
        # presets where that happens; take the largest as an upper bound.
        return value[index] if index is not None else max(value)
    return value


def calibrate(ngd, exp, spec, paper_config, factor, level, out):
    overrides = dict(spec["one_draw"])
    for key in spec["scale"]:
        overrides[key] = scaled(paper_config[key], factor, level)
    args = [ngd, "run", exp, "--preset", "paper", "--out", str(out), "--jobs", "1",
            "--checkpoint-every", "never"]
    for key, value in overrides.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    print(f"# calibrating {exp}, level {level}: {' '.join(args[2:])}",
          file=sys.stderr, flush=True)
    # One BLAS thread, as each of the parallel runs of `ngd reproduce --jobs C` (C > 1) has.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    manifest = json.loads((out / exp / "manifest.json").read_text())
    config = manifest["config"]
    return config, {r["run_id"]: r["wall_seconds"] for r in manifest["runs"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ngd", default="target/release/ngd")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies every experiment's calibration fraction (its `factor`)")
    ap.add_argument("--only", default=",".join(EXPERIMENTS))
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan_file = tmp / "plan.json"
        subprocess.run([a.ngd, "reproduce", "--preset", "paper", "--plan", str(plan_file)],
                       check=True, stdout=subprocess.DEVNULL)
        plan = json.loads(plan_file.read_text())
        rows = defaultdict(lambda: [0, 0, 0.0])  # (exp, kind) -> runs, steps per run, seconds
        total, longest = 0.0, 0.0
        for exp in a.only.split(","):
            spec = EXPERIMENTS[exp]
            paper_config = plan["configs"][exp]
            factor = spec["factor"] * a.scale
            c1, t1 = calibrate(a.ngd, exp, spec, paper_config, factor, 1, tmp / "f1")
            c2, t2 = calibrate(a.ngd, exp, spec, paper_config, factor, 2, tmp / "f2")
            for run in (r for r in plan["runs"] if r["experiment"] == exp):
                rid = run["run_id"]
                twin = draw_zero(rid)
                if twin not in t1 or twin not in t2:
                    sys.exit(f"no calibration run for {exp}/{rid} (looked for {twin})")
                key, index = spec["budget"](rid)
                full = budget_of(paper_config, key, index)
                s1, s2 = budget_of(c1, key, index), budget_of(c2, key, index)
                if full is None or s1 == s2:
                    seconds = max(t1[twin], t2[twin])
                else:
                    slope = max(0.0, (t2[twin] - t1[twin]) / (s2 - s1))
                    seconds = t1[twin] + slope * (full - s1)
                kind = re.sub(r"-(N|m|r|s)\d+.*$", "", rid)
                row = rows[(exp, kind)]
                row[0] += 1
                row[1] = full or 0
                row[2] += seconds
                total += seconds
                longest = max(longest, seconds)

    print("| experiment | runs | run kind | steps per run | projected s per run (mean) | CPU hours |")
    print("|---|---|---|---|---|---|")
    for (exp, kind), (runs, steps, seconds) in sorted(rows.items()):
        print(f"| {exp} | {runs} | {kind} | {steps:,} | {seconds / runs:,.1f} | {seconds / 3600:.2f} |")
    wall = max(total / a.cores, longest)
    print()
    print(f"Total CPU time {total / 3600:.1f} h; longest run {longest / 3600:.2f} h; "
          f"projected wall time on {a.cores} cores ≈ {wall / 3600:.1f} h "
          f"({wall / 86400:.2f} days).")


if __name__ == "__main__":
    main()
