"""``labelrelease status``: what each stage of this project last produced, from its reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from labelrelease.release.history import releases


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pct(value: Any) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, int | float) else "-"


def status(
    root: Annotated[Path, typer.Option(help="Project folder.")] = Path("."),
) -> None:
    """Summarise the last run of every stage: pull counts, migrations, check gates, QA
    disagreement and the releases, read from reports/*.json and data/releases/.

    A stage that has not run yet says so. Example:

      labelrelease status
    """
    out = Console()
    reports = root / "reports"
    _pull(out, _read(reports / "pull.json"))
    _migrate(out, _read(reports / "migrate.json"))
    _check(out, _read(reports / "check.json"))
    _qa(out, _read(reports / "qa.json"))
    _releases(out, root / "data" / "releases")


def _pull(out: Console, pull: dict[str, Any] | None) -> None:
    if pull is None:
        out.print("[bold]pull[/]     not run (reports/pull.json absent)")
        return
    shown = []
    for kind in ("items", "labels", "links"):
        c = pull.get(kind) or {}
        shown.append(f"{kind} {c.get('taken', 0)}/{c.get('in', 0)} taken")
    quarantined = sum(
        int((c or {}).get("quarantined", 0)) for c in pull.values() if isinstance(c, dict)
    )
    out.print(f"[bold]pull[/]     {', '.join(shown)}; {quarantined} record(s) in quarantine")


def _migrate(out: Console, mig: dict[str, Any] | None) -> None:
    if mig is None:
        out.print("[bold]migrate[/]  not run (reports/migrate.json absent)")
        return
    chain = mig.get("chain") or []
    labels = mig.get("labels") or {}
    out.print(
        f"[bold]migrate[/]  guideline {mig.get('guideline_version')} (head {mig.get('head')}, "
        f"{len(chain)} migration(s)); {mig.get('changes', 0)} changed cell(s), "
        f"{mig.get('relabel', 0)} label(s) queued, {labels.get('filtered', 0)} filtered"
    )


def _check(out: Console, chk: dict[str, Any] | None) -> None:
    if chk is None:
        out.print("[bold]check[/]    not run (reports/check.json absent)")
        return
    gates = [g for g in chk.get("gates") or [] if isinstance(g, dict)]
    failed = [g["figure"] for g in gates if not g.get("passed") and not g.get("overridden")]
    out.print(
        f"[bold]check[/]    schema errors {_pct(chk.get('schema_error_rate'))}, text policy "
        f"{_pct(chk.get('text_policy_violation_rate'))}, cross-modal failures "
        f"{chk.get('cross_modal_integrity_failures', '-')}; gates "
        + (f"[red]failed: {', '.join(failed)}[/]" if failed else f"{len(gates)} passed")
    )


def _qa(out: Console, qa: dict[str, Any] | None) -> None:
    if qa is None:
        out.print("[bold]qa[/]       not run (reports/qa.json absent)")
        return
    sample = qa.get("sample") or {}
    overall = (qa.get("disagreement") or {}).get("overall") or {}
    shown = ", ".join(
        f"{k} {_pct(overall.get(k))}" for k in ("presence", "class", "text", "schema", "link")
    )
    alpha = (qa.get("alpha") or {}).get("classes")
    out.print(
        f"[bold]qa[/]       sample {sample.get('items', '-')} item(s); disagreement {shown}; "
        f"alpha(classes) {alpha if alpha is not None else '-'}"
    )


def _releases(out: Console, folder: Path) -> None:
    found = releases(folder) if folder.is_dir() else []
    if not found:
        out.print("[bold]release[/]  none yet (data/releases/ is empty)")
        return
    names = ", ".join(str(v) for v in found)
    out.print(
        f"[bold]release[/]  {len(found)} bundle(s): {names} (oldest first; entries in CHANGELOG.md)"
    )
