"""``plax.example_libraries.stax``: JAX's modern path to plax.stax.

A re-export of ``plax_stax``: the same objects, under JAX's name.
"""

import plax_stax as _impl
from plax._forward import forward as _forward
from plax_stax import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
