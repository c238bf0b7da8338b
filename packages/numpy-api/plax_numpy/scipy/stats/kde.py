"""``plax.scipy.stats.gaussian_kde``: a kernel density estimate with Gaussian kernels.

The dataset is ``(d, n)``; weights are normalized; the kernel covariance is the weighted
data covariance times ``factor ** 2`` (Scott's or Silverman's rule, a scalar, or a
callable of the estimator). A pytree, so it passes through ``jit`` and ``vmap``.
"""

from __future__ import annotations

import numpy as np

import plax_numpy as jnp
from plax_core.tree_util import register_pytree_node_class

from .. import special
from ..linalg import solve_triangular

__all__ = ["gaussian_kde"]


@register_pytree_node_class
class gaussian_kde:  # noqa: N801  (SciPy's and JAX's name)
    """A Gaussian kernel density estimate of ``dataset`` (``bw_method`` as SciPy's), as
    ``scipy.stats.gaussian_kde``.
    """
    def __init__(self, dataset, bw_method=None, weights=None):
        dataset = jnp.atleast_2d(jnp.asarray(dataset))
        if not jnp.issubdtype(dataset.dtype, jnp.inexact):
            dataset = dataset.astype(jnp.result_type(float))
        if jnp.issubdtype(dataset.dtype, jnp.complexfloating):
            raise NotImplementedError("gaussian_kde does not support complex data.")
        if dataset.size <= 1:
            raise ValueError("gaussian_kde: the dataset must have more than one point.")
        d, n = dataset.shape
        if weights is None:
            weights = jnp.full((n,), 1.0 / n, dataset.dtype)
        else:
            weights = jnp.atleast_1d(jnp.asarray(weights, dataset.dtype))
            if weights.shape != (n,):
                raise ValueError(f"gaussian_kde: weights must have shape ({n},) to match "
                                 f"the dataset of shape {dataset.shape}, got {weights.shape}.")
            weights = weights / jnp.sum(weights)
        neff = 1.0 / jnp.sum(weights ** 2)
        if bw_method is None or bw_method == "scott":
            factor = neff ** (-1.0 / (d + 4))
        elif bw_method == "silverman":
            factor = (neff * (d + 2) / 4.0) ** (-1.0 / (d + 4))
        elif callable(bw_method):
            self._set(dataset, weights, neff, None, None)
            factor = bw_method(self)
        elif np.isscalar(bw_method) and not isinstance(bw_method, str):
            factor = bw_method
        else:
            raise ValueError("gaussian_kde: bw_method must be 'scott', 'silverman', a "
                             f"scalar or a callable, got {bw_method!r}.")
        data_cov = jnp.atleast_2d(jnp.cov(dataset, rowvar=True, bias=False, aweights=weights))
        covariance = data_cov * factor ** 2
        self._set(dataset, weights, neff, covariance, jnp.linalg.inv(covariance))

    def _set(self, dataset, weights, neff, covariance, inv_cov):
        self.dataset, self.weights, self.neff = dataset, weights, neff
        self.covariance, self.inv_cov = covariance, inv_cov

    @property
    def d(self):
        """The number of dimensions of the data."""
        return self.dataset.shape[0]

    @property
    def n(self):
        """The number of data points."""
        return self.dataset.shape[1]

    def tree_flatten(self):
        """The estimator as a pytree node: its arrays are the leaves (it passes through
        ``jit`` and ``vmap``)."""
        return (self.dataset, self.weights, self.neff, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        """Rebuild an estimator from the leaves ``tree_flatten`` gave."""
        kde = object.__new__(cls)
        kde._set(*children)
        return kde

    def _points(self, points):
        points = jnp.atleast_2d(jnp.asarray(points, self.dataset.dtype))
        d, m = points.shape
        if d != self.d:
            if d == 1 and m == self.d:
                return points.reshape(self.d, 1)
            raise ValueError(f"gaussian_kde: points have dimension {d}, the dataset has "
                             f"dimension {self.d}.")
        return points

    def _log_kernel_sums(self, points, mean_data, cov):
        """log sum_i w_i N(point; data_i, cov) for each point (columns)."""
        chol = jnp.linalg.cholesky(cov)
        diff = points[:, :, None] - mean_data[:, None, :]          # (d, m, n)
        white = solve_triangular(chol, diff.reshape(self.d, -1), lower=True)
        maha = jnp.sum(white ** 2, axis=0).reshape(diff.shape[1:])
        log_norm = jnp.sum(jnp.log(jnp.diagonal(chol))) + 0.5 * self.d * np.log(2 * np.pi)
        return special.logsumexp(-0.5 * maha - log_norm, b=self.weights[None, :], axis=1)

    def evaluate(self, points):
        """The estimated density at ``points`` (shape ``(d, m)``)."""
        return jnp.exp(self.logpdf(points))

    __call__ = pdf = evaluate

    def logpdf(self, x):
        """The log density at ``x``."""
        return self._log_kernel_sums(self._points(x), self.dataset, self.covariance)

    def integrate_gaussian(self, mean, cov):
        """The integral of the estimate times the Gaussian N(mean, cov)."""
        mean = jnp.atleast_1d(jnp.asarray(mean, self.dataset.dtype))
        cov = jnp.atleast_2d(jnp.asarray(cov, self.dataset.dtype))
        if mean.shape != (self.d,) or cov.shape != (self.d, self.d):
            raise ValueError(f"gaussian_kde.integrate_gaussian: mean must have shape "
                             f"({self.d},) and cov ({self.d}, {self.d}), got {mean.shape} "
                             f"and {cov.shape}.")
        return jnp.exp(self._log_kernel_sums(mean[:, None], self.dataset,
                                             self.covariance + cov)[0])

    def integrate_box_1d(self, low, high):
        """The integral of a one-dimensional estimate over [low, high]."""
        if self.d != 1:
            raise ValueError("gaussian_kde.integrate_box_1d: the dataset must be "
                             f"one-dimensional, it has dimension {self.d}.")
        sd = jnp.sqrt(self.covariance[0, 0])
        lo = special.ndtr((low - self.dataset[0]) / sd)
        hi = special.ndtr((high - self.dataset[0]) / sd)
        return jnp.sum(self.weights * (hi - lo))

    def integrate_kde(self, other):
        """The integral of the product of this estimate and ``other``."""
        if other.d != self.d:
            raise ValueError(f"gaussian_kde.integrate_kde: the estimates have dimensions "
                             f"{self.d} and {other.d}.")
        logs = self._log_kernel_sums(other.dataset, self.dataset,
                                     self.covariance + other.covariance)
        return jnp.sum(other.weights * jnp.exp(logs))

    def resample(self, key, shape=()):
        """Not provided (``NotImplementedError``): plax-numpy has no random numbers; the
        error shows how to draw from the estimate with ``plax.random``."""
        raise NotImplementedError(
            "gaussian_kde.resample needs plax-random, which plax-numpy does not depend on; "
            "draw it directly: idx = plax.random.choice(key1, kde.n, shape, p=kde.weights); "
            "kde.dataset[:, idx] + cholesky(kde.covariance) @ plax.random.normal(key2, "
            "(kde.d,) + shape).")

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        """Not implemented, as in JAX (``NotImplementedError``); see
        ``integrate_box_1d``."""
        raise NotImplementedError("gaussian_kde.integrate_box is not implemented (as in "
                                  "JAX); integrate_box_1d covers one-dimensional data.")

    def set_bandwidth(self, bw_method=None):
        """Not implemented, as in JAX (``NotImplementedError``): build a new
        ``gaussian_kde`` with the ``bw_method``."""
        raise NotImplementedError("gaussian_kde.set_bandwidth is not implemented (as in "
                                  "JAX); build a new gaussian_kde with the bw_method.")
