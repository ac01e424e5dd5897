"""The change log entry of a release, generated from the typed diff and the migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ENTRY = "CHANGELOG.md"
"""Name of the entry inside a bundle (and of the project's change log)."""


def summarize(con: Any, has_diff: bool) -> dict[str, Any]:
    """Counts of the ``diff`` table: records per entity and change, rows per field, labels per
    class and change, rows per cause."""
    if not has_diff:
        return {
            "changes": {},
            "fields": {},
            "classes": {},
            "causes": {},
            "migration_class_changes": {},
        }
    changes: dict[str, dict[str, int]] = {}
    for entity, change, n in con.execute(
        "SELECT entity, change, count(DISTINCT record_id) FROM diff GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        changes.setdefault(entity, {})[change] = int(n)
    fields = {
        str(f): int(n)
        for f, n in con.execute(
            "SELECT field, count(*) FROM diff WHERE field IS NOT NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    }
    classes: dict[str, dict[str, int]] = {}
    for cls, change, n in con.execute(
        "SELECT coalesce(class, '(none)'), change, count(DISTINCT record_id) FROM diff "
        "WHERE entity = 'label' GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        classes.setdefault(str(cls), {})[str(change)] = int(n)
    causes = {
        str(c): int(n)
        for c, n in con.execute(
            "SELECT cause, count(DISTINCT (entity, record_id)) FROM diff GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    }
    by_migration = {
        str(c): int(n)
        for c, n in con.execute(
            "SELECT cause, count(DISTINCT record_id) FROM diff WHERE change = 'class_changed' "
            "AND cause NOT IN ('source', 'relabel') GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    }
    return {
        "changes": changes,
        "fields": fields,
        "classes": classes,
        "causes": causes,
        "migration_class_changes": by_migration,
    }


def entry(manifest: dict[str, Any], date: str) -> str:
    """The Markdown entry of a release (readable by a person, generated, never hand-written)."""
    lines = [f"## {manifest['version']} — {date}", ""]
    parent = manifest.get("parent")
    if parent:
        lines.append(
            f"Parent release: {parent['version']}. Bump: {manifest['bump']['given']} "
            f"(the change needs {manifest['bump']['required']}: "
            f"{'; '.join(manifest['bump']['reasons'])})."
        )
    else:
        lines.append("Parent release: none (first release).")
    if manifest["bump"].get("override"):
        lines.append(f"Smaller bump allowed: {manifest['bump']['override']}")
    lines.append(f"Guideline version: {manifest.get('guideline_version') or 'unknown'}.")
    lines += ["", "### Contents", ""]
    for name in ("items", "assets", "annotations", "labels", "links"):
        lines.append(f"- {name}: {manifest['files'][name + '.parquet']['rows']}")
    summary = manifest["summary"]
    lines += ["", "### Changes", ""]
    if not parent:
        lines.append("- first release: every record is new")
    elif not summary["changes"]:
        lines.append("- no change from the parent release")
    for entity, counts in summary["changes"].items():
        shown = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        lines.append(f"- {entity}s: {shown}")
    if summary["fields"]:
        lines.append(
            "- changed fields: " + ", ".join(f"{f} {n}" for f, n in summary["fields"].items())
        )
    if summary["causes"]:
        lines.append("- causes: " + ", ".join(f"{c} {n}" for c, n in summary["causes"].items()))
    if summary["classes"]:
        lines += ["", "| class | changes |", "|---|---|"]
        for cls, counts in summary["classes"].items():
            lines.append(f"| {cls} | " + ", ".join(f"{k} {n}" for k, n in counts.items()) + " |")
    lines += ["", "### Migrations", ""]
    if not manifest["migrations"]:
        lines.append("- none recorded")
    for mig in manifest["migrations"]:
        fields = ", ".join(mig.get("fields") or []) or "fields not declared"
        new = f", new since {parent['version']}" if parent and mig.get("new") else ""
        line = f"- {mig['id']} (guideline {mig.get('guideline_version') or '?'}{new}): {fields}"
        if parent:
            line += f"; labels it changed since the parent: {mig.get('labels_changed', 0)}"
        queued = mig.get("queued") or {}
        if queued:
            line += "; queued: " + ", ".join(f"{p} {n}" for p, n in sorted(queued.items()))
        lines.append(line)
    relabel = manifest["relabel"]
    lines += ["", "### Human work", ""]
    lines.append(
        f"- labels to relabel: {relabel['relabel']}, to review: {relabel['review']}, "
        f"filtered out: {relabel['filter']}"
    )
    if relabel["relabel"] or relabel["filter"]:
        lines.append(
            "- older releases hold labels that this guideline relabels or filters: "
            "retrain on this release, not an older one"
        )
    lines += ["", "### Gates", ""]
    if not manifest["gates"]:
        lines.append("- no gates run (no check or QA report)")
    for gate in manifest["gates"]:
        state = "passed" if gate["passed"] else "FAILED (overridden)"
        lines.append(f"- {gate['stage']}: {gate['figure']} {state}")
    for override in manifest["overrides"]:
        lines.append(f"- override {override['figure']}: {override['reason']}")
    return "\n".join(lines) + "\n"


def prepend(changelog: Path, text: str) -> None:
    """Put ``text`` first in ``changelog`` (after its title), atomically."""
    title = "# Changelog\n\nGenerated by `labelrelease release`; newest first.\n\n"
    old = changelog.read_text(encoding="utf-8") if changelog.exists() else title
    head, _, rest = old.partition("\n## ")
    body = head.rstrip("\n") + "\n\n" + text + ("\n## " + rest if rest else "")
    tmp = changelog.with_name(f".{changelog.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(changelog)
