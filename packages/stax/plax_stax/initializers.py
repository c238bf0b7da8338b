"""Parameter initialisers with the API of ``jax.nn.initializers``.

An initialiser is ``init(key, shape, dtype=float32) -> array``.  The variance-scaling
family draws with variance ``scale / n``, where ``n`` is the fan-in, the fan-out or
their mean, computed from ``shape`` with ``in_axis``/``out_axis`` (and the other
axes as the receptive field, ``batch_axis`` excluded), from a truncated normal on
(-2, 2) rescaled to that variance, a normal, or a uniform distribution:

    glorot_normal / glorot_uniform: scale 1, fan_avg     (Xavier)
    lecun_normal  / lecun_uniform:  scale 1, fan_in
    he_normal     / he_uniform:     scale 2, fan_in      (Kaiming)

This lives in plax-stax (not plax-numpy) because it draws from plax-random.
"""

from __future__ import annotations

import math

import numpy as np

import plax_numpy as jnp
import plax_random as random

__all__ = ["constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
           "lecun_normal", "lecun_uniform", "normal", "ones", "truncated_normal", "uniform",
           "variance_scaling", "xavier_normal", "xavier_uniform", "kaiming_normal",
           "kaiming_uniform", "zeros"]

# The standard deviation of a standard normal truncated to (-2, 2).
_TRUNCATED_STD = 0.87962566103423978


def zeros(key, shape, dtype=jnp.float32):
    """All zeros (the key is unused)."""
    return jnp.zeros(shape, dtype)


def ones(key, shape, dtype=jnp.float32):
    """All ones (the key is unused)."""
    return jnp.ones(shape, dtype)


def constant(value, dtype=jnp.float32):
    """An initialiser filling with ``value``."""
    def init(key, shape, dtype=dtype):
        return jnp.full(shape, value, dtype)
    return init


def normal(stddev=1e-2, dtype=jnp.float32):
    """Normal with mean 0 and standard deviation ``stddev``."""
    def init(key, shape, dtype=dtype):
        return random.normal(key, shape, dtype) * jnp.asarray(stddev, dtype)
    return init


def uniform(scale=1e-2, dtype=jnp.float32):
    """Uniform on ``[0, scale)``."""
    def init(key, shape, dtype=dtype):
        return random.uniform(key, shape, dtype) * jnp.asarray(scale, dtype)
    return init


def truncated_normal(stddev=1e-2, dtype=jnp.float32, lower=-2.0, upper=2.0):
    """A normal truncated to ``(lower, upper)`` standard deviations, times ``stddev``."""
    def init(key, shape, dtype=dtype):
        sample = random.truncated_normal(key, lower, upper, shape, dtype)
        return sample * jnp.asarray(stddev / _TRUNCATED_STD, dtype)
    return init


def _axes(axis, ndim):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    if len(shape) <= 1:
        raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-dimensional "
                         f"weights tensor. Must be at least 2D.")
    ndim = len(shape)
    in_size = math.prod(shape[a] for a in _axes(in_axis, ndim))
    out_size = math.prod(shape[a] for a in _axes(out_axis, ndim))
    batch_size = math.prod(shape[a] for a in _axes(batch_axis, ndim))
    receptive = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive, out_size * receptive


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(),
                     dtype=jnp.float32):
    """Samples with variance ``scale / fan`` (see the module docstring)."""
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"invalid distribution for variance scaling initializer: "
                         f"{distribution}")

    def init(key, shape, dtype=dtype):
        shape = tuple(shape)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / fan
        if distribution == "truncated_normal":
            std = np.sqrt(variance) / _TRUNCATED_STD
            return random.truncated_normal(key, -2, 2, shape, dtype) * jnp.asarray(std, dtype)
        if distribution == "normal":
            return random.normal(key, shape, dtype) * jnp.asarray(np.sqrt(variance), dtype)
        bound = np.sqrt(3 * variance)
        return random.uniform(key, shape, dtype, -1.0, 1.0) * jnp.asarray(bound, dtype)

    return init


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis, out_axis,
                            batch_axis, dtype)


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis,
                            dtype)


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis,
                            dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32):
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


xavier_normal, xavier_uniform = glorot_normal, glorot_uniform
kaiming_normal, kaiming_uniform = he_normal, he_uniform
