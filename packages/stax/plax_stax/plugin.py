"""plax-stax's plugin module (entry point ``stax`` in the ``plax`` group).

The layers are plain functions over core's lax, plax-numpy and plax-random and add
no primitive and no rule, so the hook registers nothing; it shows that a layer-2
library plugs in like any other.
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register: every layer is built from existing primitives."""
