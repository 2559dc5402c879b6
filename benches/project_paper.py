#!/usr/bin/env python3
"""Projects the wall time of `cargo xtask reproduce --preset paper` from two short calibration
runs of every experiment of the registry.

Each experiment is run twice at the paper's sizes with every step budget S cut to
s1 = max(2, round(f·S)) and then s2 = 2·s1 (f per experiment and key, below; `--scale`
multiplies it), one draw / seed only (and, where many runs differ only in a value that does not
change the cost of a step, one of them: `twins` below), `--jobs 1` with one BLAS thread (what
each run of a parallel `ngd reproduce` gets) and no checkpoints. A run's measured wall time (from
the `manifest.json` that `ngd run` writes) is modelled as t = a + b·steps, so the full run is
projected as t1 + (t2 − t1)·(S − s1)/(s2 − s1), with S the paper's step budget and s1, s2 the
calibration budgets of that run. Every paper run takes the projection of its calibration twin
(same run id with draw / seed 0, and for `damping` the first λ / ρ). Runs that stop early at a
loss threshold or on convergence (fig2, fig5, fig5-fisher, damping's fixed-step EGD) are
projected at their full budget, so those rows are upper bounds. Runs without a step budget in the
config (fig3, own-data, app. D, the empirical-Fisher blow-up) take their measured time.

The total CPU time is then divided over the cores: `ngd reproduce --jobs C` runs independent runs
in parallel, largest first, so the wall time is about max(total / C, longest run) — the larger
of the two is printed. Two concurrent runs share the memory system; the script does not model
that (see docs/performance.md for a measurement).

Calibrations are stored in a JSON file (`--cache`, default `target/project_paper.json`) with the
code revision and time they were measured at. `--calibrate fig4,fig5` measures only those
experiments again and takes the others from the file (an experiment missing there, or whose
paper config or calibration fractions changed since, is calibrated too), so rerunning after a
change to one kernel costs only that experiment's calibration:

    cargo build --release -p ngd-experiments
    python3 benches/project_paper.py                          # everything (≈ 40 min, loaded)
    python3 benches/project_paper.py --calibrate fig4,fig5    # those again, the rest reused
    python3 benches/project_paper.py --calibrate none         # only reprint from the file

Prints a Markdown table (experiment, run kind, runs, steps per run, projected seconds per run,
CPU hours, calibration revision) and the total.
"""

import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def draw_zero(rid):
    """The calibration twin of a paper run id: draw / seed index 0."""
    return re.sub(r"-(r|s)\d+$", r"-\g<1>0", rid)


def damping_twin(rid):
    """damping: every λ (ρ) of a task, depth and damping kind costs the same per step (one dense
    damped solve), so the calibration keeps the first and last λ and ρ, and a paper run takes
    the slower of the two."""
    return re.sub(r"-(abs|rel|limit)-.*$", r"-\g<1>", rid)


def budget_key(spec, rid):
    """The step-budget key (and depth) of a run: the first of the experiment's (run-id regex,
    key) rules that matches the start of the id wins. A key `(name, group)` takes the entry of
    the depth captured by the regex's group; no match: the run has no step budget."""
    for pattern, key in spec["budget"]:
        m = re.match(pattern, rid)
        if m:
            if isinstance(key, tuple):
                return key[0], int(m.group(key[1]))
            return key, None
    return None, None


# Per experiment: the calibration fraction of the paper's step budgets (a number, or one per key;
# chosen so that a calibration run takes a second or more where the full run is long — the fit
# needs the steps to dominate start-up — but not much more: the exact NGD steps of damping,
# approximate-ng and deep-linear at N = 2000, D = 1000 take about a second each, so those keys
# get a few steps only), the step-budget keys to scale (a list value scales every
# entry), the overrides that keep one draw, the run-id → twin map, and the run-id → budget key
# (and list index) map. A `None` budget key means the run has no step budget in the config.
EXPERIMENTS = {
    "fig2": {
        "factor": 1e-2,
        "one_draw": {},
        "budget": [("egd", "egd_max_steps"), ("ngd", "ngd_steps")],
    },
    "fig3": {"factor": 1.0, "one_draw": {}, "budget": []},
    "fig4": {
        "factor": 1e-3,
        "one_draw": {"seeds": 1},
        "budget": [("egd", "egd_steps"), ("ngd-pop", "population_steps"),
                             (r"ngd-L(\d+)", ("ngd_depths[].steps", 1))],
    },
    "fig5": {
        "factor": 1e-3,
        "one_draw": {"seeds": 1},
        "budget": [("EGD", "egd_max_steps"), ("NGD", "ngd_max_steps")],
    },
    "fig6": {
        "factor": 1e-2,
        "one_draw": {"seeds": 1},
        "budget": [("egd", "egd_steps"), ("ngd-pop", "population_steps"),
                             (r"ngd-L(\d+)", ("ngd_depths[].steps", 1))],
    },
    "theorems": {
        "factor": 5e-2,
        "one_draw": {},
        "budget": [("thm3", "asymptotic_steps"), ("thm4", "two_layer_steps"),
                             (r"thm1|thm2|appG", "invariance_steps")],
    },
    "damping": {
        "factor": {"egd_steps": 1e-4, "egd_fixed_steps": 1e-3, "ngd_steps": 5e-4},
        "one_draw": {"lambdas": "ends", "rhos": "ends"},
        "twin": damping_twin,
        "budget": [(r".*-egd-fixed$", "egd_fixed_steps"), (r".*-egd$", "egd_steps"),
                             (r".*-limit-", "egd_steps"), (r".*", "ngd_steps")],
    },
    "approximate-ng": {
        "factor": {"steps": 1e-3, "invariance_steps": 5e-2},
        "one_draw": {},
        "budget": [(r"toy|sparse|deep-linear", "steps"),
                             (r"thm\d-(?!empirical)", "invariance_steps")],
    },
    "deep-linear": {
        "factor": {"toy_steps": 1e-2, "egd_steps": 1e-2, "diagonal_steps": 1e-2,
                   "ngd_steps": 1e-3},
        "one_draw": {"seeds": 1},
        "budget": [("toy-egd", "toy_steps"), ("egd", "egd_steps"),
                             ("diag-egd", "diagonal_steps"), ("ngd", "ngd_steps")],
    },
    "fig5-fisher": {
        "factor": {"egd_max_steps": 1e-3, "ngd_max_steps": 1e-3, "damped_max_steps": 1e-4},
        "one_draw": {"seeds": 1},
        "budget": [("EGD", "egd_max_steps"), ("NGD-OBS-DAMPED", "damped_max_steps"),
                             ("NGD", "ngd_max_steps")],
    },
    "own-data": {"factor": 1.0, "one_draw": {}, "budget": []},
    "egd-demo": {
        "factor": 5e-2,
        "one_draw": {"repeats": 1},
        "budget": [("L", "steps")],
    },
}

# The smallest step budget a calibration run may get (validation wants ≥ 1, and a couple of steps
# keep the fit away from pure start-up cost).
MIN_STEPS = 2


def budget_keys(spec):
    """The config keys holding step budgets of an experiment (from its budget rules)."""
    return sorted({key[0] if isinstance(key, tuple) else key for _, key in spec["budget"]})


def factor_of(spec, key, scale):
    f = spec["factor"]
    return scale * (f[key] if isinstance(f, dict) else f)


def scaled(value, factor, level):
    """The calibration budget of one step budget: `level` × max(MIN_STEPS, round(value·factor)),
    so that the second level always runs exactly twice the steps of the first."""
    return level * max(MIN_STEPS, round(value * factor))


def scaled_key(config, key, factor, level):
    """(config key, calibration value) of a budget key: `name` (a number, or a list of per-depth
    numbers) or `name[].field` (a list of tables, e.g. fig4's `ngd_depths[].steps`)."""
    name, _, field = key.partition("[].")
    value = config[name]
    if field:
        return name, [dict(e, **{field: scaled(e[field], factor, level)}) for e in value]
    if isinstance(value, list):
        return name, [scaled(v, factor, level) for v in value]
    return name, scaled(value, factor, level)


def budget_of(config, key, depth):
    """The step budget of `key` in `config` for a run of `depth` (None: no budget). A per-depth
    list whose depth is not in the run id gives its largest entry (an upper bound)."""
    if key is None:
        return None
    name, _, field = key.partition("[].")
    value = config[name]
    if field:
        entries = [e for e in value if depth is None or e["depth"] == depth]
        return max(e[field] for e in entries)
    if isinstance(value, list):
        return value[depth - 1] if depth is not None else max(value)
    return value


def toml_value(value):
    """A config value as the TOML that `--set` reads (inline tables for fig4's `ngd_depths`)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


def calibrate_one(ngd, exp, spec, paper_config, scale, level, out):
    overrides = {k: ([paper_config[k][0], paper_config[k][-1]] if v == "ends" else v)
                 for k, v in spec["one_draw"].items()}
    if spec["factor"] != 1.0:
        for key in budget_keys(spec):
            name, value = scaled_key(paper_config, key, factor_of(spec, key, scale), level)
            overrides[name] = value
    args = [ngd, "run", exp, "--preset", "paper", "--out", str(out), "--jobs", "1",
            "--checkpoint-every", "never"]
    for key, value in overrides.items():
        args += ["--set", f"{key}={toml_value(value)}"]
    print(f"# calibrating {exp}, level {level}: {' '.join(args[2:])}", file=sys.stderr, flush=True)
    # One BLAS thread, as each of the parallel runs of `ngd reproduce --jobs C` (C > 1) has.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    status = subprocess.run(args, stdout=subprocess.DEVNULL, env=env).returncode
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - start
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # On a shared machine the one-threaded process gets only part of a core: its CPU time over
    # its wall time (≤ 1 at one thread) converts the runs' wall times to the time they would
    # take on a core of their own.
    share = min(1.0, cpu / wall) if wall > 0 else 1.0
    if status == 0:
        manifest = json.loads((out / exp / "manifest.json").read_text())
        return {"config": manifest["config"], "revision": manifest["git_revision"],
                "cpu_share": share,
                "seconds": {r["run_id"]: r["wall_seconds"] for r in manifest["runs"]}}
    # Every run finished but `finish` (plots, claims) failed on the cut budgets: the run records
    # still hold each run's wall time; the config is the paper's with the overrides.
    records = [json.loads(p.read_text()) for p in sorted((out / exp / "runs").glob("*.json"))]
    if not records:
        sys.exit(f"calibration of {exp} failed (exit {status}) before any run finished")
    print(f"# {exp}: `ngd run` exited {status} after its runs; taking their run records",
          file=sys.stderr, flush=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    return {"config": dict(paper_config, **overrides), "revision": head.strip() or "unknown",
            "cpu_share": share, "seconds": {r["run_id"]: r["wall_seconds"] for r in records}}


def calibrate(ngd, exp, spec, paper_config, scale, tmp):
    start = time.monotonic()
    levels = [calibrate_one(ngd, exp, spec, paper_config, scale, level, tmp / f"{exp}-{level}")
              for level in (1, 2)]
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"paper_config": paper_config, "scale": scale, "factor": spec["factor"],
            "levels": levels, "revision": levels[0]["revision"],
            "measured_at": now.strftime("%Y-%m-%d %H:%M UTC"),
            "calibration_seconds": round(time.monotonic() - start, 1)}


def project_run(exp, spec, cal, paper_config, rid, raw_wall):
    """Projected seconds of one paper run from its experiment's calibration (wall seconds times
    the calibration process's CPU share unless `raw_wall`)."""
    twin_of = spec.get("twin", lambda r: r)
    t1, t2 = ({}, {})
    for times, lvl in zip((t1, t2), cal["levels"]):
        share = 1.0 if raw_wall else lvl.get("cpu_share", 1.0)
        for r, s in lvl["seconds"].items():
            times[twin_of(r)] = max(share * s, times.get(twin_of(r), 0.0))
    twin = twin_of(draw_zero(rid))
    if twin not in t1 or twin not in t2:
        sys.exit(f"no calibration run for {exp}/{rid} (looked for {twin})")
    key, depth = budget_key(spec, rid)
    full = budget_of(paper_config, key, depth)
    s1, s2 = (budget_of(lvl["config"], key, depth) for lvl in cal["levels"])
    if full is None or s1 == s2:
        return full, max(t1[twin], t2[twin])
    slope = max(0.0, (t2[twin] - t1[twin]) / (s2 - s1))
    return full, t1[twin] + slope * (full - s1)


def run_kind(rid):
    kind = re.sub(r"-rho[^-]*(-\d+)?", "", re.sub(r"-(N|m|r|s|n)\d+", "", rid))
    return re.sub(r"-(abs|rel|limit)-.*$", r"-\g<1>", kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ngd", default="target/release/ngd")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies every experiment's calibration fraction (its `factor`)")
    ap.add_argument("--only", default=",".join(EXPERIMENTS),
                    help="experiments to project (default: all)")
    ap.add_argument("--calibrate", default="all",
                    help="experiments to calibrate again: `all`, `none` or a list; the others "
                         "are taken from --cache")
    ap.add_argument("--cache", default="target/project_paper.json",
                    help="calibrations read and written (JSON)")
    ap.add_argument("--raw-wall", action="store_true",
                    help="take the runs' wall times as measured, without the CPU-share correction")
    ap.add_argument("--min-hours", type=float, default=0.01,
                    help="run kinds below this many CPU hours are summed into one `rest` row")
    a = ap.parse_args()
    only = a.only.split(",")
    unknown = [e for e in only if e not in EXPERIMENTS]
    if unknown:
        sys.exit(f"unknown experiments {unknown}; known: {', '.join(EXPERIMENTS)}")
    wanted = set(only if a.calibrate == "all" else
                 [] if a.calibrate == "none" else a.calibrate.split(","))
    if wanted - set(EXPERIMENTS):
        sys.exit(f"--calibrate: unknown experiments {sorted(wanted - set(EXPERIMENTS))}")
    cache_path = Path(a.cache)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan_file = tmp / "plan.json"
        subprocess.run([a.ngd, "reproduce", "--preset", "paper", "--plan", str(plan_file)],
                       check=True, stdout=subprocess.DEVNULL)
        plan = json.loads(plan_file.read_text())
        missing = set(plan["configs"]) - set(EXPERIMENTS)
        if missing:
            sys.exit(f"experiments of the registry without a calibration spec: {sorted(missing)}")
        for exp in only:
            paper_config = plan["configs"][exp]
            old = cache.get(exp)
            factor = EXPERIMENTS[exp]["factor"]
            stale = (old is None or old["paper_config"] != paper_config or old["scale"] != a.scale
                     or old.get("factor", factor) != factor)
            if exp in wanted or stale:
                if exp not in wanted:
                    print(f"# {exp}: no usable calibration in {cache_path}, calibrating",
                          file=sys.stderr)
                cache[exp] = calibrate(a.ngd, exp, EXPERIMENTS[exp], paper_config, a.scale, tmp)
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                cache_path.write_text(json.dumps(cache, indent=1))

    rows = defaultdict(lambda: [0, 0, 0.0])  # (exp, kind) -> runs, steps per run, seconds
    total, longest = 0.0, (0.0, "")
    longest_of = defaultdict(float)  # exp -> its longest run's seconds
    for run in (r for r in plan["runs"] if r["experiment"] in only):
        exp, rid = run["experiment"], run["run_id"]
        full, seconds = project_run(exp, EXPERIMENTS[exp], cache[exp], plan["configs"][exp], rid,
                                    a.raw_wall)
        row = rows[(exp, run_kind(rid))]
        row[0] += 1
        row[1] = max(row[1], full or 0)
        row[2] += seconds
        total += seconds
        longest = max(longest, (seconds, f"{exp}/{rid}"))
        longest_of[exp] = max(longest_of[exp], seconds)

    print("| experiment | run kind | runs | steps per run (max) | projected s per run (mean) "
          "| CPU hours |")
    print("|---|---|---|---|---|---|")
    rest = [0, 0.0, set()]
    for (exp, kind), (runs, steps, seconds) in sorted(rows.items()):
        if seconds / 3600 < a.min_hours:
            rest[0] += runs
            rest[1] += seconds
            rest[2].add(exp)
            continue
        print(f"| {exp} | {kind} | {runs} | {f'{steps:,}' if steps else '—'} "
              f"| {seconds / runs:,.1f} | {seconds / 3600:.2f} |")
    if rest[0]:
        print(f"| rest (kinds under {a.min_hours} h) | {', '.join(sorted(rest[2]))} | {rest[0]} "
              f"| | | {rest[1] / 3600:.2f} |")
    print()
    per_exp = defaultdict(float)
    for (exp, _), (_, _, seconds) in rows.items():
        per_exp[exp] += seconds
    print(f"| experiment | runs | CPU hours | longest run (h) | wall on {a.cores} cores (h) "
          "| calibrated at (revision, time, seconds) | CPU share |")
    print("|---|---|---|---|---|---|---|")
    for exp in only:
        cal = cache[exp]
        runs = sum(r for (e, _), (r, _, _) in rows.items() if e == exp)
        shares = " / ".join(f"{lvl.get('cpu_share', 1.0):.2f}" for lvl in cal["levels"])
        wall_exp = max(per_exp[exp] / a.cores, longest_of[exp]) / 3600
        print(f"| {exp} | {runs} | {per_exp[exp] / 3600:.2f} | {longest_of[exp] / 3600:.2f} "
              f"| {wall_exp:.2f} | {cal['revision'][:8]}, "
              f"{cal['measured_at']}, {cal['calibration_seconds']} s "
              f"| {shares} |")
    wall = max(total / a.cores, longest[0])
    print()
    print(f"Total CPU time {total / 3600:.1f} h; longest run {longest[0] / 3600:.2f} h "
          f"({longest[1]}); projected wall time on {a.cores} cores ≈ {wall / 3600:.1f} h "
          f"({wall / 86400:.2f} days).")


if __name__ == "__main__":
    main()
