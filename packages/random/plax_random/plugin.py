"""plax-random's plugin module (entry point ``random`` in the ``plax`` group).

Issue #7 registers the PRNG's primitives and rules here; the stub registers nothing.
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register yet (stub, issue #7)."""
