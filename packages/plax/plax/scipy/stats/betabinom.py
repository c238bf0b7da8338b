"""``plax.scipy.stats.betabinom`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.betabinom``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.betabinom as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.betabinom import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
