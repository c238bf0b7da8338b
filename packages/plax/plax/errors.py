"""``plax.errors``: JAX's exception classes (from plax-core), under JAX's name.

A re-export of ``plax_core.errors``, plus ``JaxRuntimeError``: jaxlib's class for errors
the XLA runtime reports, as ``jax.errors.JaxRuntimeError`` is (taken from plax-xla, the
only package that uses jaxlib).
"""

import plax_core.errors as _impl
from plax._forward import forward as _forward
from plax_core.errors import *  # noqa: F403
from plax_xla.client import JaxRuntimeError  # noqa: F401

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
