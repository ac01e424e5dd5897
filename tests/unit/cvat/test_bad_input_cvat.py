"""Bad CVAT input: unsafe XML is refused, broken files and shapes are quarantined with a reason,
and the counts add up (checked by ``pull_files`` for every pull)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.importing import ASSETS, Tables, pull_files

TASK = (ASSETS / "cvat" / "for_images" / "export_task" / "train.xml").read_text()
VIDEO = (ASSETS / "cvat" / "for_video" / "annotations.xml").read_text()

BOMB = """<?xml version="1.0"?>
<!DOCTYPE annotations [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<annotations><version>1.1</version>
  <image id="0" name="&d;.jpg" width="8" height="8"><tag label="x"/></image>
</annotations>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE annotations [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<annotations><version>1.1</version>
  <image id="0" name="a.jpg" width="8" height="8"><tag label="&secret;"/></image>
</annotations>
"""


def pull_text(tmp_path: Path, text: str | bytes, name: str = "annotations.xml") -> Tables:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return pull_files([path], "cvat", tmp_path / "out")


def test_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    t = pull_text(tmp_path, BOMB)
    assert t.reasons() == {"unsafe_xml": 1}
    assert t.counts["files"]["quarantined"] == 1 and t["items"] == []
    assert "aaaa" not in t["quarantine"][0]["message"]


def test_external_entity_is_refused(tmp_path: Path) -> None:
    t = pull_text(tmp_path, XXE)
    assert t.reasons() == {"unsafe_xml": 1}
    assert t["labels"] == []


def test_truncated_file(tmp_path: Path) -> None:
    t = pull_text(tmp_path, TASK[: len(TASK) * 3 // 4])
    assert t.reasons() == {"invalid_xml": 1}
    assert "line" in t["quarantine"][0]["message"]
    assert t["items"] == [] and t["labels"] == []  # nothing half-taken


def test_wrong_encoding(tmp_path: Path) -> None:
    latin1 = TASK.replace('name="img0.jpg"', 'name="imgé.jpg"').encode("latin-1")
    t = pull_text(tmp_path, latin1)
    assert t.reasons() == {"bad_encoding": 1}


def test_missing_attribute_outside_and_dangling_label(tmp_path: Path) -> None:
    text = (
        TASK.replace('xbr="4" xtl="0"', 'xbr="4"')  # box without xtl
        .replace('points="1,2;3,4;6,5"', 'points="1,2;3,4;16,5"')  # image is 10 wide
        .replace('<points label="label2"', '<points label="label9"')
    )
    t = pull_text(tmp_path, text)
    got = {(r["source_ref"].split("#")[1], r["reason_code"], r["field"]) for r in t["quarantine"]}
    assert got == {
        ("/image/0/0", "missing_field", "xtl"),
        ("/image/1/0", "outside_image", None),
        ("/image/1/1", "dangling_label", "label"),
    }
    assert len(t["labels"]) == 1  # the polyline
    assert t.counts["labels"]["in"] == 4


def test_image_without_name_quarantines_its_shapes(tmp_path: Path) -> None:
    t = pull_text(tmp_path, TASK.replace(' name="img1.jpg"', ""))
    assert t.reasons() == {"missing_field": 1, "dangling_image": 2}
    assert t.counts["items"]["taken"] == 1 and t.counts["labels"]["quarantined"] == 2


def test_frame_outside_the_task(tmp_path: Path) -> None:
    # step=3 from frame 10: frame 11 is not a frame of the task; frame 22 is past stop_frame
    text = VIDEO.replace('<box frame="13"', '<box frame="11"').replace(
        '<polyline frame="16"', '<polyline frame="22"'
    )
    t = pull_text(tmp_path, text)
    off = [r for r in t["quarantine"] if r["reason_code"] == "frame_outside_task"]
    assert sorted(r["source_ref"].split("#")[1] for r in off) == ["/track/0", "/track/2"]
    assert "step 3" in off[0]["message"]
