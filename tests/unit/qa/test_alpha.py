"""Nominal alpha in SQL equals the krippendorff package's on random data."""

from __future__ import annotations

import duckdb
import krippendorff
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelrelease.qa.alpha import CLASSES_SQL, nominal_alpha, pair_alpha


@settings(max_examples=40, deadline=None)
@given(
    coders=st.integers(2, 4),
    units=st.integers(2, 12),
    values=st.integers(2, 4),
    seed=st.integers(0, 2**31),
)
def test_alpha_equals_krippendorff(coders: int, units: int, values: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, values, size=(coders, units)).astype(float)
    data[rng.random(size=data.shape) < 0.2] = np.nan  # missing values
    rows = [
        (f"u{u}", f"c{c}", str(int(data[c, u])))
        for c in range(coders)
        for u in range(units)
        if not np.isnan(data[c, u])
    ]
    con = duckdb.connect()
    table = pa.table(
        {"unit": [r[0] for r in rows], "coder": [r[1] for r in rows], "value": [r[2] for r in rows]}
    )
    con.register("t", table)
    con.execute("CREATE TABLE alpha_input AS SELECT * FROM t")
    ours = nominal_alpha(con, "alpha_input")
    try:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # the package refuses data with one value only
        theirs = None
    if ours is None or theirs is None or np.isnan(theirs):
        assert ours is None or theirs is None or np.isnan(theirs)
        return
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    units=st.integers(1, 15),
    values=st.integers(1, 4),
    seed=st.integers(0, 2**31),
)
def test_class_alpha_of_matched_pairs_equals_krippendorff(
    units: int, values: int, seed: int
) -> None:
    # the classes' alpha is computed from the matched pairs in one aggregate (two coders,
    # "first" and "second" pass, per unit); it must be the package's alpha on the same data
    rng = np.random.default_rng(seed)
    data = rng.integers(0, values, size=(2, units)).astype(float)
    data[rng.random(size=data.shape) < 0.2] = np.nan  # a label without a class
    classes = [None if np.isnan(v) else f"class{int(v)}" for v in data.ravel()]
    con = duckdb.connect()
    con.register(
        "m", pa.table({"kind": ["box"] * units, "c1": classes[:units], "c2": classes[units:]})
    )
    con.execute("CREATE TABLE matches AS SELECT * FROM m")
    ((n, differ, sum_sq),) = con.execute(CLASSES_SQL).fetchall()
    ours = pair_alpha(int(n), int(differ or 0), float(sum_sq or 0))
    try:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # the package refuses data with one value only
        theirs = None
    if theirs is None or np.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)
