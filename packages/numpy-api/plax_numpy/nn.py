"""``plax.nn``: activation functions, softmax, one_hot, logmeanexp and a basic
dot_product_attention (as ``jax.nn``)."""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._custom_jvp import with_jvps
from ._math import logaddexp
from .scipy.special import logsumexp

__all__ = ["relu", "relu6", "sigmoid", "softplus", "soft_sign", "log_sigmoid", "gelu",
           "silu", "swish", "elu", "celu", "selu", "leaky_relu", "hard_tanh",
           "hard_sigmoid", "hard_silu", "hard_swish", "glu", "softmax", "log_softmax",
           "logsumexp", "one_hot", "standardize", "tanh", "identity", "mish", "squareplus",
           "sparse_plus", "sparse_sigmoid", "log1mexp", "logmeanexp", "dot_product_attention"]


def _inexact(name, x):
    (x,) = ops.promote_args_inexact(name, x)
    return x


_c = ops.scalar_like


def _zero_outside(lo, hi):
    """JAX's rule for relu/relu6: the tangent where lo < x < hi (hi None: no upper
    bound), else 0 -- so the kinks at 0 (and 6) have derivative 0, not max's 1/2."""
    def rule(g, ans, x):
        inside = lax.gt(x, _c(x, lo))
        if hi is not None:
            inside = lax.bitwise_and(inside, lax.lt(x, _c(x, hi)))
        return lax.select(inside, g, lax.full_like(g, 0))
    return rule


@with_jvps(_zero_outside(0, None))
def _relu(x):
    return ops.maximum(x, 0)


@with_jvps(_zero_outside(0, 6))
def _relu6(x):
    return ops.minimum(ops.maximum(x, 0), 6)


def relu(x):
    """max(x, 0), with derivative 0 at 0 (JAX's convention, that every model trains with)."""
    (x,) = ops.promote_dtypes(ops.operand(x, "relu"))
    return _relu(x)


def relu6(x):
    """min(max(x, 0), 6), with derivative 0 at 0 and at 6 (as JAX)."""
    (x,) = ops.promote_dtypes(ops.operand(x, "relu6"))
    return _relu6(x)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return lax.logistic(_inexact("sigmoid", x))


def tanh(x):
    """Elementwise hyperbolic tangent."""
    return lax.tanh(_inexact("tanh", x))


def softplus(x):
    """log(1 + exp(x))."""
    x = _inexact("softplus", x)
    return logaddexp(x, _c(x, 0))


def soft_sign(x):
    """``x / (abs(x) + 1)``."""
    x = _inexact("soft_sign", x)
    return lax.div(x, lax.add(lax.abs(x), _c(x, 1)))


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    x = _inexact("log_sigmoid", x)
    return lax.neg(softplus(lax.neg(x)))


def gelu(x, approximate: bool = True):
    """Gaussian error linear unit (tanh approximation by default, as jax.nn.gelu)."""
    x = _inexact("gelu", x)
    half = _c(x, 0.5)
    if approximate:
        inner = lax.mul(_c(x, np.sqrt(2 / np.pi)),
                        lax.add(x, lax.mul(_c(x, 0.044715), lax.integer_pow(x, 3))))
        return lax.mul(lax.mul(half, x), lax.add(_c(x, 1), lax.tanh(inner)))
    return lax.mul(lax.mul(half, x), lax.add(_c(x, 1), lax.erf(lax.mul(x, _c(x, np.sqrt(0.5))))))


def silu(x):
    """x * sigmoid(x)."""
    x = _inexact("silu", x)
    return lax.mul(x, lax.logistic(x))


swish = silu


def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    x = _inexact("elu", x)
    positive = lax.gt(x, _c(x, 0))
    safe = lax.select(positive, lax.full_like(x, 0), x)
    return lax.select(positive, x, lax.mul(_c(x, alpha), lax.expm1(safe)))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(0, alpha * expm1(x / alpha))``."""
    x = _inexact("celu", x)
    a = _c(x, alpha)
    return lax.add(lax.max(x, _c(x, 0)),
                   lax.mul(a, lax.expm1(lax.div(lax.min(x, _c(x, 0)), a))))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled ELU with the self-normalising constants of Klambauer et al. (2017)."""
    x = _inexact("selu", x)
    return lax.mul(_c(x, _SELU_SCALE), elu(x, _SELU_ALPHA))


def leaky_relu(x, negative_slope=1e-2):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    x = _inexact("leaky_relu", x)
    return lax.select(lax.ge(x, _c(x, 0)), x, lax.mul(_c(x, negative_slope), x))


def hard_tanh(x):
    """x clipped to [-1, 1]; the derivative is 1 on the closed interval (JAX's selects)."""
    x = _inexact("hard_tanh", x)
    return lax.select(lax.gt(x, _c(x, 1)), lax.full_like(x, 1),
                      lax.select(lax.lt(x, _c(x, -1)), lax.full_like(x, -1), x))


def hard_sigmoid(x):
    """A piecewise-linear sigmoid: ``relu6(x + 3) / 6``."""
    return ops.true_divide(relu6(ops.add(x, 3.0)), 6.0)


def hard_silu(x):
    """A piecewise-linear SiLU: ``x * hard_sigmoid(x)``; ``hard_swish`` is the same function."""
    x = _inexact("hard_silu", x)
    return lax.mul(x, hard_sigmoid(x))


hard_swish = hard_silu


def glu(x, axis=-1):
    """Gated linear unit: halves ``x`` along ``axis`` into ``a, b``, returns ``a *
    sigmoid(b)``.
    """
    x = ops.operand(x, "glu")
    n = ops.shape(x)[ops.canonicalize_axis(axis, ops.ndim(x), "glu")]
    if n % 2:
        raise ValueError(f"glu: axis {axis} has odd size {n}")
    ax = ops.canonicalize_axis(axis, ops.ndim(x), "glu")
    a = lax.slice_in_dim(x, 0, n // 2, axis=ax)
    b = lax.slice_in_dim(x, n // 2, n, axis=ax)
    return ops.multiply(a, sigmoid(b))


def softmax(x, axis=-1, where=None, initial=None):
    """exp(x) / sum(exp(x)) along ``axis`` (shifted by the max for stability)."""
    if where is not None:
        raise NotImplementedError("softmax: the 'where' argument is not supported yet")
    x = _inexact("softmax", x)
    shifted = ops.subtract(x, ops.max(x, axis=axis, keepdims=True, initial=-np.inf))
    e = lax.exp(shifted)
    return ops.true_divide(e, ops.sum(e, axis=axis, keepdims=True))


def log_softmax(x, axis=-1, where=None, initial=None):
    """x - logsumexp(x) along ``axis``."""
    if where is not None:
        raise NotImplementedError("log_softmax: the 'where' argument is not supported yet")
    x = _inexact("log_softmax", x)
    shifted = ops.subtract(x, ops.max(x, axis=axis, keepdims=True, initial=-np.inf))
    return ops.subtract(shifted, lax.log(ops.sum(lax.exp(shifted), axis=axis,
                                                 keepdims=True)))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    """``x`` shifted to mean 0 and scaled to variance 1 along ``axis`` (``epsilon`` guards the
    division).
    """
    x = _inexact("standardize", x)
    if mean is None:
        mean = ops.mean(x, axis, keepdims=True)
    if variance is None:
        variance = ops.var(x, axis, keepdims=True)
    return ops.multiply(ops.subtract(x, mean),
                        lax.rsqrt(ops.add(variance, epsilon)))


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """``x[..., None] == arange(num_classes)`` as ``dtype`` (default float)."""
    x = ops.operand(x, "one_hot")
    try:
        num_classes = operator.index(core.concrete_or_error(None, num_classes,
                                                            "one_hot argument 'num_classes'"))
    except TypeError as e:
        if isinstance(e, core.ConcretizationTypeError):
            raise
        raise TypeError(f"one_hot: num_classes must be an int, got {num_classes!r}") from None
    dt = dtypes.check_user_dtype(dtype, "one_hot") or dtypes.default_float_dtype()
    nd = get_aval(x).ndim
    axis = ops.canonicalize_axis(axis, nd + 1, "one_hot")
    out_shape = get_aval(x).shape[:axis] + (num_classes,) + get_aval(x).shape[axis:]
    classes = lax.broadcasted_iota(np.int32 if not dtypes.is_inexact(get_aval(x).dtype)
                                   else get_aval(x).dtype, out_shape, axis)
    xe = ops.broadcast_to(ops.expand_dims(x, axis), out_shape, "one_hot")
    return ops.convert(ops.equal(xe, classes), dt)


def identity(x):
    """``x`` itself: the identity activation."""
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
