"""The "issue" shape of ``canonical.py``: two passes per item, the second a perturbed copy of
the first, as in the QA target of issue 6 ("10M labels, 1M items, 2 passes each").

``canonical.py --shape issue`` uses this module's SQL; items and assets are the default shape's
(one item per 10 labels, the same modality mix). Per item:

- **pass 1** (human): 5 labels. Their kinds are those of the default shape's positions
  ``2 s + i % 2`` (slot ``s`` = 0-4 of item ``i``), so even items hold positions 0, 2, 4, 6, 8
  and odd items 1, 3, 5, 7, 9: over all items the kinds mix is the default's (an image item, for
  instance, has three boxes, a polygon and a caption or a quality tag). Links and bad rows are
  the default's too: a caption (position 8, image or video) or transcript (position 9, audio)
  links to the region two slots before it; a box with draw ``u = 999`` leaves its image, a span
  with ``u = 998`` its text. The spans of an item sit on distinct "quick brown" phrases of the
  text (the default shape puts every span at the same offsets).
- **pass 2**: a second human pass on 80 % of items; on the other 20 % the model pre-label the
  human of pass 1 started from (``prelabeled_from``; a third of that human's labels keep the
  ``prelabel`` origin). Double annotation of most items is what an agreement figure is for; the
  model share gives the human-model pair type a real share too, as in projects that measure
  their pre-label model on a slice. Pass 2 copies pass 1's labels with the rates of the
  end-to-end generator (``e2e/generate.py``, ``DROP``, ``RECLASS``, ``EXTRA``):

  - each label is dropped with chance 6 % (human) or 12 % (model): a presence disagreement;
  - boxes move by up to 4 % of their size and grow or shrink by up to 7 % (IoU with the
    original 0.75 or more, 0.89 at the median), polygons move by up to 4 % of their extent;
    3 % of both are drawn loosely (moved by 60 % of their width: IoU about 0.25, no match: two
    presence disagreements), all kept inside their image;
  - time spans (and transcripts) move each end by up to 0.2 s of 2.5 s, frame spans by up to 2
    of 40 frames, tracks by up to 2 frames and 2 px; each end of a character span moves by one
    character with chance 1/8 (its text follows);
  - 7 % (human) or 12 % (model) of the kept labels get another class (a tag its other value);
  - 15 % of captions and transcripts are edited: a full stop added, the last character cut, or
    a change qa's normalisation ignores (lower case, a doubled space);
  - a link whose two ends are kept is kept; 8 % of them point to another region;
  - 25 % of second passes add one label the first pass missed (a box, time span, track or span
    elsewhere).

Pass 2 thus holds about 4.64 + 0.25 = 4.89 labels per item and the tables about 9.89 per item:
``labels`` less about 1.1 % (at 10k, 100k and 1M labels: 9,848, 98,832 and 988,858, i.e.
1.5 %, 1.2 % and 1.1 % under).
Deterministic like the default: every draw is DuckDB's ``hash`` of the item, slot, pass and seed.
"""

from __future__ import annotations

CONTENT = ("The quick brown fox jumps. " * 15)[:400]
"""A text asset's content (as the default shape's assets hold it): "quick brown" at 4 + 27 k."""

PARAMS = {
    "model_share": 20,  # % of items whose pass 2 is the model pre-label
    "drop_human": 60, "drop_model": 120,  # per mille of pass 1's labels missing from pass 2
    "reclass_human": 70, "reclass_model": 120,  # per mille of kept labels with another class
    "loose": 3,  # % of moved boxes and polygons drawn loosely (IoU < 0.5)
    "edit": 15,  # % of captions and transcripts edited
    "relink": 8,  # % of pass 2's links pointing to another region
    "extra": 25,  # % of second passes with one label the first pass missed
    "content": CONTENT,
}  # fmt: skip
"""The bound parameters of the queries below (besides the default shape's)."""

_MODEL = "hash(i, $seed, 'second') % 100 < $model_share"
_DROPPED = (
    "hash(i, {slot}, $seed, 'drop') % 1000"
    f" < CASE WHEN {_MODEL} THEN $drop_model ELSE $drop_human END"
)

ANNOTATIONS = f"""
WITH a AS (SELECT i, item_id, p, {_MODEL} AS model2, hash(i, 0) % 40 AS a0
           FROM g_items, range(2) t(p))
SELECT printf('an_%020x', hash(i, p, $seed) >> 4) AS annotation_id, item_id,
       CASE WHEN p = 0 THEN printf('annotator%d@example.org', a0)
            WHEN NOT model2 THEN printf('annotator%d@example.org', (a0 + 1 + hash(i, 1) % 39) % 40)
       END AS annotator,
       CASE WHEN p = 1 AND model2 THEN 'model' ELSE 'human' END AS origin,
       CASE WHEN p = 1 AND model2 THEN 'detector-v' || (i % 3) END AS model,
       'combined' AS pass,
       CASE WHEN p = 1 AND model2 THEN 'predicted' WHEN hash(i, p) % 10 = 0 THEN 'accepted'
            ELSE 'submitted' END AS status,
       NULL AS reviewer,
       CASE WHEN p = 0 AND model2 THEN printf('an_%020x', hash(i, 1, $seed) >> 4) END
           AS prelabeled_from,
       CASE WHEN i % 4 = 0 THEN '0.9' ELSE '1.0' END AS guideline_version,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS created_at,
       CASE WHEN p = 1 AND model2 THEN 0.5 + (hash(i) % 50) / 100.0 END AS score,
       NULL AS attributes, printf('bench.json#/%d/annotations/%d', i, p) AS source_ref
FROM a ORDER BY annotation_id"""
"""Two annotations per item: pass 1 (p = 0, human) and pass 2 (p = 1, human or model)."""

SLOTS = f"""
SELECT i, item_id, modality, lang, slot, p, {_MODEL} AS model2,
       CASE WHEN slot < 5 THEN 2 * slot + i % 2 ELSE i % 2 END AS pos,
       hash(i, slot, $seed, 'r') AS r,
       p = 1 AND slot < 5 AS moved,
       hash(i, slot, $seed, 'move') AS e
FROM g_items, range(6) t(slot), range(2) q(p)
WHERE CASE WHEN slot = 5 THEN p = 1 AND hash(i, $seed, 'extra') % 100 < $extra
           ELSE p = 0 OR NOT ({_DROPPED.format(slot="slot")}) END
"""
"""Every label of the shape: item ``i``, pass ``p``, ``slot`` (5: pass 2's extra label), its
position ``pos`` among the default shape's ten, hashes ``r`` (what pass 1 draws) and ``e``
(how pass 2 moves it)."""

_UNIFORM = "mv * (((e >> {bits}) % 1000) / 500.0 - 1.0)"

LABELS = """
WITH s AS ({slots}),
k AS (
  SELECT *, {kind} AS kind, {draws}, moved::INT AS mv,
         moved AND hash(i, slot, $seed, 'class') % 1000
             < CASE WHEN model2 THEN $reclass_model ELSE $reclass_human END AS flip,
         moved AND hash(i, slot, $seed, 'loose') % 100 < $loose AS loose
  FROM s),
c AS (
  SELECT * REPLACE (CASE WHEN flip THEN ((ck + (e >> 40) % 5) % $n_classes + 1)::INT
                         ELSE ck END AS ck),
         {d1} AS d1, {d2} AS d2, {d3} AS d3, {d4} AS d4
  FROM k),
v AS (SELECT *, {values} FROM c),
g AS (
  SELECT *, w * (1 + 0.07 * d3) AS w2, h * (1 + 0.07 * d4) AS h2,
         0.04 * d1 + CASE WHEN loose THEN 0.6 ELSE 0.0 END AS dx,
         -- the item's spans on distinct phrases: positions 0-7, an extra one on 8 or 9
         27 * ((pos + i + CASE WHEN slot = 5 THEN 8 ELSE 0 END) % 14) AS phrase,
         char_start + phrase + mv * CASE (e >> 56) % 8 WHEN 0 THEN -1 WHEN 1 THEN 1 ELSE 0 END
             AS cs,
         char_end + phrase + mv * CASE (e >> 59) % 8 WHEN 0 THEN -1 WHEN 1 THEN 1 ELSE 0 END
             AS ce
  FROM v)
SELECT printf('lb_%020x', hash(i, p, slot, $seed, 'label') >> 4) AS label_id,
  printf('an_%020x', hash(i, p, $seed) >> 4) AS annotation_id, item_id,
  printf('as_%020x', hash(i, $seed, 'asset') >> 4) AS asset_id, kind,
  CASE WHEN kind = 'tag' AND flip THEN CASE WHEN modality = 'text' THEN 'Negative'
       ELSE 'Occluded' END ELSE class END AS class,
  CASE WHEN kind = 'span' AND ce <= 400 THEN substring($content, cs + 1, ce - cs)
       WHEN kind = 'text' AND moved AND hash(i, slot, $seed, 'text') % 100 < $edit
       THEN CASE (e >> 50) % 4 WHEN 0 THEN text || '.' WHEN 1 THEN left(text, length(text) - 1)
            WHEN 2 THEN lower(text) ELSE replace(text, ' ', '  ') END
       ELSE text END AS text,
  CASE WHEN kind <> 'box' THEN NULL WHEN u = 999 THEN x + w * dx
       ELSE greatest(0.0, least(x + w * dx, 1280 - w2)) END AS x,
  CASE WHEN kind <> 'box' THEN NULL WHEN u = 999 THEN y + 0.04 * h * d2
       ELSE greatest(0.0, least(y + 0.04 * h * d2, 720 - h2)) END AS y,
  w2 AS w, h2 AS h, rotation,
  list_transform(points, lambda q, n: q + CASE WHEN n % 2 = 1 THEN 50 * dx ELSE 2.8 * d2 END)
      AS points,
  mask_rle, mask_format,
  list_transform(keyframes, lambda f: {{
      'frame': greatest(0, f.frame + round(2 * d3)::INT),
      'time': greatest(0, f.frame + round(2 * d3)::INT) / 25.0,
      'x': f.x + 2 * d1, 'y': f.y + 2 * d2, 'w': f.w, 'h': f.h, 'rotation': f.rotation,
      'enabled': f.enabled}}) AS keyframes,
  -- greatest() skips NULLs: keep a NULL start NULL
  CASE WHEN t_start IS NOT NULL THEN greatest(0.0, t_start + 0.2 * d1) END AS t_start,
  t_end + 0.2 * d2 AS t_end,
  CASE WHEN frame_start IS NOT NULL THEN greatest(0, frame_start + round(2 * d1)::INT) END
      AS frame_start,
  frame_end + round(2 * d2)::INT AS frame_end,
  cs AS char_start, ce AS char_end,
  NULL::DOUBLE AS number,
  CASE WHEN p = 1 AND model2 THEN 0.3 + (u % 70) / 100.0 END AS score,
  CASE WHEN p = 1 AND model2 THEN 'model' WHEN p = 0 AND model2 AND u % 3 = 0 THEN 'prelabel'
       ELSE 'human' END AS origin,
  NULL AS attributes,
  printf('bench.json#/%d/annotations/%d/result/%d', i, p, slot) AS source_ref
FROM g ORDER BY label_id"""
"""The labels; ``{kind}``, ``{draws}`` and ``{values}`` are the default shape's SQL."""

LINKS = f"""
WITH s AS ({{slots}}),
l AS (
  SELECT *, slot - CASE WHEN moved AND hash(i, slot, $seed, 'relink') % 100 < $relink
                        THEN 3 ELSE 2 END AS to_slot
  FROM s
  WHERE slot < 5 AND ((pos = 8 AND modality IN ('image', 'video'))
                      OR (pos = 9 AND modality = 'audio')))
SELECT printf('ln_%020x', hash(i, p, slot, $seed, 'link') >> 4) AS link_id, item_id,
       printf('an_%020x', hash(i, p, $seed) >> 4) AS annotation_id,
       printf('lb_%020x', hash(i, p, slot, $seed, 'label') >> 4) AS from_label_id,
       printf('lb_%020x', hash(i, p, to_slot, $seed, 'label') >> 4) AS to_label_id,
       CASE WHEN modality = 'audio' THEN 'said_by' ELSE 'describes' END AS relation,
       'right' AS direction, CASE WHEN p = 1 AND model2 THEN 'model' ELSE 'human' END AS origin,
       NULL AS rule, NULL AS attributes,
       printf('bench.json#/%d/annotations/%d/result/%d', i, p, slot) AS source_ref
FROM l WHERE p = 0 OR NOT ({_DROPPED.format(slot="to_slot")})
ORDER BY link_id"""
"""A caption or transcript links to the region two slots before it, in its own pass, if that
one is there (pass 2 may have dropped it)."""


def labels_sql(kind: str, draws: str, values: str) -> str:
    """The labels query, given the default shape's kind (of ``pos``), draws and values SQL."""
    d = {f"d{n + 1}": _UNIFORM.format(bits=10 * n) for n in range(4)}
    return LABELS.format(slots=SLOTS, kind=kind, draws=draws, values=values, **d)


def links_sql() -> str:
    """The links query."""
    return LINKS.format(slots=SLOTS)
