"""Read-only views of published releases: ``show``, ``trace`` and ``diff``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.release import db
from labelrelease.release.changelog import summarize
from labelrelease.release.diff import CHANGES, COMPARED, ORDERED, run_diff
from labelrelease.release.files import write_query
from labelrelease.release.history import bundle_path, releases
from labelrelease.release.inputs import Settings
from labelrelease.release.manifest import identity, read_manifest


def show_text(path: Path) -> str:
    """A person's summary of the bundle at ``path``."""
    m = read_manifest(path)
    parent = m.get("parent")
    lines = [
        f"release {m['version']}  identity {identity(path)}",
        f"parent: {parent['version'] if parent else 'none'}; guideline "
        f"{m.get('guideline_version') or 'unknown'}; bump {m['bump'].get('given')} "
        f"(needs {m['bump'].get('required')}); tool {m['tool']['version']}",
        "files:",
    ]
    for name, entry in m["files"].items():
        rows = f"{entry['rows']} rows, " if "rows" in entry else ""
        lines.append(f"  {name}: {rows}{entry['size']} B, sha256 {entry['sha256'][:16]}…")
    lines.append("migrations: " + (", ".join(x["id"] for x in m["migrations"]) or "none"))
    gates = m["gates"]
    lines.append(
        "gates: "
        + (
            ", ".join(
                f"{g['stage']}:{g['figure']} {'ok' if g['passed'] else 'FAILED'}" for g in gates
            )
            or "none run"
        )
    )
    for o in m["overrides"]:
        lines.append(f"override {o['figure']}: {o['reason']}")
    for entity, counts in m["summary"]["changes"].items():
        lines.append(f"{entity}s: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    r = m["relabel"]
    lines.append(f"relabel {r['relabel']}, review {r['review']}, filtered {r['filter']}")
    for note in m["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def trace_text(settings: Settings, label_id: str) -> str:
    """The history of one label through every release, oldest first."""
    out = settings.path("out")
    versions = releases(out)
    if not versions:
        return f"no releases under {settings['out']}"
    lines = [f"label {label_id}"]
    con = duckdb.connect()
    try:
        for version in versions:
            path = out / str(version)
            row = con.execute(
                "SELECT l.class, l.kind, l.origin, l.relabel_policy, l.source_ref, a.annotator, "
                "a.model, a.status, a.guideline_version FROM read_parquet($labels) l "
                "LEFT JOIN read_parquet($ann) a ON a.annotation_id = l.annotation_id "
                "WHERE l.label_id = $id",
                {
                    "labels": str(path / "labels.parquet"),
                    "ann": str(path / "annotations.parquet"),
                    "id": label_id,
                },
            ).fetchall()
            changes = con.execute(
                "SELECT change, field, old, new, cause FROM read_parquet($c) "
                "WHERE entity = 'label' AND record_id = $id ORDER BY change, field",
                {"c": str(path / "changes.parquet"), "id": label_id},
            ).fetchall()
            if row:
                cls, kind, origin, policy, ref, annotator, model, status, guide = row[0]
                by = annotator or model or "unknown"
                flag = f", needs {policy}" if policy else ""
                lines.append(
                    f"{version}: present — {kind} {cls!s}, {origin} by {by}, "
                    f"status {status}, guideline {guide}{flag}; from {ref}"
                )
            else:
                lines.append(f"{version}: absent")
            for change, field, old, new, cause in changes:
                what = f" {field}: {old} → {new}" if field else ""
                lines.append(f"    {change}{what} (cause: {cause})")
    finally:
        con.close()
    return "\n".join(lines)


def diff_text(settings: Settings, old: str, new: str, out_file: Path | None) -> str:
    """The typed diff of two releases, summarised; written to ``out_file`` when given."""
    root = settings.path("out")
    shown = str(settings["out"])
    a, b = bundle_path(root, old, shown), bundle_path(root, new, shown)
    scratch = Path(tempfile.mkdtemp(prefix="labelrelease-diff-"))
    try:
        con = db.connect(scratch, settings)
        try:
            summary = _diff(con, scratch, a, b, settings)
            if out_file is not None:
                write_query(con, ORDERED, None, CHANGES, out_file)
        finally:
            con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lines = [f"diff {old} → {new}"]
    for entity, counts in summary["changes"].items():
        lines.append(f"  {entity}s: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if summary["fields"]:
        lines.append("  fields: " + ", ".join(f"{f} {n}" for f, n in summary["fields"].items()))
    if summary["causes"]:
        lines.append("  causes: " + ", ".join(f"{c} {n}" for c, n in summary["causes"].items()))
    if not summary["changes"]:
        lines.append("  no change")
    if out_file is not None:
        lines.append(f"written to {out_file}")
    return "\n".join(lines)


def _diff(
    con: duckdb.DuckDBPyConnection, scratch: Path, a: Path, b: Path, settings: Settings
) -> dict[str, Any]:
    """Fill ``diff``: B's own changes.parquet when A is its parent (with migration causes),
    else computed here (causes relabel or source)."""
    parent = read_manifest(b).get("parent")
    if parent and parent["version"] == a.name:
        db.link(scratch, "extra", "bundle_changes.parquet", b / "changes.parquet")
        con.execute(
            "CREATE TEMP TABLE diff AS SELECT * FROM read_parquet('extra/bundle_changes.parquet')"
        )
        return summarize(con, True)
    files = {t: a / f"{t}.parquet" for t in db.VIEW_FILES}
    db.table_views(con, scratch, "old", files)
    db.table_views(con, scratch, "new", {t: b / f"{t}.parquet" for t in db.VIEW_FILES})
    db.cause_views(con, scratch, {})
    for t in db.VIEW_FILES:
        con.execute(f"CREATE TEMP VIEW n_{t} AS SELECT * FROM new_{t}")
        con.execute(f"CREATE TEMP VIEW o_{t} AS SELECT * FROM old_{t}")
    run_diff(
        con, COMPARED, float(settings["geometry_tolerance"]), float(settings["time_tolerance"])
    )
    return summarize(con, True)
