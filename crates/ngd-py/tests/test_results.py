"""ngd.run in-process and the results loader on a quick-preset output (fig4, shrunk with
`set` overrides so that it runs in about a second)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import ngd
from ngd import results

SMALL_FIG4 = [
    "dim=20", "sparsity=3", "n_grid=[10,30]", "n_test=100", "seeds=1", "egd_steps=200",
    "population_size=40", "logit_n=10", "beta_n=30", "beta_coords=20",
    "ngd_depths=[{depth=1,learning_rate=1.0,steps=20}]",
    "population_steps=10", "logit_steps=10",
]


@pytest.fixture(scope="module")
def fig4(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    outcome = ngd.run("fig4", preset="quick", out=out, set=SMALL_FIG4, seed=1)
    assert outcome["executed"] == 6 and outcome["path"] == out / "fig4"
    again = ngd.run("fig4", preset="quick", out=out, set=SMALL_FIG4, seed=1, resume=True)
    assert (again["executed"], again["reused"]) == (0, 6)
    return out


def test_run_writes_what_ngd_run_writes(fig4):
    folder = fig4 / "fig4"
    for name in ["accuracy.csv", "trace.csv", "beta.csv", "logits.csv", "manifest.json",
                 "summary.json", "accuracy.png"]:
        assert (folder / name).is_file(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["preset"] == "quick" and manifest["seed"] == 1 and manifest["jobs"] == 1
    assert manifest["config"]["dim"] == 20


def test_load_gives_clean_columns_with_units_in_attrs(fig4):
    res = results.load(fig4, "fig4")
    assert res.experiment == "fig4" and res.format_version == 1
    assert sorted(res.tables) == ["accuracy", "beta", "logits", "tasks", "trace", "weights"]
    acc = res["accuracy"]
    assert isinstance(acc, pd.DataFrame)
    assert {"run_id", "method", "n_train", "train_loss", "test_accuracy"} <= set(acc.columns)
    assert all(c == c.lower() and " " not in c and "(" not in c for c in acc.columns)
    assert acc.attrs["units"]["train_loss"] == "nats"
    assert acc.attrs["units"]["test_accuracy"] == "fraction"
    assert acc.attrs["experiment"] == "fig4" and acc.attrs["format_version"] == 1
    assert acc["test_accuracy"].between(0, 1).all()
    assert set(acc["n_train"]) == {10, 30}
    raw = pd.read_csv(fig4 / "fig4" / "accuracy.csv")
    np.testing.assert_array_equal(acc["test_accuracy"], raw["test_accuracy (fraction)"])
    assert res.manifest["experiment"] == "fig4" and res.summary
    same = results.load(fig4 / "fig4")  # the experiment folder itself
    assert same.experiment == "fig4" and sorted(same.tables) == sorted(res.tables)


@pytest.mark.parametrize(
    "header, name, unit",
    [
        ("train_loss (nats)", "train_loss", "nats"),
        ("true_support_mass (fraction of |beta|_1)", "true_support_mass", "fraction of |beta|_1"),
        ("Reconstruction Error (relative (Frobenius))", "reconstruction_error",
         "relative (Frobenius)"),
        ("beta", "beta", None),
        ("n-train", "n_train", None),
    ],
)
def test_clean_column(header, name, unit):
    assert results.clean_column(header) == (name, unit)


def copy_of(fig4, tmp_path):
    folder = tmp_path / "fig4"
    shutil.copytree(fig4 / "fig4", folder)
    return folder


def set_version(folder, version):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["format_version"] = version
    path.write_text(json.dumps(manifest))


def test_format_version_rules(fig4, tmp_path):
    folder = copy_of(fig4, tmp_path)
    set_version(folder, 1)
    assert results.load(folder, "fig4").format_version == 1
    set_version(folder, results.FORMAT_VERSION + 1)
    with pytest.raises(ngd.ResultsFormatError, match="newer than this loader"):
        results.load(folder, "fig4")
    set_version(folder, "1")
    with pytest.raises(ngd.ResultsFormatError, match="non-negative integer"):
        results.load(folder, "fig4")
    (folder / "manifest.json").unlink()  # no manifest: version 0, name from the folder
    res = results.load(folder, "fig4")
    assert res.format_version == 0 and res.manifest == {}


def test_loader_errors(fig4, tmp_path):
    with pytest.raises(ngd.ResultsFormatError, match="no such results folder"):
        results.load(tmp_path / "missing", "fig4")
    with pytest.raises(ngd.ResultsFormatError, match="not 'fig5'"):
        results.load(fig4 / "fig4", "fig5")
    empty = tmp_path / "fig4"
    empty.mkdir()
    with pytest.raises(ngd.ResultsFormatError, match="no CSV tables"):
        results.load(empty)
    with pytest.raises(KeyError, match="no table 'loss'"):
        results.load(fig4, "fig4")["loss"]


def test_run_is_interrupted_by_ctrl_c_and_resumes(tmp_path):
    """Ctrl-C (SIGINT via ``_thread.interrupt_main``) stops an in-process experiment between
    two checkpoint segments with a checkpoint written; the process stays usable and
    ``resume=True`` continues from the checkpoint."""
    import _thread
    import threading
    import time

    # ~10⁹ EGD steps: far beyond the test's time unless the cancellation flag stops the run.
    long = ["steps=1000000000", "repeats=1", "depths=[1]"]
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            ngd.run("egd-demo", out=tmp_path, set=long)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 30
    # The cancelled run wrote a checkpoint on its way out (the interval had not elapsed).
    assert list((tmp_path / "egd-demo" / "checkpoints").iterdir())
    # The process is usable: a short run completes.
    outcome = ngd.run("egd-demo", out=tmp_path / "short", set=["steps=100"])
    assert outcome["executed"] >= 1


def test_manifests_carry_the_format_version(fig4):
    manifest = json.loads((fig4 / "fig4" / "manifest.json").read_text())
    assert manifest["format_version"] == ngd.results.FORMAT_VERSION == 1
    assert results.load(fig4, "fig4").format_version == 1
