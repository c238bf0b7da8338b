"""``plax.sharding``: meshes, partition specs and shardings (from plax-parallel).

A re-export of ``plax_parallel.sharding``: the same objects, under JAX's names
(``jax.sharding``).
"""

import plax_parallel.sharding as _impl
from plax_parallel.sharding import *  # noqa: F403

from plax._forward import forward as _forward

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
