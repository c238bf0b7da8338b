"""plax-stax's plugin module (entry point ``stax`` in the ``plax`` group).

The stub registers nothing; it shows that a layer-2 library plugs in like any other.
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register yet (stub, issue #8)."""
