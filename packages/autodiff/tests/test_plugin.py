"""plax-autodiff as a plugin: its entry point, its registrations, and rule coverage."""

import importlib.metadata

import plax_autodiff
import plax_autodiff.plugin
import plax_core
import plax_core.builtin_plugin
from plax_autodiff.plugin import NONLINEAR, UNSUPPORTED, missing_rules
from plax_core.registry import Registry

TRANSFORMATIONS = ["grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                   "linearize"]


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["autodiff"].value == "plax_autodiff.plugin"
    assert eps["autodiff"].load() is plax_autodiff.plugin


def test_transformations_registered():
    registry = plax_core.get_registry()
    for name in TRANSFORMATIONS:
        assert registry.transformations[name] is getattr(plax_autodiff, name)


def test_own_primitives_registered():
    names = set(plax_core.get_registry().primitives)
    assert {"custom_jvp_call", "custom_vjp_call", "custom_lin", "checkpoint",
            "stop_gradient"} <= names


def test_rule_coverage():
    """Every primitive has a JVP rule and, when linear, a transpose rule, or a reason."""
    registry = plax_core.get_registry()
    assert missing_rules(registry) == {"jvp": [], "transpose": []}


def test_rule_coverage_notices_new_primitives():
    # core's primitives and this package's own (third-party plugins bring their own rules)
    registry = Registry()
    plax_core.builtin_plugin.plax_register_primitives(registry)
    plax_autodiff.plugin.plax_register_primitives(registry)
    plax_autodiff.plugin.plax_register_rules(registry)
    assert missing_rules(registry) == {"jvp": [], "transpose": []}
    newcomer = plax_core.Primitive("brand_new_op")
    registry.add_primitive(newcomer)
    assert missing_rules(registry) == {"jvp": ["brand_new_op"], "transpose": ["brand_new_op"]}


def test_nonlinear_list_is_accurate():
    registry = plax_core.get_registry()
    transpose = registry.rules("transpose")
    for prim in NONLINEAR:
        assert prim not in transpose, f"{prim} is listed as nonlinear"
    for (table, _name), reason in UNSUPPORTED.items():
        assert reason and table in ("jvp", "transpose")
