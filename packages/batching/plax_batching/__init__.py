"""plax-batching: automatic vectorisation for plax (``vmap``), built the way JAX builds it.

``vmap(f)`` runs ``f`` once on ``BatchTracer``s: each carries a whole batch of values
and the axis that indexes the examples (``batching.py``).  Every primitive the traced
function binds is replaced by its batched form through one rule per primitive from
the registry's ``"batching"`` table, which this package's plugin fills for every core
primitive (``rules/<family>.py``, one module per family of core's primitives, with a
handful of shared rule builders).  ``api.py`` handles the
pytrees, ``in_axes``/``out_axes`` and the error messages.  vmap nests with itself and
with every other transformation, because each call pushes its own level on core's
trace stack.
"""

from .api import flatten_axes, vmap
from .batching import (
    BatchTrace,
    BatchTracer,
    batch_flat,
    batch_jaxpr,
    batch_jaxpr_out_dims,
    batching_rules,
    bdim_at_front,
    broadcast,
    matchaxis,
    moveaxis,
    not_mapped,
)
from .rules import broadcasting_rule, per_example_rule, reducer_rule

__version__ = "0.1.0"
__all__ = [
    "BatchTrace", "BatchTracer", "batch_flat", "batch_jaxpr", "batch_jaxpr_out_dims",
    "batching_rules", "bdim_at_front", "broadcast", "broadcasting_rule", "flatten_axes",
    "matchaxis", "moveaxis", "not_mapped", "per_example_rule", "reducer_rule", "vmap",
]
