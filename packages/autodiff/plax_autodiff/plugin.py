"""plax-autodiff's plugin module (entry point ``autodiff`` in the ``plax`` group).

It registers the higher-order primitives this package defines, fills the ``"jvp"``,
``"transpose"`` and ``"partial_eval"`` rule tables (one ``rules/<family>.py`` module per
primitive family, each with a ``register(registry)``), and offers the user-facing
transformations.  ``UNSUPPORTED`` and ``NONLINEAR``, gathered from the family modules,
document (and the coverage test checks) every primitive that has no rule, and why.
"""

import importlib
import importlib.util

import plax_autodiff
from plax_core.extend import FAMILIES, JVP, TRANSPOSE, hookimpl

from . import checkpointing, custom

TRANSFORMATIONS = ("grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                   "linearize", "custom_jvp", "custom_vjp", "checkpoint", "remat",
                   "stop_gradient", "closure_convert")


def _family_modules() -> list:
    """The ``rules/<family>.py`` modules, for core's families and ``higher_order``
    (a family without rules here has no module)."""
    modules = []
    for family in dict.fromkeys((*FAMILIES, "higher_order")):
        name = f"{__package__}.rules.{family}"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


FAMILY_MODULES = _family_modules()

# (table, primitive) -> why there is no rule.
UNSUPPORTED: dict = {key: reason for module in FAMILY_MODULES
                     for key, reason in getattr(module, "UNSUPPORTED", {}).items()}

# Primitives that are not linear in any operand, so they need no transpose rule.
NONLINEAR = frozenset(prim for module in FAMILY_MODULES
                      for prim in getattr(module, "NONLINEAR", ()))

_MISSING_HINT = ("it has no derivative rule. A package that adds a primitive registers its "
                 "rules with registry.rules('jvp') / registry.rules('transpose')")


def missing_rules(registry) -> dict[str, list[str]]:
    """Primitives of ``registry`` with neither a rule nor a documented reason, per table.

    ``"jvp"``: every primitive needs a JVP rule.  ``"transpose"``: every primitive that
    is linear in some operand needs a transpose rule; the others are in ``NONLINEAR``.
    """
    jvp, transpose = registry.rules(JVP), registry.rules(TRANSPOSE)
    out = {JVP: [], TRANSPOSE: []}
    for name, prim in sorted(registry.primitives.items()):
        if prim not in jvp and (JVP, prim) not in UNSUPPORTED:
            out[JVP].append(name)
        if (prim not in transpose and prim not in NONLINEAR
                and (TRANSPOSE, prim) not in UNSUPPORTED):
            out[TRANSPOSE].append(name)
    return out


@hookimpl
def plax_register_primitives(registry):
    for prim in custom.PRIMITIVES + checkpointing.PRIMITIVES:
        registry.add_primitive(prim)


@hookimpl
def plax_register_rules(registry):
    jvp, transpose = registry.rules(JVP), registry.rules(TRANSPOSE)
    jvp.hint = transpose.hint = _MISSING_HINT
    for module in FAMILY_MODULES:
        module.register(registry)


@hookimpl
def plax_register_transformations(registry):
    for name in TRANSFORMATIONS:
        registry.add_transformation(name, getattr(plax_autodiff, name))
