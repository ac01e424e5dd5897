"""A `.sql` migration may not read files (table functions, files named as tables), run SQL
given as text, or create, drop or alter the run's own tables. Found in DuckDB's parse, so the
same words in string literals, quoted names and comments pass."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from labelrelease.errors import ForbiddenStatementError
from labelrelease.migrate.spec import load_migration
from labelrelease.migrate.sqlrefs import FILE_READERS, SQL_RUNNERS
from labelrelease.migrate.tables import RUN_TABLES
from tests.unit.migrate.helpers import by_id, label, run, write_migrations, write_staged

HEADER = ('-- id: m1\n-- revises: null\n-- message: round scores\n'
          '-- guideline_version: "1.1"\n-- fields: [score, text]\n')  # fmt: skip
"""Five lines: the body starts on line 6."""
UPDATE = "UPDATE labels SET score = 1.0;\n"  # line 6; the refused statement is on line 7

READS = [
    # SELECT statements: DuckDB's parse tree (json_serialize_sql)
    ("SELECT * FROM read_csv('extra.csv');", "read_csv"),
    ("SELECT * FROM read_csv_auto('extra.csv');", "read_csv_auto"),
    ("SELECT * FROM main.read_parquet('x.parquet');", "read_parquet"),
    ("SELECT * FROM parquet_scan('x.parquet');", "parquet_scan"),
    ('SELECT * FROM "read_json_auto"(\'x.json\');', "read_json_auto"),
    ("SELECT * FROM read_ndjson('x.ndjson');", "read_ndjson"),
    ("SELECT content FROM read_text('notes.txt');", "read_text"),
    ("SELECT content FROM read_blob('image.png');", "read_blob"),
    ("SELECT (SELECT count(*) FROM glob('data/*')) AS n;", "glob"),
    ("WITH s AS (SELECT * FROM sniff_csv('x.csv')) SELECT * FROM s;", "sniff_csv"),
    ("SELECT * FROM labels, LATERAL read_csv(labels.text);", "read_csv"),
    ("FROM parquet_metadata('x.parquet');", "parquet_metadata"),
    ("SELECT * FROM 'extra.csv';", "'extra.csv'"),
    ('SELECT * FROM "data/extra.parquet";', "'data/extra.parquet'"),
    ("SELECT * FROM labels l JOIN 'extra.csv' e USING (label_id);", "'extra.csv'"),
    ("DESCRIBE 'extra.csv';", "'extra.csv'"),
    # other statements: DuckDB's tokens
    ("CREATE TEMP TABLE extra AS SELECT * FROM read_csv('extra.csv');", "read_csv"),
    ("CREATE TEMP TABLE extra AS FROM 'extra.csv';", "'extra.csv'"),
    ("CREATE TEMP VIEW extra AS SELECT * FROM main.\"extra.csv\";", "'extra.csv'"),
    ("CREATE TEMP MACRO extra() AS TABLE SELECT * FROM read_json('x.json');", "read_json"),
    ("INSERT INTO extra SELECT * FROM read_parquet('x.parquet');", "read_parquet"),
    ("INSERT INTO extra BY NAME FROM 'x.parquet';", "'x.parquet'"),
    ("UPDATE labels SET text = (SELECT t FROM read_csv('x.csv') LIMIT 1);", "read_csv"),
    ("UPDATE labels SET text = e.t FROM labels l, 'x.csv' e WHERE e.id = l.label_id;",
     "'x.csv'"),
    ("DELETE FROM labels USING read_csv('gone.csv') g WHERE g.id = labels.label_id;",
     "read_csv"),
    ("MERGE INTO labels USING 'x.csv' s ON s.id = labels.label_id "
     "WHEN MATCHED THEN UPDATE SET text = s.t;", "'x.csv'"),
]  # fmt: skip
RUNS_TEXT = [
    "SELECT * FROM query('SELECT * FROM read_csv(''x.csv'')');",
    "FROM query_table('x.csv');",
    "UPDATE labels SET text = (SELECT a FROM query('SELECT 1 AS a'));",
]
EXTENSIONS = [
    "SELECT * FROM read_xlsx('x.xlsx');",
    "UPDATE labels SET text = d.t FROM delta_scan('s3://bucket/t') d;",
]
RUN_TABLE_CHANGES = [
    ("DROP TABLE labels;", "drops labels"),
    ("DROP TABLE IF EXISTS main.changes;", "drops changes"),
    ("DROP VIEW relabel;", "drops relabel"),
    ("DROP TABLE _held_links;", "drops _held_links"),
    ("DROP MACRO canon_attrs;", "drops canon_attrs"),
    ('ALTER TABLE "Labels" ADD COLUMN extra INTEGER;', "alters labels"),
    ("ALTER TABLE links RENAME TO old_links;", "alters links"),
    ("ALTER TABLE annotations ALTER COLUMN status SET DEFAULT 'x';", "alters annotations"),
    ("ALTER TABLE filtered_labels DROP COLUMN reason;", "alters filtered_labels"),
    ("CREATE OR REPLACE TABLE labels AS SELECT * FROM labels;", "creates labels"),
    ("CREATE TEMP TABLE labels AS SELECT * FROM links;", "creates labels"),  # would shadow
    ("CREATE OR REPLACE TEMP MACRO canon_attrs(j) AS j;", "creates canon_attrs"),
    ("DROP SCHEMA main CASCADE;", "the schema main"),
]


def _refused(tmp_path: Path, statement: str) -> ForbiddenStatementError:
    path = tmp_path / "0001_m1.sql"
    path.write_text(HEADER + UPDATE + statement + "\n", encoding="utf-8")
    with pytest.raises(ForbiddenStatementError) as err:
        load_migration(path)
    assert err.value.path == str(path) and err.value.exit_code == 7
    assert str(err.value).startswith(f"{path}: line {err.value.line}: `")
    return err.value


@pytest.mark.parametrize(("statement", "what"), READS)
def test_reading_files_is_refused_in_every_statement(
    tmp_path: Path, statement: str, what: str
) -> None:
    err = _refused(tmp_path, statement)
    assert err.line == 7
    message = str(err)
    if what.startswith("'"):
        assert f"reads the file {what}" in message
    else:
        assert f"calls {what}(), which reads files" in message
    assert "VALUES list" in message


@pytest.mark.parametrize("statement", RUNS_TEXT)
def test_sql_given_as_text_is_refused(tmp_path: Path, statement: str) -> None:
    err = _refused(tmp_path, statement)
    assert err.line == 7 and "runs SQL given as text" in str(err)


@pytest.mark.parametrize("statement", EXTENSIONS)
def test_table_functions_of_extensions_are_refused(tmp_path: Path, statement: str) -> None:
    err = _refused(tmp_path, statement)
    assert err.line == 7 and "install or load an extension" in str(err)


@pytest.mark.parametrize(("statement", "says"), RUN_TABLE_CHANGES)
def test_creating_dropping_or_altering_a_run_table_is_refused(
    tmp_path: Path, statement: str, says: str
) -> None:
    err = _refused(tmp_path, statement)
    assert err.line == 7 and says in str(err)


@pytest.mark.parametrize(
    ("statement", "line"),
    [
        ("UPDATE labels SET text = (\n  SELECT t\n  FROM read_csv('x.csv')\n  LIMIT 1);", 9),
        ("SELECT 1 AS a,\n  2 AS b\nFROM\n  read_csv('x.csv');", 10),
        ("-- read_csv('x.csv')\nSELECT 'é€' AS a,\n  * FROM 'x.csv';", 9),
    ],
)
def test_the_line_is_the_line_of_the_call(tmp_path: Path, statement: str, line: int) -> None:
    assert _refused(tmp_path, statement).line == line


def test_helpers_literals_and_macros_pass_and_run(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", kind="text", text="x", score=0.2),
                                                label("l2", score=0.9)])  # fmt: skip
    body = (
        "\n"
        "-- read_csv('x.csv') in a comment\n"
        "CREATE TEMP TABLE helper AS SELECT 'read_csv(''x.csv'') FROM ''y.parquet''' AS t;\n"
        "CREATE TEMP MACRO pick(n) AS TABLE SELECT * FROM range(n);\n"
        "CREATE TEMP TABLE picked AS SELECT count(*) AS n FROM pick(3);\n"
        "SELECT 1 AS \"read_csv\" FROM helper WHERE t LIKE '%glob(%';\n"
        "UPDATE labels SET text = (SELECT t FROM helper) WHERE label_id = 'l1';\n"
        "UPDATE labels SET score = (SELECT n FROM picked) / 10\n"
        "  FROM (VALUES ('l2', 'x.csv')) v(id, f) WHERE labels.label_id = v.id;\n"
        "ALTER TABLE helper ADD COLUMN extra INTEGER;\n"
        "DROP MACRO TABLE pick;\n"
        "DROP TABLE picked;\n"
        "DROP TABLE helper;\n"
    )
    labels = by_id(run(tmp_path, staged, write_migrations(tmp_path / "m", HEADER + body))["labels"])
    assert labels["l1"]["text"] == "read_csv('x.csv') FROM 'y.parquet'"
    assert labels["l2"]["score"] == pytest.approx(0.3)


def test_function_syntax_with_from_is_not_a_table(tmp_path: Path) -> None:
    body = (
        "UPDATE labels SET text = trim(BOTH 'x' FROM text),\n"
        "  score = extract(year FROM '2020-01-01'::DATE) / 2020;\n"
    )
    path = tmp_path / "0001_m1.sql"
    path.write_text(HEADER + body, encoding="utf-8")
    assert load_migration(path).sql is not None


def test_the_protected_names_cover_every_table_the_run_makes(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", kind="text", text="x")])
    catalog = (
        "SELECT table_name AS n FROM duckdb_tables() UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE NOT internal UNION ALL "
        "SELECT function_name FROM duckdb_functions() "
        "WHERE function_type IN ('macro', 'table_macro') AND NOT internal"
    )
    body = f"UPDATE labels SET text = (SELECT string_agg(n, ',') FROM ({catalog}));\n"
    labels = by_id(run(tmp_path, staged, write_migrations(tmp_path / "m", HEADER + body))["labels"])
    seen = set(labels["l1"]["text"].split(","))
    assert {"labels", "links", "annotations", "changes", "_before_labels"} <= seen
    assert seen <= RUN_TABLES


def test_the_file_readers_are_every_one_this_duckdb_has() -> None:
    with duckdb.connect() as con:
        table_functions = {
            str(r[0])
            for r in con.execute(
                "SELECT DISTINCT function_name FROM duckdb_functions() "
                "WHERE function_type = 'table'"
            ).fetchall()
        }
    readers = {n for n in table_functions if n.startswith(("read_", "parquet_")) or "csv" in n}
    assert readers | {"glob"} <= FILE_READERS
    assert table_functions >= FILE_READERS | SQL_RUNNERS  # no stale names
