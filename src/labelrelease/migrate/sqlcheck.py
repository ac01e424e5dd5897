"""What a ``.sql`` migration may contain, checked with DuckDB's own parser before anything runs.

Every migration of a run executes inside one DuckDB transaction, and the run's only effect on
the world is the output folder it publishes. A statement that ends or opens a transaction
(``BEGIN``, ``COMMIT``, ``ROLLBACK``, ``ABORT``, ``END``), reaches another database
(``ATTACH``, ``USE``), reads or writes files (``COPY``, ``EXPORT``/``IMPORT DATABASE``),
installs or loads code (``INSTALL``, ``LOAD``), changes a setting (``SET``, ``RESET``,
``PRAGMA``) or stores a secret would break that, so it is refused with the file and line.
So is an allowed statement that reads files through a table function (``read_csv``,
``read_parquet``, ``glob``...) or a file named as a table (``FROM 'x.csv'``), runs SQL given as
text (``query``), calls a table function DuckDB would load an extension for, or creates, drops
or alters one of the run's own tables (``labels``, ``changes``...).

The check uses :func:`duckdb.extract_statements` and each statement's type, and walks what
DuckDB parsed (:mod:`labelrelease.migrate.sqlrefs`), so the word ``COMMIT`` or ``read_csv``
inside a string literal, an identifier or a comment is not a statement or a call and passes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from labelrelease.errors import ForbiddenStatementError, MigrationFileError
from labelrelease.migrate import sqlrefs
from labelrelease.migrate.tables import RUN_SCHEMAS, RUN_TABLES

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
    offset, macros = 0, set[str]()
    for statement in statements:
        query, begin = statement.query, offset
        offset += len(query)
        try:
            kind = statement.type
        except ValueError:  # a statement type this DuckDB's Python API does not name
            kind = ST.INVALID
        refused = _refusal(query, kind, macros)
        if refused is None:
            if kind == ST.CREATE:
                macros |= sqlrefs.created_macros(query)
            continue
        first = _first_token(query)
        at, why = refused
        line = text.count("\n", 0, begin + (at if at >= 0 else first)) + 1
        shown = " ".join(query[first:].split()).rstrip(";")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ForbiddenStatementError(
            f"line {line}: `{shown}` {why}", str(path), line=line, statement=shown
        )


def _refusal(query: str, kind: duckdb.StatementType, macros: set[str]) -> tuple[int, str] | None:
    """Where in ``query`` (-1: its start) and why it is refused, if it is."""
    secret = kind in (ST.CREATE, ST.DROP) and _object(_words(query)) == "SECRET"
    if kind not in ALLOWED or secret:
        reason = _NO_SECRETS if secret else _WHY.get(kind, _OTHER)
        return -1, f"is not allowed in a .sql migration: {reason}"
    return _reads(query, kind, macros) or _changes_run_table(query, kind)


_KEEP_TO_THE_SQL = (
    "a migration depends only on the run's tables, so that DVC tracks every input; write the "
    "values it needs into the SQL (e.g. a VALUES list)"
)


def _reads(query: str, kind: duckdb.StatementType, macros: set[str]) -> tuple[int, str] | None:
    """Where and why ``query`` reads something other than the run's tables, if it does."""
    for read in sqlrefs.reads(query, kind):
        if read.is_file:
            why = f"reads the file '{read.name}' (a table name that is a path is read as a file)"
        elif read.name in sqlrefs.FILE_READERS:
            why = f"calls {read.name}(), which reads files"
        elif read.name in sqlrefs.SQL_RUNNERS:
            return read.offset, (
                f"calls {read.name}(), which runs SQL given as text that this check cannot "
                "see; write that SQL into the migration itself"
            )
        elif read.name not in sqlrefs.known_functions() and read.name not in macros:
            return read.offset, (
                f"calls {read.name}(), which is neither a function built into DuckDB nor a "
                "macro created earlier in this file: DuckDB would install or load an extension "
                "for it; use a built-in function, or create the macro in this file"
            )
        else:
            continue
        return read.offset, f"{why}: {_KEEP_TO_THE_SQL}"
    return None


def _changes_run_table(query: str, kind: duckdb.StatementType) -> tuple[int, str] | None:
    """Where and why ``query`` creates, drops or alters a table of the run, if it does."""
    if kind not in (ST.CREATE, ST.DROP, ST.ALTER):
        return None
    found = sqlrefs.target(query)
    if found is None:
        return None
    name = found.parts[-1]
    if found.kind == "SCHEMA" and name in RUN_SCHEMAS:
        return found.offset, (
            f"drops or changes the schema {name}, which holds the run's tables; a migration "
            "changes their rows only (UPDATE, DELETE); remove the statement"
        )
    if found.kind != "SCHEMA" and found.kind != "INDEX" and name in RUN_TABLES:
        verb = _words(query)[0]
        return found.offset, (
            f"{'creates' if verb == 'CREATE' else 'drops' if verb == 'DROP' else 'alters'} "
            f"{name}, which the migrate run made and reads back: a migration changes rows of "
            "the run's tables (UPDATE, DELETE), never the tables; give a helper another name"
        )
    return None


_NO_SECRETS = (
    "a migration may not create or drop secrets (a persistent one is stored on disk); "
    "remove the statement"
)
_MODIFIERS = frozenset({"OR", "REPLACE", "TEMP", "TEMPORARY", "PERSISTENT", "IF", "NOT", "EXISTS"})


def _first_token(query: str) -> int:
    """Offset of the first token of ``query`` that is not a comment (0 if none)."""
    tokens = sqlrefs.tokens(query)
    return tokens[0].offset if tokens else 0


def _words(query: str) -> list[str]:
    """The first few tokens of a statement, upper-cased (comments skipped)."""
    return [t.text.upper() for t in sqlrefs.tokens(query)[:8]]


def _object(words: list[str]) -> str | None:
    """What a CREATE or DROP statement creates or drops: ``SECRET`` in ``CREATE OR REPLACE
    PERSISTENT SECRET s``, ``TABLE`` in ``CREATE TABLE secret``."""
    for word in words[1:]:
        if word not in _MODIFIERS:
            return word
    return None
