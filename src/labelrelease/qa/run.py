"""The QA stage: sample, match, disagreement, gold and pre-label signals, reports, gates."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from labelrelease.contract import Contract
from labelrelease.contract.load import default_contract, load_contract
from labelrelease.contract.rows import validate_table
from labelrelease.errors import OutputError, QAError, QAGateFailed
from labelrelease.model.atomic import publish, staging
from labelrelease.model.schema import LABELS
from labelrelease.qa.alpha import alphas
from labelrelease.qa.changed import build_changed
from labelrelease.qa.disagree import build_units, disagreement, model_disagreements
from labelrelease.qa.match import build_matches
from labelrelease.qa.review import export_tasks
from labelrelease.qa.sample import build_sample, strata_table
from labelrelease.qa.settings import Gate, QASettings
from labelrelease.qa.signals import gold_scores, prelabel_signals
from labelrelease.qa.tables import connect, count, open_tables, qa_ident

OUT_QUERY = {
    "sample": ("*", "ALL"),
    "pairs": ("an1, an2, item_id, a1, a2, who1, who2, pair_type, pair_name, kinds", "an1, an2"),
    "matches": ("an1, an2, asset_id, kind, l1, l2, sim", "an1, an2, l1"),
    "units": (
        "an1, an2, modality, kind, l1, l2, status, class_diff, text_diff, text_sim, schema_diff",
        "an1, an2, l1, l2",
    ),
    "link_units": ("*", "ALL"),
}
"""The tables written to ``qa.out`` as Parquet: their columns and sort key (fixed SQL text).
A pair of passes is named once, in ``pairs``, by its pass numbers (an1, an2: the passes'
annotation ids ranked, so they sort as the ids do); matches, units and link units carry
those numbers. The sort makes the same inputs give the same bytes (the joins and aggregations
before it keep no order from run to run); each key is unique in its table (one pair per two
passes, one match per label and pair, one unit per label pair or unmatched label)."""
OUT_TABLES = tuple(OUT_QUERY)

PARQUET = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"
"""How QA writes its tables: zstd level 1 costs a fifth less CPU than the default level and is
no larger here."""


@dataclass(frozen=True)
class QAResult:
    """What a QA run produced: the report and any gates that failed."""

    report: dict[str, Any]
    failed_gates: tuple[str, ...]


def run_qa(settings: QASettings, *, reviews: Path | None = None) -> QAResult:
    """Run QA over ``settings.inp``; write ``settings.out`` (atomically), the report and its
    tables; raise :class:`QAGateFailed` after writing when a gate fails."""
    contract = load_contract(settings.contract) if settings.contract.exists() else None
    contract = contract or default_contract()
    with staging(settings.out, "qa") as work:
        built = work / "out"
        built.mkdir()
        con = connect(work, settings.memory_limit, settings.threads, settings.temp_directory)
        try:
            # The sample depends on the dataset only, never on the reviews of it.
            open_tables(con, settings.inp)
            release = build_changed(con, settings.releases)
            build_sample(con, settings, contract.review_policy)
            if reviews is not None:
                open_tables(con, settings.inp, reviews)
            groups = build_matches(con, settings)
            schema_source = build_invalid(con, settings.failures, contract)
            build_units(con)
            alpha = alphas(con)
            con.execute("DROP TABLE lab")  # the labels' extents: done with, memory back
            report = {
                "items": count(con, "items"),
                "labels": count(con, "labels"),
                "sample": _sample_summary(con),
                "compared_against_release": release.name if release else None,
                "pairs": count(con, "pairs"),
                "assignment_groups": groups,
                "schema_source": schema_source,
                "disagreement": disagreement(con),
                "alpha": alpha,
                "gold": gold_scores(con),
                "prelabel": prelabel_signals(con),
            }
            strata = strata_table(con, settings)
            models = model_disagreements(con)
            for table in OUT_TABLES:  # the path is bound as a parameter, never spliced into SQL
                cols, order = OUT_QUERY[table]
                con.execute(
                    f"COPY (SELECT {cols} FROM {qa_ident(table)} ORDER BY {order}) TO $path "
                    f"({PARQUET})",
                    {"path": str(built / f"{table}.parquet")},
                )
            export_tasks(con, built / "review_tasks.json")
        finally:
            con.close()
        results = check_gates(report, settings.gates)
        failed = tuple(g["message"] for g in results if not g["passed"])
        # the same shape as check.json's gates, which `release` reads from both reports
        report["gates"] = [{k: v for k, v in g.items() if k != "message"} for g in results]
        write_reports(settings, report, strata, models)
        publish(built, settings.out)
    if failed:
        raise QAGateFailed("QA gate failed: " + "; ".join(failed) + f" (see {settings.report})")
    return QAResult(report, failed)


def build_invalid(con: duckdb.DuckDBPyConnection, failures: Path, contract: Contract) -> str:
    """Table ``invalid(label_id)``: labels that break the row contract. From check's
    failures file when present (its rows of suite ``row_contract`` on table ``labels``: the
    label id is in ``record_id``), else by checking the labels of compared passes against the
    contract's row rules. Returns which source was used."""
    if failures.is_file():
        rel = con.read_parquet(str(failures))
        if not {"suite", "table", "record_id"} <= set(rel.columns):
            raise QAError(
                f"{failures}: not a failures file of `labelrelease check` (it needs the "
                "columns suite, table and record_id); rerun `labelrelease check`"
            )
        rel.create_view("failures_in", replace=True)
        con.execute(
            "CREATE OR REPLACE TABLE invalid AS SELECT DISTINCT record_id AS label_id "
            "FROM failures_in WHERE suite = 'row_contract' AND \"table\" = 'labels' "
            "AND record_id IS NOT NULL"
        )
        return str(failures)
    names = ", ".join(f.name if f.name != "class" else '"class"' for f in LABELS)
    batch = con.sql(
        f"SELECT {names} FROM labels WHERE annotation_id IN "
        "(SELECT a1 FROM pairs UNION SELECT a2 FROM pairs)"
    ).to_arrow_table()
    batch = batch.cast(LABELS)
    kept, _records = validate_table("labels", batch, contract)
    keep = set(kept.column("label_id").to_pylist())
    bad = [x for x in batch.column("label_id").to_pylist() if x not in keep]
    con.register("invalid_in", pa.table({"label_id": pa.array(bad, type=pa.string())}))
    con.execute("CREATE OR REPLACE TABLE invalid AS SELECT label_id FROM invalid_in")
    con.unregister("invalid_in")
    return "contract"


def _sample_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = con.execute(
        "SELECT count(*), count(*) FILTER (blind), count(DISTINCT stratum), "
        "count(*) FILTER (pass = 'visual'), count(*) FILTER (pass = 'text'), "
        "count(*) FILTER (pass = 'both') FROM sample"
    ).fetchone()
    assert row is not None
    reasons = dict(
        con.execute("SELECT reason, count(*) FROM sample GROUP BY 1 ORDER BY 1").fetchall()
    )
    return {
        "items": row[0],
        "blind": row[1],
        "strata": row[2],
        "passes": {"visual": row[3], "text": row[4], "both": row[5]},
        "reasons": reasons,
    }


def figure(report: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of the report (None when absent)."""
    value: Any = report
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def check_gates(report: dict[str, Any], gates: tuple[Gate, ...]) -> list[dict[str, Any]]:
    """One result per gate: ``{figure, bound, threshold, value, passed, message}`` (a gate
    on a figure absent from the report fails)."""
    results = []
    for gate in gates:
        value = figure(report, gate.figure)
        message = ""
        if not isinstance(value, int | float) or isinstance(value, bool):
            message = f"{gate.figure} is not in the report (gate {gate.bound} {gate.value})"
            value = None
        elif gate.bound == "max" and value > gate.value:
            message = f"{gate.figure} = {value} > max {gate.value}"
        elif gate.bound == "min" and value < gate.value:
            message = f"{gate.figure} = {value} < min {gate.value}"
        results.append(
            {
                "figure": gate.figure,
                "bound": gate.bound,
                "threshold": gate.value,
                "value": value,
                "passed": not message,
                "message": message,
            }
        )
    return results


TABLE_ONLY = ("by_pair", "by_modality_kind")
"""Disagreement groups kept out of qa.json (one metric per annotator pair would swamp
``dvc metrics show``); they are the CSV tables of ``qa.report_dir``."""


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of qa.json: the report without its per-pair and per-kind groups and lists."""
    out = dict(report)
    out["disagreement"] = {k: v for k, v in report["disagreement"].items() if k not in TABLE_ONLY}
    out["gold"] = {k: v for k, v in report["gold"].items() if k != "per_annotator"}
    out["prelabel"] = {k: v for k, v in report["prelabel"].items() if k != "per_model_class"}
    return out


def write_reports(
    settings: QASettings,
    report: dict[str, Any],
    strata: list[dict[str, Any]],
    models: list[dict[str, Any]],
) -> None:
    """reports/qa.json and the CSV tables of reports/qa/ (each written atomically)."""
    _write(
        settings.report, json.dumps(headline(report), indent=2, sort_keys=True, default=str) + "\n"
    )
    folder = settings.report_dir
    pairs = [
        {"pair": k, **{n: v for n, v in g.items() if n != "counts"}}
        for k, g in report["disagreement"]["by_pair"].items()
    ]
    kinds = [
        {"modality_kind": k, **{n: v for n, v in g.items() if n != "counts"}}
        for k, g in report["disagreement"]["by_modality_kind"].items()
    ]
    tables = {
        "strata.csv": strata,
        "annotator_pairs.csv": pairs,
        "modality_kinds.csv": kinds,
        "gold_annotators.csv": report["gold"]["per_annotator"],
        "prelabel_models.csv": report["prelabel"]["per_model_class"],
        "model_disagreements.csv": models,
    }
    for name, rows in tables.items():
        _write(folder / name, _csv(rows))


def _csv(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return buf.getvalue()


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
