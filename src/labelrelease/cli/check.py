"""``labelrelease check``: the row contract and the dataset expectations, with release gates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from labelrelease.errors import GateFailed
from labelrelease.project import params_section

if TYPE_CHECKING:
    from labelrelease.check.run import CheckResult

PARAMS: dict[str, type | tuple[type, ...]] = {
    "in": str,
    "contract": str,
    "expectations": str,
    "out": str,
    "report": str,
    "batch_size": int,
    "gates": dict,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
}


def check(
    tables: Annotated[
        Path | None,
        typer.Option(
            "--in", help="Folder of canonical tables. Default: `check.in` in params.yaml."
        ),
    ] = None,
    expectations: Annotated[
        Path | None,
        typer.Option(help="Folder of expectation suites (GE JSON). Default: `check.expectations`."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Reports folder, replaced whole. Default: `check.out`."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="The metrics file. Default: `check.report`.")
    ] = None,
    contract: Annotated[
        Path | None, typer.Option(help="Task contract. Default: `check.contract`.")
    ] = None,
    allow: Annotated[
        list[str] | None,
        typer.Option(help="Let the gate of this FIGURE pass (needs --reason); repeatable."),
    ] = None,
    reason: Annotated[
        list[str] | None,
        typer.Option(help="Why the matching --allow is acceptable; kept in check.json."),
    ] = None,
    params: Annotated[Path, typer.Option(help="Params file (section `check`).")] = Path(
        "params.yaml"
    ),
) -> None:
    """Check the canonical tables: the row contract and the expectation suites, then the gates.

    Writes REPORT (figures, gates, overrides; a DVC metric) and OUT/: validations/<suite>.json
    (GE validation results), data_docs/index.html (GE Data Docs) and failures.parquet (one row
    per failing record: expectation, table, record_id, source_ref, item_id, kind, modality).
    Exits 6 when a gate in params.yaml `check.gates` fails and no --allow covers it.

    Examples:

      labelrelease check                      # the DVC stage: params.yaml `check`

      labelrelease check --in data/staged --out /tmp/check --report /tmp/check.json

      labelrelease check --allow visual_language_contradictions --reason "ticket 42: recaption"
    """
    # The engine (pandera, Great Expectations) loads only when this command runs, so the
    # other commands start fast.
    from labelrelease.check import run_check
    from labelrelease.check.context import DuckDBSettings
    from labelrelease.check.figures import parse_gates, parse_overrides
    from labelrelease.check.suites import load_suites
    from labelrelease.pull.validate import find_contract

    overrides = parse_overrides(allow or [], reason or [])
    settings = params_section(params, "check", PARAMS) if params.exists() else {}
    gates = parse_gates(settings.get("gates"), str(params))
    contract_obj = find_contract(contract, settings.get("contract"))
    console = Console(stderr=True)
    with console.status("checking: row contract and expectation suites"):
        result = run_check(
            tables or Path(settings.get("in", "data/migrated")),
            contract_obj,
            load_suites(expectations or Path(settings.get("expectations", "expectations"))),
            out=out or Path(settings.get("out", "reports/check")),
            report=report or Path(settings.get("report", "reports/check.json")),
            gates=gates,
            overrides=overrides,
            batch_size=int(settings.get("batch_size", 250_000)),
            settings=DuckDBSettings(
                memory_limit=str(settings.get("duckdb_memory_limit", "2GB")),
                threads=int(settings.get("duckdb_threads", 2)),
                temp_directory=settings.get("duckdb_temp_directory"),
            ),
        )
    _summary(result)
    if result.failed_gates:
        shown = "; ".join(
            f"{g['figure']} = {g['value']:g} > {g['threshold']:g}" for g in result.failed_gates
        )
        raise GateFailed(
            f"gate failed: {shown}. See reports/check/failures.parquet for the rows; fix them, "
            "or let a gate pass with --allow FIGURE --reason TEXT (recorded for the release)"
        )


def _summary(result: CheckResult) -> None:
    console = Console()
    table = Table(title="check", title_justify="left")
    for column in ("figure", "value", "gate", "result"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    gates = {g["figure"]: g for g in result.gates}
    for name, value in result.figures.items():
        g = gates.get(name)
        verdict = "-" if g is None else "pass" if g["passed"] else (
            "allowed" if g["overridden"] else "FAIL")  # fmt: skip
        table.add_row(name, f"{value:g}", "-" if g is None else f"{g['threshold']:g}", verdict)
    console.print(table)
    failed = {n: e for n, e in result.report["expectations"].items() if not e["success"]}
    if failed:
        shown = ", ".join(f"{n} ({e['unexpected']})" for n, e in failed.items())
        console.print(f"failed expectations: {shown}")
