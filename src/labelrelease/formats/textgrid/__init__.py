"""The Praat TextGrid importer: interval and point tiers become time-aligned labels.

Each interval with a label becomes a ``text`` label (class = tier name, text = the label) on the
recording's asset, or, for the tiers named in the source option ``span_tiers``, a ``time_span``
label whose class is the interval's label (a speaker or event tier). Each point becomes a
``text`` label with ``t_start == t_end``. Intervals and points with an empty label are the
unlabelled stretches of a tier: they are not records, and are counted per tier in the item's
attributes (``empty``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

from labelrelease.errors import ConfigError
from labelrelease.formats.base import FileRejected, ImportContext, Importer, SourceFile
from labelrelease.formats.registry import register
from labelrelease.formats.textgrid.read import TextGrid, looks_like_textgrid, parse
from labelrelease.formats.timed import COMMON_OPTIONS, Recording, timed_options
from labelrelease.model.jsonutil import attrs

INTERVAL_TIER = "IntervalTier"


@register
class TextGridImporter(Importer):
    """Praat TextGrid files (short or long text format)."""

    name: ClassVar[str] = "textgrid"
    summary: ClassVar[str] = "Praat TextGrid: interval/point tiers -> time-aligned labels"
    option_names: ClassVar[tuple[str, ...]] = (*COMMON_OPTIONS, "span_tiers")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A file with Praat's ``ooTextFile`` / ``TextGrid`` header."""
        return looks_like_textgrid(head)

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Import the tiers of ``src``."""
        opts = timed_options(src, default_modality="audio")
        span_tiers = _span_tiers(src)
        data = src.path.read_bytes()  # TextGrids are small; praatio parses a whole text
        if not data.strip():
            raise FileRejected("empty_file", "the file is empty; save the TextGrid again")
        grid = parse(data)
        rec = Recording(
            src, ctx.sink, opts, self.name, src.display, opts.media_for(Path(src.display).stem)
        )
        _Tiers(src, ctx, rec, span_tiers, grid).read()
        ctx.progress(len(data))
        rec.finish(src.ref())


def _span_tiers(src: SourceFile) -> frozenset[str]:
    value = src.options.get("span_tiers", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"source {src.source!r}: option `span_tiers` must be a list of tier names",
            key="options.span_tiers",
        )
    return frozenset(value)


class _Tiers:
    def __init__(
        self,
        src: SourceFile,
        ctx: ImportContext,
        rec: Recording,
        span_tiers: frozenset[str],
        grid: TextGrid,
    ) -> None:
        self.src = src
        self.sink = ctx.sink
        self.rec = rec
        self.span_tiers = span_tiers
        self.grid = grid

    def read(self) -> None:
        grid, rec = self.grid, self.rec
        empty: dict[str, int] = {}
        tiers = []
        for i, tier in enumerate(grid.tiers, 1):
            name = tier["name"] or None
            interval = tier["class"] == INTERVAL_TIER
            tiers.append({"name": name, "class": tier["class"], "size": len(tier["entries"])})
            n_empty = 0
            for j, entry in enumerate(tier["entries"], 1):
                if not (entry[-1] or "").strip():
                    n_empty += 1
                    continue
                pointer = f"/tiers/{i}/{'intervals' if interval else 'points'}/{j}"
                self._entry(i, name, interval, j, entry, self.src.ref(pointer))
            if n_empty:
                empty[name or f"#{i}"] = n_empty
        rec.item_attrs.update(
            {
                "tiers": tiers,
                "empty": empty,
                "text_format": grid.text_format,
                "encoding": grid.encoding,
            }
        )
        if grid.xmin == 0 and grid.xmax > 0:
            rec.duration_s = grid.xmax
        else:
            rec.asset_attrs.update({"xmin": grid.xmin, "xmax": grid.xmax})

    def _entry(
        self, tier: int, name: str | None, interval: bool, j: int, entry: Any, ref: str
    ) -> None:
        try:
            times = [float(t) for t in entry[:-1]]
        except ValueError:
            self._quarantine(ref, "bad_number", "time", f"a time is not a number: {list(entry)!r}")
            return
        if not all(math.isfinite(t) for t in times):
            self._quarantine(ref, "bad_number", "time", f"a time is not finite: {list(entry)!r}")
            return
        start, end = (times[0], times[1]) if interval else (times[0], times[0])
        if end < start:
            self._quarantine(
                ref,
                "inverted_span",
                "t_end",
                f"the interval ends ({end}) before it starts ({start}); fix it in Praat",
                list(entry),
            )
            return
        label = str(entry[-1])
        if not interval and self.grid.text_format == "long":
            label = label.replace('""', '"')  # praatio unescapes long-format intervals only
        fields: dict[str, Any] = {"t_start": start, "t_end": end}
        extra: dict[str, Any] = {"tier": name}
        if interval and name in self.span_tiers:
            fields.update(kind="time_span", text=None, **{"class": label})
        else:
            fields.update(kind="text", text=label, **{"class": name})
            extra["point"] = None if interval else True
        row = self.rec.label(f"{tier}/{j}", ref, **fields, attributes=attrs(extra))
        self.sink.add("labels", row)

    def _quarantine(
        self, ref: str, code: str, field: str, message: str, excerpt: Any = None
    ) -> None:
        self.sink.quarantine("labels", ref, code, message, field=field, excerpt=excerpt)
