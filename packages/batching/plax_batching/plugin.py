"""plax-batching's plugin module (entry point ``batching`` in the ``plax`` group).

It fills the ``"batching"`` rule table with one loop over core's primitive families:
``rules/<family>.py`` holds the rules of that family's primitives and its
``register(registry)`` puts them in the table, keyed by the primitive objects.
``rules/higher_order.py`` comes last: one generic rule for every registered
``HigherOrderPrimitive`` (a primitive holding a jaxpr, from any package) that has no
rule of its own.  The plugin also registers the ``vmap`` transformation.  Other
packages' primitives bring their own rules (``registry.rules("batching")[prim] = rule``,
see ``plax_batching.rules``).

``UNSUPPORTED`` documents (and the coverage test checks) every non-core primitive that
has no batching rule, and why; ``missing_rules`` lists the primitives that have
neither.  Core primitives must all have a rule.
"""

import importlib
import importlib.util

import plax_batching
from plax_core.extend import BATCHING, FAMILIES, MissingRuleError, Primitive, hookimpl

from .batching import RULE_HINT, batching_rules

# primitive -> why vmap does not support it (such a primitive gets a rule that raises
# MissingRuleError with the reason).  Core primitives may not be listed.
UNSUPPORTED: dict[Primitive, str] = {}


def missing_rules(registry) -> list[str]:
    """Names of the registered primitives with neither a batching rule nor a reason in
    UNSUPPORTED."""
    table = registry.rules(BATCHING)
    return sorted(name for name, prim in registry.primitives.items()
                  if prim not in table and prim not in UNSUPPORTED)


def _rule_modules():
    """``rules/<family>.py`` for each of core's families that has one, then
    ``rules/higher_order.py``."""
    for family in dict.fromkeys((*FAMILIES, "higher_order")):
        name = f"{__package__}.rules.{family}"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


@hookimpl
def plax_register_rules(registry):
    table = registry.rules(BATCHING)
    table.hint = RULE_HINT      # the MissingRuleError for a primitive without a rule
    for module in _rule_modules():
        module.register(registry)
    for prim, reason in UNSUPPORTED.items():
        if registry.primitives.get(prim.name) is prim and prim not in table:
            table[prim] = _refuse(prim, reason)


def _refuse(prim, reason):
    def rule(args, dims, **params):
        raise MissingRuleError(BATCHING, prim, reason)
    return rule


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("vmap", plax_batching.vmap)


__all__ = ["UNSUPPORTED", "batching_rules", "missing_rules", "plax_register_rules",
           "plax_register_transformations"]
