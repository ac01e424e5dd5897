"""The chain of migrations: ordered from the first to the head, and refused when it is broken.

Like Alembic's revisions, each migration names the one it ``revises``; exactly one has
``revises: null`` and exactly one (the head) is revised by none. Everything wrong with the
chain is a named :class:`~labelrelease.errors.MigrationError` that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labelrelease.errors import (
    CycleDetectedError,
    DuplicateMigrationError,
    MigrationError,
    MissingParentError,
    MultipleHeadsError,
)
from labelrelease.migrate.spec import Migration, MigrationSet, load_folder


@dataclass(frozen=True)
class Chain:
    """Migrations in order, first to head (empty when the folder holds none)."""

    folder: Path
    migrations: tuple[Migration, ...]

    @property
    def head(self) -> Migration | None:
        return self.migrations[-1] if self.migrations else None

    def position(self, migration_id: str) -> int:
        """1-based position of a migration in the chain."""
        return next(i for i, m in enumerate(self.migrations, 1) if m.id == migration_id)


def load_chain(folder: Path) -> Chain:
    """Read the migration files of ``folder`` and order them into one chain."""
    return order_chain(load_folder(folder))


def order_chain(found: MigrationSet) -> Chain:
    """Order ``found`` from its first migration to its head, refusing a broken chain."""
    by_id: dict[str, Migration] = {}
    for m in found.migrations:
        if m.id in by_id:
            raise DuplicateMigrationError(
                f"migration id {m.id!r} is declared by both {by_id[m.id].path.name} and "
                f"{m.path.name}; give the newer one a new id (`labelrelease migration new` "
                "picks a free one)",
                str(found.folder),
            )
        by_id[m.id] = m
    if not by_id:
        return Chain(found.folder, ())
    for m in by_id.values():
        if m.revises is not None and m.revises not in by_id:
            raise MissingParentError(
                f"{m.path.name} revises {m.revises!r}, but no migration has that id; restore "
                "the missing file or point `revises` at an existing id",
                str(found.folder),
            )
    _refuse_cycles(by_id, found.folder)
    children: dict[str | None, list[Migration]] = {}
    for m in by_id.values():
        children.setdefault(m.revises, []).append(m)
    _refuse_forks(by_id, children, found.folder)
    ordered: list[Migration] = []
    current = children.get(None, [])
    while current:
        ordered.append(current[0])
        current = children.get(current[0].id, [])
    return Chain(found.folder, tuple(ordered))


def _refuse_cycles(by_id: dict[str, Migration], folder: Path) -> None:
    done: set[str] = set()
    for start in sorted(by_id):
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in done:
            if node in path:
                loop = [*path[path.index(node) :], node]
                raise CycleDetectedError(
                    "the migrations revise each other in a loop: " + " -> ".join(loop)
                    + "; set `revises` of the oldest one to its real parent (or null)",
                    str(folder),
                )  # fmt: skip
            path.append(node)
            node = by_id[node].revises
        done.update(path)


def _refuse_forks(
    by_id: dict[str, Migration], children: dict[str | None, list[Migration]], folder: Path
) -> None:
    roots = children.get(None, [])
    if len(roots) > 1:
        names = ", ".join(sorted(m.path.name for m in roots))
        raise MultipleHeadsError(
            f"more than one migration starts the chain (revises: null): {names}; make all but "
            "the first revise another migration",
            str(folder),
        )
    heads = sorted(m.id for m in by_id.values() if not children.get(m.id))
    if len(heads) > 1:
        forks = {p: c for p, c in children.items() if len(c) > 1}
        where = "; ".join(
            f"{p} is revised by {', '.join(sorted(m.id for m in c))}" for p, c in forks.items()
        )
        raise MultipleHeadsError(
            f"the chain has {len(heads)} heads ({', '.join(heads)}): {where}; make one of them "
            "revise the other so the chain is a single line",
            str(folder),
        )
    if not roots:  # every migration has a parent: only possible with a cycle (refused above)
        raise MigrationError("no migration starts the chain (revises: null)", str(folder))
