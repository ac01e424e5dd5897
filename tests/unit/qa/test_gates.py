"""QA gates: one result per gate in the shape of check.json's gates (which `release` reads)."""

from __future__ import annotations

from labelrelease.qa.run import check_gates
from labelrelease.qa.settings import Gate

REPORT = {"disagreement": {"overall": {"class": 0.3, "presence": 0.1}}, "alpha": {"tags": 0.9}}


def test_gate_results_pass_fail_and_absent() -> None:
    results = check_gates(
        REPORT,
        (
            Gate("disagreement.overall.class", "max", 0.2),
            Gate("disagreement.overall.presence", "max", 0.2),
            Gate("alpha.tags", "min", 0.95),
            Gate("alpha.classes", "min", 0.5),
        ),
    )
    assert [(r["figure"], r["value"], r["threshold"], r["passed"]) for r in results] == [
        ("disagreement.overall.class", 0.3, 0.2, False),
        ("disagreement.overall.presence", 0.1, 0.2, True),
        ("alpha.tags", 0.9, 0.95, False),
        ("alpha.classes", None, 0.5, False),
    ]
    assert results[0]["message"] == "disagreement.overall.class = 0.3 > max 0.2"
    assert "not in the report" in results[3]["message"]


def test_release_reads_qa_gates() -> None:
    from labelrelease.release.inputs import gate_results

    results = check_gates(REPORT, (Gate("disagreement.overall.class", "max", 0.2),))
    report = {"gates": [{k: v for k, v in r.items() if k != "message"} for r in results]}
    (gate,) = gate_results(report, "qa")
    assert gate["figure"] == "disagreement.overall.class"
    assert gate["passed"] is False
