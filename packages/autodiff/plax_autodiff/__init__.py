"""plax-autodiff: automatic differentiation for plax, built the way JAX builds it.

Forward mode is a trace (``jvp.py``) that carries tangents next to primal values,
with one JVP rule per primitive.  Reverse mode is not a tape: ``linearize`` runs
forward mode under a partial-evaluation trace (``partial_eval.py``) that executes
the primal computation and records the tangent computation as a *linear* jaxpr;
``vjp`` transposes that jaxpr (``transpose.py``) with one transpose rule per linear
primitive; ``grad`` is ``vjp`` with a unit cotangent.  Everything nests to any
order, because each transformation call pushes its own level on core's trace stack.

Rules live in the registry's ``"jvp"``, ``"transpose"`` and ``"partial_eval"``
tables, filled for every core primitive by the modules of ``rules/`` (one per primitive
family, each keyed by the primitive objects) that this package's plugin registers.
``custom_jvp``/``custom_vjp`` (``custom.py``) and ``checkpoint`` (``checkpointing.py``)
are higher-order primitives whose parameters are jaxprs (``HigherOrderPrimitive``s of
``plax_core.extend``), so other transformations' generic rules for such primitives
serve them.
"""

from plax_core.ad_util import stop_gradient

from .api import (
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    value_and_grad,
    vjp,
)
from .checkpointing import checkpoint, checkpoint_policies, remat
from .custom import closure_convert, custom_jvp, custom_vjp
from .tangents import Zero, float0

__version__ = "0.1.0"
__all__ = [
    "Zero",
    "checkpoint",
    "checkpoint_policies",
    "closure_convert",
    "custom_jvp",
    "custom_vjp",
    "float0",
    "grad",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "remat",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
