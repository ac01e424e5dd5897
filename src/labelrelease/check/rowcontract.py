"""The row contract layer of ``check``: the pandera schemas generated from the contract, run on
Arrow batches streamed from DuckDB; failures counted per table, kind and field."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from labelrelease.contract.model import Contract
from labelrelease.contract.rows import GOVERNED_TABLES, rule_failures
from labelrelease.model.schema import primary_key
from labelrelease.model.sql import ident

GROUP = {"labels": "kind", "assets": "modality", "annotations": "origin"}
"""The column a table's failures are counted by (its *kind*)."""


def check_rows(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    batch_size: int,
    advance: Callable[[int], None] = lambda _n: None,
) -> dict[str, Any]:
    """Validate the governed tables batch by batch; failing rows go to ``fails``; return
    rows checked, rows failing and failures per ``table/kind/field/reason``."""
    checked, failing_rows = 0, 0
    counts: Counter[str] = Counter()
    for table in GOVERNED_TABLES:
        pk = primary_key(table)
        bad_rows: list[tuple[str, pa.Table]] = []
        reader = con.sql(f"SELECT * FROM {ident(table)}").to_arrow_reader(batch_size)
        for record_batch in reader:
            batch = pa.Table.from_batches([record_batch])
            checked += batch.num_rows
            failures = rule_failures(table, batch, contract, accept_legacy=False)
            any_bad = np.zeros(batch.num_rows, dtype=bool)
            group = batch.column(GROUP[table]).to_numpy(zero_copy_only=False)
            for rule, passes in failures:
                bad = ~np.asarray(passes, dtype=bool)
                any_bad |= bad
                for value, n in Counter(group[bad].tolist()).items():
                    counts[f"{table}/{value}/{rule.field}/{rule.reason_code}"] += n
                rows = batch.filter(pa.array(bad)).select([pk, "source_ref"])
                bad_rows.append((rule.name, rows))
            failing_rows += int(any_bad.sum())
            advance(batch.num_rows)
        # the reader must be drained before the connection runs another statement
        for name, rows in bad_rows:
            _record(con, table, name, rows.column(0), rows.column(1))
    return {"rows": checked, "failing_rows": failing_rows, "by_field": dict(sorted(counts.items()))}


def _record(con: duckdb.DuckDBPyConnection, table: str, rule: str, ids: Any, refs: Any) -> None:
    arrow = pa.table({"record_id": ids, "source_ref": refs})
    con.register("lr_bad", arrow)
    con.execute(
        "INSERT INTO fails SELECT $rule, 'row_contract', 'schema', $table, record_id, "
        "source_ref, NULL FROM lr_bad",
        {"rule": "row_contract:" + rule, "table": table},
    )
    con.unregister("lr_bad")
