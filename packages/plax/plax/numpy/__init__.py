"""``plax.numpy``: NumPy's API on plax arrays (from plax-numpy).

A re-export of ``plax_numpy``: the same objects, under JAX's name
(``import plax.numpy as jnp``).
"""

import importlib as _importlib

import plax_numpy as _impl
from plax._forward import forward as _forward
from plax_numpy import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)

# Bind the re-export submodules explicitly: the star import may have bound plax_numpy's.
linalg = _importlib.import_module("plax.numpy.linalg")
fft = _importlib.import_module("plax.numpy.fft")
