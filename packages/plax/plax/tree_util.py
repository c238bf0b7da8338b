"""``plax.tree_util``: pytree utilities (from plax-core).

A re-export of ``plax_core.tree_util``: the same objects, under JAX's name.
"""

import plax_core.tree_util as _impl
from plax._forward import forward as _forward
from plax_core.tree_util import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
