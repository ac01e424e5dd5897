"""The DuckDB connection a check runs on: the canonical tables as views and the contract as
small tables and variables that the suites' SQL reads (never formatted into SQL text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from labelrelease.contract.model import Contract
from labelrelease.errors import InputError
from labelrelease.model import duck
from labelrelease.model.schema import RECORD_KINDS

NEVER = "[^\\s\\S]"
"""A regular expression that matches nothing."""

LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "en": ("Latin",), "de": ("Latin",), "fr": ("Latin",), "es": ("Latin",), "it": ("Latin",),
    "pt": ("Latin",), "nl": ("Latin",), "pl": ("Latin",), "ru": ("Cyrillic",),
    "uk": ("Cyrillic",), "el": ("Greek",), "ja": ("Han", "Hiragana", "Katakana"),
    "zh": ("Han",), "ko": ("Hangul", "Han"), "ar": ("Arabic",), "he": ("Hebrew",),
    "hi": ("Devanagari",),
}  # fmt: skip
"""Letters' scripts a text in a language may use (digits and punctuation are Common)."""

DETECTED_SCRIPTS = ("Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul",
                    "Arabic", "Hebrew", "Devanagari")  # fmt: skip


@dataclass(frozen=True)
class DuckDBSettings:
    memory_limit: str = "2GB"
    threads: int = 2
    temp_directory: str | None = None


def connect(
    tables: Path, contract: Contract, settings: DuckDBSettings
) -> duckdb.DuckDBPyConnection:
    """A connection with the five canonical tables of ``tables`` and the contract loaded."""
    con = duck.connect(
        None,
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        temp_directory=settings.temp_directory or None,
    )
    for name in RECORD_KINDS:
        path = tables / f"{name}.parquet"
        if not path.is_file():
            raise InputError(
                f"{name}.parquet not found; run the stage that writes the canonical tables "
                "(pull, then migrate) or give --in DIR",
                path=str(tables),
            )
        con.read_parquet(str(path)).to_view(name)
    _contract_tables(con, contract)
    _contract_variables(con, contract)
    return con


def _table(con: duckdb.DuckDBPyConnection, name: str, data: dict[str, list[object]]) -> None:
    arrow = pa.table(data)
    con.from_arrow(arrow).create(name)


def _contract_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    tax = contract.taxonomy
    parents = {c.name: c.parent for c in tax.classes}
    pairs: list[tuple[str, str]] = []
    for name in parents:
        node: str | None = name
        while node is not None:
            pairs.append((name, node))
            node = parents.get(node)
    _table(con, "contract_class_ancestors",
           {"class": [p[0] for p in pairs], "ancestor": [p[1] for p in pairs]})  # fmt: skip
    words = [(s.casefold(), c.name) for c in tax.classes for s in c.synonyms]
    _table(con, "contract_synonyms",
           {"word": pa.array([w for w, _ in words], pa.string()),
            "class": pa.array([c for _, c in words], pa.string())})  # fmt: skip
    policy = contract.text_policy
    _table(con, "contract_text_lengths", {
        "text_class": pa.array([x.text_class for x in policy.lengths], pa.string()),
        "min_len": pa.array([x.min for x in policy.lengths], pa.int64()),
        "max_len": pa.array([x.max for x in policy.lengths], pa.int64()),
    })  # fmt: skip
    _table(con, "contract_languages", {"language": pa.array(policy.languages, pa.string())})
    langs = [(lang, s) for lang, scripts in LANGUAGE_SCRIPTS.items() for s in scripts]
    _table(con, "language_scripts", {"language": [x[0] for x in langs],
                                     "script": [x[1] for x in langs]})  # fmt: skip
    _table(con, "contract_approvers",
           {"approver": pa.array(contract.review_policy.approvers, pa.string())})  # fmt: skip
    invented = policy.invented_objects
    _table(
        con,
        "contract_require_mention",
        {"class": pa.array(invented.require_mention if invented else (), pa.string())},
    )
    _table(
        con,
        "contract_invented",
        {"text_class": pa.array(invented.text_classes if invented else (), pa.string())},
    )
    _table(
        con,
        "contract_region_kinds",
        {"kind": pa.array(invented.region_kinds if invented else (), pa.string())},
    )


def _contract_variables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    policy = contract.text_policy
    scripts = "".join(f"\\p{{{s}}}" for s in policy.scripts)
    outside = f"[^{scripts}]" if scripts else NEVER
    terms = "|".join(re.escape(t.casefold()) for t in policy.banned_terms)
    banned = f"(^|[^\\pL\\pN_])({terms})($|[^\\pL\\pN_])" if terms else NEVER
    re2: list[str] = []
    python: list[str] = []
    for pattern in policy.banned_patterns:
        (re2 if _re2_ok(con, pattern.pattern) else python).append(pattern.pattern)
    variables = {
        "lr_outside_scripts": outside,
        "lr_banned_terms": banned,
        "lr_banned_patterns": "|".join(f"(?:{p})" for p in re2) if re2 else NEVER,
        "lr_empty_is_null": policy.empty_is_null,
        "lr_cross_item": contract.cross_modal.cross_item,
        "lr_auto_accept": contract.review_policy.auto_accept_model_labels,
    }
    for name, value in variables.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])
    compiled = [re.compile(p) for p in python]

    def banned_python(texts: pa.Array) -> pa.Array:
        return pa.array(
            [t is not None and any(c.search(t) for c in compiled) for t in texts.to_pylist()],
            pa.bool_(),
        )

    con.create_function(  # type: ignore[call-overload]
        "lr_banned_python", banned_python, ["VARCHAR"], "BOOLEAN", type="arrow",
        side_effects=False,
    )  # fmt: skip


def _re2_ok(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    """Whether DuckDB's RE2 compiles ``pattern`` (no backreferences, no lookaround)."""
    try:
        con.execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error:
        return False
    return True
