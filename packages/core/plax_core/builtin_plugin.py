"""Core's own plugin: registers the core primitives and the NumPy reference backend."""

from .backend import NumpyBackend
from .plugins import hookimpl
from .prims import all_primitives


@hookimpl
def plax_register_primitives(registry):
    for prim in all_primitives():
        registry.add_primitive(prim)


@hookimpl
def plax_register_backends(registry):
    registry.add_backend("numpy", NumpyBackend, priority=0)
