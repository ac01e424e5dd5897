"""What ``check`` writes: GE validation results and Data Docs, ``failures.parquet`` and the
``check.json`` metric. Everything is built in a work folder and published by the caller."""

from __future__ import annotations

import html
import itertools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.check.suites import Suite

# Ordered by every column: a record may fail an expectation twice (two keyframes out of the
# frame), and ties would come out in whatever order DuckDB's threads finish.
FAILURES_SQL = """
COPY (SELECT f.expectation, f.suite, f.figure, f."table", f.record_id, f.source_ref, f.value,
             d.item_id, coalesce(d.kind, f."table") AS kind, d.modality
      FROM fails f LEFT JOIN lr_dims d ON d."table" = f."table" AND d.record_id = f.record_id
      ORDER BY figure, expectation, "table", record_id, value, source_ref, item_id, kind,
               modality, suite)
TO $path (FORMAT parquet, COMPRESSION zstd)
"""


RUN_NAME = "labelrelease-check"


def suite_results(
    suites: list[Suite], results: dict[str, dict[str, Any]], run_time: datetime
) -> list[dict[str, Any]]:
    """One GE ``ExpectationSuiteValidationResult`` (as JSON) per suite, stamped with
    ``run_time`` as GE stamps a run (``run_id`` and ``validation_time``)."""
    from great_expectations.core.run_identifier import RunIdentifier

    run_id = RunIdentifier(run_name=RUN_NAME, run_time=run_time).to_json_dict()
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
                    "run_id": run_id,
                    "validation_time": run_id["run_time"],
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
    renderer = ValidationResultsPageRenderer()
    links = []
    for v in validations:
        view = _reproducible(DefaultJinjaPageView())
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
        page = view.render(renderer.render(result))
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


def _reproducible(view: Any) -> Any:
    """GE's page view without its two sources of changing bytes: element IDs from ``uuid4``
    (numbered in page order instead) and the logo URL's ``?d=<now>`` (left off)."""
    numbers = itertools.count(1)

    def element_id(prefix: str | None = None) -> str:
        return f"{prefix or ''}{next(numbers):06d}"

    def plain_url(url: str, add_datetime: bool = True) -> str:
        return url

    view.env.filters["generate_html_element_uuid"] = element_id
    view.env.filters["add_data_context_id_to_url"] = plain_url
    return view


def _ge_version() -> str:
    from importlib.metadata import version

    return version("great_expectations")
