"""Global CLI options shared by all commands."""

from dataclasses import dataclass


@dataclass
class State:
    debug: bool = False


STATE = State()
