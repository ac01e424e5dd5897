"""``labelrelease migrate``, ``migrations`` and ``migration new``: guideline migrations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from labelrelease.contract import load_contract
from labelrelease.migrate import (
    MigrateSettings,
    applied_migrations,
    load_chain,
    new_migration,
    validate_chain,
    verify_checksums,
)
from labelrelease.migrate import migrate as run_migrate
from labelrelease.project import params_section

PARAMS: dict[str, type | tuple[type, ...]] = {
    "staged": str,
    "out": str,
    "migrations": str,
    "contract": str,
    "releases": str,
    "report": str,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
}

ParamsOpt = Annotated[Path, typer.Option(help="Params file to read the `migrate` section from.")]


def _settings(params: Path) -> dict[str, Any]:
    return params_section(params, "migrate", PARAMS) if params.exists() else {}


def migrate(
    staged: Annotated[
        Path | None, typer.Option(help="Folder of the pulled tables. Default: data/staged.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write to; replaced whole on success."),
    ] = None,
    migrations: Annotated[
        Path | None, typer.Option(help="Migrations folder. Default: pipelines/migrations.")
    ] = None,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """Bring every label to the current guideline: apply the migrations it has not had.

    Each annotation's guideline_version says where in the chain its labels start; labels
    already at the head are untouched, so a second run changes nothing. Writes OUT/ (the
    canonical tables, changes.parquet, relabel.parquet, filtered_labels.parquet, migrate.json).

    Examples:

      labelrelease migrate                      # the DVC stage (params.yaml `migrate:`)

      labelrelease migrate --staged data/staged --out /tmp/migrated
    """
    s = _settings(params)
    chain = _checked_chain(migrations or Path(s.get("migrations", "pipelines/migrations")), s)
    out = out or Path(s.get("out", "data/migrated"))
    temp = s.get("duckdb_temp_directory")
    settings = MigrateSettings(
        memory_limit=str(s.get("duckdb_memory_limit", "1GB")),
        threads=int(s.get("duckdb_threads", 2)),
        temp_directory=Path(temp) if temp else None,
    )
    console = Console(stderr=True)
    with console.status("migrating") as status:
        report = run_migrate(
            staged or Path(s.get("staged", "data/staged")), out, chain, settings=settings,
            on_migration=lambda m: status.update(f"migration {m.id}"),
        )  # fmt: skip
    if s.get("report"):
        Path(s["report"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "migrate.json", s["report"])
    _summary(report, out)


def _checked_chain(folder: Path, s: dict[str, Any]) -> Any:
    chain = load_chain(folder)
    contract = load_contract(Path(s.get("contract", "pipelines/contract.yaml")))
    validate_chain(chain, contract)
    verify_checksums(chain, applied_migrations(Path(s.get("releases", "data/releases"))))
    return chain


def _summary(report: dict[str, Any], out: Path) -> None:
    console = Console()
    table = Table(title=f"migrate → {out}", title_justify="left")
    for column in ("migration", "version", "changes", "relabel"):
        table.add_column(column)
    for m in report["chain"]:
        queued = ", ".join(f"{p} {n}" for p, n in m["relabel"].items()) or "-"
        table.add_row(m["id"], m["guideline_version"], str(m["changes"]), queued)
    console.print(table)
    a, lab = report["annotations"], report["labels"]
    console.print(
        f"annotations migrated {a['migrated']}, already at head {a['at_head']}; labels in "
        f"{lab['in']}, out {lab['out']}, filtered {lab['filtered']}"
    )


def migrations(
    folder: Annotated[
        Path | None, typer.Option(help="Migrations folder. Default: pipelines/migrations.")
    ] = None,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """List the chain of migrations, first to head, and the releases that applied each.

    The chain is checked as `migrate` checks it (cycles, forks, missing parents, files edited
    after a release, names the contract does not know).

    Example:

      labelrelease migrations
    """
    s = _settings(params)
    chain = _checked_chain(folder or Path(s.get("migrations", "pipelines/migrations")), s)
    applied = applied_migrations(Path(s.get("releases", "data/releases")))
    console = Console()
    if not chain.migrations:
        console.print('no migrations yet; start one with `labelrelease migration new "..."`')
        return
    table = Table(title=f"migrations in {chain.folder}", title_justify="left")
    for column in ("id", "revises", "version", "message", "releases"):
        table.add_column(column)
    for m in chain.migrations:
        releases = ", ".join(a.release for a in applied if a.migration_id == m.id) or "-"
        mark = " (head)" if m is chain.head else ""
        table.add_row(m.id + mark, m.revises or "-", m.guideline_version, m.message, releases)
    console.print(table)


migration_app = typer.Typer(help="Write guideline migrations.", no_args_is_help=True)


@migration_app.command(name="new")
def new(
    message: Annotated[str, typer.Argument(help="What changes in the guideline, in one line.")],
    version: Annotated[
        str | None, typer.Option(help="Guideline version it produces. Default: head's + 1.")
    ] = None,
    folder: Annotated[
        Path | None, typer.Option(help="Migrations folder. Default: pipelines/migrations.")
    ] = None,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """Write a new migration file revising the current head, metadata filled in.

    Example:

      labelrelease migration new "split Vehicle into Car and Truck"
    """
    s = _settings(params)
    path = new_migration(
        folder or Path(s.get("migrations", "pipelines/migrations")), message, version=version
    )
    Console().print(f"wrote {path}; add its operations and fields, then set the contract's "
                    "guideline_version to the one it produces")  # fmt: skip
