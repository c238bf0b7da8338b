"""``plax.scipy.stats``: probability distributions and sample statistics (from plax-numpy).

A re-export of ``plax_numpy.scipy.stats``: the same objects, under JAX's name. Each
distribution (``plax.scipy.stats.norm``, ...) is a re-export module of its own.
"""

import importlib as _importlib

import plax_numpy.scipy.stats as _impl
from plax._forward import forward as _forward
from plax_numpy.scipy.stats import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)

# Bind the re-export submodules: the star import bound plax_numpy's modules.
for _name in _impl.__all__:
    if isinstance(getattr(_impl, _name), type(_impl)):
        globals()[_name] = _importlib.import_module(f"{__name__}.{_name}")
del _name
