"""Parameter initialisers: ``jax.nn.initializers`` (JAX 0.10.2), also ``plax.nn.initializers``.

An initialiser is ``init(key, shape, dtype=None, out_sharding=None) -> array``; a None
dtype means the default float dtype (float32, float64 under x64).  The builders take
their parameters and return one.  The variance-scaling family draws with variance
``scale / n``, where ``n`` is the fan-in, the fan-out, their mean or their geometric mean,
computed from ``shape`` with ``in_axis``/``out_axis`` (the other axes, ``batch_axis``
excluded, are the receptive field), from a normal truncated to (-2, 2) and rescaled, a
normal, or a uniform (a disk for complex dtypes):

    glorot_normal / glorot_uniform: scale 1, fan_avg     (xavier_*)
    lecun_normal  / lecun_uniform:  scale 1, fan_in
    he_normal     / he_uniform:     scale 2, fan_in      (kaiming_*)

The arithmetic follows JAX's order in the target dtype (the variance is rounded to it
before its square root), so for the same key the results are JAX's bits wherever
plax-random's are.  This module lives in plax-stax, the lowest layer that may use both
plax-numpy and plax-random; the meta-package re-exports it as ``plax.nn.initializers``.
"""

from __future__ import annotations

import math
import typing

import numpy as np

import plax_numpy as jnp
import plax_random as random
from plax_core import dtypes

__all__ = ["Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform",
           "he_normal", "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal",
           "lecun_uniform", "normal", "ones", "orthogonal", "truncated_normal", "uniform",
           "variance_scaling", "xavier_normal", "xavier_uniform", "zeros"]


@typing.runtime_checkable
class Initializer(typing.Protocol):
    """What every builder here returns: ``init(key, shape, dtype=None, out_sharding=None)``."""

    def __call__(self, key, shape, dtype=None, out_sharding=None): ...


def _dtype(dtype):
    return dtypes.default_float_dtype() if dtype is None else dtype


def _no_sharding(name, out_sharding):
    if out_sharding is not None:
        raise NotImplementedError(f"nn.initializers.{name}: out_sharding={out_sharding!r} "
                                  "needs plax-parallel's shardings; pass None.")


def zeros(key, shape, dtype=None, out_sharding=None):
    """All zeros (the key is unused)."""
    _no_sharding("zeros", out_sharding)
    return jnp.zeros(shape, _dtype(dtype))


def ones(key, shape, dtype=None, out_sharding=None):
    """All ones (the key is unused)."""
    _no_sharding("ones", out_sharding)
    return jnp.ones(shape, _dtype(dtype))


def constant(value, dtype=None):
    """An initialiser filling with ``value``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("constant", out_sharding)
        return jnp.full(shape, value, dtype=_dtype(dtype))
    return init


def uniform(scale=1e-2, dtype=None):
    """Uniform on ``[0, scale)``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("uniform", out_sharding)
        dtype = _dtype(dtype)
        return random.uniform(key, shape, dtype) * jnp.array(scale, dtype)
    return init


def normal(stddev=1e-2, dtype=None):
    """Normal with mean 0 and standard deviation ``stddev``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("normal", out_sharding)
        dtype = _dtype(dtype)
        return random.normal(key, shape, dtype) * jnp.array(stddev, dtype)
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """A standard normal truncated to ``(lower, upper)``, times ``stddev`` (no correction
    of the standard deviation for the truncation, as in JAX)."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("truncated_normal", out_sharding)
        dtype = _dtype(dtype)
        return random.truncated_normal(key, lower, upper, shape, dtype) * jnp.array(stddev,
                                                                                   dtype)
    return init


def _size(shape, axis):
    return shape[axis] if isinstance(axis, int) else math.prod(shape[a] for a in axis)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """``(fan_in, fan_out)``: the in/out sizes times the receptive field's size."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-dimensional "
                         "weights tensor with default in_axis. Must be at least 2D or specify "
                         "in_axis explicitly.")
    in_size, out_size = _size(shape, in_axis), _size(shape, out_axis)
    receptive = math.prod(shape) / in_size / out_size / _size(shape, batch_axis)
    return in_size * receptive, out_size * receptive


def _complex_uniform(key, shape, dtype):
    """Uniform on the unit-variance disk of the complex plane."""
    key_r, key_theta = random.split(key)
    real = np.array(0, dtype).real.dtype
    r = jnp.sqrt(2 * random.uniform(key_r, shape, real)).astype(dtype)
    theta = 2 * np.pi * random.uniform(key_theta, shape, real).astype(dtype)
    return r * jnp.exp(1j * theta)


def _complex_truncated_normal(key, upper, shape, dtype):
    """A unit-variance complex normal whose modulus is truncated to ``upper``."""
    key_r, key_theta = random.split(key)
    real = np.array(0, dtype).real.dtype
    t = ((1 - jnp.exp(jnp.array(-(upper ** 2), dtype)))
         * random.uniform(key_r, shape, real).astype(dtype))
    r = jnp.sqrt(-jnp.log(1 - t))
    theta = 2 * np.pi * random.uniform(key_theta, shape, real).astype(dtype)
    return r * jnp.exp(1j * theta)


_FANS = {"fan_in": lambda i, o: i, "fan_out": lambda i, o: o,
         "fan_avg": lambda i, o: (i + o) / 2, "fan_geo_avg": lambda i, o: (i * o) ** 0.5}

# The standard deviations of a standard normal truncated to (-2, 2), real and complex.
_TRUNCATED_STD = {False: 0.87962566103423978, True: 0.95311164380491208}


def _truncated(key, shape, dtype, variance):
    is_complex = dtypes.issubdtype(dtype, np.complexfloating)
    stddev = jnp.sqrt(variance) / jnp.array(_TRUNCATED_STD[is_complex], dtype)
    if is_complex:
        return _complex_truncated_normal(key, 2, shape, dtype) * stddev
    return random.truncated_normal(key, -2, 2, shape, dtype) * stddev


def _uniform(key, shape, dtype, variance):
    if dtypes.issubdtype(dtype, np.complexfloating):
        return _complex_uniform(key, shape, dtype) * jnp.sqrt(variance)
    return random.uniform(key, shape, dtype, -1) * jnp.sqrt(3 * variance)


_DISTRIBUTIONS = {
    "truncated_normal": _truncated,
    "normal": lambda key, shape, dtype, variance:
        random.normal(key, shape, dtype) * jnp.sqrt(variance),
    "uniform": _uniform,
}


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(),
                     dtype=None):
    """Samples with variance ``scale / n`` (see the module docstring for ``n``)."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("variance_scaling", out_sharding)
        shape = tuple(int(d) for d in shape)
        dtype = _dtype(dtype)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        if mode not in _FANS:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode} "
                             f"(expected one of {', '.join(_FANS)})")
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"invalid distribution for variance scaling initializer: "
                             f"{distribution} (expected one of {', '.join(_DISTRIBUTIONS)})")
        variance = jnp.array(scale / _FANS[mode](fan_in, fan_out), dtype=dtype)
        return _DISTRIBUTIONS[distribution](key, shape, dtype, variance)
    return init


def _family(scale, mode, distribution, doc):
    def builder(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis,
                                dtype)
    builder.__doc__ = doc
    return builder


glorot_uniform = _family(1.0, "fan_avg", "uniform", "Glorot (Xavier) uniform: scale 1, fan_avg.")
glorot_normal = _family(1.0, "fan_avg", "truncated_normal",
                        "Glorot (Xavier) truncated normal: scale 1, fan_avg.")
lecun_uniform = _family(1.0, "fan_in", "uniform", "LeCun uniform: scale 1, fan_in.")
lecun_normal = _family(1.0, "fan_in", "truncated_normal",
                       "LeCun truncated normal: scale 1, fan_in.")
he_uniform = _family(2.0, "fan_in", "uniform", "He (Kaiming) uniform: scale 2, fan_in.")
he_normal = _family(2.0, "fan_in", "truncated_normal",
                    "He (Kaiming) truncated normal: scale 2, fan_in.")
for _name in ("glorot_uniform", "glorot_normal", "lecun_uniform", "lecun_normal", "he_uniform",
              "he_normal"):
    globals()[_name].__name__ = globals()[_name].__qualname__ = _name
xavier_normal, xavier_uniform = glorot_normal, glorot_uniform
kaiming_normal, kaiming_uniform = he_normal, he_uniform


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """Haar-random matrices with orthonormal rows or columns (whichever side is smaller),
    the columns along ``column_axis``, times ``scale``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("orthogonal", out_sharding)
        dtype = _dtype(dtype)
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError(f"orthogonal initializer requires at least a 2D shape; got "
                             f"shape {shape}.")
        if 0 in shape:
            return jnp.zeros(shape, dtype)
        n_cols = shape[column_axis]
        q = random.orthogonal(key, math.prod(shape) // n_cols, (), dtype, n_cols)
        q = jnp.reshape(q, tuple(np.delete(shape, column_axis)) + (n_cols,))
        return jnp.array(scale, dtype) * jnp.moveaxis(q, -1, column_axis)
    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """Convolution kernels that are zero except an orthogonal matrix at the spatial centre
    (Xiao et al. 2018); the shape must be 3D, 4D or 5D with ``shape[-1] >= shape[-2]``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding("delta_orthogonal", out_sharding)
        dtype = _dtype(dtype)
        shape = tuple(int(d) for d in shape)
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"Delta orthogonal initializer requires a 3D, 4D or 5D shape; "
                             f"got shape {shape}.")
        if shape[-1] < shape[-2]:
            raise ValueError(f"`fan_in` must be less or equal than `fan_out`; got shape {shape} "
                             f"with fan_in {shape[-2]} > fan_out {shape[-1]}.")
        matrix = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return jnp.zeros(shape, dtype).at[centre].set(matrix)
    return init
