"""``plax.scipy.stats.wrapcauchy`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.wrapcauchy``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.wrapcauchy as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.wrapcauchy import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
