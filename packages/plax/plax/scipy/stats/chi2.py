"""``plax.scipy.stats.chi2`` (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats.chi2``: the same objects, under JAX's name.
"""

import plax_numpy.scipy.stats.chi2 as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats.chi2 import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
