"""plax-optimizers' plugin module (entry point ``optimizers`` in the ``plax`` group).

The optimizers are plain functions over ``plax.numpy`` and add no primitive and no
rule, so the hook registers nothing; it shows that a layer-2 library plugs in like
any other (and a future optimizer primitive would register here).
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """Nothing to register: every optimizer is built from existing primitives."""
