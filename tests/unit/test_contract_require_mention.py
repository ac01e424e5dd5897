"""``text_policy.invented_objects.require_mention``: loaded from the contract, mistakes named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from labelrelease.contract import load_contract
from labelrelease.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "pipelines" / "contract.yaml"


def _data() -> dict[str, Any]:
    loaded = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return copy.deepcopy(loaded)


def _load(tmp_path: Path, data: dict[str, Any]) -> Any:
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_contract(path)


def test_real_contract_requires_animals_to_be_mentioned() -> None:
    invented = load_contract(CONTRACT).text_policy.invented_objects
    assert invented is not None and invented.require_mention == ("Animal",)


def test_absent_means_no_class(tmp_path: Path) -> None:
    data = _data()
    del data["text_policy"]["invented_objects"]["require_mention"]
    invented = _load(tmp_path, data).text_policy.invented_objects
    assert invented is not None and invented.require_mention == ()


def test_unknown_class_names_the_key(tmp_path: Path) -> None:
    data = _data()
    data["text_policy"]["invented_objects"]["require_mention"] = ["Animal", "Unicorn"]
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, data)
    assert "text_policy.invented_objects.require_mention[1]" in str(caught.value)
    assert "Unicorn" in str(caught.value)


def test_a_class_no_caption_can_name_is_refused(tmp_path: Path) -> None:
    data = _data()
    # `Hello` has no synonym and no parent: no caption could ever mention it
    data["text_policy"]["invented_objects"]["require_mention"] = ["Hello"]
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, data)
    message = str(caught.value)
    assert "require_mention[0]" in message and "`Hello`" in message and "synonyms" in message


def test_a_class_below_without_synonyms_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["taxonomy"]["classes"]["Tabby"] = {"parent": "Cat", "kinds": ["box"]}
    data["taxonomy"]["classes"]["Hello"] = {"parent": "Cat"}
    invented = _load(tmp_path, data).text_policy.invented_objects  # Tabby: "cat" names it
    assert invented is not None and invented.require_mention == ("Animal",)
    data["taxonomy"]["classes"]["Cat"]["synonyms"] = []
    assert _load(tmp_path, data).text_policy.invented_objects is not None  # "animal" names it
    data["taxonomy"]["classes"]["Animal"]["synonyms"] = []
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, data)
    assert "class `Animal` (`Animal` or below it) has no synonym" in str(caught.value)
