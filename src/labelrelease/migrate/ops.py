"""Declarative operations compiled to DuckDB SQL.

Each operation runs on the labels (or links) in scope of its migration: those whose annotation
was made under a guideline version older than the one the migration produces (hidden column
``_mstart`` <= the migration's position). Every changed cell first gets a row in ``changes``;
every label that needs human work a row in ``relabel``. Values are always bound parameters;
the only identifiers in the SQL text are constants or pass :func:`labelrelease.model.sql.ident`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from labelrelease.migrate.ops_spec import ATTR, field_kind
from labelrelease.migrate.spec import Migration, Operation
from labelrelease.model.jsonutil import dumps
from labelrelease.model.schema import LABELS
from labelrelease.model.sql import duckdb_type, ident

SCOPE = "_mstart"
"""Hidden column: position of the first migration that applies to the row's annotation."""

CANON_MACRO = """
CREATE OR REPLACE TEMP MACRO canon_attrs(j) AS CASE WHEN j IS NULL THEN NULL ELSE nullif(
  '{' || array_to_string(list_transform(list_sort(list_filter(
      map_entries(j::JSON::MAP(VARCHAR, JSON)), lambda e: e.value::VARCHAR <> 'null')),
    lambda e: to_json(e.key)::VARCHAR || ':' || e.value::VARCHAR), ',') || '}', '{}') END
"""
"""Attributes back in canonical form: keys sorted, no null values, ``{}`` is NULL."""

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Step:
    """One operation of one migration, about to run."""

    con: duckdb.DuckDBPyConnection
    migration: Migration
    op: Operation
    position: int

    def run(self, sql: str, **params: Any) -> None:
        """Execute ``sql`` with the parameters it names (plus the step's own)."""
        base = {"k": self.position, "cause": self.migration.id, "opn": self.op.index,
                "policy": self.op.policy, "reason": self.reason}  # fmt: skip
        values = {**base, **params}
        used = set(_PARAM.findall(sql))
        self.con.execute(sql, {k: v for k, v in values.items() if k in used})

    @property
    def reason(self) -> str:
        return str(self.op.args.get("reason") or self.migration.message)

    @property
    def arg(self) -> dict[str, Any]:
        return self.op.args

    def queue(self, where: str, reason_sql: str = "$reason", **params: Any) -> None:
        """Put the labels in scope matching ``where`` in ``relabel`` with the step's policy."""
        if self.op.policy == "none":
            return
        self.run(
            f"""INSERT INTO relabel SELECT label_id, item_id, $cause, $policy, {reason_sql},
                $k, $opn FROM labels WHERE {SCOPE} <= $k AND ({where})""",
            **params,
        )

    def change_labels(self, field: str, where: str, old: str, new: str, **params: Any) -> None:
        """Record the ``field`` cell of the labels matching ``where`` going from ``old`` to
        ``new`` (SQL expressions of JSON text), where they differ."""
        self.run(
            f"""INSERT INTO changes SELECT label_id, item_id, 'labels', label_id, $field,
                   o, n, $cause, $k, $opn
                FROM (SELECT label_id, item_id, ({old})::VARCHAR AS o, ({new})::VARCHAR AS n
                      FROM labels WHERE {SCOPE} <= $k AND ({where}))
                WHERE o IS DISTINCT FROM n""",
            field=field,
            **params,
        )


def _kinds(step: Step, params: dict[str, Any]) -> str:
    if step.arg.get("kinds"):
        params["kinds"] = list(step.arg["kinds"])
        return "list_contains($kinds, kind)"
    return "true"


def _classes(step: Step, params: dict[str, Any], key: str = "classes") -> str:
    if step.arg.get(key):
        params["classes"] = list(step.arg[key])
        return 'list_contains($classes, "class")'
    return "true"


# --- classes -------------------------------------------------------------------------------
def rename_class(step: Step) -> None:
    sources = step.arg["from"] if isinstance(step.arg["from"], list) else [step.arg["from"]]
    _set_class(step, sources, step.arg["to"])


def _set_class(step: Step, sources: list[str], target: str) -> None:
    params: dict[str, Any] = {"src": sources, "to": target}
    where = f'list_contains($src, "class") AND {_kinds(step, params)}'
    step.queue(where, **params)
    step.change_labels("class", where, 'to_json("class")', "to_json($to::VARCHAR)", **params)
    step.run(f'UPDATE labels SET "class" = $to WHERE {SCOPE} <= $k AND {where}', **params)


def split_class(step: Step) -> None:
    params: dict[str, Any] = {"cls": step.arg["class"]}
    where = f'"class" = $cls AND {_kinds(step, params)}'
    into = ", ".join(step.arg["into"])
    default = step.arg.get("default")
    reason = step.arg.get("reason") or (
        f"{step.arg['class']} was split into {into}: choose the class"
        + (f" (kept as {default} until then)" if default else "")
    )
    step.queue(where, "$why", why=reason, **params)
    if default and default != step.arg["class"]:
        step.change_labels("class", where, 'to_json("class")', "to_json($to::VARCHAR)",
                           to=default, **params)  # fmt: skip
        step.run(f'UPDATE labels SET "class" = $to WHERE {SCOPE} <= $k AND {where}',
                 to=default, **params)  # fmt: skip


# --- fields --------------------------------------------------------------------------------
def _path(name: str) -> str:
    return '$."' + name[len(ATTR) :] + '"'


def _set_attr(step: Step, name: str, value_sql: str, where: str, **params: Any) -> None:
    """Set attribute ``name`` to ``value_sql`` (JSON; NULL removes it) where ``where``."""
    step.run(
        f"""UPDATE labels SET attributes = canon_attrs(json_merge_patch(
                coalesce(attributes, '{{}}'), json_object($key, ({value_sql})::JSON)))
            WHERE {SCOPE} <= $k AND ({where})""",
        key=name[len(ATTR) :],
        **params,
    )


def rename_field(step: Step) -> None:
    src, dst = step.arg["from"], step.arg["to"]
    params = {"p": _path(src), "q": _path(dst)}
    where = "json_exists(attributes, $p)"
    step.change_labels(src, where, "json_extract(attributes, $p)", "NULL", **params)
    step.change_labels(dst, where, "json_extract(attributes, $q)", "json_extract(attributes, $p)",
                       **params)  # fmt: skip
    step.queue(where, **params)
    step.run(
        f"""UPDATE labels SET attributes = canon_attrs(json_merge_patch(attributes,
                json_object($key, NULL::JSON, $key2, json_extract(attributes, $p))))
            WHERE {SCOPE} <= $k AND ({where})""",
        key=src[len(ATTR) :],
        key2=dst[len(ATTR) :],
        **params,
    )


def add_field(step: Step) -> None:
    name, default = step.arg["field"], step.arg.get("default")
    if default is None:
        return  # an explicit NULL default: the field is known, no value changes (empty = NULL)
    if field_kind(name) == "attribute":
        params = {"p": _path(name), "v": dumps(default)}
        where = "attributes IS NULL OR NOT json_exists(attributes, $p)"
        step.change_labels(name, where, "NULL", "$v", **params)
        step.queue(where, **params)
        _set_attr(step, name, "$v", where, **params)
        return
    col = ident(name)
    cast = duckdb_type(LABELS.field(name).type)
    where = f"{col} IS NULL"
    step.change_labels(name, where, "NULL", f"to_json(CAST($v AS {cast}))", v=default)
    step.queue(where)
    step.run(f"UPDATE labels SET {col} = CAST($v AS {cast}) WHERE {SCOPE} <= $k AND {where}",
             v=default)  # fmt: skip


def drop_field(step: Step) -> None:
    name = step.arg["field"]
    if field_kind(name) == "attribute":
        params = {"p": _path(name)}
        where = "json_exists(attributes, $p)"
        step.change_labels(name, where, "json_extract(attributes, $p)", "NULL", **params)
        step.queue(where, **params)
        _set_attr(step, name, "NULL", where, **params)
        return
    col = ident(name)
    where = f"{col} IS NOT NULL"
    step.change_labels(name, where, f"to_json({col})", "NULL")
    step.queue(where)
    step.run(f"UPDATE labels SET {col} = NULL WHERE {SCOPE} <= $k AND {where}")


_RETYPE = {
    "string": "CASE WHEN json_type(v) = 'VARCHAR' THEN v ELSE to_json(v::VARCHAR) END",
    "integer": "to_json(TRY_CAST(json_extract_string(v, '$') AS BIGINT))",
    "number": "to_json(TRY_CAST(json_extract_string(v, '$') AS DOUBLE))",
    "boolean": "to_json(TRY_CAST(json_extract_string(v, '$') AS BOOLEAN))",
}


def retype_field(step: Step) -> None:
    name, to = step.arg["field"], step.arg["to"]
    params = {"p": _path(name)}
    step.run("DROP TABLE IF EXISTS _rt")
    step.run(
        f"""CREATE TEMP TABLE _rt AS SELECT label_id, item_id, v::VARCHAR AS old,
                ({_RETYPE[to]})::VARCHAR AS new
            FROM (SELECT label_id, item_id, json_extract(attributes, $p) AS v FROM labels
                  WHERE {SCOPE} <= $k AND json_exists(attributes, $p))
            WHERE old IS DISTINCT FROM new""",
        **params,
    )
    step.run("""INSERT INTO changes SELECT label_id, item_id, 'labels', label_id, $field, old, new,
                $cause, $k, $opn FROM _rt""", field=name)  # fmt: skip
    if step.op.policy != "none":
        step.run(
            """INSERT INTO relabel SELECT label_id, item_id, $cause, $policy,
                   'attribute ' || $key || ' = ' || old || ' cannot be read as ' || $to,
                   $k, $opn FROM _rt WHERE new IS NULL""",
            key=name[len(ATTR) :],
            to=to,
        )
    step.run(
        """UPDATE labels SET attributes = canon_attrs(json_merge_patch(labels.attributes,
               json_object($key, r.new::JSON)))
           FROM _rt r WHERE labels.label_id = r.label_id""",
        key=name[len(ATTR) :],
    )
    step.run("DROP TABLE _rt")


# --- relations -----------------------------------------------------------------------------
def _change_links(step: Step, where: str, new: str, **params: Any) -> None:
    step.run(
        f"""INSERT INTO changes SELECT from_label_id, item_id, 'links', link_id, 'relation',
               to_json(relation)::VARCHAR, ({new})::VARCHAR, $cause, $k, $opn
            FROM links WHERE {SCOPE} <= $k AND ({where})""",
        **params,
    )


def remap_relation(step: Step) -> None:
    params = {"src": step.arg["from"], "to": step.arg["to"]}
    _change_links(step, "relation = $src", "to_json($to::VARCHAR)", **params)
    step.run(f"UPDATE links SET relation = $to WHERE {SCOPE} <= $k AND relation = $src", **params)


def drop_relation(step: Step) -> None:
    params = {"rel": step.arg["relation"]}
    _change_links(step, "relation = $rel", "NULL", **params)
    step.run(f"DELETE FROM links WHERE {SCOPE} <= $k AND relation = $rel", **params)


# --- rules ---------------------------------------------------------------------------------
def text_rule(step: Step) -> None:
    params: dict[str, Any] = {"kinds": list(step.arg.get("kinds") or ["text"])}
    tests, reasons = [], []
    if "max_length" in step.arg:
        params["mx"] = step.arg["max_length"]
        tests.append("length(text) > $mx")
        reasons.append(
            "CASE WHEN length(text) > $mx THEN 'longer than ' || $mx || ' characters' END"
        )
    if "min_length" in step.arg:
        params["mn"] = step.arg["min_length"]
        tests.append("length(text) < $mn")
        reasons.append(
            "CASE WHEN length(text) < $mn THEN 'shorter than ' || $mn || ' characters' END"
        )
    if "banned_pattern" in step.arg:
        params["pat"] = step.arg["banned_pattern"]
        tests.append("regexp_matches(text, $pat)")
        reasons.append("CASE WHEN regexp_matches(text, $pat) THEN 'matches ' || $pat END")
    where = (f"list_contains($kinds, kind) AND {_classes(step, params)} AND text IS NOT NULL "
             f"AND ({' OR '.join(tests)})")  # fmt: skip
    why = f"$reason || ': text ' || concat_ws('; ', {', '.join(reasons)})"
    step.queue(where, why, **params)


def geometry_rule(step: Step) -> None:
    params: dict[str, Any] = {}
    tests = [_kinds(step, params), _classes(step, params)]
    for i, (key, value) in enumerate(sorted((step.arg.get("attributes") or {}).items())):
        params[f"ap{i}"], params[f"av{i}"] = _path(ATTR + str(key)), dumps(value)
        tests.append(f"json_extract(attributes, $ap{i})::VARCHAR = $av{i}")
    step.queue(" AND ".join(tests), **params)


OPERATIONS: dict[str, Callable[[Step], None]] = {
    "rename_class": rename_class,
    "merge_classes": rename_class,
    "split_class": split_class,
    "rename_field": rename_field,
    "add_field": add_field,
    "drop_field": drop_field,
    "retype_field": retype_field,
    "remap_relation": remap_relation,
    "drop_relation": drop_relation,
    "text_rule": text_rule,
    "geometry_rule": geometry_rule,
}
"""The SQL of every declarative operation (keys match ``ops_spec.OPERATIONS``)."""
