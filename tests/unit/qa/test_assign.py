"""The assignment of candidate matches: SQL shortcuts give exactly the solver's matches."""

from __future__ import annotations

import itertools
import random

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from scipy.optimize import linear_sum_assignment

from labelrelease.qa.match import assign, solve_conflicts

COLS = ["an1", "an2", "asset_id", "kind", "l1", "l2", "sim"]


@pytest.mark.parametrize(("rows", "cols"), list(itertools.product(range(1, 8), repeat=2)))
def test_solver_on_equal_similarities_pairs_in_order(rows: int, cols: int) -> None:
    # the SQL shortcut for a full matrix of equal similarities relies on this
    r, c = linear_sum_assignment(np.full((rows, cols), 0.7), maximize=True)
    n = min(rows, cols)
    assert list(r) == list(range(n)) and list(c) == list(range(n))


def _random_cand(seed: int) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for g in range(60):
        an1, an2, kind = g % 7, 10 + g % 5, rng.choice(["box", "span", "tag"])
        n1, n2 = rng.randint(1, 4), rng.randint(1, 4)
        uniform = rng.random() < 0.5
        full = uniform or rng.random() < 0.3
        value = rng.choice([0.5, 1.0, 0.8])
        for i, j in itertools.product(range(n1), range(n2)):
            if full or rng.random() < 0.5:
                sim = value if uniform else rng.choice([0.5, 0.6, 0.9, 1.0])
                # label ids out of order, so "in label order" is tested, not insertion order
                l1, l2 = f"p{g}-{(i * 7) % 5}", f"q{g}-{(j * 3) % 5}"
                rows.append((an1, an2, f"x{g}", kind, l1, l2, sim))
    return pa.table(list(zip(*rows, strict=True)), names=COLS)


def _reference(cand: pa.Table) -> set[tuple[object, ...]]:
    """Every group with a conflict through the solver; the rest matched outright."""
    con = duckdb.connect()
    con.register("c", cand)
    counted = (
        "SELECT *, count(*) OVER (PARTITION BY an1, an2, l1) AS n1, "
        "count(*) OVER (PARTITION BY an1, an2, l2) AS n2 FROM c"
    )
    names = ", ".join(COLS)
    trivial = con.execute(f"SELECT {names} FROM ({counted}) WHERE n1 = 1 AND n2 = 1").fetchall()
    conflicts = con.sql(
        f"SELECT {', '.join(COLS)} FROM ({counted}) WHERE n1 > 1 OR n2 > 1 "
        "ORDER BY an1, an2, asset_id, kind"
    ).to_arrow_table()
    solved, _ = solve_conflicts(conflicts)
    return set(trivial) | set(zip(*[solved.column(n).to_pylist() for n in COLS], strict=True))


@pytest.mark.parametrize("seed", range(8))
def test_assign_equals_solver_everywhere(seed: int) -> None:
    cand = _random_cand(seed)
    con = duckdb.connect()
    con.register("cand_in", cand)
    # the attributes matches carry for the units (not used by the assignment)
    con.execute(
        "CREATE TABLE cand AS SELECT *, NULL::VARCHAR AS c1, NULL::VARCHAR AS c2, "
        "NULL::VARCHAR AS t1, NULL::VARCHAR AS t2, NULL::VARCHAR AS modality FROM cand_in"
    )
    groups = assign(con)
    got = set(con.execute(f"SELECT {', '.join(COLS)} FROM matches").fetchall())
    assert got == _reference(cand)
    assert groups > 0


def _per_group_solver(cand: pa.Table) -> set[tuple[object, ...]]:
    """The plain reference: every group through the solver, labels numbered by np.unique."""
    rows = list(zip(*[cand.column(n).to_pylist() for n in COLS], strict=True))
    groups: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
    for row in rows:
        groups.setdefault(row[:4], []).append(row)
    chosen = set()
    for members in groups.values():
        u1, i1 = np.unique([r[4] for r in members], return_inverse=True)
        u2, i2 = np.unique([r[5] for r in members], return_inverse=True)
        matrix = np.zeros((len(u1), len(u2)))
        matrix[i1, i2] = [r[6] for r in members]
        r, c = linear_sum_assignment(matrix, maximize=True)
        picked = set(zip(r.tolist(), c.tolist(), strict=True))
        chosen |= {m for m, a, b in zip(members, i1, i2, strict=True) if (a, b) in picked}
    return chosen


@pytest.mark.parametrize("seed", range(12))
def test_solve_conflicts_equals_the_solver_per_group_stars_and_ties(seed: int) -> None:
    # many ties (4 similarity values) and many stars (one label on one side), label ids out
    # of order: the star shortcut and the label numbering must give the solver's choice
    rng = random.Random(seed)
    rows = []
    for g in range(300):
        n1 = 1 if g % 3 == 0 else rng.randint(1, 4)
        n2 = 1 if g % 3 == 1 else rng.randint(1, 4)
        for i, j in itertools.product(range(n1), range(n2)):
            if rng.random() < 0.8 or (i == 0 and j == 0):
                l1, l2 = f"p{g}-{(i * 7) % 5}", f"q{g}-{(j * 3) % 5}"
                sim = rng.choice([0.5, 0.6, 0.9, 1.0])
                rows.append((g // 50, 100 + g % 7, f"x{g % 11}", "box", l1, l2, sim))
    rows.sort(key=lambda r: r[:4])
    cand = pa.table(list(zip(*rows, strict=True)), names=COLS)
    solved, groups = solve_conflicts(cand)
    got = set(zip(*[solved.column(n).to_pylist() for n in COLS], strict=True))
    assert got == _per_group_solver(cand)
    assert groups == len({r[:4] for r in rows})
