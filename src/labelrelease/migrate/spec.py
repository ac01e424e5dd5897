"""Migration files: what they declare, read and checked for shape (not yet against the chain).

A migration is a YAML file (declarative operations) or a ``.sql`` file (an escape hatch whose
metadata is the leading ``--`` comment block, itself YAML). Every value is checked here, so the
engine never meets a malformed operation. Reference: docs/migrations.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from labelrelease.errors import MigrationFileError
from labelrelease.migrate.ops_spec import OPERATIONS, POLICIES, check_operation, touched_fields
from labelrelease.migrate.sqlcheck import check_sql
from labelrelease.project import safe_load

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEYS = ("id", "revises", "message", "date", "guideline_version", "fields", "policy", "operations")
REQUIRED = ("id", "revises", "message", "guideline_version")
SUFFIXES = (".yaml", ".yml", ".sql")


@dataclass(frozen=True)
class Operation:
    """One declarative operation: its name, its arguments and the policy of labels it touches."""

    op: str
    args: dict[str, Any]
    policy: str
    index: int

    def where(self, migration: Migration) -> str:
        """Where the operation is written, for messages."""
        return f"{migration.path.name}: operations[{self.index}] ({self.op})"


@dataclass(frozen=True)
class Migration:
    """One guideline change: metadata, the operations (or the SQL) and the file's checksum."""

    id: str
    revises: str | None
    message: str
    guideline_version: str
    path: Path
    checksum: str
    date: str | None = None
    fields: tuple[str, ...] = ()
    policy: str | None = None
    operations: tuple[Operation, ...] = ()
    sql: str | None = None

    @property
    def kind(self) -> str:
        return "sql" if self.sql is not None else "yaml"


def load_migration(path: Path) -> Migration:
    """Read and check one migration file."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as e:
        raise MigrationFileError(f"cannot read: {e.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise MigrationFileError("is not UTF-8 text", path=str(path)) from None
    checksum = hashlib.sha256(raw).hexdigest()
    if path.suffix == ".sql":
        meta, sql = _sql_header(text, path), text
        if not sql_body(text).strip():
            raise MigrationFileError("has a header but no SQL statement", path=str(path))
        check_sql(text, path)
    else:
        meta, sql = _yaml(text, path), None
    return _build(meta, path, checksum, sql)


def sql_body(text: str) -> str:
    """The SQL of a ``.sql`` migration without its leading comment block."""
    lines = text.splitlines()
    n = 0
    while n < len(lines) and (lines[n].startswith("--") or not lines[n].strip()):
        n += 1
    return "\n".join(lines[n:])


def _yaml(text: str, path: Path) -> dict[str, Any]:
    try:
        data = safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise MigrationFileError(f"invalid YAML{where}: {problem}", path=str(path)) from None
    if not isinstance(data, dict):
        raise MigrationFileError("must be a mapping with id, revises, message, ...", str(path))
    return data


def _sql_header(text: str, path: Path) -> dict[str, Any]:
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[3:] if line.startswith("-- ") else line[2:])
    if not header:
        raise MigrationFileError(
            "a .sql migration starts with its metadata as `-- key: value` lines "
            "(id, revises, message, guideline_version, fields)",
            path=str(path),
        )
    data = _yaml("\n".join(header), path)
    if "operations" in data:
        raise MigrationFileError("a .sql migration has no `operations`; its SQL is the change",
                                 path=str(path))  # fmt: skip
    return data


def _build(data: dict[str, Any], path: Path, checksum: str, sql: str | None) -> Migration:
    where = str(path)
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise MigrationFileError(f"unknown key(s) {unknown}; allowed: {', '.join(KEYS)}", where)
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise MigrationFileError(
            f"missing {', '.join(missing)} (`revises: null` for the first migration)", where
        )
    mid = _text(data, "id", where, ID, "1-64 letters, digits, '.', '_' or '-'")
    revises = data["revises"]
    if revises is not None:
        revises = _text(data, "revises", where, ID, "the id of the migration this one follows")
    version = _text(data, "guideline_version", where, VERSION, 'a quoted version like "1.1"')
    message = data["message"]
    if not isinstance(message, str) or not message.strip():
        raise MigrationFileError("`message` must say in words what changed", where)
    date = data.get("date")
    if date is not None:
        date = _text(data, "date", where, DATE, "YYYY-MM-DD, quoted")
    policy = data.get("policy")
    if policy is not None and policy not in POLICIES:
        raise MigrationFileError(f"`policy` must be one of {', '.join(POLICIES)}", where)
    fields = _strings(data.get("fields", []), "fields", where)
    operations = _operations(data.get("operations"), policy, where, sql is not None)
    declared = set(fields)
    for op in operations:
        extra = sorted(set(touched_fields(op.op, op.args)) - declared)
        if extra:
            raise MigrationFileError(
                f"operations[{op.index}] ({op.op}) changes {', '.join(extra)}; "
                "list every affected field under `fields`",
                where,
            )
    return Migration(
        id=mid, revises=revises, message=message.strip(), guideline_version=version,
        path=path, checksum=checksum, date=date, fields=tuple(fields), policy=policy,
        operations=operations, sql=sql,
    )  # fmt: skip


def _operations(raw: Any, policy: str | None, where: str, is_sql: bool) -> tuple[Operation, ...]:
    if is_sql:
        return ()
    if not isinstance(raw, list):
        raise MigrationFileError(
            f"`operations` must be a list (`[]`: only the version changes); known: "
            f"{', '.join(OPERATIONS)}",
            where,
        )
    ops = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("op"), str):
            raise MigrationFileError(f"operations[{i}] must be a mapping with `op`", where)
        args = {str(k): v for k, v in entry.items() if k != "op"}
        try:
            effective = check_operation(entry["op"], args, policy)
        except ValueError as e:
            raise MigrationFileError(f"operations[{i}] ({entry['op']}): {e}", where) from None
        ops.append(Operation(entry["op"], args, effective, i))
    return tuple(ops)


def _text(data: dict[str, Any], key: str, where: str, pattern: re.Pattern[str], what: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not pattern.match(value):
        raise MigrationFileError(f"`{key}` must be {what}, got {value!r}", where)
    return value


def _strings(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise MigrationFileError(f"`{key}` must be a list of names", where)
    return list(value)


@dataclass
class MigrationSet:
    """Every migration file of a folder, as read."""

    folder: Path
    migrations: list[Migration] = field(default_factory=list)


def load_folder(folder: Path) -> MigrationSet:
    """Every migration file in ``folder`` (an absent folder holds none)."""
    found = MigrationSet(folder)
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in SUFFIXES and not path.name.startswith("."):
            found.migrations.append(load_migration(path))
    return found
