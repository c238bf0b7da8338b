"""plax-optimizers' plugin module (entry point ``optimizers`` in the ``plax`` group).

The stub registers nothing; it shows that a layer-2 library plugs in like any other.
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register yet (stub, issue #8)."""
