"""The task contract (``pipelines/contract.yaml``) and the row contract generated from it.

The row contract (pandera, pandas) is imported on first use, so that loading a contract, or
asking the CLI for help, does not pay for them.
"""

from typing import Any

from labelrelease.contract.load import (
    CONTRACT_PATH,
    contract_from_data,
    default_contract,
    load_contract,
    parse_contract,
)
from labelrelease.contract.model import (
    Bound,
    ClassDef,
    Contract,
    CrossModal,
    InventedObjects,
    KindRule,
    ModalityRule,
    RangeRule,
    Relation,
    ReviewPolicy,
    Taxonomy,
    TextLength,
    TextPolicy,
)

_LAZY = {
    "REASON_CODES": "labelrelease.contract.checks",
    "GOVERNED_TABLES": "labelrelease.contract.rows",
    "annotation_schema": "labelrelease.contract.rows",
    "asset_schema": "labelrelease.contract.rows",
    "label_schema": "labelrelease.contract.rows",
    "to_frame": "labelrelease.contract.rows",
    "validate_table": "labelrelease.contract.rows",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONTRACT_PATH",
    "GOVERNED_TABLES",
    "REASON_CODES",
    "Bound",
    "ClassDef",
    "Contract",
    "CrossModal",
    "InventedObjects",
    "KindRule",
    "ModalityRule",
    "RangeRule",
    "Relation",
    "ReviewPolicy",
    "Taxonomy",
    "TextLength",
    "TextPolicy",
    "annotation_schema",
    "asset_schema",
    "contract_from_data",
    "default_contract",
    "label_schema",
    "load_contract",
    "parse_contract",
    "to_frame",
    "validate_table",
]
