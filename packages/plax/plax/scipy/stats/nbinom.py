"""``plax.scipy.stats.nbinom`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.nbinom``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.nbinom as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.nbinom import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
