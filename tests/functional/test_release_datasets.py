"""A bundle loads with Hugging Face `datasets` (its Parquet builder): every table of a second
release (so changes.parquet has rows; `datasets` refuses a split of no rows, such as a first
release's empty changes) has the bundle's rows and columns, values equal to pyarrow's, and the
stable split column makes the train/val/test splits."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.functional.conftest import cli
from tests.functional.release_project import make_project, second_state

datasets = pytest.importorskip("datasets")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hf") / "p", labels=400)
    done = cli("release", cwd=root)
    assert done.returncode == 0, done.stderr
    second_state(root)
    done = cli("release", "--version", "2.0.0", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "data" / "releases" / "2.0.0"


@pytest.mark.parametrize("table", ["items", "assets", "annotations", "labels", "links", "changes"])
def test_each_table_loads_with_datasets(bundle: Path, table: str, tmp_path: Path) -> None:
    path = bundle / f"{table}.parquet"
    loaded = datasets.load_dataset(
        "parquet", data_files={"rows": str(path)}, cache_dir=str(tmp_path / "cache")
    )["rows"]
    expected = pq.read_table(path)
    assert loaded.num_rows == expected.num_rows
    assert loaded.column_names == expected.schema.names
    assert expected.num_rows > 0
    for column in expected.schema.names[:3]:
        assert loaded[column] == expected.column(column).to_pylist()


def test_splits_from_the_split_column(bundle: Path, tmp_path: Path) -> None:
    items = datasets.load_dataset(
        "parquet", data_files=str(bundle / "items.parquet"), cache_dir=str(tmp_path / "c")
    )["train"]
    splits = {name: items.filter(lambda row, n=name: row["split"] == n)
              for name in ("train", "val", "test")}  # fmt: skip
    assert sum(s.num_rows for s in splits.values()) == items.num_rows
    assert splits["train"].num_rows > splits["val"].num_rows > 0
    labels = pq.read_table(bundle / "labels.parquet", columns=["item_id"])
    labelled = datasets.load_dataset(
        "parquet", data_files=str(bundle / "labels.parquet"), cache_dir=str(tmp_path / "c")
    )["train"]
    assert sorted(labelled["item_id"]) == sorted(labels.column("item_id").to_pylist())
