"""Golden rows for audio and video results of the real Label Studio fixtures: ``labels``
segments on Audio (seconds), a clip-level choice, a transcription TextArea whose value is a
plain string, ``timelinelabels`` frame ranges, and ``videorectangle`` tracks (one with a
negative height, quarantined)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.model.ids import make_id

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
FE = LS / "label-studio-frontend"
AUDIO = FE / "audio_regions" / "annotations" / "1.json"
AUDIO_CONFIG = FE / "audio_regions" / "config.xml"
PARAGRAPHS = FE / "audio_video_paragraphs" / "annotations" / "1.json"
PARAGRAPH_TASKS = FE / "audio_video_paragraphs" / "tasks.json"
PARAGRAPHS_CONFIG = FE / "audio_video_paragraphs" / "config.xml"
TRANSCRIBE = FE / "transcribe_audio" / "annotations" / "1.json"
TRANSCRIBE_CONFIG = FE / "transcribe_audio" / "config.xml"
VIDEO = FE / "video_bboxes" / "annotations" / "1.json"
VIDEO_CONFIG = FE / "video_bboxes" / "config.xml"
TIMELINE = LS / "label-studio-ml-backend" / "test_timeline_labels_1.json"

MP3 = "https://htx-misc.s3.amazonaws.com/opensource/label-studio/examples/audio/barradeen-emotional.mp3"


def approx6(value):
    return pytest.approx(value, abs=1e-6)


def test_audio_segments_and_clip_choice(pulled) -> None:
    p = pulled(AUDIO, AUDIO_CONFIG)
    (asset,) = p["assets"]
    assert (asset["name"], asset["modality"], asset["uri"]) == ("audio", "audio", MP3)
    assert p.attrs(asset) == {"data_key": "url"}
    beat = p.label("#/annotations/0/result/1")
    assert (beat["kind"], beat["class"]) == ("time_span", "Beat")
    assert beat["t_start"] == approx6(12.778410892095105)
    assert beat["t_end"] == approx6(28.50568583621215)
    for empty in ("char_start", "char_end", "frame_start", "frame_end", "x", "text"):
        assert beat[empty] is None, empty
    other = p.label("#/annotations/0/result/2")
    assert (other["kind"], other["class"]) == ("time_span", "Other")
    assert other["t_start"] == approx6(55.747572792986325)
    assert other["t_end"] == approx6(59.39854733358493)
    choice = p.label("#/annotations/0/result/0")
    assert (choice["kind"], choice["class"]) == ("tag", "Lo-Fi")
    assert choice["t_start"] is None
    assert p.attrs(choice) == {"control": "choice"}
    for label in (beat, other, choice):
        assert label["asset_id"] == asset["asset_id"]


def test_audio_segment_next_to_paragraphs(pulled) -> None:
    """The Audio object shows $video, which this task's data lacks: the segment is kept in
    seconds, attached to no asset."""
    p = pulled(PARAGRAPHS, PARAGRAPHS_CONFIG)
    seg = p.label("#/annotations/0/result/1")
    assert (seg["kind"], seg["class"]) == ("time_span", "Neutral")
    assert (seg["t_start"], seg["t_end"]) == (2.0, 4.0)
    assert seg["asset_id"] is None
    assert p.attrs(seg) == {"control": "audio_label"}


def test_task_list_with_synced_video_audio_and_paragraphs(pulled) -> None:
    p = pulled(PARAGRAPH_TASKS, PARAGRAPHS_CONFIG)
    assert p["annotations"] == [] and p["labels"] == []
    assets = {a["name"]: a for a in p["assets"]}
    assert set(assets) == {"video", "audio", "text"}
    url = "https://app.heartex.ai/static/samples/opossum_snow.mp4"
    assert (assets["video"]["modality"], assets["video"]["uri"]) == ("video", url)
    assert (assets["audio"]["modality"], assets["audio"]["uri"]) == ("audio", url)
    assert assets["text"]["modality"] == "text"
    assert p.attrs(assets["text"])["paragraphs"][1] == {
        "author": "Vincent Vega:",
        "start": 10.2,
        "duration": 3.1,
    }


def test_task_list_without_config_guesses_media_from_the_data(pulled) -> None:
    """Without a config, a data value shows its medium by itself: an .mp4 URI is a video, a
    list of {"text": ...} objects is a text made of paragraphs."""
    p = pulled(PARAGRAPH_TASKS)
    assets = {a["name"]: a for a in p["assets"]}
    assert set(assets) == {"video", "dialogue"}
    assert assets["video"]["modality"] == "video"
    assert assets["video"]["uri"] == "https://app.heartex.ai/static/samples/opossum_snow.mp4"
    assert (assets["dialogue"]["modality"], assets["dialogue"]["n_chars"]) == ("text", 304)
    assert assets["dialogue"]["uri"] is None


def test_transcription_textarea_with_a_plain_string(pulled) -> None:
    """value.text is "Mario" (not a list); to_name names the TextArea itself."""
    p = pulled(TRANSCRIBE, TRANSCRIBE_CONFIG)
    text = p.label("#/annotations/0/result/0")
    assert (text["kind"], text["text"], text["class"]) == ("text", "Mario", None)
    (asset,) = p["assets"]
    assert (asset["modality"], asset["uri"]) == ("audio", MP3)
    assert text["asset_id"] == asset["asset_id"]
    assert p.attrs(text) == {"control": "answer"}


def test_timeline_labels_one_frame_span_per_range(pulled) -> None:
    p = pulled(TIMELINE)
    car = p.label("#/annotation/result/0")
    ball = p.label("#/annotation/result/1")
    assert (car["kind"], car["class"], car["frame_start"], car["frame_end"]) == (
        "frame_span",
        "Car",
        1,
        10,
    )
    assert (ball["kind"], ball["class"], ball["frame_start"], ball["frame_end"]) == (
        "frame_span",
        "croquet_ball",
        5,
        15,
    )
    assert car["t_start"] is None and car["keyframes"] is None
    (asset,) = p["assets"]
    assert (asset["modality"], asset["uri"], asset["fps"]) == (
        "video",
        "tests/opossum_snow_short.mp4",
        25.0,  # framerate of the <Video> in the payload's project.label_config
    )
    (item,) = p["items"]
    assert item["item_id"] == make_id("items", "src-name", "427616")
    assert p.attrs(item) == {"task_id": 427616, "project": 42}
    (ann,) = p["annotations"]
    assert ann["annotation_id"] == make_id("annotations", item["item_id"], "annotation", "1478")
    assert ann["source_ref"].endswith("test_timeline_labels_1.json#/annotation")


def test_video_track_keyframes(pulled) -> None:
    """No original size on video results: keyframes stay in percent (and say so)."""
    p = pulled(VIDEO, VIDEO_CONFIG)
    car = p.label("#/annotations/0/result/0")
    assert (car["kind"], car["class"]) == ("track", "Car")
    assert (car["frame_start"], car["frame_end"]) == (1, 5)
    assert car["keyframes"] == [
        {
            "frame": 1,
            "time": approx6(0.041666666666666664),
            "x": approx6(38.266666666666666),
            "y": approx6(38.898756660746),
            "w": approx6(41.333333333333336),
            "h": approx6(22.202486678507995),
            "rotation": 0.0,
            "enabled": True,
        },
        {
            "frame": 5,
            "time": approx6(0.20833333333333334),
            "x": approx6(40.266666666666666),
            "y": approx6(49.898756660746),
            "w": approx6(41.333333333333336),
            "h": approx6(22.202486678507995),
            "rotation": 0.0,
            "enabled": False,
        },
    ]
    for empty in ("x", "y", "w", "h", "t_start"):
        assert car[empty] is None, empty
    assert p.attrs(car) == {"control": "box", "framesCount": 1009, "units": "percent"}
    assert car["asset_id"] is None  # the task has no data

    possum = p.label("#/annotations/0/result/2")
    assert possum["class"] == "Possum"
    assert len(possum["keyframes"]) == 44
    assert (possum["frame_start"], possum["frame_end"]) == (6, 69)
    first = possum["keyframes"][0]
    assert first["frame"] == 6
    assert first["rotation"] == approx6(-31.861138243953643)
    assert first["w"] == approx6(10.960969617939583)
    assert possum["keyframes"][-1]["y"] == approx6(74.39188952497942)


def test_video_track_with_negative_height_is_quarantined(pulled) -> None:
    p = pulled(VIDEO, VIDEO_CONFIG)
    assert p.rows("labels", "#/annotations/0/result/1") == []
    q = p.one("quarantine", "#/annotations/0/result/1")
    assert q["record_kind"] == "labels"
    assert q["reason_code"] == "negative_size"
    assert q["field"] == "sequence[0].height"
    assert "-15.972222222222221" in q["message"]
    assert '"id":"FstfiS1SLJ"' in q["excerpt"]


def test_video_track_gives_its_video_duration_and_fps(pulled) -> None:
    """The street-clip demo's tracks state ``duration`` 60 s and ``framesCount`` 1500: the
    video asset gets duration_s 60 and fps 25 (the config's ``framerate`` is 25 too)."""
    demo = Path(__file__).resolve().parents[3] / "data" / "raw" / "street-clip"
    got = pulled(demo / "boxes.json", demo / "label_config.xml")
    (asset,) = got["assets"]
    assert (asset["name"], asset["modality"]) == ("video", "video")
    assert asset["duration_s"] == 60.0 and asset["fps"] == 25.0
    tracks = sorted((lb["class"], lb["frame_start"], lb["frame_end"]) for lb in got["labels"])
    assert tracks == [("Car", 300, 1500), ("Car", 300, 1500), ("Person", 1, 900)]
