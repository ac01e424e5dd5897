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


# --- release ---
class ReleaseError(LabelReleaseError):
    """A release cannot be cut, shown or verified (base of the release errors)."""

    exit_code = 8


class GateFailedError(ReleaseError):
    """A gate of check.json or qa.json failed and no override with a reason covers it."""


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
