"""plax-xla's plugin module (entry point ``xla`` in the ``plax`` group).

It fills the ``"lowering"`` rule table from ``plax_xla.lowering``, one module per
primitive family, registers the ``jit`` transformation, and offers the XLA backend at
priority 10 (above core's NumPy backend): the GPU when a PJRT CUDA plugin and a GPU
are present and ``PLAX_PLATFORMS`` allows it, else the CPU.
"""

import importlib

from plax_core.extend import FAMILIES, LOWERING, hookimpl

from .mlir import RULE_HINT


@hookimpl
def plax_register_rules(registry):
    registry.rules(LOWERING).hint = RULE_HINT
    for family in dict.fromkeys((*FAMILIES, "higher_order")):
        try:
            module = importlib.import_module(f"plax_xla.lowering.{family}")
        except ModuleNotFoundError as err:
            if err.name != f"plax_xla.lowering.{family}":
                raise
            continue              # a family with no primitive to lower (elementwise_math)
        module.register(registry)


@hookimpl
def plax_register_transformations(registry):
    from .jit import jit
    registry.add_transformation("jit", jit)


@hookimpl
def plax_register_backends(registry):
    from .devices import make_backend
    registry.add_backend("xla", make_backend, priority=10)
