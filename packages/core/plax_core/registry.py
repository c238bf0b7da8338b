"""The rule registry: per transformation, one dict from primitive to rule.

Transformations look rules up with a plain dict access on a ``RuleTable``; a missing
entry raises ``MissingRuleError`` naming the primitive and the transformation instead
of a ``KeyError``.  The registry also holds the known primitives, the user-facing
transformations plugins offer, and the backend factories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class MissingRuleError(NotImplementedError):
    """A transformation met a primitive it has no rule for."""

    def __init__(self, transformation: str, primitive: Any, hint: str = ""):
        self.transformation = transformation
        self.primitive = primitive
        msg = (f"No '{transformation}' rule for primitive '{primitive}'. "
               f"The package that provides '{transformation}' does not support this "
               f"primitive yet")
        msg += f": {hint}" if hint else "."
        super().__init__(msg)


class BackendUnavailable(RuntimeError):
    """Raised by a backend factory that cannot run on this machine (with the reason)."""


class RuleTable(dict):
    """A dict from primitive to rule whose misses are clear errors."""

    def __init__(self, transformation: str):
        super().__init__()
        self.transformation = transformation
        self.hint = ""

    def __missing__(self, primitive):
        raise MissingRuleError(self.transformation, primitive, self.hint)

    def __repr__(self):
        return f"RuleTable({self.transformation!r}, {len(self)} rules)"


@dataclass
class BackendEntry:
    name: str
    factory: Callable[[], Any]
    priority: int = 0


class Registry:
    """Everything plugins register: primitives, rule tables, transformations, backends."""

    def __init__(self):
        self.primitives: dict[str, Any] = {}
        self._tables: dict[str, RuleTable] = {}
        self.transformations: dict[str, Callable] = {}
        self.backends: dict[str, BackendEntry] = {}

    def add_primitive(self, primitive) -> None:
        old = self.primitives.get(primitive.name)
        if old is not None and old is not primitive:
            raise ValueError(f"A different primitive named '{primitive.name}' is already "
                             f"registered; primitive names must be unique.")
        self.primitives[primitive.name] = primitive

    def rules(self, transformation: str) -> RuleTable:
        """The rule table of ``transformation``, created empty on first use."""
        table = self._tables.get(transformation)
        if table is None:
            table = self._tables[transformation] = RuleTable(transformation)
        return table

    @property
    def tables(self) -> dict[str, RuleTable]:
        return dict(self._tables)

    def add_transformation(self, name: str, fn: Callable) -> None:
        if name in self.transformations and self.transformations[name] is not fn:
            raise ValueError(f"Transformation '{name}' is registered twice "
                             f"({self.transformations[name]!r} and {fn!r}).")
        self.transformations[name] = fn

    def add_backend(self, name: str, factory: Callable[[], Any], priority: int = 0) -> None:
        self.backends[name] = BackendEntry(name, factory, priority)

    def missing_rules(self, transformation: str) -> list[str]:
        """Names of registered primitives without a rule for ``transformation``."""
        table = self.rules(transformation)
        return sorted(name for name, p in self.primitives.items() if p not in table)
