"""plax-batching's plugin module (entry point ``batching`` in the ``plax`` group).

It fills the ``"batching"`` rule table for every core primitive, and for the
higher-order primitives of other first-party packages it knows by name (plax-autodiff's
``custom_jvp_call``, ``custom_vjp_call``, ``custom_lin`` and ``checkpoint``, see
``rules_higher_order``) when they are registered, and registers the ``vmap``
transformation.  Other primitives bring their own batching rules
(``registry.rules("batching")[prim] = rule``, see ``plax_batching.rules``).

``UNSUPPORTED`` documents (and the coverage test checks) every non-core primitive that
has no batching rule, and why; ``missing_rules`` lists the primitives that have
neither.  Core primitives must all have a rule.
"""

import plax_batching
from plax_core.plugins import hookimpl
from plax_core.registry import MissingRuleError

from .batching import RULE_HINT, batching_rules
from .rules import register_core_rules
from .rules_control_flow import register_control_flow_rules
from .rules_higher_order import register_higher_order_rules
from .rules_indexing import register_indexing_rules
from .rules_linalg import register_linalg_rules
from .rules_sorting import register_sorting_rules
from .rules_windowed import register_windowed_rules

# primitive name -> why vmap does not support it (such a primitive gets a rule that
# raises MissingRuleError with the reason).  Core primitives may not be listed.
UNSUPPORTED: dict[str, str] = {}


def missing_rules(registry) -> list[str]:
    """Registered primitives with neither a batching rule nor a reason in UNSUPPORTED."""
    table = registry.rules("batching")
    return sorted(name for name, prim in registry.primitives.items()
                  if prim not in table and name not in UNSUPPORTED)


@hookimpl
def plax_register_rules(registry):
    table = registry.rules("batching")
    table.hint = RULE_HINT      # the MissingRuleError for a primitive without a rule
    register_core_rules(table, registry.primitives)
    register_control_flow_rules(table)
    register_windowed_rules(table, registry.primitives)
    register_sorting_rules(table, registry.primitives)
    register_indexing_rules(table, registry.primitives)
    register_linalg_rules(table, registry.primitives)
    register_higher_order_rules(table, registry.primitives)
    for name, reason in UNSUPPORTED.items():
        prim = registry.primitives.get(name)
        if prim is not None and prim not in table:
            table[prim] = _refuse(prim, reason)


def _refuse(prim, reason):
    def rule(args, dims, **params):
        raise MissingRuleError("batching", prim, reason)
    return rule


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("vmap", plax_batching.vmap)


__all__ = ["UNSUPPORTED", "batching_rules", "missing_rules", "plax_register_rules",
           "plax_register_transformations"]
