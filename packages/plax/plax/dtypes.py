"""``plax.dtypes``: dtypes and type promotion (from plax-core).

A re-export of ``plax_core.dtypes``: the same objects, under JAX's name.
"""

import plax_core.dtypes as _impl
from plax._forward import forward as _forward
from plax_core.dtypes import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
