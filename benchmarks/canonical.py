"""Generate canonical tables (the output of ``pull``) at a given size, in DuckDB SQL.

The stage benchmarks (migrate, check, qa, release) start from ``data/staged``-shaped tables;
generating them directly is much faster than generating raw exports and pulling them. The
mix is realistic enough to give every stage its real work:

- one item per ``LABELS_PER_ITEM`` labels; modality image 50 %, audio 20 %, video 15 %, text 15 %,
  one asset per item (with its size, duration, fps or text);
- three annotations per item: two human passes and one model pass (a pre-label), each drawn
  on its own, so the passes of an item hardly agree (``--shape three-pass``, the default); or
  two annotations per item, the second a realistic perturbed copy of the first
  (``--shape issue``, QA's target: see ``canonical_issue.py``);
- label kinds by modality (boxes, polygons and captions on images; time spans and transcripts on
  audio; tracks, frame spans and boxes on video; spans and tags on text), classes from a long
  tail (class ``k`` is ~k³ times rarer than class 0), several languages and scripts;
- links from caption and transcript labels to a region of the same annotation;
- a small share of bad rows: boxes outside their image, spans beyond their text.

Deterministic: the same ``labels`` and ``seed`` give the same rows (DuckDB's ``hash``).

    python benchmarks/canonical.py --labels 1000000 --out benchmarks/out/canonical-1m
    python benchmarks/canonical.py --labels 1000000 --shape issue --out benchmarks/out/issue-1m
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.model.schema import ANNOTATIONS, ASSETS, ITEMS, LABELS, LINKS

try:  # run as a script, or with benchmarks/ on sys.path
    import canonical_issue as issue
except ModuleNotFoundError:  # imported as benchmarks.canonical
    from benchmarks import canonical_issue as issue

LABELS_PER_ITEM = 10
SHAPES = ("three-pass", "issue")
"""The default (three passes drawn apart) and issue 6's QA target (two passes, the second a
perturbed copy of the first: ``canonical_issue.py``)."""
ROW_GROUP = 122_880
CLASSES = [
    "Person", "Car", "Truck", "Bus", "Bicycle", "Dog", "Cat", "Bird", "Vehicle", "Animal",
    "Motorcycle", "Airplane", "Butterfly", "Possum", "Planet", "Moonwalker", "croquet_ball",
    "Hello", "World", "Text", "Section-header",
]  # fmt: skip
SPEAKERS = ["SPEAKER_A", "SPEAKER_B", "SPEAKER_C", "Speech", "Music", "Noise"]
ENTITIES = ["Person", "Organization", "Location", "Date", "Money", "Product"]
CAPTIONS = [
    ("en", "A man walks a dog past a red car"),
    ("en", "Two trucks and a bus wait at the crossing"),
    ("de", "Ein Hund schläft neben der Katze"),
    ("fr", "Une voiture rouge devant la maison"),
    ("ru", "Собака бежит по улице"),
    ("ja", "犬が公園で走っている"),
    ("es", "Un perro y un gato en el jardín"),
]

_SQL_ITEMS = """
CREATE TEMP TABLE g_items AS
SELECT i,
       printf('it_%020x', hash(i, $seed) >> 4) AS item_id,
       CASE WHEN h % 100 < 50 THEN 'image' WHEN h % 100 < 70 THEN 'audio'
            WHEN h % 100 < 85 THEN 'video' ELSE 'text' END AS modality,
       ((h >> 8) % 7)::INT AS lang
FROM (SELECT i, hash(i, $seed, 'item') AS h FROM range($n_items) t(i))
"""

_SQL_LABELS = """
SELECT printf('lb_%020x', hash(j, $seed, 'label') >> 4) AS label_id,
       printf('an_%020x', hash(it.i, (j % 3), $seed) >> 4) AS annotation_id,
       it.item_id,
       printf('as_%020x', hash(it.i, $seed, 'asset') >> 4) AS asset_id,
       it.modality, it.lang, j % 3 AS pass_no,
       hash(j, $seed, 'r') AS r,
       j AS j
FROM range($n_labels) t(j)
JOIN g_items it ON it.i = j // $per_item
"""


_SQL_KIND = """CASE
            WHEN modality = 'image' THEN CASE WHEN {pos} < 6 THEN 'box' WHEN {pos} < 8
                 THEN 'polygon' WHEN {pos} = 8 THEN 'text' ELSE 'tag' END
            WHEN modality = 'audio' THEN CASE WHEN {pos} < 7 THEN 'time_span' ELSE 'text' END
            WHEN modality = 'video' THEN CASE WHEN {pos} < 3 THEN 'track' WHEN {pos} < 6
                 THEN 'frame_span' WHEN {pos} < 9 THEN 'box' ELSE 'text' END
            ELSE CASE WHEN {pos} < 8 THEN 'span' ELSE 'tag' END END"""
"""A label's kind from its modality and its position ``pos`` (0-9) among the item's ten."""
_SQL_DRAWS = """floor(pow((r % 1000000) / 1000000.0, 3) * $n_classes)::INT + 1 AS ck,
            ((r >> 20) % 1000)::INT AS u"""
"""A label's class rank ``ck`` (a long tail) and its draw ``u`` (0-999) from its hash ``r``."""
_SQL_VALUES = """
          CASE WHEN kind = 'text' THEN CASE WHEN modality = 'audio' THEN 'transcript'
                                          ELSE 'caption' END
               WHEN modality = 'audio' OR kind = 'frame_span' THEN $speakers[ck % 6 + 1]
               WHEN kind = 'span' THEN $entities[ck % 6 + 1]
               WHEN kind = 'tag' AND modality = 'text' THEN 'Positive'
               WHEN kind = 'tag' THEN 'Blurry'
               ELSE (SELECT name FROM g_classes WHERE g_classes.k = ck) END AS class,
          CASE WHEN kind = 'text' THEN $captions[lang + 1]
               WHEN kind = 'span' THEN 'quick brown' END AS text,
          CASE WHEN kind = 'box' THEN u * 1.1 END AS x,
          CASE WHEN kind = 'box' THEN (u % 600) * 1.0 END AS y,
          CASE WHEN kind = 'box' THEN 20.0 + (u % 150) + CASE WHEN u = 999 THEN 400 ELSE 0 END
          END AS w,
          CASE WHEN kind = 'box' THEN 20.0 + (u % 100) END AS h,
          NULL::DOUBLE AS rotation,
          CASE WHEN kind = 'polygon' THEN [u * 1.0, 10.0, u + 50.0, 10.0, u + 25.0, 80.0] END
              AS points,
          NULL::BIGINT[] AS mask_rle, NULL AS mask_format,
          CASE WHEN kind = 'track' THEN [
            {'frame': u % 100, 'time': (u % 100) / 25.0, 'x': 10.0, 'y': 20.0, 'w': 50.0,
              'h': 40.0, 'rotation': 0.0, 'enabled': true},
            {'frame': u % 100 + 50, 'time': (u % 100 + 50) / 25.0, 'x': 30.0, 'y': 25.0,
              'w': 50.0, 'h': 40.0, 'rotation': 0.0, 'enabled': false}] END AS keyframes,
          CASE WHEN kind = 'time_span' OR (kind = 'text' AND modality = 'audio')
               THEN (u % 550) / 10.0 END AS t_start,
          CASE WHEN kind = 'time_span' OR (kind = 'text' AND modality = 'audio')
               THEN (u % 550) / 10.0 + 2.5 END AS t_end,
          CASE WHEN kind = 'frame_span' THEN u % 1000 END AS frame_start,
          CASE WHEN kind = 'frame_span' THEN u % 1000 + 40 END AS frame_end,
          CASE WHEN kind = 'span' THEN 4 + CASE WHEN u = 998 THEN 1000 ELSE 0 END END
              AS char_start,
          CASE WHEN kind = 'span' THEN 15 + CASE WHEN u = 998 THEN 1000 ELSE 0 END END
              AS char_end
"""
"""The value columns of a label (class to char_end) from its kind, modality, lang, class
rank ``ck`` and draw ``u``."""


def generate(out: Path, labels: int, seed: int = 7, shape: str = "three-pass") -> dict[str, int]:
    """Write ``items``, ``assets``, ``annotations``, ``labels`` and ``links`` (and an empty
    ``quarantine``) Parquet files for ``labels`` labels of ``shape`` (``SHAPES``) into ``out``;
    return row counts."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: use one of {', '.join(SHAPES)}")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET memory_limit = '2GB'")  # spill the sorts; several benchmarks may run at once
    n_items = max(1, labels // LABELS_PER_ITEM)
    params = {"seed": seed, "n_items": n_items}
    con.execute(_SQL_ITEMS, params)  # uses both
    con.execute(
        "CREATE TEMP TABLE g_classes AS SELECT * FROM unnest($c) WITH ORDINALITY t(name, k)",
        {"c": CLASSES},
    )
    counts = {}
    counts["items"] = _write(
        con,
        out / "items.parquet",
        ITEMS,
        """
        SELECT item_id, 'bench' AS source, printf('bench.json#/%d', i) AS source_ref,
               ['en','en','de','fr','ru','ja','es'][lang + 1] AS language, NULL AS split,
               i % 500 = 0 AS is_gold, NULL AS attributes
        FROM g_items ORDER BY item_id""",
        params,
    )
    counts["assets"] = _write(
        con,
        out / "assets.parquet",
        ASSETS,
        """
        SELECT printf('as_%020x', hash(i, $seed, 'asset') >> 4) AS asset_id, item_id,
               modality AS name, modality,
               printf('s3://bench/%s/%d', modality, i) AS uri, NULL AS sha256,
               CASE WHEN modality IN ('image','video') THEN 1280 END AS width,
               CASE WHEN modality IN ('image','video') THEN 720 END AS height,
               CASE WHEN modality IN ('audio','video') THEN 60.0 END AS duration_s,
               CASE WHEN modality = 'video' THEN 25.0 END AS fps,
               CASE WHEN modality = 'text' THEN 400 END AS n_chars,
               CASE WHEN modality = 'text' THEN repeat('The quick brown fox jumps. ', 15)[:400]
               END AS content,
               NULL AS attributes, printf('bench.json#/%d/data', i) AS source_ref
        FROM g_items ORDER BY asset_id""",
        params,
    )
    if shape == "issue":
        counts.update(_two_passes(con, out, params))
    else:
        counts.update(_three_passes(con, out, params, labels))
    pq.write_table(
        pa.table(
            {
                n: pa.array([], t)
                for n, t in zip(
                    (
                        "quarantine_id",
                        "record_kind",
                        "source",
                        "source_ref",
                        "reason_code",
                        "field",
                        "message",
                        "excerpt",
                    ),
                    [pa.string()] * 8,
                    strict=True,
                )
            }
        ),
        out / "quarantine.parquet",
        compression="zstd",
    )
    con.close()
    return counts


def _three_passes(
    con: duckdb.DuckDBPyConnection, out: Path, params: dict, labels: int
) -> dict[str, int]:
    """The default shape's annotations, labels and links: three passes, labels drawn apart."""
    params = {**params, "n_labels": labels, "per_item": LABELS_PER_ITEM}
    counts = {}
    counts["annotations"] = _write(
        con,
        out / "annotations.parquet",
        ANNOTATIONS,
        """
        SELECT printf('an_%020x', hash(i, p, $seed) >> 4) AS annotation_id, item_id,
               CASE WHEN p < 2 THEN printf('annotator%d@example.org', (hash(i, p) % 40))
               END AS annotator,
               CASE WHEN p < 2 THEN 'human' ELSE 'model' END AS origin,
               CASE WHEN p = 2 THEN 'detector-v' || (i % 3) END AS model,
               'combined' AS pass,
               CASE WHEN p = 2 THEN 'predicted' WHEN hash(i, p) % 10 = 0 THEN 'accepted'
                    ELSE 'submitted' END AS status,
               NULL AS reviewer,
               CASE WHEN p = 0 THEN printf('an_%020x', hash(i, 2, $seed) >> 4) END
                   AS prelabeled_from,
               CASE WHEN i % 4 = 0 THEN '0.9' ELSE '1.0' END AS guideline_version,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS created_at,
               CASE WHEN p = 2 THEN 0.5 + (hash(i) % 50) / 100.0 END AS score,
               NULL AS attributes, printf('bench.json#/%d/annotations/%d', i, p) AS source_ref
        FROM g_items, range(3) t(p) ORDER BY annotation_id""",
        params,
    )
    counts["labels"] = _write(
        con,
        out / "labels.parquet",
        LABELS,
        f"""
        WITH l AS ({_SQL_LABELS}),
        k AS (
          SELECT *, {_SQL_KIND.format(pos="j % 10")} AS kind, {_SQL_DRAWS} FROM l)
        SELECT label_id, annotation_id, item_id, asset_id, kind,
          {_SQL_VALUES},
          NULL::DOUBLE AS number,
          CASE WHEN pass_no = 2 THEN 0.3 + (u % 70) / 100.0 END AS score,
          CASE WHEN pass_no = 2 THEN 'model' WHEN pass_no = 0 AND u % 3 = 0 THEN 'prelabel'
               ELSE 'human' END AS origin,
          NULL AS attributes,
          printf('bench.json#/%d/annotations/%d/result/%d', j // $per_item, pass_no, j)
              AS source_ref
        FROM k ORDER BY label_id""",
        {
            **params,
            "n_classes": len(CLASSES),
            "speakers": SPEAKERS,
            "entities": ENTITIES,
            "captions": [c for _, c in CAPTIONS],
        },
    )
    # A caption or transcript (label j, j % 10 == 8 or 9) describes the box or time span of
    # the same pass three labels before it (j - 3 has the same j % 3, so the same annotation).
    counts["links"] = _write(
        con,
        out / "links.parquet",
        LINKS,
        f"""
        WITH l AS ({_SQL_LABELS})
        SELECT printf('ln_%020x', hash(j, $seed, 'link') >> 4) AS link_id, item_id,
               annotation_id,
               printf('lb_%020x', hash(j, $seed, 'label') >> 4) AS from_label_id,
               printf('lb_%020x', hash(j - 3, $seed, 'label') >> 4) AS to_label_id,
               CASE WHEN modality = 'audio' THEN 'said_by' ELSE 'describes' END AS relation,
               'right' AS direction, 'human' AS origin, NULL AS rule, NULL AS attributes,
               printf('bench.json#/%d/annotations/%d/result/%d', j // $per_item, pass_no, j)
                   AS source_ref
        FROM l WHERE (j % 10 = 8 AND modality IN ('image', 'video'))
                  OR (j % 10 = 9 AND modality = 'audio')
        ORDER BY link_id""",
        params,
    )
    return counts


def _two_passes(con: duckdb.DuckDBPyConnection, out: Path, params: dict) -> dict[str, int]:
    """The issue shape's annotations, labels and links (``canonical_issue.py``)."""
    params = {**params, **issue.PARAMS, "n_classes": len(CLASSES), "speakers": SPEAKERS,
              "entities": ENTITIES, "captions": [c for _, c in CAPTIONS]}  # fmt: skip
    kind = _SQL_KIND.format(pos="pos")
    tables = {
        "annotations": (ANNOTATIONS, issue.ANNOTATIONS),
        "labels": (LABELS, issue.labels_sql(kind, _SQL_DRAWS, _SQL_VALUES)),
        "links": (LINKS, issue.links_sql()),
    }
    return {
        name: _write(con, out / f"{name}.parquet", schema, sql, params)
        for name, (schema, sql) in tables.items()
    }


def _write(
    con: duckdb.DuckDBPyConnection, path: Path, schema: pa.Schema, sql: str, params: dict
) -> int:
    """Stream ``sql``'s rows into ``path`` with exactly ``schema``."""
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    reader = con.sql(sql, params=used).to_arrow_reader(ROW_GROUP)
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(schema.names).cast(schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
            rows += table.num_rows
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=SHAPES, default=SHAPES[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    for table, n in generate(args.out, args.labels, args.seed, args.shape).items():
        print(f"{table:12} {n:>12,}")


if __name__ == "__main__":
    main()
