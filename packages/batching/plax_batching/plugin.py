"""plax-batching's plugin module (entry point ``batching`` in the ``plax`` group)."""

import plax_batching
from plax_core.plugins import hookimpl


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("vmap", plax_batching.vmap)
