"""The pull stage: annotation-tool exports → canonical tables."""

from labelrelease.pull.run import PullInput, PullResult, pull

__all__ = ["PullInput", "PullResult", "pull"]
