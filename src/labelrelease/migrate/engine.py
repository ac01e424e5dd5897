"""Apply a chain of migrations to tables already loaded into one DuckDB database.

The tables ``annotations``, ``labels`` and ``links`` carry the hidden column ``_mstart`` (see
:mod:`labelrelease.migrate.ops`); ``changes`` and ``relabel`` collect what happened.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from labelrelease.errors import MigrationError
from labelrelease.migrate.chain import Chain
from labelrelease.migrate.ops import CANON_MACRO, OPERATIONS, SCOPE, Step
from labelrelease.migrate.spec import Migration, sql_body
from labelrelease.model.schema import LABELS, LINKS

StepCallback = Callable[[Migration], None]


def apply_chain(
    con: duckdb.DuckDBPyConnection, chain: Chain, on_migration: StepCallback | None = None
) -> None:
    """Run every migration of ``chain`` on the rows in its scope, in order."""
    con.execute(CANON_MACRO)
    for position, migration in enumerate(chain.migrations, 1):
        if on_migration:
            on_migration(migration)
        if migration.sql is not None:
            _apply_sql(con, migration, position)
            continue
        for op in migration.operations:
            step = Step(con, migration, op, position)
            try:
                OPERATIONS[op.op](step)
            except duckdb.Error as e:
                raise MigrationError(f"failed in DuckDB: {e}", op.where(migration)) from None
            if op.policy == "filter":
                move_filtered(con, position, op.index)
    head = chain.head
    if head is not None:
        _bump_versions(con, head, len(chain.migrations))


def move_filtered(con: duckdb.DuckDBPyConnection, position: int, op_index: int) -> None:
    """Move labels that one operation queued with policy ``filter`` out of ``labels`` (into
    ``filtered_labels``), and drop the links that touch them (recorded in ``changes``)."""
    params = {"k": position, "opn": op_index}
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _gone AS SELECT DISTINCT label_id, migration_id, reason
           FROM relabel WHERE _pos = $k AND _op = $opn AND policy = 'filter'""",
        params,
    )
    con.execute(
        f"""INSERT INTO filtered_labels SELECT l.* EXCLUDE ({SCOPE}), g.migration_id, g.reason
            FROM labels l JOIN _gone g USING (label_id)"""
    )
    con.execute(
        """INSERT INTO changes SELECT from_label_id, item_id, 'links', link_id, 'relation',
               to_json(relation)::VARCHAR, NULL, g.migration_id, $k, $opn
           FROM links JOIN (SELECT label_id, min(migration_id) AS migration_id FROM _gone
                            GROUP BY label_id) g
             ON g.label_id = links.from_label_id
           UNION ALL
           SELECT from_label_id, item_id, 'links', link_id, 'relation',
               to_json(relation)::VARCHAR, NULL, g.migration_id, $k, $opn
           FROM links JOIN (SELECT label_id, min(migration_id) AS migration_id FROM _gone
                            GROUP BY label_id) g
             ON g.label_id = links.to_label_id
           WHERE links.from_label_id NOT IN (SELECT label_id FROM _gone)""",
        params,
    )
    con.execute(
        """DELETE FROM links WHERE from_label_id IN (SELECT label_id FROM _gone)
           OR to_label_id IN (SELECT label_id FROM _gone)"""
    )
    con.execute("DELETE FROM labels WHERE label_id IN (SELECT label_id FROM _gone)")
    con.execute("DROP TABLE _gone")


def _bump_versions(con: duckdb.DuckDBPyConnection, head: Migration, n: int) -> None:
    params = {"n": n, "v": head.guideline_version, "cause": head.id}
    con.execute(
        f"""INSERT INTO changes SELECT NULL, item_id, 'annotations', annotation_id,
               'guideline_version', to_json(guideline_version)::VARCHAR,
               to_json($v::VARCHAR)::VARCHAR, $cause, $n + 1, 0
            FROM annotations WHERE {SCOPE} <= $n""",
        params,
    )
    con.execute(
        f"UPDATE annotations SET guideline_version = $v WHERE {SCOPE} <= $n",
        {"n": n, "v": head.guideline_version},
    )


# --- the .sql escape hatch -------------------------------------------------------------------
def _apply_sql(con: duckdb.DuckDBPyConnection, migration: Migration, position: int) -> None:
    """Run a ``.sql`` migration on the labels and links in its scope only (the others are set
    aside meanwhile), then record what it changed, cell by cell."""
    k = {"k": position}
    for table in ("labels", "links"):
        con.execute(f"CREATE TEMP TABLE _held_{table} AS SELECT * FROM {table} "
                    f"WHERE {SCOPE} > $k", k)  # fmt: skip
        con.execute(f"DELETE FROM {table} WHERE {SCOPE} > $k", k)
        con.execute(f"CREATE TEMP TABLE _before_{table} AS SELECT * FROM {table}")
    try:
        con.execute(sql_body(migration.sql or ""))
    except duckdb.Error as e:
        raise MigrationError(f"the SQL failed in DuckDB: {e}", str(migration.path)) from None
    _refuse_new_rows(con, migration)
    _record_diff(con, migration, position, "labels", "label_id", "label_id", LABELS.names)
    _record_diff(con, migration, position, "links", "link_id", "from_label_id", LINKS.names)
    params = {"k": position, "cause": migration.id, "why": f"removed by {migration.path.name}"}
    con.execute(
        """INSERT INTO relabel SELECT label_id, item_id, $cause, 'filter', $why, $k, 0
           FROM _before_labels WHERE label_id NOT IN (SELECT label_id FROM labels)""",
        params,
    )
    con.execute(
        """INSERT INTO labels SELECT * FROM _before_labels
            WHERE label_id NOT IN (SELECT label_id FROM labels)"""
    )  # put back, so that they leave through the filter like any other
    if migration.policy in ("review", "relabel"):
        con.execute(
            """INSERT INTO relabel SELECT DISTINCT label_id, item_id, $cause, $policy, $why, $k, 0
               FROM changes WHERE cause = $cause AND "table" = 'labels' AND new IS NOT NULL""",
            {**params, "policy": migration.policy, "why": migration.message},
        )
    move_filtered(con, position, 0)
    for table in ("labels", "links"):
        con.execute(f"INSERT INTO {table} SELECT * FROM _held_{table}")
        con.execute(f"DROP TABLE _held_{table}")
        con.execute(f"DROP TABLE _before_{table}")


def _refuse_new_rows(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    for table, key in (("labels", "label_id"), ("links", "link_id")):
        row = con.execute(
            f"SELECT {key} FROM {table} WHERE {key} NOT IN (SELECT {key} FROM _before_{table}) "
            "LIMIT 1"
        ).fetchone()
        if row:
            raise MigrationError(
                f"the SQL added {table} row {row[0]!r}; a migration changes or removes rows, "
                "it never adds them (new labels come from `pull`)",
                str(migration.path),
            )


def _record_diff(
    con: duckdb.DuckDBPyConnection,
    migration: Migration,
    position: int,
    table: str,
    key: str,
    label_col: str,
    columns: list[str],
) -> None:
    params = {"k": position, "cause": migration.id, "t": table}
    for name in columns:
        if name == key:
            continue
        col = f'"{name}"'
        as_json = "{}" if name == "attributes" else "to_json({})"
        old, new = as_json.format(f"b.{col}"), as_json.format(f"a.{col}")
        con.execute(
            f"""INSERT INTO changes SELECT b.{label_col}, b.item_id, $t, b.{key}, $f,
                   ({old})::VARCHAR, ({new})::VARCHAR, $cause, $k, 0
                FROM _before_{table} b JOIN {table} a USING ({key})
                WHERE b.{col} IS DISTINCT FROM a.{col}""",
            {**params, "f": name},
        )
    if table == "links":
        con.execute(
            """INSERT INTO changes SELECT from_label_id, item_id, 'links', link_id, 'relation',
                   to_json(relation)::VARCHAR, NULL, $cause, $k, 0
               FROM _before_links WHERE link_id NOT IN (SELECT link_id FROM links)""",
            {"k": position, "cause": migration.id},
        )
