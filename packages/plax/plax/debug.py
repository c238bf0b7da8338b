"""``plax.debug``: ``print`` and ``callback`` from inside transformed code (JAX's
``jax.debug``), re-exported from plax-core's callbacks.  ``debug.breakpoint`` is not
provided."""

from plax_core.callbacks import debug_callback as callback
from plax_core.callbacks import debug_print as print  # noqa: A004 (JAX's name)

__all__ = ["print", "callback"]
