"""``labelrelease migrate``, ``migrations`` and ``migration new``: guideline changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from labelrelease.errors import ConfigError, UsageError
from labelrelease.migrate import load_chain
from labelrelease.migrate import migrate as run_migrate
from labelrelease.migrate.releases import applied_migrations
from labelrelease.migrate.run import MigrateResult
from labelrelease.migrate.spec import ID
from labelrelease.project import params_section
from labelrelease.pull.run import DuckDBSettings
from labelrelease.pull.validate import find_contract

PARAMS: dict[str, type | tuple[type, ...]] = {
    "in": str,
    "out": str,
    "migrations": str,
    "contract": str,
    "releases": str,
    "report": str,
    "duckdb_memory_limit": str,
    "duckdb_threads": int,
    "duckdb_temp_directory": str,
}

_PARAMS_OPT = typer.Option(help="Params file to read the `migrate` section from.")


def _settings(params: Path) -> dict[str, Any]:
    return params_section(params, "migrate", PARAMS) if params.exists() else {}


def migrate(
    in_: Annotated[
        Path | None,
        typer.Option("--in", help="Folder of staged tables (pull's output). Default: migrate.in."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write; replaced whole on success."),
    ] = None,
    migrations: Annotated[
        Path | None, typer.Option(help="Folder of migration files. Default: migrate.migrations.")
    ] = None,
    contract: Annotated[
        Path | None, typer.Option(help="Task contract (the head guideline).")
    ] = None,
    params: Annotated[Path, _PARAMS_OPT] = Path("params.yaml"),
) -> None:
    """Apply the guideline migrations to the staged labels.

    Each label is migrated from the guideline version of its annotation to the head version,
    inside one DuckDB transaction. Writes OUT/ with the five canonical tables, quarantine,
    changes.parquet (every changed cell, with the migration that caused it), relabel.parquet
    (labels that need review, relabelling or were filtered), filtered_labels.parquet and
    migrate.json. Running it again on migrated data changes nothing.

    Examples:

      labelrelease migrate                       # the DVC stage: params.yaml `migrate`

      labelrelease migrate --in data/staged --out /tmp/migrated
    """
    s = _settings(params)
    contract_obj = find_contract(contract, s.get("contract"))
    staged = in_ or Path(s.get("in", "data/staged"))
    out = out or Path(s.get("out", "data/migrated"))
    folder = migrations or Path(s.get("migrations", "pipelines/migrations"))
    settings = DuckDBSettings(
        memory_limit=str(s.get("duckdb_memory_limit", "2GB")),
        threads=int(s.get("duckdb_threads", 2)),
        temp_directory=s.get("duckdb_temp_directory") or None,
    )
    console = Console(stderr=True)
    n = len(load_chain(folder).migrations)
    with Progress(
        TextColumn("[bold]migrate"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=n)

        def step(m: Any) -> None:
            progress.update(task, advance=1, description=m.id)

        result = run_migrate(
            staged,
            out,
            folder,
            contract_obj,
            releases=Path(s.get("releases", "data/releases")),
            settings=settings,
            on_migration=step,
        )
    report = s.get("report")
    if report and in_ is None and out == Path(s.get("out", "data/migrated")):
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_bytes((out / "migrate.json").read_bytes())
    _summary(result, out)


def _summary(result: MigrateResult, out: Path) -> None:
    console = Console()
    head = result.chain.head
    if head is None:
        console.print(f"no migrations: tables copied unchanged to {out}")
        return
    table = Table(
        title=f"migrate → {out} (head {head.id}, guideline {head.guideline_version})",
        title_justify="left",
    )
    for column in ("migration", "version", "changes", "review", "relabel", "filter"):
        table.add_column(column, justify="left" if column in ("migration", "version") else "right")
    for m in result.chain.migrations:
        c = result.counts.get(m.id, {})
        table.add_row(
            m.id,
            m.guideline_version,
            *(str(c.get(k, 0)) for k in ("changes", "review", "relabel", "filter")),
        )
    console.print(table)
    console.print(
        f"{result.annotations_migrated} annotation(s) migrated to {head.guideline_version}; "
        f"relabel queue: {out / 'relabel.parquet'}"
    )


def migrations(
    folder: Annotated[
        Path | None, typer.Option("--migrations", help="Folder of migration files.")
    ] = None,
    releases: Annotated[
        Path | None, typer.Option(help="Folder of release bundles (their manifests).")
    ] = None,
    params: Annotated[Path, _PARAMS_OPT] = Path("params.yaml"),
) -> None:
    """List the chain of migrations, first to head, and which releases applied each.

    Example:

      labelrelease migrations
    """
    s = _settings(params)
    folder = folder or Path(s.get("migrations", "pipelines/migrations"))
    chain = load_chain(folder)
    applied = applied_migrations(releases or Path(s.get("releases", "data/releases")))
    by_id: dict[str, list[str]] = {}
    for a in applied:
        by_id.setdefault(a.migration_id, []).append(a.release)
    console = Console()
    if not chain.migrations:
        console.print(f"no migrations in {folder}; `labelrelease migration new MESSAGE` adds one")
        return
    table = Table(title=f"migrations in {folder}", title_justify="left")
    for column in ("#", "id", "revises", "version", "fields", "message", "released in"):
        table.add_column(column)
    for i, m in enumerate(chain.migrations, 1):
        mark = " (head)" if m is chain.head else ""
        table.add_row(
            str(i),
            m.id + mark,
            m.revises or "-",
            m.guideline_version,
            ", ".join(m.fields) or "-",
            m.message,
            ", ".join(by_id.get(m.id, [])) or "-",
        )
    console.print(table)


migration_app = typer.Typer(
    help="Write new guideline migrations.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@migration_app.command("new")
def migration_new(
    message: Annotated[str, typer.Argument(help="What changed in the guideline, in words.")],
    version: Annotated[
        str | None,
        typer.Option(help="Guideline version it produces. Default: the head's, minor + 1."),
    ] = None,
    folder: Annotated[
        Path | None, typer.Option("--migrations", help="Folder of migration files.")
    ] = None,
    sql: Annotated[bool, typer.Option("--sql", help="Write a .sql migration instead.")] = False,
    params: Annotated[Path, _PARAMS_OPT] = Path("params.yaml"),
) -> None:
    """Write a new migration file that revises the current head.

    The file has its metadata filled in (id, revises, date, guideline_version) and an example
    operation to edit. Set the contract's guideline_version to the new version too.

    Examples:

      labelrelease migration new "split vehicle into car and truck"

      labelrelease migration new "drop legacy occluded flag" --sql
    """
    s = _settings(params)
    folder = folder or Path(s.get("migrations", "pipelines/migrations"))
    chain = load_chain(folder)
    head = chain.head
    new_version = version or _next_version(head.guideline_version if head else "1.0")
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "change"
    n = len(chain.migrations) + 1
    mid = f"{n:04d}_{slug}"
    if not ID.match(mid):
        raise UsageError(f"cannot make a migration id from {message!r}; use letters and digits")
    today = dt.date.today().isoformat()
    revises = head.id if head else None
    path = folder / f"{mid}.{'sql' if sql else 'yaml'}"
    if path.exists():
        raise ConfigError("already exists; choose another message", path=str(path))
    folder.mkdir(parents=True, exist_ok=True)
    if sql:
        text = (
            f"-- id: {mid}\n-- revises: {revises or 'null'}\n-- message: {_q(message)}\n"
            f'-- date: "{today}"\n-- guideline_version: "{new_version}"\n-- fields: []\n'
            "-- policy: review\n\n"
            "-- The SQL runs on the labels and links of annotations older than this version.\n"
            "UPDATE labels SET attributes = NULL WHERE false;\n"
        )
    else:
        text = (
            f"id: {mid}\nrevises: {revises or 'null'}\nmessage: {_q(message)}\n"
            f'date: "{today}"\nguideline_version: "{new_version}"\n'
            "fields: [class]\npolicy: review\n"
            "operations:\n"
            "  # rename_class, merge_classes, split_class, rename_field, add_field, drop_field,\n"
            "  # retype_field, remap_relation, drop_relation, text_rule, geometry_rule\n"
            "  # (docs/migrations.md). Replace this example:\n"
            "  - op: rename_class\n    from: OLD\n    to: NEW\n"
        )
    path.write_text(text, encoding="utf-8")
    Console().print(
        f"wrote {path} (revises {revises or 'nothing: first migration'}, guideline "
        f'{new_version}); edit its operations, then set guideline_version: "{new_version}" '
        "in the contract"
    )


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _next_version(version: str) -> str:
    parts = version.split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        return f"{parts[0]}.{int(parts[1]) + 1}"
    if parts[0].isdigit():
        return f"{int(parts[0]) + 1}"
    return version + ".1"
