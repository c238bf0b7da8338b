"""``plax.scipy``: a SciPy subset on plax arrays (from plax-numpy).

A re-export of ``plax_numpy.scipy``: the same objects, under JAX's name. Its
submodules (``plax.scipy.special``, ...) are re-export modules of their own.
"""

import plax_numpy.scipy as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)

# Bind the re-export submodules explicitly: the star import bound plax_numpy's.
linalg = __import__("importlib").import_module("plax.scipy.linalg")
stats = __import__("importlib").import_module("plax.scipy.stats")
