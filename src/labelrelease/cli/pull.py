"""``labelrelease pull``: annotation-tool exports → canonical tables."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from labelrelease.cli.progress import file_progress
from labelrelease.errors import UsageError
from labelrelease.project import params_section
from labelrelease.pull import PullResult
from labelrelease.pull import pull as run_pull
from labelrelease.pull.plan import plan_files, plan_sources
from labelrelease.pull.run import DuckDBSettings
from labelrelease.pull.validate import contract_validator, find_contract

DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
"""Worker processes for large exports when params.yaml does not say."""

PARAMS: dict[str, type | tuple[type, ...]] = {
    "sources": str,
    "contract": str,
    "out": str,
    "report": str,
    "batch_size": int,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
    "workers": int,
}


def pull(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Export files to import. Without paths, the sources in pipelines/sources.yaml "
            "are imported (the DVC stage).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "Format of the PATHS (see `labelrelease formats`); detected per file when absent."
            ),
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=(
                "Folder to write the tables to; replaced whole when the pull succeeds. "
                "Default: `pull.out` in params.yaml."
            ),
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help=("Source name for the PATHS; part of every ID. Default: each path as given.")
        ),
    ] = None,
    label_config: Annotated[
        Path | None,
        typer.Option(
            help=(
                "Label Studio labeling config (XML) of the PATHS: names the media of each object "
                "and the classes each control offers."
            )
        ),
    ] = None,
    contract: Annotated[
        Path | None,
        typer.Option(
            help=(
                "Task contract to check rows against. Default: `pull.contract` in params.yaml, "
                "else pipelines/contract.yaml if present, else a permissive built-in contract."
            )
        ),
    ] = None,
    params: Annotated[
        Path, typer.Option(help="Params file to read the `pull` section from.")
    ] = Path("params.yaml"),
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=100, help=("Rows buffered per table before they are written; bounds memory.")
        ),
    ] = None,
) -> None:
    """Import annotation-tool exports into the canonical tables.

    Writes OUT/{items,assets,annotations,labels,links,quarantine}.parquet and OUT/pull.json
    (per record kind: in = taken + quarantined). Records that cannot be taken land in
    quarantine.parquet with a reason code; nothing is dropped silently.

    Examples:

      labelrelease pull export.json --out out/

      labelrelease pull a.json b.json --format label-studio --source my-project --out out/

      labelrelease pull        # the DVC stage: sources.yaml and params.yaml
    """
    settings = params_section(params, "pull", PARAMS) if params.exists() else {}
    contract_obj = find_contract(contract, settings.get("contract"))
    version = contract_obj.guideline_version
    if paths:
        if out is None:
            raise UsageError("give --out DIR when importing files directly")
        options: dict[str, Any] = {"label_config": str(label_config)} if label_config else {}
        inputs = plan_files(paths, fmt, source, version, options)
    else:
        if fmt or source or label_config:
            raise UsageError(
                "--format, --source and --label-config apply to PATHS only; "
                "set them per source in pipelines/sources.yaml"
            )
        inputs = plan_sources(
            Path(settings.get("sources", "pipelines/sources.yaml")), Path.cwd(), version
        )
        out = out or Path(settings.get("out", "data/staged"))
    console = Console(stderr=True)
    with file_progress(console) as progress:
        result = run_pull(
            inputs,
            out,
            batch_size=batch_size or int(settings.get("batch_size", 50_000)),
            validator=contract_validator(contract_obj),
            duckdb_settings=DuckDBSettings(
                memory_limit=str(settings.get("duckdb_memory_limit", "1GB")),
                threads=int(settings.get("duckdb_threads", 2)),
                temp_directory=settings.get("duckdb_temp_directory") or None,
            ),
            progress=progress,
            workers=int(settings.get("workers", DEFAULT_WORKERS)),
            contract=contract_obj,
        )
    report = settings.get("report")
    if report and not paths:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "pull.json", report)
    _summary(result, out)


def _summary(result: PullResult, out: Path) -> None:
    console = Console()
    table = Table(title=f"pull → {out}", title_justify="left")
    for column in ("records", "in", "taken", "quarantined"):
        table.add_column(column, justify="left" if column == "records" else "right")
    for kind, c in result.counts.items():
        table.add_row(kind, str(c["in"]), str(c["taken"]), str(c["quarantined"]))
    console.print(table)
    reasons: dict[str, int] = {}
    for c in result.counts.values():
        for reason, n in c["reasons"].items():
            reasons[reason] = reasons.get(reason, 0) + n
    if reasons:
        top = ", ".join(f"{r} {n}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        console.print(f"quarantined: {top} (see {out / 'quarantine.parquet'})")
    joined = {k: c["joined"] for k, c in result.counts.items() if c.get("joined")}
    if joined:
        shown = ", ".join(f"{kind} {n}" for kind, n in joined.items())
        console.print(f"joined across sources (item_key): {shown}")
    derived = result.counts.get("links", {}).get("derived")
    if derived:
        shown = ", ".join(f"{rule} {n}" for rule, n in derived.items())
        console.print(f"links derived by contract rules: {shown}")
    files = result.counts.get("files", {})
    if files.get("quarantined"):
        console.print(
            f"[yellow]warning:[/] {files['quarantined']} file(s) could not be read "
            "at all; their reasons are in quarantine.parquet (record_kind = files)"
        )
