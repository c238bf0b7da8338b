"""``plax.nn.initializers``: parameter initialisers (from plax-stax).

A re-export of ``plax_stax.initializers``: the same objects, under JAX's name.
"""

import plax_stax.initializers as _impl
from plax._forward import forward as _forward
from plax_stax.initializers import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
