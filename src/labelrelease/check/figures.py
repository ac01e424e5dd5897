"""The check figures (the DVC metrics) and the gates on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labelrelease.errors import ConfigError, UsageError

FIGURES = (
    "schema_error_rate",
    "integrity_failures",
    "cross_modal_integrity_failures",
    "visual_language_contradictions",
    "text_policy_violation_rate",
    "review_policy_violations",
    "distribution_failures",
)
"""Every figure ``check`` reports; a gate may bound any of them."""

SUITE_FIGURE = {
    "integrity": "integrity_failures",
    "cross_modal": "cross_modal_integrity_failures",
    "visual_language": "visual_language_contradictions",
    "text_policy": "text_policy_violation_rate",
    "review_policy": "review_policy_violations",
    "distribution": "distribution_failures",
}
"""The figure each expectation's ``meta.figure`` adds to."""


@dataclass(frozen=True)
class Override:
    """A gate a release manager let pass, and why."""

    figure: str
    reason: str


def parse_gates(gates: Any, where: str) -> dict[str, float]:
    """``check.gates`` of params.yaml: figure name → highest value that passes."""
    if gates is None:
        return {}
    if not isinstance(gates, dict):
        raise ConfigError("must map figure names to thresholds", path=where, key="check.gates")
    out = {}
    for name, value in gates.items():
        if name not in FIGURES:
            raise ConfigError(
                f"unknown figure; gates may bound: {', '.join(FIGURES)}",
                path=where,
                key=f"check.gates.{name}",
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError("must be a number >= 0", path=where, key=f"check.gates.{name}")
        out[name] = float(value)
    return out


def parse_overrides(allow: list[str], reasons: list[str]) -> list[Override]:
    """``--allow FIGURE --reason TEXT`` pairs, in the order given."""
    if len(allow) != len(reasons):
        raise UsageError("give one --reason TEXT for each --allow FIGURE")
    out = []
    for figure, reason in zip(allow, reasons, strict=True):
        if figure not in FIGURES:
            raise UsageError(f"--allow {figure}: unknown figure; use one of {', '.join(FIGURES)}")
        if not reason.strip():
            raise UsageError(f"--allow {figure}: the --reason must say why")
        out.append(Override(figure, reason.strip()))
    return out


def evaluate_gates(
    figures: dict[str, float], gates: dict[str, float], overrides: list[Override]
) -> list[dict[str, Any]]:
    """One result per gate: figure, threshold, value, passed, overridden (with its reason)."""
    allowed = {o.figure: o.reason for o in overrides}
    results = []
    for name, threshold in gates.items():
        value = figures.get(name, 0.0)
        passed = value <= threshold
        results.append(
            {
                "figure": name,
                "threshold": threshold,
                "value": value,
                "passed": passed,
                "overridden": (not passed) and name in allowed,
                "reason": allowed.get(name) if not passed else None,
            }
        )
    return results
