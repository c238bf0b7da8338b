"""``binomial`` and ``multinomial``: JAX 0.10.2's algorithms, so the same key gives the
same counts.

- ``binomial`` (JAX's, which follows TensorFlow's kernel): with ``q = min(p, 1 - p)``,
  draws where ``n * q <= 10`` count geometric waiting times until they pass ``n``
  (inversion); the others use Hormann's transformed rejection with squeeze (BTRS,
  "The generation of binomial random variates", 1993).  Both loops run over the whole
  array with one key per step, and both see the same key, as in JAX; the answer for
  ``p >= 0.5`` is ``n`` minus the count for ``q``.  ``n`` is floored; NaN or negative
  ``n`` and NaN or negative ``p`` give NaN, infinite ``n`` gives inf.
- ``multinomial``: a ``scan`` over the categories drawing ``binomial(remaining n,
  p_i / (p_i + ... + p_k))``, one split key per category.

Counts are floats (the ``dtype``, float32 by default), as in JAX.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax, ops

from . import _lax_util as u
from .distributions import _shape_of, _uniform, check_shape, split2
from .prng import canonical_shape, check_key, split_data

__all__ = ["binomial", "multinomial"]

# log(k!) - Stirling's approximation of it, for k = 0..9 (TensorFlow's and JAX's table).
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _stirling_tail(k):
    """The table for ``k <= 9``, else the series ``1/12 - ...`` at ``min(k, 9)``.

    JAX clamps ``k`` before the series too, so past 9 every term is the value at 9;
    BTRS adds two and subtracts two of them, so their errors largely cancel.  Kept
    for identical bits.
    """
    dt = u.dtype(k)
    use_table = ops.less_equal(k, 9)
    k = lax.clamp(np.array(0, dt), k, np.array(9, dt))
    kp1 = ops.add(k, 1)
    kp1sq = ops.multiply(kp1, kp1)
    approx = ops.true_divide(
        ops.subtract(1.0 / 12, ops.true_divide(ops.subtract(1.0 / 360,
                                                            ops.true_divide(1.0 / 1260, kp1sq)),
                                               kp1sq)), kp1)
    table = ops.as_array(np.array(_STIRLING_TAIL, dt))
    index = lax.convert_element_type(lax.floor(k), np.int32)
    return lax.select(use_table, ops.getitem(table, index), approx)


def _inversion(kd, count, prob, shape, dt, max_iters):
    """Sum geometric waiting times until they pass ``count``: fine where ``n p`` is small."""
    log1mp = lax.log1p(ops.negative(prob))

    def cond(carry):
        i, _, geom_sum, _ = carry
        return ops.logical_and(ops.any(ops.less_equal(geom_sum, count)),
                               ops.less(i, max_iters))

    def body(carry):
        i, num_geom, geom_sum, key = carry
        sub, key = split2(key)
        num_geom = lax.select(ops.less_equal(geom_sum, count), ops.add(num_geom, 1),
                              num_geom)
        v = _uniform(sub, shape, u.dtype(prob), 0.0, 1.0)
        geom = lax.ceil(ops.true_divide(lax.log(v), log1mp))
        return ops.add(i, 1), num_geom, ops.add(geom_sum, geom), key

    zeros = lax.full(shape, 0, u.dtype(prob))
    init = (np.int32(0), zeros, zeros, kd)
    k = lax.while_loop(cond, body, init)[1]
    return ops.astype(ops.subtract(k, 1), dt)


def _btrs(kd, count, prob, shape, dt, max_iters):
    """Hormann's BTRS: a transformed-rejection sampler fine where ``n p`` is large."""
    stddev = lax.sqrt(ops.multiply(ops.multiply(count, prob), ops.subtract(1, prob)))
    b = ops.add(1.15, ops.multiply(2.53, stddev))
    a = ops.add(ops.add(-0.0873, ops.multiply(0.0248, b)), ops.multiply(0.01, prob))
    c = ops.add(ops.multiply(count, prob), 0.5)
    v_r = ops.subtract(0.92, ops.true_divide(4.2, b))
    r = ops.true_divide(prob, ops.subtract(1, prob))
    alpha = ops.multiply(ops.add(2.83, ops.true_divide(5.1, b)), stddev)
    m = lax.floor(ops.multiply(ops.add(count, 1), prob))
    log, add, sub, mul, div = lax.log, ops.add, ops.subtract, ops.multiply, ops.true_divide

    def cond(carry):
        i, _, accepted, _ = carry
        return ops.logical_and(ops.any(ops.logical_not(accepted)), ops.less(i, max_iters))

    def body(carry):
        i, k_out, accepted, key = carry
        key, sub0, sub1 = split2(key, 3)
        uu = sub(_uniform(sub0, shape, u.dtype(prob), 0.0, 1.0), 0.5)
        v = _uniform(sub1, shape, u.dtype(prob), 0.0, 1.0)
        us = sub(0.5, ops.abs(uu))
        accept1 = ops.logical_and(ops.greater_equal(us, 0.07), ops.less_equal(v, v_r))
        k = lax.floor(add(mul(add(div(mul(2, a), us), b), uu), c))
        reject = ops.logical_or(ops.less(k, 0), ops.greater(k, count))
        v = log(div(mul(v, alpha), add(div(a, mul(us, us)), b)))
        n_m1 = add(sub(count, m), 1)
        n_k1 = add(sub(count, k), 1)
        ub = add(add(add(
            mul(add(m, 0.5), log(div(add(m, 1), mul(r, n_m1)))),
            mul(add(count, 1), log(div(n_m1, n_k1)))),
            mul(add(k, 0.5), log(div(mul(r, n_k1), add(k, 1))))),
            _stirling_tail(m))
        ub = sub(sub(add(ub, _stirling_tail(sub(count, m))), _stirling_tail(k)),
                 _stirling_tail(sub(count, k)))
        accept = ops.logical_or(accept1, ops.logical_and(ops.logical_not(reject),
                                                         ops.less_equal(v, ub)))
        return add(i, 1), lax.select(accept, k, k_out), ops.logical_or(accepted, accept), key

    init = (np.int32(0), lax.full(shape, -1, u.dtype(prob)), lax.full(shape, False, np.bool_),
            kd)
    return ops.astype(lax.while_loop(cond, body, init)[1], dt)


def _binomial(kd, count, prob, shape, dt):
    if shape is None:
        shape = ops.broadcast_shapes(_shape_of(count), _shape_of(prob), fname="binomial")
    else:
        check_shape("binomial", shape, _shape_of(count), _shape_of(prob))
    (prob,) = u.promote_inexact(ops.operand(prob))
    pdt = u.dtype(prob)
    count = ops.broadcast_to(lax.convert_element_type(ops.operand(count), pdt), shape)
    prob = ops.broadcast_to(prob, shape)
    p_lt_half = ops.less(prob, 0.5)
    q = lax.select(p_lt_half, prob, ops.subtract(1.0, prob))
    count_nan_or_neg = ops.logical_or(ops.not_equal(count, count), ops.less(count, 0.0))
    count_inf = ops.equal(ops.abs(count), np.inf)
    q_is_nan = ops.not_equal(q, q)
    q_l_0 = ops.less(q, 0.0)
    q = lax.select(ops.logical_or(q_is_nan, q_l_0), u.full_like(q, 0.01), q)
    use_inversion = ops.logical_or(count_nan_or_neg,
                                   ops.less_equal(ops.multiply(count, q), 10.0))
    count = lax.floor(count)
    count_inv = lax.select(use_inversion, count, u.full_like(count, 0.0))
    count_btrs = lax.select(use_inversion, u.full_like(count, 1e4), count)
    q_btrs = lax.select(use_inversion, u.full_like(q, 0.5), q)
    max_iters = dtypes.finfo(dt).max.astype(dt)      # JAX's bound: in effect, none
    samples = lax.select(use_inversion,
                         _inversion(kd, count_inv, q, shape, dt, max_iters),
                         _btrs(kd, count_btrs, q_btrs, shape, dt, max_iters))
    invalid = ops.logical_or(ops.logical_or(q_l_0, q_is_nan), count_nan_or_neg)
    samples = lax.select(invalid, u.full_like(samples, np.nan), samples)
    samples = lax.select(ops.logical_and(count_inf, ops.logical_not(invalid)),
                         u.full_like(samples, np.inf), samples)
    keep = ops.logical_or(ops.logical_or(ops.logical_or(p_lt_half, count_nan_or_neg),
                                         q_is_nan), count_inf)
    return lax.select(keep, samples, ops.subtract(ops.astype(count, dt), samples))


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial counts (floats) of ``n`` trials with success probability ``p``."""
    kd, _ = check_key("binomial", key)
    u.check_arraylike("binomial", n, p)
    dt = dtypes.check_user_dtype(float if dtype is None else dtype, "binomial")
    if not dtypes.is_float(dt):
        raise ValueError(f"dtype argument to `binomial` must be a float dtype, got "
                         f"{dt.name}")
    if shape is not None:
        shape = canonical_shape("binomial", shape)
    return _binomial(kd, n, p, shape, dt)


def multinomial(key, n, p, *, shape=None, dtype=None, unroll=1):
    """Counts of ``n`` trials over the outcomes along ``p``'s last axis.

    ``shape`` is the full result shape (``p`` broadcast to it, ``n`` to
    ``shape[:-1]``), as JAX 0.10.2 uses it.
    """
    kd, _ = check_key("multinomial", key)
    u.check_arraylike("multinomial", n, p)
    n, p = u.promote_inexact(ops.operand(n), ops.operand(p))
    if shape is None:
        shape = u.shape(p)
    else:
        shape = canonical_shape("multinomial", shape)
    if not shape:
        raise ValueError(f"multinomial: p must have at least one dimension (the outcomes "
                         f"along its last axis), got shape {u.shape(p)} and shape="
                         f"{shape}")
    n = ops.broadcast_to(n, shape[:-1])
    p = ops.moveaxis(ops.broadcast_to(p, shape), -1, 0)
    remaining = lax.cumsum(p, 0, reverse=True)
    ratios = ops.true_divide(p, u.where(ops.equal(remaining, 0), 1, remaining))
    keys = split_data(kd, (shape[-1],))
    ndt = u.dtype(n)

    def step(remainder, ratio_key):
        ratio, k = ratio_key
        count = _binomial(k, remainder, ops.clip(ratio, 0, 1), None, ndt)
        return ops.subtract(remainder, count), count

    _, counts = lax.scan(step, n, (ratios, keys), unroll=unroll)
    dt = dtypes.check_user_dtype(float if dtype is None else dtype, "multinomial")
    return ops.astype(ops.moveaxis(counts, 0, -1), dt)
