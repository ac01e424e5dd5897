"""The one error hierarchy of labelrelease.

Every error a user can cause is a :class:`LabelReleaseError` with a message that says what went
wrong and what to do next. The CLI maps each class to an exit code in one place
(:data:`EXIT_CODES`) and prints no traceback unless ``--debug`` is given.
"""

from __future__ import annotations


class LabelReleaseError(Exception):
    """Base class: a failure the user can act on. The message is required."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        if not message:
            raise ValueError("LabelReleaseError needs a message that says what to do")
        super().__init__(message)
        self.message = message


class UsageError(LabelReleaseError):
    """The command was called wrongly (bad option value, missing argument)."""

    exit_code = 2


class ConfigError(LabelReleaseError):
    """A project file (contract, sources, params) is missing or invalid."""

    exit_code = 3

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        where = ""
        if path:
            where = f"{path}: "
        if key:
            where += f"`{key}`: "
        super().__init__(where + message)
        self.path = path
        self.key = key


class InputError(LabelReleaseError):
    """An input file cannot be read at all (not found, not a known format, unreadable)."""

    exit_code = 4

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class FormatNotFoundError(InputError):
    """No registered importer claims a file, or a format name is unknown."""


class OutputError(LabelReleaseError):
    """An output cannot be written (permissions, disk, an existing immutable target)."""

    exit_code = 5


# --- migrate ---
class MigrationError(LabelReleaseError):
    """A migration file or the chain of migrations is wrong; nothing was migrated."""

    exit_code = 7

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class MigrationFileError(MigrationError):
    """A migration file cannot be read: bad YAML, a missing or unknown key, a bad operation."""


class ForbiddenStatementError(MigrationFileError):
    """A ``.sql`` migration holds a statement that would leave the run's one transaction
    (BEGIN, COMMIT, ROLLBACK...) or touch anything outside the run's tables (ATTACH, COPY,
    EXPORT, INSTALL/LOAD, SET/PRAGMA, secrets, file-reading table functions), or creates, drops
    or alters a table of the run; found by DuckDB's parser before anything runs."""

    def __init__(self, message: str, path: str | None = None, *, line: int = 0,
                 statement: str = "") -> None:  # fmt: skip
        super().__init__(message, path)
        self.line = line
        self.statement = statement


class DuplicateMigrationError(MigrationError):
    """Two migration files declare the same id."""


class MissingParentError(MigrationError):
    """A migration revises an id that no migration file declares."""


class CycleDetectedError(MigrationError):
    """Following ``revises`` from some migration comes back to it."""


class MultipleHeadsError(MigrationError):
    """More than one migration is revised by none: the chain has forked."""


class ChecksumMismatchError(MigrationError):
    """A migration was edited (or deleted) after a release applied it."""


class UnknownTargetError(MigrationError):
    """An operation names a class, field, kind or relation that the contract does not know."""


class GuidelineVersionError(MigrationError):
    """Labels carry a guideline version that the chain does not lead from."""


# --- check ---
class GateFailed(LabelReleaseError):
    """A check figure is above its gate in params.yaml and no --allow overrides it."""

    exit_code = 6


# --- qa ---
class QAError(LabelReleaseError):
    """The QA stage cannot run: its inputs are missing or inconsistent, or a review file does
    not fit the sample it came from."""

    exit_code = 9


class QAGateFailed(GateFailed):
    """A QA figure is outside the bound a gate in ``params.yaml`` (``qa.gates``) sets; the
    reports are written before this is raised."""

    exit_code = 6


# --- release ---
class ReleaseError(LabelReleaseError):
    """A release cannot be cut, shown or verified (base of the release errors)."""

    exit_code = 8


class ReleaseGateFailed(ReleaseError):
    """A gate of check.json or qa.json failed and no override with a reason covers it.

    A release error (exit 8), not a :class:`GateFailed` (exit 6): the stage that owns the gate
    already stopped, or was overridden; this is the release refusing what it was given."""


class ReleaseExistsError(ReleaseError):
    """The version already has a bundle; releases are never overwritten."""


class BadVersionError(ReleaseError):
    """A version string that is not X.Y.Z (or would leave data/releases/)."""


class VersionBumpError(ReleaseError):
    """The version bump understates the change (e.g. a patch for a taxonomy change)."""


class ReleaseNotFoundError(ReleaseError):
    """No bundle of that version under the releases folder."""


class VerifyError(ReleaseError):
    """A bundle's files do not match its manifest (tampered, missing or extra files)."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


EXIT_CODES: dict[type[LabelReleaseError], int] = {
    cls: cls.exit_code
    for cls in (
        LabelReleaseError,
        UsageError,
        ConfigError,
        InputError,
        FormatNotFoundError,
        OutputError,
        MigrationError,  # migrate
        GateFailed,
        QAError,
        QAGateFailed,
        ReleaseError,
    )
}
"""Exit code per error class; the CLI looks codes up here and nowhere else."""


def exit_code_for(error: LabelReleaseError) -> int:
    """The exit code for ``error``: that of its nearest class in :data:`EXIT_CODES`."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
