"""What ``check`` writes: GE validation results and Data Docs, ``failures.parquet`` and the
``check.json`` metric. Everything is built in a work folder and published by the caller."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.check.suites import Suite

FAILURES_SQL = """
COPY (SELECT f.expectation, f.suite, f.figure, f."table", f.record_id, f.source_ref, f.value,
             d.item_id, coalesce(d.kind, f."table") AS kind, d.modality
      FROM fails f LEFT JOIN lr_dims d ON d."table" = f."table" AND d.record_id = f.record_id
      ORDER BY f.figure, f.expectation, f.record_id)
TO $path (FORMAT parquet, COMPRESSION zstd)
"""


def suite_results(
    suites: list[Suite], results: dict[str, dict[str, Any]], run_time: datetime
) -> list[dict[str, Any]]:
    """One GE ``ExpectationSuiteValidationResult`` (as JSON) per suite."""
    out = []
    for suite in suites:
        rows = [results[e.name] for e in suite.expectations]
        ok = sum(1 for r in rows if r["success"])
        out.append(
            {
                "success": ok == len(rows),
                "results": rows,
                "suite_name": suite.name,
                "suite_parameters": {},
                "statistics": {
                    "evaluated_expectations": len(rows),
                    "successful_expectations": ok,
                    "unsuccessful_expectations": len(rows) - ok,
                    "success_percent": 100.0 * ok / len(rows) if rows else 100.0,
                },
                "meta": {
                    "great_expectations_version": _ge_version(),
                    "run_id": {"run_name": "labelrelease-check", "run_time": run_time.isoformat()},
                    "validation_time": run_time.isoformat(),
                    "evaluated_by": "labelrelease check (DuckDB)",
                    "batch_spec": {"data_asset_name": suite.name},
                },
            }
        )
    return out


def write_reports(
    con: duckdb.DuckDBPyConnection, folder: Path, validations: list[dict[str, Any]]
) -> None:
    """``validations/<suite>.json``, ``data_docs/`` and ``failures.parquet`` into ``folder``."""
    (folder / "validations").mkdir(parents=True)
    for v in validations:
        path = folder / "validations" / f"{v['suite_name']}.json"
        path.write_text(json.dumps(v, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    con.execute(FAILURES_SQL, {"path": str(folder / "failures.parquet")})
    write_data_docs(folder / "data_docs", validations)


def write_data_docs(folder: Path, validations: list[dict[str, Any]]) -> None:
    """GE's own Data Docs page per validation result, and an index linking them."""
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )
    from great_expectations.render.renderer import (  # type: ignore[attr-defined]
        ValidationResultsPageRenderer,
    )
    from great_expectations.render.view import (  # type: ignore[attr-defined]
        DefaultJinjaPageView,
    )

    folder.mkdir(parents=True)
    renderer, view = ValidationResultsPageRenderer(), DefaultJinjaPageView()
    links = []
    for v in validations:
        results = [
            ExpectationValidationResult(
                success=r["success"],
                expectation_config=ExpectationConfiguration(**r["expectation_config"]),
                result=r["result"],
            )
            for r in v["results"]
        ]
        result = ExpectationSuiteValidationResult(
            success=v["success"],
            results=results,
            suite_name=v["suite_name"],
            statistics=v["statistics"],
            meta=v["meta"],
        )
        page = view.render(renderer.render(result))  # type: ignore[no-untyped-call]
        name = f"{v['suite_name']}.html"
        (folder / name).write_text(page, encoding="utf-8")
        stats = v["statistics"]
        mark = "passed" if v["success"] else "FAILED"
        links.append(
            f'<li><a href="{html.escape(name)}">{html.escape(v["suite_name"])}</a> {mark}: '
            f"{stats['successful_expectations']}/{stats['evaluated_expectations']}</li>"
        )
    index = (
        "<!doctype html><html><head><meta charset='utf-8'><title>labelrelease check: "
        "Data Docs</title></head><body><h1>Expectation suites</h1><ul>"
        + "".join(links)
        + "</ul></body></html>\n"
    )
    (folder / "index.html").write_text(index, encoding="utf-8")


def _ge_version() -> str:
    from importlib.metadata import version

    return version("great_expectations")
