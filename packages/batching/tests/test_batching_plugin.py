"""plax-batching's wiring: the entry point, the vmap transformation, and rule coverage."""

import importlib.metadata

import numpy as np
import pytest

import plax_batching
import plax_batching.plugin
import plax_core
from plax_core.core import Primitive
from plax_core.registry import MissingRuleError, Registry


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["batching"].value == "plax_batching.plugin"
    assert eps["batching"].load() is plax_batching.plugin


def test_transformation_registered():
    registry = plax_core.get_registry()
    assert registry.transformations["vmap"] is plax_batching.vmap
    assert plax_core.transformations.vmap is plax_batching.vmap


def test_every_core_primitive_has_a_batching_rule():
    """Fails as soon as core gains a primitive this package has no rule for."""
    registry = plax_core.get_registry()
    from plax_core.prims import all_primitives
    table = registry.rules("batching")
    assert [p.name for p in all_primitives() if p not in table] == []
    assert not set(plax_batching.plugin.UNSUPPORTED) & set(all_primitives())


def test_every_registered_primitive_has_a_rule_or_a_reason():
    """Primitives of other installed packages: a rule, or a reason in UNSUPPORTED."""
    registry = plax_core.get_registry()
    assert plax_batching.plugin.missing_rules(registry) == []
    assert registry.missing_rules("batching") == []


def _registry_with(*extra):
    """A fresh registry with every installed primitive and ``extra``, whose batching
    table is filled by this plugin plus the rules other packages registered."""
    real = plax_core.get_registry()
    registry = Registry()
    for prim in list(real.primitives.values()) + list(extra):
        registry.add_primitive(prim)
    plax_batching.plugin.plax_register_rules(registry)
    table, real_table = registry.rules("batching"), real.rules("batching")
    for prim in real.primitives.values():
        if prim not in table and prim in real_table:
            table[prim] = real_table[prim]
    return registry


def test_coverage_check_notices_a_new_primitive():
    registry = _registry_with(Primitive("plax_batching_test_newcomer"))
    assert plax_batching.plugin.missing_rules(registry) == ["plax_batching_test_newcomer"]
    assert registry.missing_rules("batching") == ["plax_batching_test_newcomer"]


def test_a_listed_primitive_is_refused_with_its_reason(monkeypatch):
    newcomer = Primitive("plax_batching_test_newcomer")
    newcomer.def_abstract_eval(lambda x: x)
    newcomer.def_impl(lambda x: x)
    monkeypatch.setitem(plax_batching.plugin.UNSUPPORTED, newcomer, "for the test")
    registry = _registry_with(newcomer)
    assert plax_batching.plugin.missing_rules(registry) == []
    rule = registry.rules("batching")[newcomer]
    with pytest.raises(MissingRuleError, match="for the test"):
        rule([np.zeros(3)], [0])


def test_higher_order_primitives_get_the_generic_rule():
    """Other packages' higher-order primitives (plax-autodiff's) get the generic rule of
    rules/higher_order.py; plax-batching never imports them nor names them."""
    import plax_batching.rules.higher_order as hor
    from plax_core.extend import HigherOrderPrimitive
    registry = _registry_with()
    table = registry.rules("batching")
    higher = [p for p in registry.primitives.values() if isinstance(p, HigherOrderPrimitive)]
    assert {"jit", "checkpoint", "custom_jvp_call", "custom_vjp_call",
            "custom_lin"} <= {p.name for p in higher}
    for prim in higher:
        assert table[prim].__module__ == hor.__name__, prim.name
    source = open(hor.__file__).read() + open(plax_batching.plugin.__file__).read()
    assert "import plax_autodiff" not in source and "from plax_autodiff" not in source
    assert '"custom_jvp_call"' not in source and '"checkpoint"' not in source


def test_each_rule_sits_in_its_family_module():
    """One grep of a primitive's Python name finds its batching rule: the module named
    after its family mentions it, and registering that module alone gives it a rule."""
    import importlib
    from pathlib import Path

    from plax_core.prims import all_primitives, python_name
    rules_dir = Path(plax_batching.__file__).parent / "rules"
    # Higher-order primitives (jit's call) share one generic rule, in higher_order.py.
    prims = [p for p in all_primitives() if p.family != "higher_order"]
    for prim in prims:
        source = (rules_dir / f"{prim.family}.py").read_text()
        assert python_name(prim) in source, (prim.name, prim.family)
        registry = Registry()
        registry.add_primitive(prim)
        importlib.import_module(f"plax_batching.rules.{prim.family}").register(registry)
        assert prim in registry.rules("batching"), (prim.name, prim.family)
    # no family module registers rules for another family's primitives
    by_family = {}
    for prim in prims:
        by_family.setdefault(prim.family, set()).add(prim)
    for family, prims in by_family.items():
        registry = Registry()
        importlib.import_module(f"plax_batching.rules.{family}").register(registry)
        assert set(registry.rules("batching")) == prims, family
