"""``plax.lax.linalg``: matrix factorisations and solvers (from plax-core).

A re-export of ``plax_core.lax_linalg``: the same objects, under JAX's name.
"""

import plax_core.lax_linalg as _impl
from plax._forward import forward as _forward
from plax_core.lax_linalg import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
