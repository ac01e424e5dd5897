"""The canonical data model: Arrow schemas, deterministic IDs and table writing."""

from labelrelease.model.schema import KINDS, MODALITIES, SCHEMAS, TABLES, primary_key

__all__ = ["KINDS", "MODALITIES", "SCHEMAS", "TABLES", "primary_key"]
