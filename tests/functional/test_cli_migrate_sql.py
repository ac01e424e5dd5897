"""`labelrelease migrate` refuses a `.sql` migration that would end the run's transaction."""

from __future__ import annotations

from pathlib import Path

from tests.functional.conftest import cli
from tests.functional.test_cli_migrate import _project


def test_a_commit_in_a_sql_migration_is_one_clear_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "pipelines" / "migrations" / "0003_scores.sql").write_text(
        "-- id: 0003_scores\n-- revises: 0002_transcript_cue_length\n-- message: round scores\n"
        '-- guideline_version: "1.3"\n-- fields: [score]\n'
        "UPDATE labels SET score = round(score, 1);\n/* done */ Commit;\n"
    )
    done = cli("migrate", cwd=project)
    assert done.returncode == 7, done.stderr
    assert "0003_scores.sql" in done.stderr and "line 7" in done.stderr
    assert "Commit" in done.stderr and "one transaction" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "data" / "migrated").exists()
