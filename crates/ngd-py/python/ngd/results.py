"""Experiment results as pandas DataFrames.

``ngd.results.load(path, "fig4")`` reads the folder an experiment wrote (``ngd run`` or
:func:`ngd.run`): ``path`` is either the results root ``<out>`` (then ``<out>/fig4`` is read)
or the experiment folder itself. Every ``*.csv`` becomes a DataFrame with clean column names:
the unit in a header such as ``train_loss (nats)`` moves to ``df.attrs["units"]``
(``{"train_loss": "nats"}``), and names are lower-case identifiers (``[a-z0-9_]``).
``manifest.json`` (config, seed, git revision, versions, routes, per-run status) and
``summary.json`` come along as dicts.

**Format version.** The loader reads the integer ``format_version`` at the top level of
``manifest.json``. Results written before that field existed carry none: a manifest without
the field — or a folder without a manifest — is **version 0**, the layout of the first
releases (tidy CSVs, units in parentheses at the end of a header). Version 1 is the same
layout stamped with ``"format_version": 1``. A version above :data:`FORMAT_VERSION` means the
results were written by a newer ngd: the loader refuses it with
:class:`ngd.ResultsFormatError` instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Union

import pandas as pd

from .errors import ResultsFormatError

__all__ = ["FORMAT_VERSION", "Results", "load", "clean_column"]

#: The newest results format this loader reads (0 = unversioned, 1 = stamped).
FORMAT_VERSION = 1

_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")


def clean_column(header: str) -> tuple[str, Optional[str]]:
    """Splits a CSV header into a clean name and its unit: ``"train_loss (nats)"`` →
    ``("train_loss", "nats")``, ``"beta"`` → ``("beta", None)``."""
    match = _UNIT.match(header)
    name, unit = (match["name"], match["unit"]) if match else (header, None)
    name = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")
    return name or "column", unit


@dataclass
class Results:
    """The results of one experiment."""

    #: Experiment name (``"fig4"``, …).
    experiment: str
    #: The folder read.
    path: Path
    #: The format version (see the module docs).
    format_version: int
    #: ``manifest.json`` (empty if absent).
    manifest: Dict[str, Any] = field(default_factory=dict)
    #: ``summary.json`` (empty if absent).
    summary: Dict[str, Any] = field(default_factory=dict)
    #: One DataFrame per CSV, keyed by file stem (``"accuracy"``, ``"trace"``, …).
    tables: Dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        try:
            return self.tables[table]
        except KeyError:
            raise KeyError(
                f"{self.experiment} has no table {table!r} (tables: {sorted(self.tables)})"
            ) from None

    def __repr__(self) -> str:
        return (
            f"Results({self.experiment!r}, format_version={self.format_version}, "
            f"tables={sorted(self.tables)})"
        )


def _read_json(path: Path) -> Dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ResultsFormatError(f"{path}: cannot read JSON: {e}") from e


def _format_version(manifest: Dict[str, Any], where: Path) -> int:
    version = manifest.get("format_version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ResultsFormatError(
            f"{where}: format_version must be a non-negative integer, found {version!r}"
        )
    if version > FORMAT_VERSION:
        raise ResultsFormatError(
            f"{where}: results format version {version} is newer than this loader's "
            f"{FORMAT_VERSION}; upgrade the ngd package"
        )
    return version


def _read_table(path: Path, experiment: str, version: int) -> pd.DataFrame:
    frame = pd.read_csv(path)
    names, units = [], {}
    for header in frame.columns:
        name, unit = clean_column(str(header))
        if name in names:
            raise ResultsFormatError(f"{path}: two columns are both named {name!r}")
        names.append(name)
        if unit is not None:
            units[name] = unit
    frame.columns = names
    frame.attrs.update(
        units=units, experiment=experiment, table=path.stem, format_version=version,
        source=str(path),
    )
    return frame


def load(path: Union[str, Path], experiment: Optional[str] = None) -> Results:
    """Loads the results of ``experiment`` from ``path`` (the results root or the experiment
    folder; with ``experiment=None``, ``path`` must be the experiment folder).

    Raises :class:`ngd.ResultsFormatError` if the folder does not exist, belongs to another
    experiment, has no CSV, or has an unsupported format version."""
    root = Path(path)
    folder = root / experiment if experiment and (root / experiment).is_dir() else root
    if not folder.is_dir():
        raise ResultsFormatError(f"{folder}: no such results folder")
    manifest_path = folder / "manifest.json"
    manifest = _read_json(manifest_path) if manifest_path.is_file() else {}
    version = _format_version(manifest, manifest_path)
    name = manifest.get("experiment", folder.name)
    if experiment is not None and name != experiment:
        raise ResultsFormatError(f"{folder}: holds results of {name!r}, not {experiment!r}")
    summary_path = folder / "summary.json"
    summary = _read_json(summary_path) if summary_path.is_file() else {}
    tables = {p.stem: _read_table(p, name, version) for p in sorted(folder.glob("*.csv"))}
    if not tables:
        raise ResultsFormatError(f"{folder}: no CSV tables (has the experiment finished?)")
    return Results(name, folder, version, manifest, summary, tables)
