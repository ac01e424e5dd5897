"""The ``qa`` section of ``params.yaml``, checked once into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labelrelease.errors import ConfigError
from labelrelease.project import params_section

STRATA_DIMENSIONS = ("modality", "class", "origin", "language")
"""What an item's stratum may be made of (in this order when all are used)."""

PARAMS: dict[str, type | tuple[type, ...]] = {
    "in": str,
    "contract": str,
    "out": str,
    "report": str,
    "report_dir": str,
    "failures": str,
    "reviews": str,
    "releases": str,
    "seed": (str, int),
    "strata": list,
    "rate": (int, float),
    "min_per_stratum": int,
    "max_per_stratum": int,
    "changed_rate": (int, float),
    "prelabelled_rate": (int, float),
    "blind_share": (int, float),
    "iou_threshold": (int, float),
    "temporal_iou_threshold": (int, float),
    "span_overlap_threshold": (int, float),
    "gates": dict,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
}

GATE_BOUNDS = ("min", "max")


@dataclass(frozen=True)
class Gate:
    """A bound on one figure of ``qa.json`` (a dotted path such as
    ``disagreement.overall.presence``)."""

    figure: str
    bound: str  # min or max
    value: float


@dataclass(frozen=True)
class QASettings:
    """Everything the QA stage reads from params, with defaults."""

    inp: Path = Path("data/migrated")
    contract: Path = Path("pipelines/contract.yaml")
    out: Path = Path("data/qa")
    report: Path = Path("reports/qa.json")
    report_dir: Path = Path("reports/qa")
    failures: Path = Path("reports/check/failures.parquet")
    reviews: Path = Path("data/qa-reviews")
    releases: Path = Path("data/releases")
    seed: str = "qa"
    strata: tuple[str, ...] = STRATA_DIMENSIONS
    rate: float = 0.1
    min_per_stratum: int = 1
    max_per_stratum: int = 50
    changed_rate: float = 0.5
    prelabelled_rate: float = 0.3
    blind_share: float = 0.2
    iou_threshold: float = 0.5
    temporal_iou_threshold: float = 0.5
    span_overlap_threshold: float = 0.5
    gates: tuple[Gate, ...] = field(default_factory=tuple)
    memory_limit: str = "2GB"
    threads: int = 2
    temp_directory: str | None = None


def load_settings(params: Path, **overrides: Any) -> QASettings:
    """The ``qa`` section of ``params`` (defaults when the file or section is absent)."""
    values = params_section(params, "qa", PARAMS) if params.exists() else {}
    origin = str(params)
    shares = ("rate", "changed_rate", "prelabelled_rate", "blind_share")
    for key in (*shares, "iou_threshold", "temporal_iou_threshold", "span_overlap_threshold"):
        if key in values and not 0 <= float(values[key]) <= 1:
            raise ConfigError(
                f"must be between 0 and 1, got {values[key]!r}", path=origin, key=f"qa.{key}"
            )
    for key in ("min_per_stratum", "max_per_stratum"):
        if key in values and values[key] < 0:
            raise ConfigError("must not be negative", path=origin, key=f"qa.{key}")
    strata = tuple(values.get("strata", STRATA_DIMENSIONS))
    for dim in strata:
        if dim not in STRATA_DIMENSIONS:
            raise ConfigError(
                f"unknown stratum dimension {dim!r}; use some of {', '.join(STRATA_DIMENSIONS)}",
                path=origin,
                key="qa.strata",
            )
    kwargs: dict[str, Any] = {
        "strata": strata,
        "gates": _gates(values.get("gates") or {}, origin),
    }
    paths = {"in": "inp", "contract": "contract", "out": "out", "report": "report"}
    paths |= {k: k for k in ("report_dir", "failures", "reviews", "releases")}
    for key, name in paths.items():
        if key in values:
            kwargs[name] = Path(values[key])
    for key in ("rate", "changed_rate", "prelabelled_rate", "blind_share", "iou_threshold"):
        if key in values:
            kwargs[key] = float(values[key])
    for key in ("temporal_iou_threshold", "span_overlap_threshold"):
        if key in values:
            kwargs[key] = float(values[key])
    for key in ("min_per_stratum", "max_per_stratum"):
        if key in values:
            kwargs[key] = int(values[key])
    if "seed" in values:
        kwargs["seed"] = str(values["seed"])
    if "duckdb_memory_limit" in values:
        kwargs["memory_limit"] = values["duckdb_memory_limit"]
    if "duckdb_threads" in values:
        kwargs["threads"] = values["duckdb_threads"]
    if "duckdb_temp_directory" in values:
        kwargs["temp_directory"] = values["duckdb_temp_directory"]
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return QASettings(**kwargs)


def _gates(raw: dict[str, Any], origin: str) -> tuple[Gate, ...]:
    gates = []
    for figure, spec in raw.items():
        key = f"qa.gates.{figure}"
        if not isinstance(spec, dict) or not spec or set(spec) - set(GATE_BOUNDS):
            raise ConfigError(
                "must be a mapping such as {max: 0.2} or {min: 0.8}", path=origin, key=key
            )
        for bound, value in spec.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"`{bound}` must be a number", path=origin, key=key)
            gates.append(Gate(str(figure), bound, float(value)))
    return tuple(gates)
