"""``plax.random``: pseudo-random numbers (from plax-random).

A re-export of ``plax_random``: the same objects, under JAX's name.
"""

import plax_random as _impl
from plax._forward import forward as _forward
from plax_random import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
