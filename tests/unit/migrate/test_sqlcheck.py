"""A `.sql` migration may not leave the run's one transaction or touch the world outside the
run's tables; DuckDB's parser decides what a statement is, so words in literals and comments
are not statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.errors import ForbiddenStatementError, MigrationError, MigrationFileError
from labelrelease.migrate import load_chain
from labelrelease.migrate.spec import load_migration
from tests.unit.migrate.helpers import by_id, label, run, write_migrations, write_staged

HEADER = ('-- id: m1\n-- revises: null\n-- message: round scores\n'
          '-- guideline_version: "1.1"\n-- fields: [score, text]\n')  # fmt: skip
"""Five lines: the body starts on line 6."""
UPDATE = "UPDATE labels SET score = 1.0;\n"  # line 6; the refused statement is on line 7

TRANSACTION = [
    "BEGIN;", "BEGIN TRANSACTION;", "begin transaction;", "START TRANSACTION;", "COMMIT;",
    "commit;", "CoMmIt;", "COMMIT TRANSACTION;", "END;", "END TRANSACTION;", "end transaction;",
    "ROLLBACK;", "rollback;", "ROLLBACK TRANSACTION;", "ABORT;", "abort;",
    "COMMIT",  # last statement without a semicolon
    "-- a comment first\nCOMMIT;", "/* a block comment */ COMMIT;",
    "/* BEGIN; spanning\n lines */ ROLLBACK;",
]  # fmt: skip
OUTSIDE = [
    ("ATTACH 'other.duckdb' AS other;", "attach another database"),
    ("DETACH other;", "remove the statement"),
    ("USE other;", "may not change settings"),
    ("COPY labels TO 'labels.csv';", "may not read or write files"),
    ("COPY (SELECT * FROM labels) TO 'out.parquet' (FORMAT parquet);", "read or write files"),
    ("COPY labels FROM 'labels.csv';", "read or write files"),
    ("EXPORT DATABASE 'dump';", "EXPORT DATABASE"),
    ("IMPORT DATABASE 'dump';", "IMPORT DATABASE"),
    ("INSTALL httpfs;", "install or load extensions"),
    ("FORCE INSTALL httpfs;", "install or load extensions"),
    ("LOAD httpfs;", "install or load extensions"),
    ("SET threads = 1;", "params.yaml"),
    ("SET GLOBAL memory_limit = '1GB';", "params.yaml"),
    ("RESET threads;", "may not change settings"),
    ("PRAGMA threads = 1;", "may not change settings"),
    ("PRAGMA enable_profiling;", "may not run PRAGMA"),
    ("SET VARIABLE cutoff = 0.5;", "may not change settings"),
    ("CALL pragma_version();", "SELECT * FROM fn()"),
    ("CHECKPOINT;", "CHECKPOINT"),
    ("VACUUM;", "VACUUM"),
    ("CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v');", "secrets"),
    ("CREATE OR REPLACE SECRET s (TYPE s3);", "secrets"),
    ("DROP PERSISTENT SECRET IF EXISTS s;", "secrets"),
    ("UPDATE EXTENSIONS;", "not one a migration may use"),
    ("EXPLAIN ANALYZE DELETE FROM labels;", "not one a migration may use"),
    ("PREPARE p AS DELETE FROM labels;", "not one a migration may use"),
]


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "0001_m1.sql"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("statement", TRANSACTION)
def test_transaction_statements_are_refused_with_file_and_line(
    tmp_path: Path, statement: str
) -> None:
    after = "\nUPDATE labels SET score = 2.0;\n" if statement.endswith(";") else "\n"
    path = _file(tmp_path, UPDATE + statement + after)
    with pytest.raises(ForbiddenStatementError) as err:
        load_migration(path)
    line = 7 + statement.count("\n")  # the statement's own line, after any comment before it
    assert err.value.line == line
    assert err.value.path == str(path)
    assert isinstance(err.value, MigrationError) and err.value.exit_code == 7
    message = str(err.value)
    assert message.startswith(f"{path}: line {line}: `")
    assert "one transaction" in message and "remove the statement" in message
    word = statement.split("*/")[-1].split("\n")[-1].strip().rstrip(";")
    assert err.value.statement == word


@pytest.mark.parametrize(("statement", "says"), OUTSIDE)
def test_statements_that_touch_the_outside_world_are_refused(
    tmp_path: Path, statement: str, says: str
) -> None:
    path = _file(tmp_path, UPDATE + statement + "\n")
    with pytest.raises(ForbiddenStatementError) as err:
        load_migration(path)
    assert err.value.line == 7
    assert str(err.value).startswith(f"{path}: line 7: `")
    assert says in str(err.value)


def test_the_refusal_comes_before_anything_runs(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", score=0.2)])
    folder = write_migrations(tmp_path / "m", HEADER + UPDATE + "COMMIT;\n")
    with pytest.raises(ForbiddenStatementError, match=r"0001\.sql: line 7: `COMMIT`"):
        load_chain(folder)  # the chain is loaded (and refused) before DuckDB opens
    with pytest.raises(ForbiddenStatementError):
        run(tmp_path, staged, folder)
    assert not (tmp_path / "out").exists()


def test_the_line_is_right_after_multibyte_text(tmp_path: Path) -> None:
    body = "UPDATE labels SET text = 'éèü € ñ';\n-- café\n  ROLLBACK;\n"
    with pytest.raises(ForbiddenStatementError) as err:
        load_migration(_file(tmp_path, body))
    assert (err.value.line, err.value.statement) == (8, "ROLLBACK")


def test_sql_that_does_not_parse_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationFileError, match="the SQL does not parse in DuckDB") as err:
        load_migration(_file(tmp_path, "UPDATE labels SET score = ;\n"))
    assert not isinstance(err.value, ForbiddenStatementError)


def test_the_words_in_literals_comments_and_names_are_not_statements(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", kind="text", text="x", score=0.2),
                                                label("l2", score=0.9)])  # fmt: skip
    body = (
        "\n"  # a blank line ends the metadata block; the comments below are SQL comments
        "-- COMMIT; BEGIN; ATTACH 'x'; these words are in a comment\n"
        "/* ROLLBACK; COPY labels TO 'x.csv'; SET threads = 1; */\n"
        "CREATE TEMP TABLE secret AS SELECT 'COMMIT; BEGIN; END' AS \"commit\";\n"
        "UPDATE labels SET text = (SELECT \"commit\" FROM secret) WHERE label_id = 'l1';\n"
        "UPDATE labels SET score = 1.0 WHERE text IS NULL; -- then COMMIT\n"
        "DROP TABLE secret;\n"
    )
    folder = write_migrations(tmp_path / "m", HEADER + body)
    out = run(tmp_path, staged, folder)
    labels = by_id(out["labels"])
    assert labels["l1"]["text"] == "COMMIT; BEGIN; END"
    assert (labels["l1"]["score"], labels["l2"]["score"]) == (0.2, 1.0)
