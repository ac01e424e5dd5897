"""The ``check`` stage: the row contract and the dataset expectations over canonical tables."""

from labelrelease.check.figures import FIGURES
from labelrelease.check.run import CheckResult, run_check

__all__ = ["FIGURES", "CheckResult", "run_check"]
