"""``plax.numpy.fft``: discrete Fourier transforms (from plax-numpy).

A re-export of ``plax_numpy.fft``: the same objects, under JAX's name.
"""

import plax_numpy.fft as _impl
from plax._forward import forward as _forward
from plax_numpy.fft import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
