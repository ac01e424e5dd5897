"""Importing a benchmark script by its path, under a name of the caller's choosing.

``benchmarks/`` is not a package, and two of its scripts are called ``run.py``
(``run.py`` and ``e2e/run.py``): a plain ``import run`` would find whichever folder comes
first on ``sys.path``. A script that needs the other one loads it by path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_file(name: str, path: Path) -> ModuleType:
    """The module in ``path``, executed and registered in ``sys.modules`` as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
