"""Heavy modules imported on first use: ``from factcheck.lazy import numpy as np``.

Every web process imports the agreement and claims modules (through the services and the
URLs) but only the worker computes with numpy; importing it up front cost each process
~15 MB of its own (issue 14's memory target: web + worker at rest).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


numpy: Any = _LazyModule("numpy")
