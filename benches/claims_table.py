#!/usr/bin/env python3
"""Sets the claims of two results roots side by side (e.g. the quick and the paper preset) as one
Markdown table: experiment, claim, verdict and measurement of each root.

    python3 benches/claims_table.py QUICK_ROOT PAPER_ROOT [--labels quick,paper]

Each root holds `<experiment>/summary.json` as `ngd run` / `ngd reproduce` write it (a folder
without `manifest.json` is unfinished and skipped). Claims are matched by their text, with the
sizes inside a trailing `[run, N = …, D = …]` ignored (the presets differ there: the sizes are
shown for both); a claim only one root has shows `—` for the other. Rows where the verdicts
differ are marked **≠**.
A side may also be several roots separated by commas (e.g. one per experiment, as
`ngd run --out DIR/<name>` leaves them): every `summary.json` below each is read.
"""

import argparse
import json
import re
import sys
from pathlib import Path


def summaries(roots):
    """experiment → (claims list, revision, preset) for every finished experiment under the
    comma-separated roots."""
    found = {}
    paths = (p for root in roots.split(",") for p in sorted(Path(root).glob("**/summary.json")))
    for summary in paths:
        folder = summary.parent
        if not (folder / "manifest.json").exists():
            continue
        manifest = json.loads((folder / "manifest.json").read_text())
        claims = json.loads(summary.read_text()).get("claims", [])
        exp = manifest["experiment"]
        if exp in found:
            sys.exit(f"two results of {exp} under {roots}: keep one")
        found[exp] = (claims, manifest["git_revision"][:8], manifest["preset"])
    return found


def claim_key(claim):
    """A claim's text with the numbers of `X = number` inside its trailing brackets ignored."""
    return re.sub(r"\[([^\]]*)\]$", lambda m: "[" + re.sub(r"= \d+", "= #", m.group(1)) + "]",
                  claim)


def cell(text, limit):
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("--labels", default="quick,paper")
    ap.add_argument("--width", type=int, default=160, help="clip measurements to this length")
    a = ap.parse_args()
    labels = a.labels.split(",")
    left, right = summaries(a.left), summaries(a.right)
    print(f"| experiment | claim | {labels[0]} verdict | {labels[0]} measured "
          f"| {labels[1]} verdict | {labels[1]} measured |")
    print("|---|---|---|---|---|---|")
    for exp in sorted(set(left) | set(right)):
        lc = {claim_key(c["claim"]): c for c in left.get(exp, ([],))[0]}
        rc = {claim_key(c["claim"]): c for c in right.get(exp, ([],))[0]}
        order = list(lc) + [c for c in rc if c not in lc]
        for key in order:
            l, r = lc.get(key), rc.get(key)
            claim = (l or r)["claim"]
            if l and r and l["claim"] != r["claim"]:
                claim += f"; {labels[1]}: {r['claim'][r['claim'].rfind('['):]}"
            lv = l["verdict"] if l else "—"
            rv = r["verdict"] if r else "—"
            mark = " **≠**" if l and r and lv != rv else ""
            lm = cell(l["measured"], a.width) if l else "—"
            rm = cell(r["measured"], a.width) if r else "—"
            print(f"| {exp} | {cell(claim, 200)} | {lv} | {lm} | {rv}{mark} | {rm} |")
    for name, found in zip(labels, (left, right)):
        revs = sorted({f"{e} {rev} ({preset})" for e, (_, rev, preset) in found.items()})
        print(f"\n{name}: {', '.join(revs)}")


if __name__ == "__main__":
    main()
