"""Run a check: row contract + expectation suites over a folder of canonical tables, figures,
gates and reports, published atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from labelrelease.check.context import DuckDBSettings, connect
from labelrelease.check.evaluate import FAILS, evaluate
from labelrelease.check.figures import Override, evaluate_gates
from labelrelease.check.report import suite_results, write_reports
from labelrelease.check.rowcontract import check_rows
from labelrelease.check.suites import Suite
from labelrelease.contract.model import Contract
from labelrelease.model.atomic import publish, staging
from labelrelease.model.clock import EPOCH, source_date_epoch

# Per failing record: its kind (label kind, or the table) and its modality (of its asset).
DIMS_SQL = """
CREATE OR REPLACE TEMP VIEW lr_dims AS
SELECT 'labels' AS "table", l.label_id AS record_id, l.kind, a.modality, l.item_id
  FROM labels l LEFT JOIN assets a ON a.asset_id = l.asset_id
UNION ALL SELECT 'assets', asset_id, 'asset', modality, item_id FROM assets
UNION ALL SELECT 'annotations', annotation_id, 'annotation', NULL, item_id FROM annotations
UNION ALL SELECT 'links', link_id, 'link', NULL, item_id FROM links
UNION ALL SELECT 'items', item_id, 'item', NULL, item_id FROM items
"""

BREAKDOWN_SQL = """
SELECT f.figure, coalesce(d.modality, '-') AS modality, coalesce(d.kind, f."table") AS kind,
       count(DISTINCT f.record_id) AS n
FROM fails f LEFT JOIN lr_dims d ON d."table" = f."table" AND d.record_id = f.record_id
GROUP BY ALL ORDER BY ALL
"""

FIGURE_COUNTS_SQL = """
SELECT figure, count(DISTINCT "table" || chr(0) || record_id) FROM fails GROUP BY figure
"""

TEXT_LABELS_SQL = "SELECT count(*) FROM labels WHERE text IS NOT NULL"

DATA_TIME_SQL = "SELECT epoch_us(max(created_at)) FROM annotations"


@dataclass
class CheckResult:
    """Figures, gate results and overrides of one check; ``failed_gates`` names the gates that
    failed without an override."""

    figures: dict[str, float]
    gates: list[dict[str, Any]]
    overrides: list[Override]
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_gates(self) -> list[dict[str, Any]]:
        return [g for g in self.gates if not g["passed"] and not g["overridden"]]


def run_check(
    tables: Path,
    contract: Contract,
    suites: list[Suite],
    *,
    out: Path,
    report: Path,
    gates: dict[str, float],
    overrides: list[Override],
    settings: DuckDBSettings | None = None,
    batch_size: int = 100_000,
    advance: Callable[[int], None] = lambda _n: None,
) -> CheckResult:
    """Check ``tables`` and publish ``out/`` (validations, Data Docs, failures.parquet) and
    ``report`` (check.json). Gates are evaluated, not enforced: the caller raises."""
    settings = settings or DuckDBSettings()
    pinned = source_date_epoch()  # a bad value stops the check before any work
    with staging(out, "check") as work:
        if settings.temp_directory is None:
            settings = DuckDBSettings(settings.memory_limit, settings.threads, str(work / "tmp"))
        con = connect(tables, contract, settings)
        try:
            con.execute(FAILS)
            rows = check_rows(con, contract, batch_size, advance)
            results = evaluate(con, suites)
            _tag_fails(con, suites)
            figures, breakdown = _figures(con, rows)
            # a table-level expectation has no failing rows: this figure counts expectations
            figures["distribution_failures"] = float(
                sum(
                    not results[e.name]["success"]
                    for s in suites
                    for e in s.expectations
                    if e.figure == "distribution"
                )
            )
            run_time = pinned or data_time(con)
            built = work / "out"
            write_reports(con, built, suite_results(suites, results, run_time))
        finally:
            con.close()
        gate_results = evaluate_gates(figures, gates, overrides)
        data = _report(figures, breakdown, rows, results, gate_results, overrides)
        (built / "check.json").write_text(_json(data), encoding="utf-8")
        publish(built, out)
    _write_atomic(report, _json(data))
    return CheckResult(figures, gate_results, overrides, data)


def data_time(con: duckdb.DuckDBPyConnection) -> datetime:
    """The time of the checked data: its latest ``annotations.created_at``, else 1970-01-01
    (UTC). A check's validation time when ``SOURCE_DATE_EPOCH`` is not set, so the same
    tables give the same reports whenever they are checked."""
    micros = con.execute(DATA_TIME_SQL).fetchall()[0][0]
    return EPOCH if micros is None else EPOCH + timedelta(microseconds=micros)


def _tag_fails(con: duckdb.DuckDBPyConnection, suites: list[Suite]) -> None:
    exps = [e for s in suites for e in s.expectations]
    tags = pa.table(
        {
            "expectation": [e.name for e in exps],
            "suite": [e.suite for e in exps],
            "figure": [e.figure for e in exps],
        }
    )
    con.register("lr_tags", tags)
    con.execute(
        "UPDATE fails SET suite = t.suite, figure = t.figure FROM lr_tags t "
        "WHERE fails.expectation = t.expectation"
    )
    con.unregister("lr_tags")


def _figures(
    con: duckdb.DuckDBPyConnection, rows: dict[str, Any]
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    from labelrelease.check.figures import FIGURES, SUITE_FIGURE

    counts = dict(con.execute(FIGURE_COUNTS_SQL).fetchall())
    texts = con.execute(TEXT_LABELS_SQL).fetchall()[0][0]
    figures: dict[str, float] = {name: 0.0 for name in FIGURES}
    figures["schema_error_rate"] = rows["failing_rows"] / rows["rows"] if rows["rows"] else 0.0
    for suite_figure, name in SUITE_FIGURE.items():
        figures[name] = float(counts.get(suite_figure, 0))
    figures["text_policy_violation_rate"] = counts.get("text_policy", 0) / texts if texts else 0.0
    con.execute(DIMS_SQL)
    names = {**SUITE_FIGURE, "schema": "schema_error_rate"}
    breakdown = [
        {"figure": names.get(f, f), "modality": m, "kind": k, "failing": n}
        for f, m, k, n in con.execute(BREAKDOWN_SQL).fetchall()
    ]
    return figures, breakdown


def _report(
    figures: dict[str, float],
    breakdown: list[dict[str, Any]],
    rows: dict[str, Any],
    results: dict[str, dict[str, Any]],
    gates: list[dict[str, Any]],
    overrides: list[Override],
) -> dict[str, Any]:
    per: dict[str, dict[str, dict[str, int]]] = {}
    for b in breakdown:
        per.setdefault(b["figure"], {}).setdefault(b["modality"], {})[b["kind"]] = b["failing"]
    expectations = {
        name: {
            "success": r["success"],
            "unexpected": _unexpected(r),
        }
        for name, r in results.items()
    }
    return {
        **{k: round(v, 6) for k, v in figures.items()},
        "by_modality_kind": per,
        "row_contract": rows,
        "expectations": expectations,
        "gates": gates,
        "gates_passed": all(g["passed"] or g["overridden"] for g in gates),
        "overrides": [{"figure": o.figure, "reason": o.reason} for o in overrides],
    }


def _unexpected(result: dict[str, Any]) -> int:
    """Failing rows of one expectation (a table-level one: 1 if it failed)."""
    r = result["result"]
    if "unexpected_count" in r:
        return int(r["unexpected_count"])
    if "details" in r:
        return int(r["observed_value"])
    return 0 if result["success"] else 1


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
