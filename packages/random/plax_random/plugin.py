"""plax-random's plugin module (entry point ``random`` in the ``plax`` group).

plax-random adds no primitives and no rules: Threefry and every sampler are
compositions of core's ``lax`` functions, so each transformation and backend already
handles them.  The hook exists so that the package plugs into plax-core exactly like
every other package (and a fused Threefry primitive could register here later, with
its rules, next to the composed reference implementation).
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register: plax-random is built from core's primitives."""
