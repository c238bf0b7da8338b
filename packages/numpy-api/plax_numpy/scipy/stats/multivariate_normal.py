"""``plax.scipy.stats.multivariate_normal``: the multivariate normal distribution (the event
on the last axis; ``cov`` a scalar, or matrices on the last two axes)."""

import numpy as np

import plax_numpy as jnp

from ..linalg import solve_triangular
from ._util import dtypes_only

__all__ = ["logpdf", "pdf"]

_LOG_2PI = np.log(2 * np.pi)


def logpdf(x, mean, cov, allow_singular=None):
    """The log of the probability density function of the ``multivariate_normal`` distribution,
    as ``scipy.stats.multivariate_normal.logpdf``.
    """
    if allow_singular is not None:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular is not "
                                  "supported (as in JAX); leave it as None.")
    x, mean, cov = dtypes_only("multivariate_normal.logpdf", x, mean, cov)
    if mean.ndim == 0:
        return -0.5 * jnp.square(x - mean) / cov - 0.5 * (_LOG_2PI + jnp.log(cov))
    n = mean.shape[-1]
    y = x - mean
    if cov.ndim == 0:
        return -0.5 * jnp.sum(y * y, axis=-1) / cov - 0.5 * n * (_LOG_2PI + jnp.log(cov))
    if cov.ndim < 2 or cov.shape[-2:] != (n, n):
        raise ValueError(f"multivariate_normal.logpdf: cov must be a scalar or have shape "
                         f"(..., {n}, {n}) to match mean of shape {mean.shape}, got "
                         f"{cov.shape}.")
    chol = jnp.linalg.cholesky(cov)
    batch = jnp.broadcast_shapes(y.shape[:-1], cov.shape[:-2])
    chol = jnp.broadcast_to(chol, batch + (n, n))
    white = solve_triangular(chol, jnp.broadcast_to(y, batch + (n,))[..., None], lower=True)
    half_logdet = jnp.sum(jnp.log(jnp.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * jnp.sum(white[..., 0] ** 2, axis=-1) - 0.5 * n * _LOG_2PI - half_logdet


def pdf(x, mean, cov):
    """The probability density function of the ``multivariate_normal`` distribution, as
    ``scipy.stats.multivariate_normal.pdf``.
    """
    return jnp.exp(logpdf(x, mean, cov))
