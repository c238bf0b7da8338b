"""``plax.scipy.stats.gumbel_l`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.gumbel_l``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.gumbel_l as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.gumbel_l import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
