"""``labelrelease migration new``: a new migration file revising the current head."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from labelrelease.errors import OutputError, UsageError
from labelrelease.migrate.chain import load_chain
from labelrelease.migrate.versions import version_key

TEMPLATE = """\
# {message}
# Reference of every key and operation: docs/migrations.md
id: {id}
revises: {revises}
message: {message_yaml}
date: "{date}"
guideline_version: "{version}"   # the version this migration produces; set it in the contract too
fields: []                        # every field the operations change (class, attributes.KEY, ...)
policy: review                    # default policy of operations that queue labels
operations: []                    # replace [] with a list of operations, e.g.:
  # - {{op: rename_class, from: OldName, to: NewName}}
  # - {{op: split_class, class: Vehicle, into: [Car, Truck], policy: relabel}}
  # - {{op: text_rule, classes: [caption], max_length: 200, policy: relabel}}
"""


def slug(message: str) -> str:
    """A file-name-safe short form of ``message``."""
    words = re.findall(r"[a-z0-9]+", message.lower())
    return "_".join(words)[:40].strip("_") or "change"


def next_version(version: str | None) -> str:
    """The version after ``version``: its last number plus one ("1.2" → "1.3")."""
    if not version:
        return "1.1"
    parts = version.split(".")
    if parts[-1].isdigit():
        return ".".join([*parts[:-1], str(int(parts[-1]) + 1)])
    return version + ".1"


def new_migration(
    folder: Path, message: str, *, version: str | None = None, today: dt.date | None = None
) -> Path:
    """Write ``folder/NNNN_slug.yaml`` revising the head of the chain in ``folder``."""
    if not message.strip() or "\n" in message:
        raise UsageError('give the change in one line, e.g. "split Vehicle into Car and Truck"')
    chain = load_chain(folder)  # refuses a broken chain before adding to it
    head = chain.head
    number = len(chain.migrations) + 1
    ids = {m.id for m in chain.migrations}
    mid = f"{number:04d}_{slug(message)}"
    while mid in ids:
        number += 1
        mid = f"{number:04d}_{slug(message)}"
    new_version = version or next_version(head.guideline_version if head else "1.0")
    if head is not None and version_key(new_version) <= version_key(head.guideline_version):
        raise UsageError(
            f"--version {new_version} is not newer than the head's {head.guideline_version}"
        )
    path = folder / f"{mid}.yaml"
    text = TEMPLATE.format(
        id=mid, revises=head.id if head else "null", message=message.strip(),
        message_yaml=_quote(message.strip()), date=(today or dt.date.today()).isoformat(),
        version=new_version,
    )  # fmt: skip
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise OutputError(f"{path} already exists; choose another message") from None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    return path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
