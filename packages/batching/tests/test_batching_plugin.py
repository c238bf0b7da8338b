"""plax-batching's wiring: the entry point, the vmap transformation, and rule coverage."""

import importlib.metadata

import plax_batching
import plax_batching.plugin
import plax_core
from plax_core.core import Primitive
from plax_core.registry import Registry


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
    assert registry.missing_rules("batching") == []
    from plax_core.prims import all_primitives
    table = registry.rules("batching")
    assert [p.name for p in all_primitives() if p not in table] == []


def test_coverage_check_notices_a_new_primitive():
    registry = Registry()
    for prim in plax_core.get_registry().primitives.values():
        registry.add_primitive(prim)
    registry.add_primitive(Primitive("plax_batching_test_newcomer"))
    plax_batching.plugin.plax_register_rules(registry)
    assert registry.missing_rules("batching") == ["plax_batching_test_newcomer"]
