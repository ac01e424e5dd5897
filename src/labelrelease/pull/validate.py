"""The task contract as the pull stage uses it: which contract, and the batch validator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from labelrelease.contract.load import default_contract, load_contract
from labelrelease.contract.model import Contract
from labelrelease.model.assemble import Validator

DEFAULT_CONTRACT = Path("pipelines/contract.yaml")


def find_contract(explicit: Path | None, from_params: str | None) -> Contract:
    """The contract named on the command line, else in params, else the project's, else the
    permissive built-in one."""
    if explicit is not None:
        return load_contract(explicit)
    if from_params:
        return load_contract(Path(from_params))
    if DEFAULT_CONTRACT.exists():
        return load_contract(DEFAULT_CONTRACT)
    return default_contract()


def contract_validator(contract: Contract) -> Validator:
    """A sink validator that checks each batch against ``contract``."""
    from labelrelease.contract.rows import validate_table

    def validate(table: str, batch: pa.Table) -> tuple[pa.Table, list[dict[str, Any]]]:
        return validate_table(table, batch, contract)

    return validate
