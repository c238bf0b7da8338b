"""``plax.example_libraries.optimizers``: JAX's modern path to plax.optimizers.

A re-export of ``plax_optimizers``: the same objects, under JAX's name.
"""

import plax_optimizers as _impl
from plax._forward import forward as _forward
from plax_optimizers import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
