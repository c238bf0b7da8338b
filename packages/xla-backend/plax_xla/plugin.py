"""plax-xla's plugin module (entry point ``xla`` in the ``plax`` group).

It fills the ``"lowering"`` rule table for every core primitive (and, through the
generic rule of ``lowering/higher_order.py``, every higher-order primitive), registers
the ``jit`` transformation, and offers the XLA backend at priority 10 (above core's
NumPy backend): the GPU when a PJRT CUDA plugin and a GPU are present and
``PLAX_PLATFORMS`` allows it, else the CPU.
"""

from plax_core.plugins import hookimpl

from .mlir import RULE_HINT


@hookimpl
def plax_register_rules(registry):
    from .lower_control import control_and_windowed_rules
    from .lower_elementwise import elementwise_rules
    from .lower_indexing import indexing_rules
    from .lower_structural import structural_rules
    from .lowering import higher_order
    table = registry.rules("lowering")
    table.hint = RULE_HINT
    table.update(elementwise_rules())
    table.update(structural_rules())
    table.update(control_and_windowed_rules(registry.primitives))
    table.update(indexing_rules(registry.primitives))
    from .lower_sorting import sorting_rules
    table.update(sorting_rules(registry.primitives))
    from .lower_linalg import linalg_rules
    table.update(linalg_rules(registry.primitives))
    higher_order.register(registry)


@hookimpl
def plax_register_transformations(registry):
    from .jit import jit
    registry.add_transformation("jit", jit)


@hookimpl
def plax_register_backends(registry):
    from .devices import make_backend
    registry.add_backend("xla", make_backend, priority=10)
