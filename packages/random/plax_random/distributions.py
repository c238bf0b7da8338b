"""The basic samplers: JAX's signatures, dtype rules and algorithms.

Each public function checks its key (``prng.check_key``: a single raw or typed key),
canonicalises ``shape`` and ``dtype`` as JAX does (float32 by default, float64 with
x64) and calls a private sampler that works on key *data*.  The private samplers also
take batches of keys (``B + (2,)``) and return ``B + shape``; the rejection samplers in
``more_distributions`` draw one value per key that way.

The algorithms are JAX 0.10.2's, so that values match bit for bit where the primitive
results do (``uniform``, ``randint``, ``bernoulli``, ``permutation``, ``choice``):

- ``uniform``: the top mantissa bits of random words, with exponent 0, make a float in
  [1, 2); subtract 1, scale to ``[minval, maxval)`` and clamp below at ``minval``.
- ``normal``: ``sqrt(2) * erf_inv(u)`` for ``u`` uniform in ``(-1, 1)``.  Transcendental
  functions on the NumPy backend round differently from XLA's approximations, so
  normals agree with JAX to about 1e-6 relative there and exactly under plax-xla.
- ``randint``: two random words per value reduced modulo the span.
- ``permutation``/``shuffle``: sorts by random 32-bit keys, ``ceil(3 ln n / ln 2**32)``
  rounds.
- ``choice``: ``randint``; a permutation (without replacement); inverse-CDF on the
  cumulative sums of ``p``; the Gumbel top-k trick (``p``, without replacement).
- ``gumbel``, ``categorical`` (Gumbel-max), ``truncated_normal`` (inverse CDF), and
  inverse-CDF transforms for ``exponential``, ``laplace``, ``logistic``, ``cauchy``.

Sorting, ``top_k`` and ``cumsum`` are core's primitives (``lax.sort_key_val``,
``lax.top_k``, ``lax.cumsum``); ``take`` and ``searchsorted`` are gathers (core's
indexing), as in JAX.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np

from plax_core import dtypes, lax, ops
from plax_core.ad_util import stop_gradient
from plax_core.core import Tracer, get_aval
from plax_core.staging import staged

from . import _lax_util as u
from . import prng
from .prng import canonical_shape, check_key

__all__ = [
    "bernoulli", "categorical", "cauchy", "choice", "exponential", "gumbel", "laplace",
    "logistic", "normal", "permutation", "rademacher", "randint", "shuffle",
    "truncated_normal", "uniform",
]

_I32 = np.dtype(np.int32)


# ----------------------------------------------------------------------- helpers

def split2(kd, num: int = 2):
    """``num`` keys from key data ``B + (2,)``: a list of ``B + (2,)`` arrays."""
    keys = prng.split_data(kd, (num,))
    axis = len(u.shape(keys)) - 2
    return [lax.index_in_dim(keys, i, axis, keepdims=False) for i in range(num)]


def check_shape(name: str, shape, *param_shapes) -> None:
    """JAX's rule: parameter shapes broadcast with ``shape`` to exactly ``shape``."""
    if param_shapes:
        got = ops.broadcast_shapes(shape, *param_shapes, fname=name)
        if got != tuple(shape):
            raise ValueError(f"{name} parameter shapes must be broadcast-compatible with "
                             f"shape argument, and the result of broadcasting the shapes "
                             f"must equal the shape argument, but got result {got} for "
                             f"shape argument {tuple(shape)}.")


def _shape_of(x) -> tuple:
    return np.shape(x) if not hasattr(x, "aval") and not isinstance(x, Tracer) \
        else get_aval(x).shape


def _const(dt, value):
    return np.array(value, dt)


def _is_concrete(x) -> bool:
    return not isinstance(x, Tracer)


# ----------------------------------------------------------------------- uniform

def _uniform(kd, shape, dt, minval, maxval):
    if not dtypes.is_float(dt):
        raise TypeError("uniform only accepts floating point dtypes.")
    minval = lax.convert_element_type(minval, dt)
    maxval = lax.convert_element_type(maxval, dt)
    minval = lax.broadcast_to_rank(minval, len(shape))
    maxval = lax.broadcast_to_rank(maxval, len(shape))
    finfo = dtypes.finfo(dt)
    nbits, nmant = finfo.bits, finfo.nmant
    if nbits not in (8, 16, 32, 64):
        raise TypeError(f"uniform only accepts 8-, 16-, 32-, or 64-bit dtypes, got "
                        f"{dt.name}.")
    rng_bits = 8 if nmant < 8 else nbits
    bits = prng.random_bits(kd, rng_bits, shape)
    uint_dt = prng.UINT_DTYPES[nbits]
    if rng_bits != nbits:
        bits = lax.convert_element_type(bits, uint_dt)
    one_bits = np.array(1.0, dt).view(uint_dt)
    float_bits = lax.bitwise_or(lax.shift_right_logical(bits, np.array(rng_bits - nmant,
                                                                       uint_dt)),
                                one_bits)
    floats = lax.sub(lax.bitcast_convert_type(float_bits, dt), _const(dt, 1.0))
    scaled = ops.add(ops.multiply(floats, ops.subtract(maxval, minval)), minval)
    return ops.maximum(minval, scaled)


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in ``[minval, maxval)`` of ``shape`` and ``dtype``."""
    kd, _ = check_key("uniform", key)
    dt = u.canonical_float(dtype, "uniform")
    shape = canonical_shape("uniform", shape)
    return staged(_uniform_staged, kd, minval, maxval, shape=shape, dt=dt)


def _uniform_staged(kd, minval, maxval, *, shape, dt):
    return _uniform(kd, shape, dt, minval, maxval)


# ------------------------------------------------------------------------ normal

def _normal_real(kd, shape, dt):
    lo = _const(dt, -1.0 + float(dtypes.finfo(dt).epsneg))   # nextafter(-1, 0)
    v = _uniform(kd, shape, dt, lo, _const(dt, 1.0))
    return lax.mul(_const(dt, np.sqrt(2)), lax.erf_inv(v))


def _normal(kd, shape, dt):
    if dtypes.is_complex(dt):
        real_dt = np.array(0, dt).real.dtype
        k_re, k_im = split2(kd)
        re = lax.convert_element_type(_normal_real(k_re, shape, real_dt), dt)
        im = lax.convert_element_type(_normal_real(k_im, shape, real_dt), dt)
        return ops.true_divide(ops.add(re, ops.multiply(1j, im)), _const(dt, np.sqrt(2)))
    return _normal_real(kd, shape, dt)


def normal(key, shape=(), dtype=None):
    """Standard normal samples (real or complex ``dtype``)."""
    kd, _ = check_key("normal", key)
    shape = canonical_shape("normal", shape)
    dt = u.canonical_float(dtype, "normal", "fc", "a float or complex")
    return staged(_normal, kd, shape=shape, dt=dt)


# ----------------------------------------------------------------------- randint

def _convert_and_clip_integer(val, dt):
    val = ops.as_array(val)
    vdt = u.dtype(val)
    lo = max(int(dtypes.iinfo(dt).min), int(dtypes.iinfo(vdt).min))
    hi = min(int(dtypes.iinfo(dt).max), int(dtypes.iinfo(vdt).max))
    return ops.astype(ops.clip(val, np.array(lo, vdt), np.array(hi, vdt)), dt)


def _randint(kd, shape, minval, maxval, dt):
    check_shape("randint", shape, _shape_of(minval), _shape_of(maxval))
    minval, maxval = ops.as_array(ops.operand(minval)), ops.as_array(ops.operand(maxval))
    if not dtypes.is_int(u.dtype(minval)):
        minval = ops.astype(minval, int)
    if not dtypes.is_int(u.dtype(maxval)):
        maxval = ops.astype(maxval, int)
    out_of_range = ops.greater(
        maxval, _convert_and_clip_integer(np.array(dtypes.iinfo(dt).max, dt), u.dtype(maxval)))
    minval = _convert_and_clip_integer(minval, dt)
    maxval = _convert_and_clip_integer(maxval, dt)
    minval = lax.broadcast_to_rank(minval, len(shape))
    maxval = lax.broadcast_to_rank(maxval, len(shape))
    nbits = dtypes.iinfo(dt).bits
    if nbits not in (8, 16, 32, 64):
        raise TypeError(f"randint only accepts 8-, 16-, 32-, or 64-bit dtypes, got {dt.name}")
    k1, k2 = split2(kd)
    higher, lower = prng.random_bits(k1, nbits, shape), prng.random_bits(k2, nbits, shape)
    udt = prng.UINT_DTYPES[nbits]
    span = lax.convert_element_type(ops.subtract(maxval, minval), udt)
    span = u.where(ops.less_equal(maxval, minval), np.array(1, udt), span)
    span = u.where(ops.logical_and(out_of_range, ops.greater(maxval, minval)),
                   lax.add(span, np.array(1, udt)), span)
    multiplier = u.bcast(lax.rem, np.array(2 ** (nbits // 2), udt), span)
    multiplier = lax.rem(lax.mul(multiplier, multiplier), span)
    offset = u.bcast(lax.add, u.bcast(lax.mul, u.bcast(lax.rem, higher, span), multiplier),
                     u.bcast(lax.rem, lower, span))
    offset = u.bcast(lax.rem, offset, span)
    return u.bcast(lax.add, minval, lax.convert_element_type(offset, dt))


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in ``[minval, maxval)`` (``minval`` where ``maxval <= minval``).

    Beyond JAX: concrete bounds with ``minval > maxval`` raise a ValueError (JAX
    silently returns ``minval``; traced bounds still do that here).
    """
    kd, _ = check_key("randint", key)
    dt = dtypes.check_user_dtype(int if dtype is None else dtype, "randint")
    shape = canonical_shape("randint", shape)
    if not dtypes.is_int(dt):
        raise TypeError(f"randint only accepts integer dtypes, got {dt.name}")
    ops.check_arraylike("randint", minval, maxval)
    if _is_concrete(minval) and _is_concrete(maxval):
        lo, hi = np.asarray(minval), np.asarray(maxval)
        if lo.dtype.kind in "iufb" and hi.dtype.kind in "iufb" and np.any(lo > hi):
            raise ValueError(f"randint: minval must not exceed maxval, got minval="
                             f"{lo.tolist()} and maxval={hi.tolist()} (under jit, where "
                             f"the bounds are traced, such entries give minval as in JAX)")
    info = dtypes.iinfo(dt)
    sample_dt = dt
    if info.bits < 32:
        sample_dt = _I32
        minval = ops.clip(ops.astype(ops.as_array(ops.operand(minval)), _I32),
                          int(info.min), int(info.max))
        maxval = ops.clip(ops.astype(ops.as_array(ops.operand(maxval)), _I32),
                          int(info.min), int(info.max) + 1)
    out = _randint(kd, shape, minval, maxval, sample_dt)
    return out if sample_dt == dt else ops.astype(out, dt)


# --------------------------------------------------------------------- bernoulli

def _bernoulli(kd, p, shape, mode):
    dt = u.dtype(p)
    if shape is None:
        shape = u.shape(p)
    else:
        check_shape("bernoulli", shape, u.shape(p))
    if mode == "high":
        both = _uniform(kd, (2, *shape), dt, 0.0, 1.0)
        n = len(u.shape(both)) - len(shape) - 1
        u1 = lax.index_in_dim(both, 0, n, keepdims=False)
        u2 = lax.index_in_dim(both, 1, n, keepdims=False)
        u2 = ops.multiply(u2, 2.0 ** -dtypes.finfo(dt).nmant)
        return ops.less(u2, ops.subtract(p, u1))
    return ops.less(_uniform(kd, shape, dt, 0.0, 1.0), p)


def bernoulli(key, p=0.5, shape=None, mode="low"):
    """Booleans that are True with probability ``p`` (``mode="high"`` for tiny ``p``)."""
    if shape is not None:
        shape = canonical_shape("bernoulli", shape)
    if mode not in ("high", "low"):
        raise ValueError(f"got mode={mode!r}, expected 'high' or 'low'")
    kd, _ = check_key("bernoulli", key)
    dt = dtypes.dtype(p)
    if not dtypes.is_float(dt):
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got "
                        f"{dt.name}.")
    if type(p) in (bool, int, float):       # an operand, not a static value per p
        p = np.asarray(p, dt)
    return staged(_bernoulli_staged, kd, p, dt=dt, shape=shape, mode=mode)


def _bernoulli_staged(kd, p, *, dt, shape, mode):
    return _bernoulli(kd, lax.convert_element_type(ops.operand(p), dt), shape, mode)


def rademacher(key, shape=(), dtype=None):
    """-1 or +1 with equal probability, as integers (or ``dtype``)."""
    kd, _ = check_key("rademacher", key)
    dt = dtypes.check_user_dtype(int if dtype is None else dtype, "rademacher")
    shape = canonical_shape("rademacher", shape)
    return _rademacher(kd, shape, dt)


def _rademacher(kd, shape, dt):
    p = lax.convert_element_type(0.5, dtypes.default_float_dtype())
    b = ops.astype(_bernoulli(kd, p, shape, "low"), dt)
    return ops.astype(ops.subtract(ops.multiply(2, b), 1), dt)


# ------------------------------------------------------------------- permutations

def _shuffle(kd, x, axis, rows: bool = False):
    """JAX's ``_shuffle``: ``ceil(3 ln n / ln(2**32 - 1))`` stable sorts by random keys.

    Each round is one ``lax.sort_key_val`` (stable, keyed by 32 random bits per element,
    as JAX keys it).  ``rows=True`` permutes whole slices along ``axis`` with one key per
    slice: as JAX, it shuffles ``arange(n)`` and then gathers ``x`` by it (``_take``).
    """
    if rows:
        return _take(x, _shuffle(kd, _arange(u.shape(x)[axis]), 0), axis)
    kshape = u.shape(x)
    size = math.prod(kshape)
    uint32max = np.iinfo(np.uint32).max
    rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(uint32max)))
    for _ in range(rounds):
        kd, sub = split2(kd)
        sort_keys = prng.random_bits(sub, 32, kshape)
        x = lax.sort_key_val(sort_keys, x, axis)[1]
    return x


def _take(arr, ind, axis: int = 0):
    """``jnp.take(arr, ind, axis)`` for in-range integer indices: one gather."""
    return ops.getitem(arr, (slice(None),) * axis + (ind,))


def _searchsorted_left(sorted_1d, v):
    """``jnp.searchsorted(sorted_1d, v)`` (``side='left'``), as int32.

    JAX's default ``method='scan'``: a binary search of ``ceil(log2(n + 1))`` steps,
    each one gather of ``sorted_1d`` at the midpoints (unrolled here).
    """
    n = u.shape(sorted_1d)[0]
    i32 = np.dtype(np.int32)
    low = lax.full(u.shape(v), 0, i32)
    high = lax.full(u.shape(v), n, i32)
    for _ in range(int(np.ceil(np.log2(n + 1)))):
        mid = lax.div(lax.add(low, high), np.int32(2))
        mid_val = ops.getitem(sorted_1d, lax.min(mid, np.int32(max(n - 1, 0))))
        go_left = lax.le(v, mid_val)
        low, high = lax.select(go_left, low, mid), lax.select(go_left, mid, high)
    return high


def _arange(n: int):
    return lax.iota(dtypes.default_int_dtype(), n)


def permutation(key, x, axis=0, independent=False):
    """A random permutation of ``x`` along ``axis``, or of ``arange(x)`` for an int.

    ``independent=True`` permutes every slice along ``axis`` independently.
    """
    kd, _ = check_key("permutation", key)
    ops.check_arraylike("permutation", x)
    nd = len(_shape_of(x))
    axis = ops.canonicalize_axis(axis, nd or 1, "permutation")
    if not nd:
        if not dtypes.is_int(dtypes.dtype(x)):
            raise TypeError("x must be an integer or at least 1-dimensional")
        if isinstance(x, Tracer):
            x._concrete_error("plax.random.permutation's argument x (a size)")
        return _shuffle(kd, _arange(operator.index(int(x))), axis)
    x = ops.as_array(ops.operand(x))
    return _shuffle(kd, x, axis, rows=not independent and nd > 1)


def shuffle(key, x, axis=0):
    """Deprecated alias (JAX's): ``permutation(key, x, axis, independent=True)``."""
    import warnings
    warnings.warn("plax.random.shuffle is deprecated; use plax.random.permutation with "
                  "independent=True.", FutureWarning, stacklevel=2)
    kd, _ = check_key("shuffle", key)
    x = ops.as_array(ops.operand(x))
    axis = ops.canonicalize_axis(axis, len(u.shape(x)) or 1, "shuffle")
    return _shuffle(kd, x, axis)


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """Random samples from ``a`` (or ``arange(a)`` for an int) along ``axis``."""
    kd, _ = check_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"shape argument of plax.random.choice must be a sequence, got "
                        f"{shape}")
    shape = canonical_shape("choice", shape)
    ops.check_arraylike("choice", a)
    arr = ops.as_array(ops.operand(a))
    if not u.shape(arr):
        if isinstance(a, Tracer):
            a._concrete_error("plax.random.choice's argument a (a size)")
        n_inputs = operator.index(int(np.asarray(a)))
    else:
        axis = ops.canonicalize_axis(axis, len(u.shape(arr)), "choice")
        n_inputs = u.shape(arr)[axis]
    n_draws = math.prod(shape)
    if n_draws == 0:
        return lax.full(shape, 0, u.dtype(arr))
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = _randint(kd, shape, 0, n_inputs, dtypes.default_int_dtype())
            result = ind if not u.shape(arr) else _take(arr, ind, axis)
        else:
            if not u.shape(arr):
                perm = _shuffle(kd, _arange(n_inputs), 0)
            else:
                perm = _shuffle(kd, arr, axis, rows=len(u.shape(arr)) > 1)
            result = lax.slice_in_dim(perm, 0, n_draws, axis=axis if u.shape(arr) else 0)
    else:
        ops.check_arraylike("choice", p)
        (p_arr,) = u.promote_inexact(ops.operand(p))
        if u.shape(p_arr) != (n_inputs,):
            raise ValueError(f"p must be None or a 1D vector with the same size as "
                             f"a.shape[axis]. p has shape {u.shape(p_arr)} and "
                             f"a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = lax.cumsum(p_arr, 0)
            total = lax.index_in_dim(p_cuml, n_inputs - 1, 0, keepdims=False)
            draws = _uniform(kd, shape, u.dtype(p_cuml), 0.0, 1.0)
            r = ops.multiply(total, ops.subtract(1, draws))
            ind = ops.astype(_searchsorted_left(p_cuml, r), int)
        else:
            g = ops.add(_gumbel(kd, (n_inputs,), u.dtype(p_arr), _gumbel_mode(mode)),
                        lax.log(p_arr))
            ind = ops.astype(lax.top_k(g, n_draws)[1], int)
        result = ind if not u.shape(arr) else _take(arr, ind, axis)
    out_shape = shape if not u.shape(arr) else (
        u.shape(arr)[:axis] + shape + u.shape(arr)[axis + 1:])
    return ops.reshape(result, out_shape)


# ------------------------------------------------------------ gumbel, categorical

def _gumbel_mode(mode):
    if mode is None:
        return "low"
    if mode not in ("highest", "high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    return mode


def _clz32(x):
    """Count of leading zero bits of uint32 values (32 for zero)."""
    n = lax.full(u.shape(x), np.uint32(0))
    for s in (16, 8, 4, 2, 1):
        small = lax.lt(x, np.uint32(1 << (32 - s)))
        n = lax.select(small, lax.add(n, np.uint32(s)), n)
        x = lax.select(small, lax.shift_left(x, np.uint32(s)), x)
    return lax.select(lax.eq(x, np.uint32(0)), lax.add(n, np.uint32(1)), n)


def _safe_int_to_float(hi, lo):
    """Two uint32 words as one float32 in (0, 1) with up to 64 bits of resolution."""
    finfo = dtypes.finfo(np.float32)
    hiclz, loclz = _clz32(hi), _clz32(lo)
    full32 = lax.eq(hiclz, np.uint32(32))
    mantissa = lax.bitwise_or(
        u.bcast(lax.shift_left, hi, hiclz),
        lax.select(full32, lax.shift_left(lo, loclz),
                   lax.shift_right_logical(lo, lax.sub(np.uint32(finfo.bits), hiclz))))
    mantissa = lax.shift_right_logical(mantissa, np.uint32(finfo.bits - finfo.nmant - 1))
    mantissa = lax.bitwise_and(mantissa, np.uint32((1 << finfo.nmant) - 1))
    lead = lax.select(full32, lax.add(np.uint32(32), loclz), hiclz)
    exp = lax.shift_left(lax.sub(np.uint32(-finfo.minexp), lead), np.uint32(finfo.nmant))
    exp = lax.bitwise_and(exp, np.uint32((1 << (finfo.bits - 2)) - (1 << (finfo.nmant - 1))))
    return lax.bitcast_convert_type(lax.bitwise_or(exp, mantissa), np.float32)


def _gumbel(kd, shape, dt, mode):
    info = dtypes.finfo(dt)
    if dt == np.float32 and mode == "highest":
        bits = prng.random_bits(kd, 32, (2,) + tuple(shape))
        n = len(u.shape(bits)) - len(shape) - 1
        hi = lax.index_in_dim(bits, 0, n, keepdims=False)
        lo = lax.index_in_dim(bits, 1, n, keepdims=False)
        neg_hi, neg_lo = lax.bitwise_not(hi), lax.bitwise_not(lo)
        carry = lax.convert_element_type(lax.eq(neg_lo, np.uint32(0xFFFFFFFF)), np.uint32)
        neg_hi, neg_lo = lax.add(neg_hi, carry), lax.add(neg_lo, np.uint32(1))
        flip = lax.lt(hi, np.uint32(1 << 31))
        x = _safe_int_to_float(lax.select(flip, hi, neg_hi), lax.select(flip, lo, neg_lo))
        return lax.select(flip, lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x))))),
                          lax.neg(lax.log(lax.neg(lax.log(x)))))
    if mode in ("high", "highest"):
        both = _uniform(kd, (2,) + tuple(shape), dt, 0.0, 1.0)
        n = len(u.shape(both)) - len(shape) - 1
        high = lax.index_in_dim(both, 0, n, keepdims=False)
        low = lax.index_in_dim(both, 1, n, keepdims=False)
        x = u.where(ops.greater_equal(high, 0.5), high,
                    ops.add(ops.add(high, ops.multiply(2.0 ** -info.nmant, low)),
                            float(info.tiny)))
        return lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x)))))
    return lax.neg(lax.log(lax.neg(lax.log(_uniform(kd, shape, dt, float(info.tiny), 1.0)))))


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel samples (``mode`` "low", "high" or "highest" resolution)."""
    kd, _ = check_key("gumbel", key)
    dt = u.canonical_float(dtype, "gumbel")
    shape = canonical_shape("gumbel", shape)
    return _gumbel(kd, shape, dt, _gumbel_mode(mode))


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Category indices drawn with probabilities ``softmax(logits, axis)`` (Gumbel-max)."""
    kd, _ = check_key("categorical", key)
    ops.check_arraylike("categorical", logits)
    logits = ops.as_array(ops.operand(logits))
    lshape = u.shape(logits)
    nd = len(lshape)
    axis = ops.canonicalize_axis(axis, nd, "categorical")
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    if shape is None:
        shape = batch_shape
    else:
        shape = canonical_shape("categorical", shape)
        check_shape("categorical", shape, batch_shape)
    mode = _gumbel_mode(mode)
    dt = u.dtype(logits)
    if not dtypes.is_float(dt):
        raise ValueError(f"dtype argument to `gumbel` must be a float dtype, got {dt.name}")
    prefix = shape[:len(shape) - len(batch_shape)]
    k = math.prod(prefix)
    if not replace and k > lshape[axis]:
        raise ValueError(f"Number of samples without replacement ({k}) cannot exceed "
                         f"number of categories ({lshape[axis]}).")
    return staged(_categorical, kd, logits, axis=axis, shape=shape, replace=bool(replace),
                  mode=mode)


def _categorical(kd, logits, *, axis, shape, replace, mode):
    lshape, dt = u.shape(logits), u.dtype(logits)
    nd = len(lshape)
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    prefix = shape[:len(shape) - len(batch_shape)]
    if replace:
        neg_axis = axis - nd
        logits_shape = list(shape[len(shape) - len(batch_shape):])
        logits_shape.insert(neg_axis % nd, lshape[axis])
        g = _gumbel(kd, (*prefix, *logits_shape), dt, mode)
        z = ops.add(g, lax.expand_dims(logits, tuple(range(len(prefix)))))
        return ops.argmax(z, axis=neg_axis)
    logits = ops.add(logits, _gumbel(kd, lshape, dt, mode))
    k = math.prod(prefix)
    idx = lax.top_k(ops.moveaxis(logits, axis, -1), k)[1]      # batch + (k,)
    ni = len(u.shape(idx))
    return lax.reshape(idx, shape, (ni - 1, *range(ni - 1)))


# -------------------------------------------------------- inverse-CDF transforms

def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal samples truncated to the open interval ``(lower, upper)``."""
    if shape is not None:
        shape = canonical_shape("truncated_normal", shape)
    kd, _ = check_key("truncated_normal", key)
    dt = u.canonical_float(dtype, "truncated_normal")
    return _truncated_normal(kd, lower, upper, shape, dt)


def _truncated_normal(kd, lower, upper, shape, dt):
    if shape is None:
        shape = ops.broadcast_shapes(_shape_of(lower), _shape_of(upper))
    else:
        check_shape("truncated_normal", shape, _shape_of(lower), _shape_of(upper))
    sqrt2 = _const(dt, np.sqrt(2))
    lower = lax.convert_element_type(lower, dt)
    upper = lax.convert_element_type(upper, dt)
    a = lax.erf(ops.true_divide(lower, sqrt2))
    b = lax.erf(ops.true_divide(upper, sqrt2))
    v = _uniform(kd, shape, dt, a, b)
    out = ops.multiply(sqrt2, lax.erf_inv(v))
    lo = lax.nextafter(stop_gradient(lower), lax.full(u.shape(lower), np.inf, dt))
    hi = lax.nextafter(stop_gradient(upper), lax.full(u.shape(upper), -np.inf, dt))
    return ops.minimum(hi, ops.maximum(lo, out))


def _exponential(kd, shape, dt):
    return lax.neg(lax.log1p(lax.neg(_uniform(kd, shape, dt, 0.0, 1.0))))


def exponential(key, shape=(), dtype=None):
    """Standard exponential samples (rate 1)."""
    kd, _ = check_key("exponential", key)
    dt = u.canonical_float(dtype, "exponential")
    return _exponential(kd, canonical_shape("exponential", shape), dt)


def laplace(key, shape=(), dtype=None):
    """Standard Laplace samples (density ``exp(-|x|) / 2``)."""
    kd, _ = check_key("laplace", key)
    dt = u.canonical_float(dtype, "laplace")
    shape = canonical_shape("laplace", shape)
    v = _uniform(kd, shape, dt, -1.0 + float(dtypes.finfo(dt).epsneg), 1.0)
    return lax.mul(lax.sign(v), lax.log1p(lax.neg(lax.abs(v))))


def logistic(key, shape=(), dtype=None):
    """Standard logistic samples."""
    kd, _ = check_key("logistic", key)
    dt = u.canonical_float(dtype, "logistic")
    shape = canonical_shape("logistic", shape)
    x = _uniform(kd, shape, dt, float(dtypes.finfo(dt).tiny), 1.0)
    return lax.sub(lax.log(x), lax.log1p(lax.neg(x)))


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy samples."""
    kd, _ = check_key("cauchy", key)
    dt = u.canonical_float(dtype, "cauchy")
    shape = canonical_shape("cauchy", shape)
    v = _uniform(kd, shape, dt, float(dtypes.finfo(dt).eps), 1.0)
    return lax.tan(lax.mul(_const(dt, np.pi), lax.sub(v, _const(dt, 0.5))))
