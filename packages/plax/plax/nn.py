"""``plax.nn``: neural-network functions (from plax-numpy).

A re-export of ``plax_numpy.nn``: the same objects, under JAX's name.
"""

import plax_numpy.nn as _impl
from plax._forward import forward as _forward
from plax_numpy.nn import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
