"""``plax.nn``: activation functions, softmax and one_hot (as ``jax.nn``)."""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._custom_jvp import with_jvps
from ._math import logaddexp
from ._nn_extra import *  # noqa: F401,F403
from ._nn_extra import __all__ as _extra_all
from .scipy.special import logsumexp

__all__ = ["relu", "relu6", "sigmoid", "softplus", "soft_sign", "log_sigmoid", "gelu",
           "silu", "swish", "elu", "celu", "selu", "leaky_relu", "hard_tanh",
           "hard_sigmoid", "hard_silu", "hard_swish", "glu", "softmax", "log_softmax",
           "logsumexp", "one_hot", "standardize", "tanh", *_extra_all]


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
    return lax.tanh(_inexact("tanh", x))


def softplus(x):
    """log(1 + exp(x))."""
    x = _inexact("softplus", x)
    return logaddexp(x, _c(x, 0))


def soft_sign(x):
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
    x = _inexact("celu", x)
    a = _c(x, alpha)
    return lax.add(lax.max(x, _c(x, 0)),
                   lax.mul(a, lax.expm1(lax.div(lax.min(x, _c(x, 0)), a))))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    x = _inexact("selu", x)
    return lax.mul(_c(x, _SELU_SCALE), elu(x, _SELU_ALPHA))


def leaky_relu(x, negative_slope=1e-2):
    x = _inexact("leaky_relu", x)
    return lax.select(lax.ge(x, _c(x, 0)), x, lax.mul(_c(x, negative_slope), x))


def hard_tanh(x):
    """x clipped to [-1, 1]; the derivative is 1 on the closed interval (JAX's selects)."""
    x = _inexact("hard_tanh", x)
    return lax.select(lax.gt(x, _c(x, 1)), lax.full_like(x, 1),
                      lax.select(lax.lt(x, _c(x, -1)), lax.full_like(x, -1), x))


def hard_sigmoid(x):
    return ops.true_divide(relu6(ops.add(x, 3.0)), 6.0)


def hard_silu(x):
    x = _inexact("hard_silu", x)
    return lax.mul(x, hard_sigmoid(x))


hard_swish = hard_silu


def glu(x, axis=-1):
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
