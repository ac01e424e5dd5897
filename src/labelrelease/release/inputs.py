"""What a release reads: its params section, the stage outputs (each optional, with a clear
degrade) and the gates of the check and QA reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labelrelease.errors import ConfigError, InputError, ReleaseGateFailed
from labelrelease.model.clock import source_date_epoch
from labelrelease.project import params_section

PARAMS: dict[str, type | tuple[type, ...]] = {
    "in": str,
    "out": str,
    "version": str,
    "contract": str,
    "raw": str,
    "check_report": str,
    "qa_report": str,
    "qa_sample": str,
    "changelog": str,
    "geometry_tolerance": (int, float),
    "time_tolerance": (int, float),
    "split_ratios": dict,
    "split_group_key": str,
    "date": str,
    "name": str,
    "license": str,
    "url": str,
    "tag": bool,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
}

DEFAULTS: dict[str, Any] = {
    "in": "data/migrated",
    "out": "data/releases",
    "contract": "pipelines/contract.yaml",
    "raw": "data/raw",
    "check_report": "reports/check.json",
    "qa_report": "reports/qa.json",
    "qa_sample": "data/qa/sample.parquet",
    "changelog": "CHANGELOG.md",
    "geometry_tolerance": 0.5,
    "time_tolerance": 0.01,
    "split_ratios": {"train": 0.8, "val": 0.1, "test": 0.1},
    "tag": True,
    "name": "dataset",
    "license": "unspecified",
    "url": "https://example.org/dataset",
    "duckdb_memory_limit": "2GB",
    "duckdb_threads": 2,
}

CANONICAL = ("items", "assets", "annotations", "labels", "links")
OPTIONAL_MIGRATE = ("changes", "relabel", "filtered_labels")


@dataclass
class Settings:
    """The ``release`` params with defaults filled in; paths relative to ``root``."""

    root: Path
    values: dict[str, Any]

    def path(self, key: str) -> Path:
        value = Path(str(self.values[key]))
        return value if value.is_absolute() else self.root / value

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


def load_settings(params: Path, root: Path, overrides: dict[str, Any]) -> Settings:
    """The ``release`` section of ``params`` (when the file exists), defaults, then
    ``overrides`` (options given on the command line)."""
    values = dict(DEFAULTS)
    if params.exists():
        values.update(params_section(params, "release", PARAMS))
    values.update({k: v for k, v in overrides.items() if v is not None})
    ratios = values["split_ratios"]
    if not ratios or any(not isinstance(v, int | float) or v < 0 for v in ratios.values()):
        raise ConfigError(
            "must map split names to non-negative ratios, e.g. {train: 0.8, val: 0.1, test: 0.1}",
            path=str(params),
            key="release.split_ratios",
        )
    return Settings(root, values)


def release_date(settings: Settings) -> str:
    """The change log date: params ``date``, else ``SOURCE_DATE_EPOCH``, else today (UTC)."""
    if settings["date"]:
        return str(settings["date"])
    pinned = source_date_epoch()
    return (pinned or datetime.now(UTC)).date().isoformat()


@dataclass
class Inputs:
    """The files a release is built from; absent optional inputs are listed in ``absent``."""

    migrated: Path
    tables: dict[str, Path]
    optional: dict[str, Path]
    check: dict[str, Any] | None
    qa: dict[str, Any] | None
    qa_sample: Path | None
    migrate_json: dict[str, Any] | None
    absent: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_inputs(settings: Settings) -> Inputs:
    """Locate the inputs; the five canonical tables are required, everything else optional."""
    migrated = settings.path("in")
    if not migrated.is_dir():
        raise InputError(
            "no canonical tables here; run the stages before release (`dvc repro`) or set "
            "release.in in params.yaml",
            path=str(settings["in"]),
        )
    tables: dict[str, Path] = {}
    for name in CANONICAL:
        path = migrated / f"{name}.parquet"
        if not path.exists():
            raise InputError(
                f"{name}.parquet is missing; rerun the stage that writes it",
                path=str(settings["in"]),
            )
        tables[name] = path
    inputs = Inputs(migrated, tables, {}, None, None, None, None)
    for name in OPTIONAL_MIGRATE:
        path = migrated / f"{name}.parquet"
        if path.exists():
            inputs.optional[name] = path
        else:
            inputs.absent.append(f"{settings['in']}/{name}.parquet")
    migrate_json = migrated / "migrate.json"
    inputs.migrate_json = _read_json(migrate_json, inputs, f"{settings['in']}/migrate.json")
    if inputs.migrate_json is None:
        inputs.notes.append("no migrate.json: no migrations recorded (migrations: [])")
    inputs.check = _read_json(settings.path("check_report"), inputs, settings["check_report"])
    if inputs.check is None:
        inputs.notes.append("no check report: the check gates were not run for this release")
    inputs.qa = _read_json(settings.path("qa_report"), inputs, settings["qa_report"])
    if inputs.qa is None:
        inputs.notes.append("no QA report: the QA gates were not run for this release")
    sample = settings.path("qa_sample")
    if sample.exists():
        inputs.qa_sample = sample
    else:
        inputs.absent.append(str(settings["qa_sample"]))
        inputs.notes.append("no QA sample: the bundle has no qa_sample.parquet")
    return inputs


def _read_json(path: Path, inputs: Inputs, shown: str) -> dict[str, Any] | None:
    if not path.exists():
        inputs.absent.append(shown)
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(
            f"not valid JSON ({e}); rerun the stage that writes it", path=shown
        ) from None
    if not isinstance(value, dict):
        raise InputError("must be a JSON object; rerun the stage that writes it", path=shown)
    return value


def gate_results(report: dict[str, Any] | None, stage: str) -> list[dict[str, Any]]:
    """The gates of a report as ``[{stage, figure, passed, value, threshold}]``; a report
    may hold them as a list of objects or as a mapping of figure → object."""
    if not report:
        return []
    raw = report.get("gates") or []
    entries = (
        [{"figure": k, **(v if isinstance(v, dict) else {"passed": v})} for k, v in raw.items()]
        if isinstance(raw, dict)
        else [g for g in raw if isinstance(g, dict)]
    )
    gates = []
    for gate in entries:
        figure = str(gate.get("figure") or gate.get("name") or gate.get("gate") or "?")
        status = str(gate.get("status", "")).lower()
        passed = gate.get("passed")
        if passed is None:
            passed = status not in ("fail", "failed", "error")
        gates.append(
            {
                "stage": stage,
                "figure": figure,
                "passed": bool(passed),
                "value": gate.get("value"),
                "threshold": gate.get("threshold"),
            }
        )
    return sorted(gates, key=lambda g: (g["stage"], g["figure"]))


def overrides(report: dict[str, Any] | None) -> list[dict[str, str]]:
    """The ``overrides`` of a report: ``[{figure, reason}]``, each reason required."""
    found = []
    for entry in (report or {}).get("overrides") or []:
        if isinstance(entry, dict) and entry.get("figure") and entry.get("reason"):
            found.append({"figure": str(entry["figure"]), "reason": str(entry["reason"])})
    return sorted(found, key=lambda o: o["figure"])


def run_gates(inputs: Inputs) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """All gate results and overrides; refuses a failed gate that no override covers."""
    gates = gate_results(inputs.check, "check") + gate_results(inputs.qa, "qa")
    allowed = overrides(inputs.check) + overrides(inputs.qa)
    covered = {o["figure"] for o in allowed}
    failed = [g for g in gates if not g["passed"] and g["figure"] not in covered]
    if failed:
        shown = ", ".join(
            f"{g['stage']}:{g['figure']} = {g['value']} (threshold {g['threshold']})"
            for g in failed
        )
        raise ReleaseGateFailed(
            f"gate(s) failed: {shown}; fix the data and rerun check/qa, or override a gate "
            "with a reason (`labelrelease check --allow FIGURE --reason TEXT`)"
        )
    return gates, allowed
