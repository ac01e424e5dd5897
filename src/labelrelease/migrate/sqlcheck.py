"""What a ``.sql`` migration may contain, checked with DuckDB's own parser before anything runs.

Every migration of a run executes inside one DuckDB transaction, and the run's only effect on
the world is the output folder it publishes. A statement that ends or opens a transaction
(``BEGIN``, ``COMMIT``, ``ROLLBACK``, ``ABORT``, ``END``), reaches another database
(``ATTACH``, ``USE``), reads or writes files (``COPY``, ``EXPORT``/``IMPORT DATABASE``),
installs or loads code (``INSTALL``, ``LOAD``), changes a setting (``SET``, ``RESET``,
``PRAGMA``) or stores a secret would break that, so it is refused with the file and line.

The check uses :func:`duckdb.extract_statements` and each statement's type, so the word
``COMMIT`` inside a string literal, an identifier or a comment is not a statement and passes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from labelrelease.errors import ForbiddenStatementError, MigrationFileError

ST = duckdb.StatementType
ALLOWED = frozenset({ST.SELECT, ST.INSERT, ST.UPDATE, ST.DELETE, ST.CREATE, ST.DROP, ST.ALTER,
                     ST.MERGE_INTO})  # fmt: skip
"""Statement types a migration may use: it changes the tables in place, with helpers."""

_END_TX = (
    "a .sql migration runs inside the run's one transaction (every migration of the run "
    "commits together, or none does); remove the statement"
)
_WHY: dict[duckdb.StatementType, str] = {
    ST.TRANSACTION: _END_TX,
    ST.ATTACH: (
        "a migration changes only the run's tables and may not attach another database; "
        "write the values it needs into the SQL (e.g. a VALUES list)"
    ),
    ST.DETACH: "a migration changes only the run's tables; remove the statement",
    ST.COPY: (
        "a migration may not read or write files (COPY); keep the change in the SQL itself "
        "(e.g. a VALUES list) so that the run depends only on tracked inputs"
    ),
    ST.COPY_DATABASE: "a migration may not copy a database; remove the statement",
    ST.EXPORT: (
        "a migration may not write files (EXPORT DATABASE); the stage writes the outputs, "
        "remove the statement"
    ),
    ST.PRAGMA: (
        "a migration may not run PRAGMA or IMPORT DATABASE / COPY FROM DATABASE; "
        "use a table function in a SELECT (e.g. pragma_table_info('labels')) to read metadata"
    ),
    ST.LOAD: (
        "a migration may not install or load extensions (code from outside the run); "
        "use the functions built into DuckDB, or an operation of a YAML migration"
    ),
    ST.SET: (
        "a migration may not change settings (SET, RESET, USE, PRAGMA name = value); "
        "DuckDB resources belong in the `migrate:` section of params.yaml"
    ),
    ST.VARIABLE_SET: "a migration may not set variables; write the value into the SQL",
    ST.CALL: "a migration may not CALL procedures or CHECKPOINT; use SELECT * FROM fn()",
    ST.VACUUM: "a migration may not VACUUM or ANALYZE; remove the statement",
}
_OTHER = (
    "this statement is not one a migration may use (allowed: SELECT, INSERT, UPDATE, DELETE, "
    "MERGE, CREATE/DROP/ALTER of helper tables, views and macros)"
)


def check_sql(text: str, path: Path) -> None:
    """Refuse ``text`` (a whole ``.sql`` migration) if DuckDB cannot parse it or a statement
    would leave the run's transaction or touch anything outside the run's tables."""
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as e:
        problem = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise MigrationFileError(
            f"the SQL does not parse in DuckDB: {problem}", str(path)
        ) from None
    offset = 0
    for statement in statements:
        query, begin = statement.query, offset
        offset += len(query)
        try:
            kind = statement.type
        except ValueError:  # a statement type this DuckDB's Python API does not name
            kind = ST.INVALID
        words = _words(query)
        secret = kind in (ST.CREATE, ST.DROP) and _object(words) == "SECRET"
        if kind in ALLOWED and not secret:
            continue
        first = _first_token(query)
        line = text.count("\n", 0, begin + first) + 1
        shown = " ".join(query[first:].split()).rstrip(";")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        why = _NO_SECRETS if secret else _WHY.get(kind, _OTHER)
        raise ForbiddenStatementError(
            f"line {line}: `{shown}` is not allowed in a .sql migration: {why}",
            str(path),
            line=line,
            statement=shown,
        )


_NO_SECRETS = (
    "a migration may not create or drop secrets (a persistent one is stored on disk); "
    "remove the statement"
)
_MODIFIERS = frozenset({"OR", "REPLACE", "TEMP", "TEMPORARY", "PERSISTENT", "IF", "NOT", "EXISTS"})


def _tokens(query: str) -> list[tuple[int, duckdb.token_type]]:
    """The tokens of ``query`` that are not comments, at character offsets (DuckDB gives
    UTF-8 byte offsets)."""
    raw = query.encode("utf-8")
    return [(len(raw[: int(p)].decode("utf-8", "ignore")), k)
            for p, k in duckdb.tokenize(query) if k != duckdb.token_type.comment]  # fmt: skip


def _first_token(query: str) -> int:
    """Offset of the first token of ``query`` that is not a comment (0 if none)."""
    tokens = _tokens(query)
    return tokens[0][0] if tokens else 0


def _words(query: str) -> list[str]:
    """The first few tokens of a statement, upper-cased (comments skipped)."""
    tokens = _tokens(query)[:8]
    ends = [p for p, _ in tokens[1:]] + [len(query)]
    return [query[p:e].strip().upper() for (p, _), e in zip(tokens, ends, strict=True)]


def _object(words: list[str]) -> str | None:
    """What a CREATE or DROP statement creates or drops: ``SECRET`` in ``CREATE OR REPLACE
    PERSISTENT SECRET s``, ``TABLE`` in ``CREATE TABLE secret``."""
    for word in words[1:]:
        if word not in _MODIFIERS:
            return word
    return None
