"""The review round trip: the QA sample as Label Studio tasks, and the reviewed tasks back.

Export: one task per sampled item; ``data`` holds each asset under its data key (its URI, or
its text), ``meta`` the canonical item ID, pass and blind flag. ``predictions`` carry the
item's current labels (of its reference pass: ground truth, else accepted, else the latest
human pass, else a model pass) as Label Studio results — boxes, spans, time spans, choices and
free text, with their relations; a blind task has none.

Import: the reviewed export goes through pull's Label Studio importer unchanged (no second
parser); the human passes it finds are moved onto the canonical item and asset IDs named in
``meta`` and written to the review folder, which the next ``labelrelease qa`` adds to the
passes it compares. Predictions in the file (our own export) are not imported again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.contract.model import Contract
from labelrelease.errors import OutputError, QAError
from labelrelease.model.schema import SCHEMAS
from labelrelease.model.sql import ident
from labelrelease.qa.tables import open_tables

CURRENT_SQL = """
WITH ranked AS (
    SELECT a.item_id, a.annotation_id,
        row_number() OVER (PARTITION BY a.item_id ORDER BY
            coalesce(json_extract_string(a.attributes, '$.ground_truth') = 'true', false) DESC,
            a.status = 'accepted' DESC, a.origin = 'human' DESC,
            a.created_at DESC NULLS LAST, a.annotation_id) AS r
    FROM annotations a WHERE a.status NOT IN ('cancelled', 'rejected')
        AND a.item_id IN (SELECT item_id FROM sample)
)
SELECT s.item_id, s.pass, s.blind, r.annotation_id
FROM sample s LEFT JOIN ranked r ON r.item_id = s.item_id AND r.r = 1
ORDER BY s.item_id
"""

ASSETS_SQL = """
SELECT item_id, coalesce(json_extract_string(attributes, '$.data_key'), name) AS key,
    coalesce(uri, content) AS value, asset_id, modality, width, height
FROM assets WHERE item_id IN (SELECT item_id FROM sample)
"""

LABELS_SQL = """
SELECT l.label_id, l.annotation_id, l.asset_id, l.kind, l."class", l.text, l.x, l.y, l.w, l.h,
    l.rotation, l.t_start, l.t_end, l.char_start, l.char_end, l.score,
    json_extract_string(l.attributes, '$.control') AS control
FROM labels l WHERE l.annotation_id IN (SELECT annotation_id FROM cur)
  AND l.kind IN ('box', 'span', 'time_span', 'tag', 'text')
ORDER BY l.label_id
"""


def export_sample(con: duckdb.DuckDBPyConnection, sample: Path, inp: Path, out: Path) -> int:
    """Write the sample of a finished QA run (``sample.parquet``) as Label Studio tasks."""
    if not sample.is_file():
        raise QAError(f"{sample}: no QA sample; run `labelrelease qa` first")
    open_tables(con, inp)
    con.read_parquet(str(sample)).create_view("sample", replace=True)
    return export_tasks(con, out)


# Tasks are written in chunks of items so that memory stays flat however large the sample is:
# the sampled items' labels, assets and links are gathered once in DuckDB (spilling if need
# be), and Python holds one chunk of them at a time.
CHUNK_ITEMS = 2000


def export_tasks(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Write the items of table ``sample`` as Label Studio tasks to ``out``; returns the task
    count. Needs the canonical tables open on ``con``."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur AS SELECT row_number() OVER (ORDER BY item_id) AS idx, "
        "* FROM (" + CURRENT_SQL + ")"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur_assets AS SELECT c.idx, a.* FROM (" + ASSETS_SQL + ") a "
        "JOIN cur c USING (item_id)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur_labels AS SELECT c.idx, l.* FROM (" + LABELS_SQL + ") l "
        "JOIN cur c USING (annotation_id)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur_links AS SELECT c.idx, k.link_id, k.annotation_id, "
        "k.from_label_id, k.to_label_id, k.relation FROM links k JOIN cur c USING (annotation_id) "
        "WHERE k.origin <> 'rule'"
    )
    row = con.execute("SELECT count(*) FROM cur").fetchone()
    total = int(row[0]) if row else 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write("[" if total else "[]")
            for lo in range(1, total + 1, CHUNK_ITEMS):
                for task in _chunk_tasks(con, lo, lo + CHUNK_ITEMS - 1):
                    text = json.dumps(task, indent=1, ensure_ascii=False)
                    fh.write("\n" if task["id"] == 1 else ",\n")
                    # the layout of json.dumps(tasks, indent=1): each task one level in
                    fh.write("\n".join(" " + line for line in text.split("\n")))
            fh.write("\n]\n" if total else "\n")
        os.replace(tmp, out)
    except OSError as e:
        raise OutputError(f"cannot write {out}: {e.strerror}") from None
    return total


def _chunk_tasks(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> list[dict[str, Any]]:
    """The tasks of the items numbered ``lo`` to ``hi`` (in item order) of table ``cur``."""
    bounds = {"lo": lo, "hi": hi}
    where = " WHERE idx BETWEEN $lo AND $hi"
    cur = con.execute(
        "SELECT idx, item_id, pass, blind, annotation_id FROM cur" + where + " ORDER BY idx",
        bounds,
    ).fetchall()
    assets: dict[str, list[tuple[Any, ...]]] = {}
    query = "SELECT * EXCLUDE (idx) FROM cur_assets" + where + " ORDER BY asset_id"
    for row in con.execute(query, bounds).fetchall():
        assets.setdefault(row[0], []).append(row)
    labels: dict[str, list[dict[str, Any]]] = {}
    cursor = con.execute(
        "SELECT * EXCLUDE (idx) FROM cur_labels" + where + " ORDER BY label_id", bounds
    )
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        rec = dict(zip(names, row, strict=True))
        labels.setdefault(rec["annotation_id"], []).append(rec)
    links: dict[str, list[tuple[Any, ...]]] = {}
    query = (
        "SELECT annotation_id, from_label_id, to_label_id, relation FROM cur_links"
        + where
        + " ORDER BY link_id"
    )
    for row in con.execute(query, bounds).fetchall():
        links.setdefault(row[0], []).append(row)
    tasks = []
    for index, item_id, qa_pass, blind, annotation_id in cur:
        item_assets = assets.get(item_id, [])
        by_id = {a[3]: a for a in item_assets}
        task: dict[str, Any] = {
            "id": index,
            "data": {a[1]: a[2] for a in item_assets if a[2] is not None},
            "meta": {"item_id": item_id, "qa_pass": qa_pass, "blind": bool(blind)},
        }
        if not blind and annotation_id is not None:
            rows = labels.get(annotation_id, [])
            result = [r for lab in rows if (r := _result(lab, by_id)) is not None]
            exported = {r["id"] for r in result}
            for _, f, t, relation in links.get(annotation_id, []):
                if f in exported and t in exported:
                    result.append(
                        {
                            "type": "relation",
                            "from_id": f,
                            "to_id": t,
                            "direction": "right",
                            "labels": [relation],
                        }
                    )
            task["predictions"] = [{"model_version": "qa-current", "result": result}]
        tasks.append(task)
    return tasks


def _result(lab: dict[str, Any], assets: dict[str, tuple[Any, ...]]) -> dict[str, Any] | None:
    asset = assets.get(lab["asset_id"])
    if asset is None:
        return None
    _, key, _, _, modality, width, height = asset
    kind, cls = lab["kind"], lab["class"]
    base: dict[str, Any] = {"id": lab["label_id"], "to_name": key, "origin": "prediction"}
    if kind == "box" and width and height:
        value = {
            "x": lab["x"] * 100.0 / width,
            "y": lab["y"] * 100.0 / height,
            "width": lab["w"] * 100.0 / width,
            "height": lab["h"] * 100.0 / height,
            "rotation": lab["rotation"] or 0,
            "rectanglelabels": [cls],
        }
        extra = {"original_width": width, "original_height": height}
        return {
            **base,
            "from_name": lab["control"] or "box",
            "type": "rectanglelabels",
            "value": value,
            **extra,
        }
    if kind == "span":
        value = {"start": lab["char_start"], "end": lab["char_end"], "labels": [cls]}
        if lab["text"] is not None:
            value["text"] = lab["text"]
        return {**base, "from_name": lab["control"] or "label", "type": "labels", "value": value}
    if kind == "time_span" and modality in ("audio", "video"):
        value = {"start": lab["t_start"], "end": lab["t_end"], "labels": [cls]}
        return {**base, "from_name": lab["control"] or "label", "type": "labels", "value": value}
    if kind == "tag":
        value = {"choices": [cls]}
        return {**base, "from_name": lab["control"] or "choice", "type": "choices", "value": value}
    if kind == "text" and lab["t_start"] is None and lab["char_start"] is None:
        value = {"text": [lab["text"]]}
        return {
            **base,
            "from_name": lab["control"] or str(cls or "text"),
            "type": "textarea",
            "value": value,
        }
    return None


REMAP_SQL = {
    "items_map": """
        CREATE OR REPLACE TEMP TABLE items_map AS
        SELECT item_id AS new_id, json_extract_string(attributes, '$.meta.item_id') AS item_id
        FROM read_parquet($p)
    """,
    "assets_map": """
        CREATE OR REPLACE TEMP TABLE assets_map AS
        SELECT n.asset_id AS new_id, c.asset_id
        FROM read_parquet($p) n JOIN items_map m ON m.new_id = n.item_id
        JOIN (SELECT asset_id, item_id,
                     coalesce(json_extract_string(attributes, '$.data_key'), name) AS key
              FROM assets) c ON c.item_id = m.item_id AND c.key = n.name
    """,
}


def import_reviews(
    reviewed: Path, inp: Path, out: Path, contract: Contract, work_parent: Path
) -> dict[str, int]:
    """Import reviewed tasks (exported by :func:`export_tasks`) through pull's Label Studio
    importer and write their human passes, on canonical IDs, to ``out``."""
    from labelrelease.pull.plan import plan_files
    from labelrelease.pull.run import pull

    work_parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".qa-import-", dir=work_parent))
    try:
        staged = work / "staged"
        inputs = plan_files([reviewed], "label-studio", "qa-review", contract.guideline_version)
        pull(inputs, staged, contract=contract)
        con = duckdb.connect()
        try:
            open_tables(con, inp)
            for name, sql in REMAP_SQL.items():
                table = "items" if name == "items_map" else "assets"
                con.execute(sql, {"p": str(staged / f"{table}.parquet")})
            missing = con.execute(
                "SELECT count(*) FROM items_map WHERE item_id IS NULL or "
                "item_id NOT IN (SELECT item_id FROM items)"
            ).fetchone()
            if missing and missing[0]:
                raise QAError(
                    f"{reviewed}: {missing[0]} task(s) name no item of {inp} in meta.item_id; "
                    "import only files exported by `labelrelease qa export`"
                )
            built = work / "out"
            built.mkdir()
            counts = {}
            for table in ("annotations", "labels", "links"):
                counts[table] = _remap(con, staged, built, table)
        finally:
            con.close()
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(built, out)
        return counts
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remap(con: duckdb.DuckDBPyConnection, staged: Path, built: Path, table: str) -> int:
    cols = []
    for field in SCHEMAS[table]:
        name = ident(field.name)
        if field.name == "item_id":
            cols.append(f"m.item_id AS {name}")
        elif field.name == "asset_id":
            cols.append(f"am.asset_id AS {name}")
        else:
            cols.append(f"t.{name}")
    join_asset = "LEFT JOIN assets_map am ON am.new_id = t.asset_id" if table == "labels" else ""
    keep = (
        "t.origin = 'human'"
        if table == "annotations"
        else "t.annotation_id IN (SELECT annotation_id FROM read_parquet($a) WHERE origin = "
        "'human')"
    )
    sql = (
        f"COPY (SELECT {', '.join(cols)} FROM read_parquet($p) t "
        f"JOIN items_map m ON m.new_id = t.item_id {join_asset} WHERE {keep}) "
        f"TO '{built / (table + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)"
    )
    params = {"p": str(staged / f"{table}.parquet")}
    if table != "annotations":
        params["a"] = str(staged / "annotations.parquet")
    con.execute(sql, params)
    row = con.execute(
        "SELECT count(*) FROM read_parquet($p)", {"p": str(built / f"{table}.parquet")}
    ).fetchone()
    return int(row[0]) if row else 0
