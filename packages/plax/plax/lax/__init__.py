"""``plax.lax``: the XLA-like primitive operations (from plax-core).

A re-export of ``plax_core.lax``: the same objects, under JAX's name, with
``plax.lax.linalg`` as JAX's submodule.
"""

import plax_core.lax as _impl
import plax_numpy.scipy.special as _special
from plax._forward import forward as _forward
from plax_core.lax import *  # noqa: F403
from plax_random.gamma_grad import random_gamma_grad  # noqa: F401  (d gamma sample / d a)

from . import linalg  # noqa: F401  (JAX's submodule)

# jax.lax's special functions are primitives in JAX; plax computes them in plax-numpy
# from elementwise primitives, so the meta-package gives them their lax names here.
bessel_i0e, bessel_i1e = _special.i0e, _special.i1e
igamma, igammac = _special.gammainc, _special.gammaincc
betainc, zeta = _special.betainc, _special.zeta


def polygamma(m, x):
    """The ``m``-th derivative of digamma at ``x``; ``m`` is a float of ``x``'s dtype
    holding an integer (as in ``jax.lax``), NaN where it is not one."""
    import plax_numpy as jnp
    m = jnp.asarray(m)
    whole = jnp.logical_and(m == jnp.floor(m), m >= 0)
    out = _special.polygamma(jnp.where(whole, m, 0).astype(jnp.int32), x)
    return jnp.where(whole, out, jnp.nan)


__getattr__, __dir__ = _forward(__name__, globals(), _impl)
