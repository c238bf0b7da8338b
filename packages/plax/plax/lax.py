"""``plax.lax``: the XLA-like primitive operations (from plax-core).

A re-export of ``plax_core.lax``: the same objects, under JAX's name.
"""

import plax_core.lax as _impl
from plax._forward import forward as _forward
from plax_core.lax import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
