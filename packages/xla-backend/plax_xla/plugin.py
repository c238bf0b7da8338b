"""plax-xla's plugin module (entry point ``xla`` in the ``plax`` group)."""

import plax_xla
from plax_core.plugins import hookimpl


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("jit", plax_xla.jit)
