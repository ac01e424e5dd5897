"""What a statement of a ``.sql`` migration reads, and which object it creates, drops or alters.

Found from DuckDB's own parse, never from a text scan, so names inside string literals, quoted
identifiers or comments are not calls: a ``SELECT`` is walked as the parse tree that
``json_serialize_sql`` gives; DuckDB serialises no other statement that way, so for those the
statement's tokens (``duckdb.tokenize``, which tells string literals, comments, names and
keywords apart) are walked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import duckdb

FILE_READERS = frozenset({
    "glob", "read_blob", "read_text", "read_duckdb", "sniff_csv",
    "read_csv", "read_csv_auto", "read_single_csv_file",
    "read_parquet", "parquet_scan", "read_single_parquet_file", "parquet_metadata",
    "parquet_file_metadata", "parquet_full_metadata", "parquet_kv_metadata", "parquet_schema",
    "parquet_page_index", "parquet_bloom_probe",
    "read_json", "read_json_auto", "read_json_objects", "read_json_objects_auto",
    "read_ndjson", "read_ndjson_auto", "read_ndjson_objects", "read_single_json_file",
})  # fmt: skip
"""DuckDB's table functions that read files or list them (from ``duckdb_functions()``)."""

SQL_RUNNERS = frozenset({"query", "query_table", "json_execute_serialized_sql"})
"""Table functions that run SQL (or a table name) given as text, which this check cannot see."""

_NAMED_TABLES = frozenset({"BASE_TABLE", "SHOW_REF"})
"""Nodes of the parse tree that name a table (``FROM t``, ``DESCRIBE t``, ``SHOW t``)."""
_CALL_SYNTAX = frozenset({"EXTRACT", "TRIM", "SUBSTRING", "OVERLAY", "POSITION"})
"""Keywords called like functions whose parentheses may hold ``FROM``, not a FROM clause."""
_TABLE_AFTER = frozenset({"FROM", "JOIN", "USING"})
_CLAUSE_ENDS = frozenset({
    "SELECT", "WHERE", "SET", "ON", "GROUP", "ORDER", "HAVING", "WINDOW", "QUALIFY", "LIMIT",
    "OFFSET", "RETURNING", "VALUES", "WHEN", "THEN", "UNION", "EXCEPT", "INTERSECT", "INTO",
})  # fmt: skip


@dataclass(frozen=True)
class Read:
    """A table function called, or a file named where a table goes (``FROM 'x.csv'``)."""

    name: str
    offset: int
    """Character offset in the statement; -1 if DuckDB does not say."""
    is_file: bool = False


@dataclass(frozen=True)
class Target:
    """The object a CREATE, DROP or ALTER statement names: its kind (``TABLE``, ``MACRO``,
    ``SCHEMA``...) and the parts of its dotted name, lower-cased."""

    kind: str
    parts: tuple[str, ...]
    offset: int


@dataclass(frozen=True)
class _Token:
    offset: int
    kind: duckdb.token_type
    text: str

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == duckdb.token_type.keyword else ""

    @property
    def name(self) -> str:
        """The identifier or keyword as DuckDB resolves it (unquoted; case-insensitive)."""
        if self.kind == duckdb.token_type.identifier and self.text.startswith('"'):
            return self.text[1:-1].replace('""', '"').lower()
        return self.text.lower()


def tokens(query: str) -> list[_Token]:
    """The tokens of ``query`` that are not comments, at character offsets (DuckDB gives
    UTF-8 byte offsets)."""
    raw = query.encode("utf-8")
    found = [(len(raw[: int(p)].decode("utf-8", "ignore")), k)
             for p, k in duckdb.tokenize(query) if k != duckdb.token_type.comment]  # fmt: skip
    ends = [p for p, _ in found[1:]] + [len(query)]
    return [_Token(p, k, query[p:e].strip()) for (p, k), e in zip(found, ends, strict=True)]


def reads(query: str, kind: duckdb.StatementType) -> list[Read]:
    """The table functions ``query`` calls and the files it names as tables, in order."""
    if kind == duckdb.StatementType.SELECT:
        tree = _tree(query)
        if tree is not None:
            return sorted(_tree_reads(tree, query.encode("utf-8")), key=lambda r: r.offset)
    return list(_token_reads(tokens(query)))


def target(query: str) -> Target | None:
    """The object a CREATE, DROP, ALTER (or COMMENT ON) statement names, if one is found."""
    toks = tokens(query)
    modifiers = {"CREATE", "DROP", "ALTER", "COMMENT", "ON", "OR", "REPLACE", "TEMP",
                 "TEMPORARY", "PERSISTENT", "UNIQUE", "IF", "NOT", "EXISTS"}  # fmt: skip
    i, kind = 0, ""
    while i < len(toks) and (
        toks[i].word in modifiers
        or (not kind and toks[i].word)
        or (kind == "MACRO" and toks[i].word == "TABLE")  # DROP MACRO TABLE m
    ):
        if not kind and toks[i].word not in modifiers:
            kind = toks[i].word
        i += 1
    if i >= len(toks) or toks[i].kind not in (duckdb.token_type.identifier,
                                              duckdb.token_type.keyword):  # fmt: skip
        return None
    parts, start = [toks[i].name], toks[i].offset
    while i + 2 < len(toks) and toks[i + 1].text == ".":
        i += 2
        parts.append(toks[i].name)
    return Target(kind, tuple(parts), start)


def created_macros(query: str) -> set[str]:
    """The name of the macro a ``CREATE MACRO`` / ``CREATE FUNCTION`` statement makes."""
    found = target(query)
    if found and found.kind in ("MACRO", "FUNCTION"):
        return {found.parts[-1]}
    return set()


@cache
def known_functions() -> frozenset[str]:
    """Every function this DuckDB has without loading an extension, lower-cased."""
    with duckdb.connect() as con:
        rows = con.execute("SELECT DISTINCT lower(function_name) FROM duckdb_functions()")
        return frozenset(str(r[0]) for r in rows.fetchall())


def _tree(query: str) -> Any | None:
    with duckdb.connect() as con:
        row = con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()
    doc = json.loads(row[0]) if row else None
    return None if not doc or doc.get("error") else doc.get("statements")


def _tree_reads(node: Any, raw: bytes) -> Iterator[Read]:
    if isinstance(node, list):
        for child in node:
            yield from _tree_reads(child, raw)
        return
    if not isinstance(node, dict):
        return
    where = node.get("query_location")
    known = isinstance(where, int) and 0 <= where < len(raw)
    offset = len(raw[:where].decode("utf-8", "ignore")) if known else -1
    if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
        yield Read(str(node["function"].get("function_name", "")).lower(), offset)
    elif node.get("type") in _NAMED_TABLES and _is_path(str(node.get("table_name", ""))):
        yield Read(str(node["table_name"]), offset, is_file=True)
    for child in node.values():
        yield from _tree_reads(child, raw)


def _is_path(name: str) -> bool:
    """A table name DuckDB would read as a file (``'x.csv'``, ``"dir/y.parquet"``)."""
    return any(c in name for c in "./\\:")


def _token_reads(toks: list[_Token]) -> Iterator[Read]:
    """Calls of file readers and SQL runners anywhere; in a FROM, JOIN or USING list also
    any table function and any file named as a table."""
    ident, string = duckdb.token_type.identifier, duckdb.token_type.string_const
    frames = [(False, False)]  # per parenthesis: (inside a call's arguments, in a FROM list)
    table_next = False
    for i, tok in enumerate(toks):
        call = _next(toks, i) == "(" and tok.kind != string
        in_table, table_next = table_next, False
        if in_table and tok.kind == string:
            yield Read(tok.text[1:-1].replace("''", "'"), tok.offset, is_file=True)
        elif in_table and tok.kind == ident and not call and _is_path(tok.name):
            yield Read(tok.name, tok.offset, is_file=True)
        elif call and (in_table or tok.name in FILE_READERS | SQL_RUNNERS):
            yield Read(tok.name, tok.offset)
        if tok.text == "(":
            before = toks[i - 1] if i else None
            args = before is not None and (before.kind == ident or before.word in _CALL_SYNTAX)
            frames.append((args, False))
        elif tok.text == ")" and len(frames) > 1:
            frames.pop()
        elif tok.word in _TABLE_AFTER and not frames[-1][0]:
            frames[-1], table_next = (False, True), True
        elif tok.word == "LATERAL":
            table_next = in_table
        elif tok.word in _CLAUSE_ENDS:
            frames[-1] = (frames[-1][0], False)
        elif tok.text == "," and frames[-1][1]:
            table_next = True
        elif in_table and (tok.text == "." or (tok.kind == ident and _next(toks, i) == ".")):
            table_next = True  # schema.table: the name after the dot is in the same place


def _next(toks: list[_Token], i: int) -> str:
    return toks[i + 1].text if i + 1 < len(toks) else ""


__all__ = [
    "FILE_READERS", "SQL_RUNNERS", "Read", "Target", "created_macros", "known_functions",
    "reads", "target", "tokens",
]  # fmt: skip
