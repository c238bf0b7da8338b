"""``plax.scipy.stats.bernoulli`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.bernoulli``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.bernoulli as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.bernoulli import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
