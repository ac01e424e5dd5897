"""Read the results of one pass: merge the results that describe one region, emit labels and
the links between them (relations, keypoint parents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labelrelease.formats.base import SourceFile
from labelrelease.formats.label_studio.config import LabelConfig
from labelrelease.formats.label_studio.results import GEOMETRY, VALUES, Media, Partial
from labelrelease.formats.label_studio.shapes import REF_KEY, Pass
from labelrelease.formats.label_studio.values import BadResult, string_list
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs
from labelrelease.model.sink import RecordSink

Resolve = Callable[[dict[str, Any], str], tuple[str | None, Media]]

RESULT_ORIGIN = {"prediction": "prelabel", "prediction-changed": "prelabel_edited"}
DIRECTIONS = {"right": "forward", "left": "forward", "bi": "both"}


class PassReader:
    """Turns the ``result`` list of one annotation or prediction into labels and links."""

    def __init__(
        self,
        src: SourceFile,
        sink: RecordSink,
        item_id: str,
        annotation_id: str,
        p: Pass,
        config: LabelConfig | None,
        resolve: Resolve,
    ) -> None:
        self.src, self.sink, self.config, self.resolve = src, sink, config, resolve
        self.item_id, self.annotation_id, self.p = item_id, annotation_id, p
        self.labels: dict[str, list[str]] = {}
        self.dropped: dict[str, str] = {}
        self.parents: list[tuple[str, str, str]] = []

    def read(self, results: list[Any]) -> None:
        """Import every result of the pass."""
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        relations: list[tuple[int, dict[str, Any]]] = []
        for j, r in enumerate(results):
            if not isinstance(r, dict):
                self._reject_result(
                    j, BadResult("wrong_type", None, "a result must be an object"), r
                )
            elif r.get("type") == "relation":
                relations.append((j, r))
            else:
                rid = r.get("id")
                key = str(rid) if rid is not None and rid != "" else f"#{j}"
                groups.setdefault(key, []).append((j, r))
        for key, members in groups.items():
            self._group(key, members)
        for j, r in relations:
            self._relation(j, r)
        for key, parent, pointer in self.parents:
            self._link(key, parent, "part_of", "forward", pointer, {}, "parentID")

    # -- regions ------------------------------------------------------------------------------
    def _group(self, key: str, members: list[tuple[int, dict[str, Any]]]) -> None:
        geometry, values, carriers = [], [], []
        for j, r in members:
            rtype = r.get("type")
            value = r.get("value")
            if rtype not in GEOMETRY and rtype not in VALUES:
                err = BadResult(
                    "unknown_result_type",
                    "type",
                    f"unknown result type {rtype!r}; known: "
                    f"{', '.join(sorted([*GEOMETRY, *VALUES, 'relation']))}",
                )
                self._reject_result(j, err, r)
            elif not isinstance(value, dict):
                self._reject_result(
                    j, BadResult("wrong_type", "value", "`value` must be an object"), r
                )
            elif rtype == "labels" and "start" not in value and "end" not in value:
                carriers.append((j, r))  # only names the class of a region drawn elsewhere
            elif rtype in GEOMETRY:
                geometry.append((j, r))
            else:
                values.append((j, r))
        if not geometry:
            for j, r in carriers + values:
                self._standalone(f"{key}" if len(members) == 1 else f"{key}/{j}", j, r)
            return
        (j0, first), *extra = geometry
        for j, r in extra:
            self._reject_result(
                j,
                BadResult(
                    "conflicting_region",
                    "id",
                    f"region {key!r} already has a {first.get('type')} result; results that share "
                    "an id must describe one region",
                ),
                r,
            )
        try:
            asset_id, media = self.resolve(first, self.item_id)
            part = GEOMETRY[str(first["type"])](first, first["value"], media)
            self._check_classes(first, part.classes)
            for _j, r in carriers:
                part.classes += [
                    c for c in string_list(r["value"], "labels") if c not in part.classes
                ]
                self._check_classes(r, part.classes)
            for _j, r in values:
                self._attach(part, r)
        except BadResult as e:
            self.dropped[key] = e.reason_code
            self._reject_result(j0, e, first)
            return
        self._emit(key, j0, first, asset_id, part)
        parent = first.get("parentID")
        if parent:
            self.parents.append((key, str(parent), self._pointer(j0, first)))

    def _standalone(self, key: str, j: int, r: dict[str, Any]) -> None:
        try:
            asset_id, media = self.resolve(r, self.item_id)
            if r.get("type") == "labels":
                part = Partial("tag", classes=string_list(r["value"], "labels"))
            else:
                part = VALUES[str(r["type"])](r, r["value"], media)
            self._check_classes(r, part.classes)
        except BadResult as e:
            self.dropped[key] = e.reason_code
            self._reject_result(j, e, r)
            return
        self._emit(key, j, r, asset_id, part)

    def _attach(self, part: Partial, r: dict[str, Any]) -> None:
        """A value result that shares its id with a region adds to that region."""
        _asset, media = self.resolve(r, self.item_id)
        value = VALUES[str(r["type"])](r, r["value"], media)
        control = str(r.get("from_name", r["type"]))
        if value.kind == "text":
            texts = [rng["text"] for rng in value.ranges]
            if part.text is None and part.kind != "span":
                part.text = "\n".join(texts)
            else:
                part.attrs[control] = texts
        elif value.kind == "tag":
            self._check_classes(r, value.classes)
            part.attrs[control] = value.classes
        else:
            part.attrs[control] = value.fields.get("number", value.text)

    def _check_classes(self, r: dict[str, Any], classes: list[str]) -> None:
        if self.config is None:
            return
        control = self.config.controls.get(str(r.get("from_name")))
        if control is None or not control.values:
            return
        for c in classes:
            parts = c.split("/") if r.get("type") == "taxonomy" else [c]
            missing = [p for p in parts if p not in control.values]
            if missing:
                offered = ", ".join(sorted(control.values)[:12])
                raise BadResult(
                    "class_not_in_config",
                    "class",
                    f"class {c!r} is not offered by control `{control.name}` of the labeling "
                    f"config (it offers: {offered}); fix the label or the config",
                )

    def _emit(
        self, key: str, j: int, r: dict[str, Any], asset_id: str | None, part: Partial
    ) -> None:
        ranges = part.ranges or [{}]
        classes: list[str | None] = list(part.classes) or [None]
        origin = (
            "model" if self.p.is_prediction else RESULT_ORIGIN.get(str(r.get("origin")), "human")
        )
        score = r.get("score")
        common = {
            **part.fields,
            "annotation_id": self.annotation_id,
            "item_id": self.item_id,
            "asset_id": asset_id,
            "kind": part.kind,
            "text": part.text,
            "score": float(score)
            if isinstance(score, int | float) and score is not True and score is not False
            else None,
            "origin": origin,
            "attributes": attrs({"control": r.get("from_name"), **part.attrs}),
            "source_ref": self.src.ref(self._pointer(j, r)),
        }
        ids = self.labels.setdefault(key, [])
        many_ranges, many_classes = len(ranges) > 1, len(classes) > 1
        for i, rng in enumerate(ranges):
            for cls in classes:
                if many_ranges or many_classes:
                    parts: list[Any] = [self.annotation_id, key]
                    if many_ranges:
                        parts.append(i)
                    if many_classes:
                        parts.append(cls)
                    label_id = make_id("labels", *parts)
                else:
                    label_id = make_id("labels", self.annotation_id, key)
                ids.append(label_id)
                row = {**common, **rng, "label_id": label_id, "class": cls}
                self.sink.add("labels", row)

    def _pointer(self, j: int, r: Any) -> str:
        """Where result ``j`` is in the file (JSON-MIN results say so themselves)."""
        if isinstance(r, dict) and isinstance(r.get(REF_KEY), str):
            return str(r[REF_KEY])
        return f"{self.p.pointer}/result/{j}"

    def _reject_result(self, j: int, e: BadResult, r: Any) -> None:
        self.sink.quarantine(
            "labels",
            self.src.ref(self._pointer(j, r)),
            e.reason_code,
            e.message,
            field=e.field,
            excerpt=r,
        )

    # -- links --------------------------------------------------------------------------------
    def _relation(self, j: int, r: dict[str, Any]) -> None:
        pointer = self._pointer(j, r)
        direction = r.get("direction", "right")
        if direction not in DIRECTIONS:
            self.sink.quarantine(
                "links",
                self.src.ref(pointer),
                "bad_enum",
                f"relation direction {direction!r} is not right, left or bi",
                field="direction",
                excerpt=r,
            )
            return
        try:
            names = string_list(r, "labels") or ["related"]
        except BadResult as e:
            self.sink.quarantine(
                "links", self.src.ref(pointer), e.reason_code, e.message, field="labels", excerpt=r
            )
            return
        start, end = str(r.get("from_id")), str(r.get("to_id"))
        if direction == "left":
            start, end = end, start
        for name in names:
            self._link(start, end, name, DIRECTIONS[direction], pointer, r, "from_id")

    def _link(
        self,
        start: str,
        end: str,
        relation: str,
        direction: str,
        pointer: str,
        raw: dict[str, Any],
        field: str,
    ) -> None:
        ref = self.src.ref(pointer)
        for region in (start, end):
            if region not in self.labels:
                why = (
                    f"was quarantined ({self.dropped[region]})"
                    if region in self.dropped
                    else "does not exist in this annotation"
                )
                self.sink.quarantine(
                    "links",
                    ref,
                    "dangling_relation",
                    f"relation {relation!r} refers to region {region!r}, which {why}; "
                    "re-export with all regions, or fix the region first",
                    field=field,
                    excerpt=raw or None,
                )
                return
        from_id, to_id = self.labels[start][0], self.labels[end][0]
        self.sink.add(
            "links",
            {
                "link_id": make_id("links", self.annotation_id, from_id, to_id, relation),
                "item_id": self.item_id,
                "annotation_id": self.annotation_id,
                "from_label_id": from_id,
                "to_label_id": to_id,
                "relation": relation,
                "direction": direction,
                "attributes": attrs({"ls_direction": raw.get("direction")}),
                "source_ref": ref,
            },
        )
