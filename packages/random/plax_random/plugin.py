"""plax-random's plugin module (entry point ``random`` in the ``plax`` group).

plax-random adds one primitive, ``threefry2x32_p`` (``threefry.py``), with its JVP and
batching rules, and its lowering rule where plax-xla is installed (``lowering.py``).
Every sampler is a composition of core's ``lax`` functions around it.
"""

from plax_core.plugins import hookimpl

from .threefry import RULES, threefry2x32_p


@hookimpl
def plax_register_primitives(registry):
    registry.add_primitive(threefry2x32_p)


@hookimpl
def plax_register_rules(registry):
    for table, rules in RULES.items():
        registry.rules(table).update(rules)
    try:                      # the lowering rule, only where plax-xla is installed
        from .lowering import LOWERING_RULES
    except ImportError:
        return
    registry.rules("lowering").update(LOWERING_RULES)
