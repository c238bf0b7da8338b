"""Every rule of every first-party package lives in the module named after its primitive's
family, across all packages at once (each package's own layout test checks its modules
alone): ``plax_autodiff/rules/<family>.py``, ``plax_batching/rules/<family>.py``,
``plax_xla/lowering/<family>.py``.  So one search for ``dot_general_p`` finds them all.

The registry's rule tables record which module put each rule in (``RuleTable.origin``);
this test walks every table of the loaded registry.
"""

import re
from pathlib import Path

import pytest

import plax  # noqa: F401  (loads every installed plugin)
from plax_core import plugins
from plax_core.extend import HigherOrderPrimitive
from plax_core.prims import python_name

FIRST_PARTY_RULE_PACKAGES = {"plax_autodiff": "rules", "plax_batching": "rules",
                             "plax_xla": "lowering"}


def _tables():
    return plugins.get_registry().tables


def _first_party_entries():
    for name, table in sorted(_tables().items()):
        for prim in table:
            origin = table.origin(prim)
            if origin.split(".")[0] in FIRST_PARTY_RULE_PACKAGES:
                yield name, prim, origin


def test_the_walk_sees_every_package_and_table():
    seen = {(origin.split(".")[0], name) for name, _, origin in _first_party_entries()}
    assert {("plax_autodiff", "jvp"), ("plax_autodiff", "transpose"),
            ("plax_autodiff", "partial_eval"), ("plax_batching", "batching"),
            ("plax_xla", "lowering")} <= seen


@pytest.mark.parametrize("table", ["jvp", "transpose", "partial_eval", "batching",
                                   "lowering"])
def test_each_rule_is_registered_by_its_family_module(table):
    wrong = []
    for name, prim, origin in _first_party_entries():
        if name != table:
            continue
        package = origin.split(".")[0]
        expected = f"{package}.{FIRST_PARTY_RULE_PACKAGES[package]}.{prim.family}"
        if origin != expected:
            wrong.append(f"{python_name(prim)}: registered by {origin}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("table", ["jvp", "transpose", "partial_eval", "batching",
                                   "lowering"])
def test_each_family_module_names_the_primitives_it_has_rules_for(table):
    """One grep of the primitive's Python name finds the module.  Higher-order primitives
    from elsewhere (``jit_p``, a third party's call primitive) get generic rules found by
    type, so their names need not appear."""
    import importlib

    missing = []
    for name, prim, origin in _first_party_entries():
        if name != table:
            continue
        text = Path(importlib.import_module(origin).__file__).read_text()
        if re.search(rf"\b{re.escape(python_name(prim))}\b", text):
            continue
        if isinstance(prim, HigherOrderPrimitive) and prim.family == "higher_order":
            continue
        missing.append(f"{python_name(prim)} not named in {origin}")
    assert not missing, "\n".join(missing)


def test_origin_is_recorded_for_every_way_of_filling_a_table():
    from plax_core.registry import RuleTable

    table = RuleTable("demo")
    table["a"] = 1
    table.update({"b": 2})
    table.update(c=3)
    table.setdefault("d", 4)
    assert {k: table.origin(k) for k in "abcd"} == dict.fromkeys("abcd", __name__)
    assert table == {"a": 1, "b": 2, "c": 3, "d": 4}
