"""``plax.lax``: the XLA-like primitive operations (from plax-core).

A re-export of ``plax_core.lax``: the same objects, under JAX's name, with
``plax.lax.linalg`` as JAX's submodule.
"""

from plax_parallel import (  # noqa: F401  (jax.lax's collectives, from plax-parallel)
    all_gather,
    all_gather_p,
    all_to_all,
    all_to_all_p,
    axis_index,
    axis_index_p,
    axis_size,
    pmax,
    pmax_p,
    pmean,
    pmin,
    pmin_p,
    ppermute,
    ppermute_p,
    pshuffle,
    psum,
    psum_p,
    psum_scatter,
    psum_scatter_p,
    with_sharding_constraint,
)

import plax_core.lax as _impl
import plax_numpy.scipy.special as _special
import plax_numpy.scipy.special_incomplete as _special_incomplete
from plax._forward import forward as _forward
from plax_core.lax import *  # noqa: F403
from plax_random.gamma_grad import random_gamma_grad  # noqa: F401  (d gamma sample / d a)

from . import linalg  # noqa: F401  (JAX's submodule)

# jax.lax's special functions are primitives in JAX; plax computes them in plax-numpy
# from elementwise primitives, so the meta-package gives them their lax names here.
bessel_i0e, bessel_i1e = _special.i0e, _special.i1e
igamma, igammac = _special.gammainc, _special.gammaincc
betainc, zeta = _special.betainc, _special.zeta
polygamma = _special_incomplete.lax_polygamma


__getattr__, __dir__ = _forward(__name__, globals(), _impl)
