"""plax-parallel's plugin module (the ``plax`` entry point): primitives and their rules."""

from plax_core.extend import hookimpl

from . import sharding
from .collectives import PRIMITIVES
from .rules import RULES


@hookimpl
def plax_register_primitives(registry):
    for p in PRIMITIVES:
        registry.add_primitive(p)
    registry.add_primitive(sharding.sharding_constraint_p)


@hookimpl
def plax_register_rules(registry):
    for table, rules in RULES.items():
        for prim, rule in rules.items():
            registry.rules(table)[prim] = rule
    for table, rule in sharding.RULES.items():
        registry.rules(table)[sharding.sharding_constraint_p] = rule
    try:                      # lowering rules, only where plax-xla is installed
        from .lowering import LOWERING_RULES
    except ImportError:
        return
    for prim, rule in LOWERING_RULES.items():
        registry.rules("lowering")[prim] = rule
