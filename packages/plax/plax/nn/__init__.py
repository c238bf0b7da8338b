"""``plax.nn``: neural-network functions (from plax-numpy) and ``plax.nn.initializers``.

A re-export of ``plax_numpy.nn``: the same objects, under JAX's name.  The
initialisers draw random numbers, so they live in plax-stax (the lowest layer with
both plax-numpy and plax-random) and are re-exported here as JAX's
``jax.nn.initializers``.
"""

import plax_numpy.nn as _impl
from plax._forward import forward as _forward
from plax_numpy.nn import *  # noqa: F403

from . import initializers  # noqa: F401  (JAX's submodule)

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
