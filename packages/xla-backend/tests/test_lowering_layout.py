"""Each lowering rule of plax-xla sits in the module named after its primitive's family.

A contributor looking for ``dot_general``'s lowering greps ``dot_general_p`` and finds
it in ``plax_xla/lowering/reductions.py``, the same file name as its rules in every
other package.  Checked for every registered primitive whose rule plax-xla provides.
"""

import importlib
import inspect

import pytest

import plax_core
from plax_core import lax
from plax_core.extend import FAMILIES
from plax_core.prims import python_name


def _family_module(family):
    try:
        return importlib.import_module(f"plax_xla.lowering.{family}")
    except ModuleNotFoundError:
        return None


def _xla_rules():
    registry = plax_core.get_registry()
    table = registry.rules("lowering")
    return [(p, table[p]) for p in registry.primitives.values()
            if p in table and table[p].__module__.startswith("plax_xla.")]


def _is_core(prim) -> bool:
    return getattr(lax, python_name(prim), None) is prim


def test_every_rule_lives_in_its_family_module():
    rules = _xla_rules()
    assert len(rules) >= 120
    misplaced = []
    for prim, rule in rules:
        module = f"plax_xla.lowering.{prim.family}"
        if rule.__module__ != module:
            misplaced.append((prim.name, prim.family, rule.__module__))
        elif _is_core(prim) and python_name(prim) not in inspect.getsource(
                importlib.import_module(module)):
            misplaced.append((prim.name, prim.family, f"{python_name(prim)} not in {module}"))
    assert misplaced == []


@pytest.mark.parametrize("family", [f for f in FAMILIES if _family_module(f) is not None
                                    and hasattr(_family_module(f), "RULES")])
def test_family_tables_are_keyed_by_lax_primitives(family):
    """A family module's table is keyed by the objects ``plax_core.lax`` exports under
    the primitives' Python names (no lookup by name string), all of that family."""
    rules = _family_module(family).RULES
    assert rules
    for prim in rules:
        assert _is_core(prim) and prim.family == family, (family, prim.name)


def test_dot_general_found_by_one_grep():
    source = inspect.getsource(importlib.import_module("plax_xla.lowering.reductions"))
    assert "lax.dot_general_p: _dot_general" in source
