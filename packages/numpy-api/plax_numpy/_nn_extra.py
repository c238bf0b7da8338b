"""More of ``jax.nn``: mish, squareplus, sparse_plus/sparse_sigmoid, log1mexp,
logmeanexp, identity and a basic dot_product_attention."""

from __future__ import annotations

import numpy as np

from plax_core import lax, ops
from plax_core.core import get_aval

from ._custom_jvp import with_jvps

__all__ = ["identity", "mish", "squareplus", "sparse_plus", "sparse_sigmoid", "log1mexp",
           "logmeanexp", "dot_product_attention"]

_c = ops.scalar_like


def _inexact(name, x):
    (x,) = ops.promote_args_inexact(name, x)
    return x


def identity(x):
    return ops.as_array(ops.operand(x, "identity"))


def mish(x):
    """x * tanh(softplus(x))."""
    from .nn import softplus
    x = _inexact("mish", x)
    return lax.mul(x, lax.tanh(softplus(x)))


def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2."""
    x = _inexact("squareplus", x)
    return lax.div(lax.add(x, lax.sqrt(lax.add(lax.mul(x, x), _c(x, b)))), _c(x, 2))


def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1."""
    x = _inexact("sparse_plus", x)
    quad = lax.div(lax.square(lax.add(x, _c(x, 1))), _c(x, 4))
    return lax.select(lax.le(x, _c(x, -1)), lax.full_like(x, 0),
                      lax.select(lax.ge(x, _c(x, 1)), x, quad))


def sparse_sigmoid(x):
    """The derivative of sparse_plus: clip((x + 1) / 2, 0, 1)."""
    x = _inexact("sparse_sigmoid", x)
    # max then min (not clamp), so the kinks at -1 and 1 have derivative 1/4, as in JAX
    clipped = lax.min(lax.max(lax.add(x, _c(x, 1)), _c(x, 0)), _c(x, 2))
    return lax.mul(_c(x, 0.5), clipped)


def log1mexp(x):
    """log(1 - exp(-x)) for x > 0, accurate near 0 and for large x."""
    return _log1mexp(_inexact("log1mexp", x))


# JAX's rule 1 / expm1(x): infinite at 0, where the composed derivative is NaN.
@with_jvps(lambda g, ans, x: lax.div(g, lax.expm1(x)))
def _log1mexp(x):
    small = lax.lt(x, _c(x, np.log(2)))
    return lax.select(small, lax.log(lax.neg(lax.expm1(lax.neg(x)))),
                      lax.log1p(lax.neg(lax.exp(lax.neg(x)))))


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """log(mean(exp(x))) computed stably."""
    from .scipy.special import logsumexp
    if where is not None:
        raise NotImplementedError("logmeanexp: the 'where' argument is not supported")
    x = _inexact("logmeanexp", x)
    shape = get_aval(x).shape
    axes = ops.reduction_axes(axis, len(shape), "logmeanexp")
    n = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    return ops.subtract(logsumexp(x, axis=axis, keepdims=keepdims), float(np.log(n)))


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None,
                          is_causal=False, query_seq_lengths=None, key_value_seq_lengths=None,
                          local_window_size=None, implementation=None):
    """softmax(Q K^T * scale + bias, masked) V over (batch..., seq, heads, dim) inputs
    (``[B]TNH`` layout as JAX; grouped heads: K heads divide N)."""
    from ._linear import einsum
    from .nn import softmax
    if query_seq_lengths is not None or key_value_seq_lengths is not None or \
            local_window_size is not None:
        raise NotImplementedError("dot_product_attention: sequence lengths and local windows "
                                  "are not supported; pass a mask instead")
    if implementation not in (None, "xla"):
        raise NotImplementedError(f"dot_product_attention: implementation "
                                  f"{implementation!r} is not supported")
    q, k, v = ops.promote_dtypes_inexact(ops.operand(query), ops.operand(key),
                                         ops.operand(value))
    qs, ks = get_aval(q).shape, get_aval(k).shape
    if len(qs) not in (3, 4) or len(ks) != len(qs):
        raise ValueError(f"dot_product_attention: query and key must be 3-d (TNH) or 4-d "
                         f"(BTNH), got shapes {qs} and {ks}")
    unbatched = len(qs) == 3
    if unbatched:
        q, k, v = (ops.expand_dims(t, 0) for t in (q, k, v))
    n, kn, h = get_aval(q).shape[2], get_aval(k).shape[2], get_aval(q).shape[3]
    if n % kn:
        raise ValueError(f"dot_product_attention: {n} query heads are not a multiple of "
                         f"{kn} key heads")
    if kn != n:
        k = ops.reshape(ops.broadcast_to(ops.expand_dims(k, 3), get_aval(k).shape[:3] + (
            n // kn, h), "dot_product_attention"), get_aval(k).shape[:2] + (n, h))
        vs = get_aval(v).shape
        v = ops.reshape(ops.broadcast_to(ops.expand_dims(v, 3), vs[:3] + (n // kn, vs[3]),
                                         "dot_product_attention"), vs[:2] + (n, vs[3]))
    scale = 1.0 / np.sqrt(h) if scale is None else scale
    logits = ops.multiply(einsum("btnh,bsnh->bnts", q, k), scale)
    if bias is not None:
        b = ops.operand(bias)
        logits = ops.add(logits, ops.expand_dims(b, 0) if unbatched and
                         get_aval(b).ndim == 3 else b)
    t, s = get_aval(logits).shape[-2:]
    keep = None
    if mask is not None:
        m = ops.to_bool(ops.operand(mask))
        keep = ops.expand_dims(m, 0) if unbatched and get_aval(m).ndim == 3 else m
    if is_causal:
        causal = lax.ge(lax.broadcasted_iota(np.int32, (t, s), 0),
                        lax.broadcasted_iota(np.int32, (t, s), 1))
        keep = causal if keep is None else ops.logical_and(keep, causal)
    if keep is not None:
        big_neg = float(np.finfo(np.float32).min) * 0.7
        logits = lax.select(ops.broadcast_to(keep, get_aval(logits).shape,
                                             "dot_product_attention"),
                            logits, lax.full_like(logits, big_neg))
    probs = softmax(logits, axis=-1)
    out = einsum("bnts,bsnh->btnh", probs, v)
    return ops.squeeze(out, 0) if unbatched else out
