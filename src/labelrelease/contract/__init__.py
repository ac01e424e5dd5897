"""The task contract (``pipelines/contract.yaml``) and the row contract generated from it."""

from labelrelease.contract.checks import REASON_CODES
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
from labelrelease.contract.rows import (
    GOVERNED_TABLES,
    annotation_schema,
    asset_schema,
    label_schema,
    to_frame,
    validate_table,
)

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
