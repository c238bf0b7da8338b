"""``plax.stax``: (init_fun, apply_fun) layers (from plax-stax); also plax.example_libraries.stax.

A re-export of ``plax_stax``: the same objects, under JAX's name.
"""

import plax_stax as _impl
from plax._forward import forward as _forward
from plax_stax import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
