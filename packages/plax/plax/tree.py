"""``plax.tree``: pytree functions under short names (from plax-core).

A re-export of ``plax_core.tree``: the same objects, under JAX's name.
"""

import plax_core.tree as _impl
from plax._forward import forward as _forward
from plax_core.tree import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
