"""Cut a release: gates, bundle in a temporary sibling folder, verify, rename into place."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from labelrelease import __version__
from labelrelease.contract.load import load_contract
from labelrelease.errors import OutputError, ReleaseExistsError
from labelrelease.release import changelog, db
from labelrelease.release.croissant import croissant
from labelrelease.release.diff import COMPARED, run_diff
from labelrelease.release.files import WRITER_OPTIONS, copy_table, sha256_file, write_json
from labelrelease.release.history import parent_of
from labelrelease.release.inputs import Inputs, Settings, find_inputs, release_date, run_gates
from labelrelease.release.manifest import (
    BUNDLE_FORMAT,
    MANIFEST,
    SCHEMA_VERSION,
    file_entries,
    identity,
    read_manifest,
    verify_bundle,
)
from labelrelease.release.semver import required_bump
from labelrelease.release.tables import BUNDLE_SCHEMAS, bundle_views, write_changes, write_tables
from labelrelease.release.version import check_bump, parse_version

BUILD_PREFIX = ".release-build-"
PAUSE_ENV = "LABELRELEASE_TEST_PAUSE"
"""Test hook: the build sleeps at the named point (``tables``, ``publish``) so a test can kill
it there."""

Step = Callable[[str], None]


@dataclass
class ReleaseResult:
    """A published release."""

    version: str
    path: Path
    identity: str
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def release(
    settings: Settings,
    version_text: str,
    *,
    allow_bump: str | None = None,
    tag: bool = True,
    step: Step = lambda _s: None,
) -> ReleaseResult:
    """Build, verify and publish ``<out>/<version>/``; nothing is visible unless all of it is."""
    version = parse_version(version_text)
    out = settings.path("out")
    dest = out / str(version)
    if dest.exists():
        raise ReleaseExistsError(
            f"release {version} already exists at {settings['out']}/{version}; releases are "
            "never overwritten: choose a higher version (see `labelrelease show`)"
        )
    inputs = find_inputs(settings)
    step("gates")
    gates, overrides = run_gates(inputs)
    parent = parent_of(out, version)
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out.parent)
    try:
        work = Path(tempfile.mkdtemp(prefix=f"{BUILD_PREFIX}{os.getpid()}-", dir=out.parent))
    except OSError as e:
        raise OutputError(f"cannot create a build folder beside {out}: {e.strerror}") from None
    try:
        bundle = work / str(version)
        bundle.mkdir()
        con = db.connect(work / "scratch", settings)
        try:
            manifest = _build(
                con,
                work / "scratch",
                bundle,
                settings,
                inputs,
                (str(parent), out / str(parent)) if parent else None,
                step,
            )
        finally:
            con.close()
        manifest["gates"], manifest["overrides"] = gates, overrides
        manifest["version"] = str(version)
        prev = read_manifest(out / str(parent)) if parent else None
        bump = required_bump(manifest, prev)
        manifest["bump"]["given"] = (
            check_bump(parent, version, bump["required"], bump["reasons"], allow_bump)
            if parent
            else "first"
        )
        manifest["bump"].update(
            required=bump["required"],
            reasons=bump["reasons"],
            override=allow_bump if parent else None,
        )
        date = release_date(settings)
        _finish(bundle, manifest, settings, date)
        step("verify")
        verify_bundle(bundle)
        _pause("publish")
        if dest.exists():
            raise ReleaseExistsError(f"release {version} appeared while building; not replaced")
        out.mkdir(parents=True, exist_ok=True)
        os.rename(bundle, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    notes = list(manifest["notes"])
    changelog.prepend(settings.path("changelog"), (dest / changelog.ENTRY).read_text("utf-8"))
    result = ReleaseResult(str(version), dest, identity(dest), manifest, notes)
    if tag:
        notes.append(_tag(settings.root, result))
    return result


def _build(
    con: duckdb.DuckDBPyConnection,
    scratch: Path,
    bundle: Path,
    settings: Settings,
    inputs: Inputs,
    parent: tuple[str, Path] | None,
    step: Step,
) -> dict[str, Any]:
    db.table_views(con, scratch, "new", inputs.tables)
    db.cause_views(con, scratch, inputs.optional)
    if parent:
        db.table_views(con, scratch, "old", {t: parent[1] / f"{t}.parquet" for t in db.VIEW_FILES})
    split = {"ratios": settings["split_ratios"], "group": settings["split_group_key"]}
    plain = bundle_views(con, split, parent is not None)
    step("tables")
    rows, _presorted = write_tables(con, bundle, plain)
    _pause("tables")
    step("diff")
    if parent:
        for t in db.VIEW_FILES:
            con.execute(f"CREATE TEMP VIEW n_{t} AS SELECT * FROM b_{t}")
            con.execute(f"CREATE TEMP VIEW o_{t} AS SELECT * FROM old_{t}")
        run_diff(
            con, COMPARED, float(settings["geometry_tolerance"]), float(settings["time_tolerance"])
        )
    else:
        con.execute(
            "CREATE TEMP TABLE diff (entity VARCHAR, record_id VARCHAR, item_id VARCHAR, "
            "change VARCHAR, field VARCHAR, class VARCHAR, old VARCHAR, new VARCHAR, "
            "cause VARCHAR)"
        )
    rows["changes.parquet"] = write_changes(con, bundle)
    summary = changelog.summarize(con, parent is not None)
    relabel = _relabel_counts(con)
    migrations = _migrations(con, inputs)
    before = _parent_migrations(parent[1]) if parent else set()
    for mig in migrations:
        mig["new"] = mig["id"] not in before
        mig["labels_changed"] = _labels_changed(con, mig["id"]) if parent else 0
    if inputs.qa_sample is not None:
        copy_table(inputs.qa_sample, bundle / "qa_sample.parquet")
    for key, report in (("check_report", inputs.check), ("qa_report", inputs.qa)):
        if report is not None:
            (bundle / "reports").mkdir(exist_ok=True)
            shutil.copyfile(settings.path(key), bundle / "reports" / settings.path(key).name)
    classes, guideline = _contract(settings)
    notes = list(inputs.notes)
    if parent is None:
        notes.append("first release: no parent, changes.parquet is empty")
    return {
        "format": BUNDLE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "labelrelease", "version": __version__},
        "parent": {"version": parent[0], "manifest_sha256": identity(parent[1])}
        if parent
        else None,
        "guideline_version": _guideline(inputs, guideline),
        "taxonomy": classes,
        "migrations": migrations,
        "relabel": relabel,
        "summary": summary,
        "inputs": _input_hashes(settings, inputs),
        "absent": sorted(inputs.absent),
        "notes": notes,
        "bump": {},
        "parquet_writer": WRITER_OPTIONS,
        "splits": {"ratios": settings["split_ratios"], "group_key": settings["split_group_key"]},
        "diff_tolerance": {
            "geometry_px": float(settings["geometry_tolerance"]),
            "time_s": float(settings["time_tolerance"]),
        },
        "relabel_policy": "labels.relabel_policy: review or relabel flags a label that needs "
        "human work; labels with policy filter are left out (see filtered_labels in migrate)",
    }


def _finish(bundle: Path, manifest: dict[str, Any], settings: Settings, date: str) -> None:
    """Croissant (over the Parquet files), change log entry, then the manifest of all files."""
    tables = {**BUNDLE_SCHEMAS}
    files = file_entries(bundle)
    name = str(settings["name"] or "dataset")
    doc = croissant(
        name,
        manifest["version"],
        f"{name} {manifest['version']}: a labelrelease "
        "bundle (canonical multimodal annotation tables)",
        tables,
        files,
        str(settings["license"] or "unspecified"),
        str(settings["url"] or "https://example.org/dataset"),
    )
    write_json(bundle / "croissant.json", doc)
    rows = {name: entry.get("rows") for name, entry in files.items()}
    manifest["files"] = {n: {"rows": r} for n, r in rows.items()}
    (bundle / changelog.ENTRY).write_text(changelog.entry(manifest, date), encoding="utf-8")
    manifest["files"] = file_entries(bundle, known=files)
    write_json(bundle / MANIFEST, manifest)


def _relabel_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = {"review": 0, "relabel": 0, "filter": 0}
    for policy, n in con.execute("SELECT policy, count(*) FROM policy GROUP BY ALL").fetchall():
        if policy in counts:
            counts[str(policy)] = int(n)
    return counts


def _migrations(con: duckdb.DuckDBPyConnection, inputs: Inputs) -> list[dict[str, Any]]:
    """The migrations of migrate.json, in order, with the fields each changed."""
    data = inputs.migrate_json or {}
    chain: list[Any] = next(
        (data[k] for k in ("chain", "migrations", "applied") if isinstance(data.get(k), list)), []
    )
    fields: dict[str, list[str]] = {}
    cols = db.columns(con, "mig_changes")
    if {"cause", "field"} <= cols:
        # every migrated annotation gets a guideline_version change row from the last migration
        # of its chain: bookkeeping, not a field the migration affects
        skip = (
            "WHERE NOT (\"table\" = 'annotations' AND field = 'guideline_version')"
            if "table" in cols
            else ""
        )
        for cause, names in con.execute(
            "SELECT cause, list_sort(list_distinct(list(field))) FROM mig_changes "
            f"{skip} GROUP BY cause ORDER BY cause"
        ).fetchall():
            fields[str(cause)] = [str(n) for n in names]
    queued: dict[str, dict[str, int]] = {}
    if {"migration_id", "policy", "label_id"} <= db.columns(con, "relabel"):
        for mig_id, policy, n in con.execute(
            "SELECT migration_id, policy, count(DISTINCT label_id) FROM relabel "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall():
            queued.setdefault(str(mig_id), {})[str(policy)] = int(n)
    found = []
    for entry in chain:
        if not isinstance(entry, dict) or "id" not in entry:
            continue
        mig_id = str(entry["id"])
        declared = entry.get("fields") or entry.get("affects") or []
        found.append(
            {
                "id": mig_id,
                "checksum": entry.get("checksum"),
                "guideline_version": entry.get("guideline_version"),
                "fields": sorted({*map(str, declared), *fields.get(mig_id, [])}),
                "queued": queued.get(mig_id, {}),
            }
        )
    return found


def _parent_migrations(parent: Path) -> set[str]:
    """Ids of the migrations the parent release applied."""
    entries = read_manifest(parent).get("migrations") or []
    return {str(m["id"]) for m in entries if isinstance(m, dict) and "id" in m}


def _labels_changed(con: duckdb.DuckDBPyConnection, mig_id: str) -> int:
    """Labels of the diff against the parent whose change this migration caused."""
    row = con.execute(
        "SELECT count(DISTINCT record_id) FROM diff WHERE entity = 'label' "
        "AND list_contains(string_split(cause, ','), ?)",
        [mig_id],
    ).fetchone()
    return int(row[0]) if row else 0


def _contract(settings: Settings) -> tuple[list[str] | None, str | None]:
    """The taxonomy's class names (sorted; legacy classes, which a migration rewrites and no
    released label may carry, left out) and the guideline version of the contract."""
    path = settings.path("contract")
    if not path.exists():
        return None, None
    contract = load_contract(path)
    names = [c.name for c in contract.taxonomy.classes if not c.legacy]
    return sorted(names), contract.guideline_version


def _guideline(inputs: Inputs, from_contract: str | None) -> str | None:
    """The head guideline version: migrate's chain when recorded, else the contract's."""
    chain = [m for m in (inputs.migrate_json or {}).get("chain") or [] if isinstance(m, dict)]
    if chain and chain[-1].get("guideline_version"):
        return str(chain[-1]["guideline_version"])
    return from_contract


def _input_hashes(settings: Settings, inputs: Inputs) -> dict[str, Any]:
    root = settings.root
    hashes: dict[str, Any] = {}
    raw = settings.path("raw")
    if raw.is_dir():
        hashes["raw"] = {
            p.relative_to(root).as_posix()
            if p.is_relative_to(root)
            else p.relative_to(raw).as_posix(): sha256_file(p)
            for p in sorted(raw.rglob("*"))
            if p.is_file()
        }
    for rel in ("params.yaml", "pipelines/sources.yaml", "pipelines/contract.yaml"):
        if (root / rel).is_file():
            hashes[rel] = sha256_file(root / rel)
    hashes["migrated"] = {
        p.name: sha256_file(p) for p in sorted(inputs.migrated.glob("*")) if p.is_file()
    }
    return hashes


def _pause(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        time.sleep(60)


def _clean_stale(parent: Path) -> None:
    """Remove build folders of killed releases (their process is gone)."""
    for folder in parent.glob(f"{BUILD_PREFIX}*"):
        try:
            pid = int(folder.name[len(BUILD_PREFIX) :].split("-")[0])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue


def _tag(root: Path, result: ReleaseResult) -> str:
    """Tag the current commit ``dataset-v<version>``; a note says what was done."""
    name = f"dataset-v{result.version}"
    git = shutil.which("git")
    if git is None:
        return "not tagged: git is not installed"
    inside = subprocess.run(  # noqa: S603 - git, fixed arguments
        [git, "rev-parse", "--is-inside-work-tree"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode != 0:
        return f"not tagged ({name}): not a git repository"
    message = f"dataset {result.version}\n\nmanifest sha256 {result.identity}"
    for args in (["tag", "-a", name, "-m", message], ["tag", name]):
        done = subprocess.run(  # noqa: S603 - git, fixed arguments
            [git, *args], cwd=root, capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return f"tagged {name}"
        if "already exists" in done.stderr:
            return f"not tagged: tag {name} already exists (left as it is)"
    return f"not tagged ({name}): {done.stderr.strip()}"
