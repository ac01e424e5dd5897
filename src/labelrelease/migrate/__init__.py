"""Guideline migrations: a chain of declarative (or SQL) changes applied to the canonical
tables, with every changed cell in ``changes`` and every label that needs work in ``relabel``.

Reference: docs/migrations.md.
"""

from labelrelease.migrate.chain import Chain, load_chain, order_chain
from labelrelease.migrate.new import new_migration
from labelrelease.migrate.releases import Applied, applied_migrations, verify_checksums
from labelrelease.migrate.run import MigrateSettings, migrate
from labelrelease.migrate.spec import Migration, Operation, load_migration
from labelrelease.migrate.validate import validate_chain

__all__ = [
    "Applied",
    "Chain",
    "MigrateSettings",
    "Migration",
    "Operation",
    "applied_migrations",
    "load_chain",
    "load_migration",
    "migrate",
    "new_migration",
    "order_chain",
    "validate_chain",
    "verify_checksums",
]
