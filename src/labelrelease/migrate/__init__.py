"""Guideline migrations: a chain of declarative (or SQL) changes applied to the canonical
tables, with every changed cell recorded and every label that needs human work queued."""

from labelrelease.migrate.chain import Chain, load_chain
from labelrelease.migrate.run import MigrateResult, migrate

__all__ = ["Chain", "MigrateResult", "load_chain", "migrate"]
