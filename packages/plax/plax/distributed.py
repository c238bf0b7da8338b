"""``plax.distributed``: several processes, one program (from plax-xla).

A re-export of ``plax_xla.distributed``: ``initialize``, ``shutdown``,
``is_initialized``, under JAX's names (``jax.distributed``).
"""

import plax_xla.distributed as _impl
from plax._forward import forward as _forward
from plax_xla.distributed import initialize, is_initialized, shutdown

__all__ = ["initialize", "is_initialized", "shutdown"]
__getattr__, __dir__ = _forward(__name__, globals(), _impl)
