"""plax-xla: the XLA backend of plax: ``jit``, lowering to StableHLO, CPU and GPU via jaxlib.

Importing the package checks that the pinned ``jaxlib`` is installed.  plax-core
finds the backend and ``jit`` through the entry point ``xla = "plax_xla.plugin"``;
this namespace adds what the backend offers beyond core's interface.
"""

from . import client
from .backend import DeletedArrayError, XlaBackend, lower_primitive
from .devices import backend_for, gpu_unavailable_reason
from .jit import Compiled, JitFunction, Lowered, jit


def from_dlpack(external, device=None):
    """A plax array copied from any object with ``__dlpack__`` (NumPy, PyTorch, ...).

    The data is copied: DLPack imports alias the producer's memory, and a later write
    there must not change an immutable plax array.
    """
    from plax_core.backend import get_backend
    backend = get_backend()
    if not isinstance(backend, XlaBackend):
        backend = backend_for("cpu")
    return backend.from_dlpack(external, device)

__version__ = "0.1.0"
JAXLIB_VERSION = client.JAXLIB_VERSION

__all__ = ["Compiled", "DeletedArrayError", "JAXLIB_VERSION", "JitFunction", "Lowered",
           "XlaBackend", "backend_for", "from_dlpack", "gpu_unavailable_reason", "jit",
           "lower_primitive"]
