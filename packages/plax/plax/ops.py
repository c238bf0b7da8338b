"""``plax.ops``: JAX's 2019 indexed-update functions (from plax-core).

A re-export of ``plax_core.index_ops``: ``index_update``, ``index_add``, ``index_mul``,
``index_min``, ``index_max`` and ``index``, thin aliases of ``x.at[idx]``.
"""

import plax_core.index_ops as _impl
from plax._forward import forward as _forward
from plax_core.index_ops import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
