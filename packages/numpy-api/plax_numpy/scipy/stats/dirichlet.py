"""``plax.scipy.stats.dirichlet``: the Dirichlet distribution (components on axis 0 of
``x``, as SciPy; ``x`` may leave out the last component, which is then 1 - sum)."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import dtypes_only

__all__ = ["logpdf", "pdf"]


def logpdf(x, alpha):
    """The log of the probability density function of the ``dirichlet`` distribution, as
    ``scipy.stats.dirichlet.logpdf``.
    """
    x, alpha = dtypes_only("dirichlet.logpdf", x, alpha)
    if alpha.ndim != 1:
        raise ValueError(f"dirichlet.logpdf: alpha must be one-dimensional, got shape "
                         f"{alpha.shape}.")
    k = alpha.shape[0]
    if x.ndim == 0 or x.shape[0] not in (k, k - 1):
        raise ValueError(f"dirichlet.logpdf: x must have {k} (or {k - 1}) components on "
                         f"axis 0 to match alpha of shape {alpha.shape}, got shape {x.shape}.")
    if x.shape[0] == k - 1:
        x = jnp.concatenate([x, 1.0 - jnp.sum(x, axis=0, keepdims=True)], axis=0)
    a = alpha.reshape((k,) + (1,) * (x.ndim - 1))
    norm = jnp.sum(lax.lgamma(alpha)) - lax.lgamma(jnp.sum(alpha))
    out = jnp.sum(special.xlogy(a - 1.0, x), axis=0) - norm
    tol = 10 * float(np.finfo(x.dtype).eps) * k
    simplex = jnp.all(x >= 0, axis=0) & (jnp.abs(jnp.sum(x, axis=0) - 1.0) <= tol)
    return jnp.where(simplex, out, -np.inf)


def pdf(x, alpha):
    """The probability density function of the ``dirichlet`` distribution, as
    ``scipy.stats.dirichlet.pdf``.
    """
    return jnp.exp(logpdf(x, alpha))
