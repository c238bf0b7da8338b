"""plax-batching's plugin module (entry point ``batching`` in the ``plax`` group).

It fills the ``"batching"`` rule table for every core primitive and registers the
``vmap`` transformation.  Primitives other packages add bring their own batching
rules (``registry.rules("batching")[prim] = rule``, see ``plax_batching.rules``).
"""

import plax_batching
from plax_core.plugins import hookimpl

from .batching import RULE_HINT, batching_rules
from .rules import register_core_rules


@hookimpl
def plax_register_rules(registry):
    table = registry.rules("batching")
    table.hint = RULE_HINT      # the MissingRuleError for a primitive without a rule
    register_core_rules(table, registry.primitives)


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("vmap", plax_batching.vmap)


__all__ = ["batching_rules", "plax_register_rules", "plax_register_transformations"]
