"""The rule registry: per transformation, one dict from primitive to rule.

Transformations look rules up with a plain dict access on a ``RuleTable``; a missing
entry raises ``MissingRuleError`` naming the primitive and the transformation instead
of a ``KeyError``.  The registry also holds the known primitives, the user-facing
transformations plugins offer, and the backend factories.
"""

from __future__ import annotations

import sys
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
    """A dict from primitive to rule whose misses are clear errors.

    It remembers which module put each rule in (``origin``), so a test can check that
    every rule of a primitive lives in the module named after the primitive's family.
    """

    def __init__(self, transformation: str):
        super().__init__()
        self.transformation = transformation
        self.hint = ""
        self._origins: dict[Any, str] = {}

    def __setitem__(self, primitive, rule):
        super().__setitem__(primitive, rule)
        self._origins[primitive] = _caller_module()

    def update(self, *args, **kwargs):
        """Add several rules at once (as ``dict.update``), recording the calling module
        as their origin."""
        new = dict(*args, **kwargs)
        super().update(new)
        caller = _caller_module()
        self._origins.update(dict.fromkeys(new, caller))

    def setdefault(self, primitive, rule=None):
        """Add ``rule`` unless ``primitive`` has one already; return the rule in place."""
        if primitive not in self:
            self[primitive] = rule    # (records this module; origin() knows the caller)
            self._origins[primitive] = _caller_module()
        return dict.__getitem__(self, primitive)

    def origin(self, primitive) -> str:
        """The name of the module that registered ``primitive``'s rule."""
        return self._origins[primitive]

    def __missing__(self, primitive):
        raise MissingRuleError(self.transformation, primitive, self.hint)

    def __repr__(self):
        return f"RuleTable({self.transformation!r}, {len(self)} rules)"


def _caller_module() -> str:
    """The module of the code that called the ``RuleTable`` method calling this."""
    return sys._getframe(2).f_globals.get("__name__", "?")


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
        """Register a primitive by its name; a different primitive of the same name is a
        ``ValueError`` (names are unique)."""
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
        """Every rule table made so far, by transformation name (a copy of the dict)."""
        return dict(self._tables)

    def add_transformation(self, name: str, fn: Callable) -> None:
        """Register a transformation's user-facing function under ``name``; a second,
        different function for the same name is a ``ValueError``."""
        if name in self.transformations and self.transformations[name] is not fn:
            raise ValueError(f"Transformation '{name}' is registered twice "
                             f"({self.transformations[name]!r} and {fn!r}).")
        self.transformations[name] = fn

    def add_backend(self, name: str, factory: Callable[[], Any], priority: int = 0) -> None:
        """Register a backend: ``factory()`` makes it when first needed (or raises
        ``BackendUnavailable``); the highest ``priority`` that starts is the default."""
        self.backends[name] = BackendEntry(name, factory, priority)

    def missing_rules(self, transformation: str) -> list[str]:
        """Names of registered primitives without a rule for ``transformation``."""
        table = self.rules(transformation)
        return sorted(name for name, p in self.primitives.items() if p not in table)
