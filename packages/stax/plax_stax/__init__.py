"""plax-stax: neural-network layers as ``(init_fun, apply_fun)`` pairs, with the API of
``jax.example_libraries.stax``.

A layer is a pair of functions:

    init_fun(rng, input_shape) -> (output_shape, params)
    apply_fun(params, inputs, **kwargs) -> outputs

``init_fun`` draws the parameters (a pytree) from a PRNG key and computes the output
shape from the input shape alone; a batch size of -1 ("any") passes through.
``apply_fun`` is a pure function of the parameters and the inputs, so it composes
with ``grad``, ``vmap`` and ``jit``.  Keyword arguments reach every sub-layer; the
one stax uses is ``rng`` (a PRNG key), which ``Dropout`` needs in ``"train"`` mode
and the combinators split among their children.

Layers are built by constructors (``Dense(10)``, ``Conv(32, (3, 3))``,
``MaxPool((2, 2))``) or are ready-made pairs (``Relu``, ``Flatten``, ``LogSoftmax``),
and combined with ``serial``, ``parallel``, ``FanOut``/``FanInSum``/``FanInConcat``
and ``shape_dependent``.  Convolutions and pooling use core's
``conv_general_dilated`` and ``reduce_window`` primitives.  Default initialisers are
JAX's: ``glorot_normal`` weights and ``normal(1e-6)`` (convolutions) or ``normal()``
(dense) biases, from ``plax_stax.initializers``.
"""

from __future__ import annotations

import functools
import math
import operator

import plax_numpy as jnp
import plax_random as random
from plax_core import lax
from plax_numpy import nn
from plax_numpy.nn import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    selu,
    sigmoid,
    softmax,
    softplus,
    standardize,
)

from . import initializers
from .initializers import glorot_normal, normal, ones, zeros

# JAX's stax module also hands out these plain functions and 2019 aliases.
glorot = glorot_normal
randn = normal
logsoftmax = log_softmax

__all__ = [
    # layer constructors
    "Dense",
    "GeneralConv",
    "Conv",
    "Conv1DTranspose",
    "ConvTranspose",
    "GeneralConvTranspose",
    "BatchNorm",
    "elementwise",
    "MaxPool",
    "SumPool",
    "AvgPool",
    "FanOut",
    "FanInConcat",
    "Dropout",
    "serial",
    "parallel",
    "shape_dependent",
    # ready-made layers: (init_fun, apply_fun) pairs
    "Tanh",
    "Relu",
    "Exp",
    "LogSoftmax",
    "Softmax",
    "Softplus",
    "Sigmoid",
    "Elu",
    "LeakyRelu",
    "Selu",
    "Gelu",
    "Flatten",
    "Identity",
    "FanInSum",
    # plain functions and initialisers, re-exported as JAX's stax module does
    "relu", "log_softmax", "logsoftmax", "softmax", "softplus", "sigmoid", "elu", "leaky_relu",
    "selu", "gelu", "standardize", "glorot", "glorot_normal", "randn", "normal", "ones",
    "zeros", "initializers",
]


# ------------------------------------------------------------------ dense and conv

def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):
    """A fully connected layer: ``inputs @ W + b`` with ``W`` of shape (in, out_dim)."""

    def init_fun(rng, input_shape):
        output_shape = tuple(input_shape[:-1]) + (out_dim,)
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, (input_shape[-1], out_dim)), b_init(k2, (out_dim,)))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return jnp.dot(inputs, W) + b

    return init_fun, apply_fun


def _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init, b_init,
                shape_tuple, conv):
    """The (init_fun, apply_fun) pair shared by convolutions and transposed ones."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    strides = tuple(strides) if strides else (1,) * len(filter_shape)
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng, input_shape):
        spatial = iter(filter_shape)
        kernel_shape = [out_chan if c == "O" else input_shape[lhs_spec.index("C")]
                        if c == "I" else next(spatial) for c in rhs_spec]
        output_shape = shape_tuple(input_shape, kernel_shape, strides, padding,
                                   dimension_numbers)
        bias_shape = [out_chan if c == "C" else 1 for c in out_spec]
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, kernel_shape), b_init(k2, bias_shape))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return conv(inputs, W, strides, padding) + b

    return init_fun, apply_fun


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID",
                W_init=None, b_init=normal(1e-6)):
    """A convolution layer with layouts given by ``dimension_numbers`` (three strings,
    e.g. ``('NHWC', 'HWIO', 'NHWC')``); ``padding`` is 'SAME', 'VALID' or pairs."""
    one = (1,) * len(filter_shape)

    def conv(inputs, W, strides, padding):
        return lax.conv_general_dilated(inputs, W, strides, padding, one, one,
                                        dimension_numbers=dimension_numbers)

    return _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init,
                       b_init, lax.conv_general_shape_tuple, conv)


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))
Conv.__doc__ = "A 2-D convolution layer: NHWC inputs, HWIO kernels (GeneralConv)."


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None,
                         padding="VALID", W_init=None, b_init=normal(1e-6)):
    """A transposed-convolution layer (``lax.conv_transpose``), layouts as GeneralConv."""
    def conv(inputs, W, strides, padding):
        return lax.conv_transpose(inputs, W, strides, padding,
                                  dimension_numbers=dimension_numbers)

    return _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init,
                       b_init, lax.conv_transpose_shape_tuple, conv)


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
Conv1DTranspose.__doc__ = "A 1-D transposed convolution: NHC inputs, HIO kernels."
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))
ConvTranspose.__doc__ = "A 2-D transposed convolution: NHWC inputs, HWIO kernels."


# ------------------------------------------------------------------ normalisation

def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros,
              gamma_init=ones):
    """Batch normalisation over ``axis`` (statistics of the current batch), then an
    affine map with per-feature ``beta`` (if ``center``) and ``gamma`` (if ``scale``)."""
    axis = (axis,) if isinstance(axis, int) else tuple(axis)

    def init_fun(rng, input_shape):
        shape = tuple(d for i, d in enumerate(input_shape) if i not in axis)
        k1, k2 = random.split(rng)
        beta = beta_init(k1, shape) if center else ()
        gamma = gamma_init(k2, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        beta, gamma = params
        ndim = jnp.ndim(x)
        kept = [i for i in range(ndim) if i not in axis]

        def expand(p):      # a per-feature parameter, broadcastable against x
            shape = [1] * ndim
            for i in kept:
                shape[i] = x.shape[i]
            return jnp.reshape(p, shape)

        z = nn.standardize(x, axis, epsilon=epsilon)
        if scale:
            z = expand(gamma) * z
        if center:
            z = z + expand(beta)
        return z

    return init_fun, apply_fun


# ------------------------------------------------------------------ elementwise

def elementwise(fun, **fun_kwargs):
    """A parameterless layer applying ``fun(inputs, **fun_kwargs)``."""
    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)

    return init_fun, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(nn.relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(nn.log_softmax, axis=-1)
Softmax = elementwise(nn.softmax, axis=-1)
Softplus = elementwise(nn.softplus)
Sigmoid = elementwise(nn.sigmoid)
Elu = elementwise(nn.elu)
LeakyRelu = elementwise(nn.leaky_relu)
Selu = elementwise(nn.selu)
Gelu = elementwise(nn.gelu)


# ------------------------------------------------------------------ pooling

def _pooling_layer(reducer, init_val, rescaler=None):
    def PoolingLayer(window_shape, strides=None, padding="VALID", spec=None):
        window_shape = tuple(window_shape)
        strides = tuple(strides) if strides else (1,) * len(window_shape)
        rescale = rescaler(window_shape, strides, padding) if rescaler else None
        if spec is None:
            non_spatial = (0, len(window_shape) + 1)
        else:
            non_spatial = (spec.index("N"), spec.index("C"))
        dims, full_strides = window_shape, strides
        for i in sorted(non_spatial):
            dims = dims[:i] + (1,) + dims[i:]
            full_strides = full_strides[:i] + (1,) + full_strides[i:]

        def init_fun(rng, input_shape):
            if isinstance(padding, str):
                pads = lax.padtype_to_pads(input_shape, dims, full_strides, padding)
            else:
                pads = padding
            out_shape = lax.reduce_window_shape_tuple(input_shape, dims, full_strides, pads)
            return out_shape, ()

        def apply_fun(params, inputs, **kwargs):
            out = lax.reduce_window(inputs, init_val, reducer, dims, full_strides, padding)
            return rescale(out, inputs, spec) if rescale else out

        return init_fun, apply_fun
    return PoolingLayer


def _normalize_by_window_size(dims, strides, padding):
    def rescale(outputs, inputs, spec):
        if spec is None:
            non_spatial = (0, inputs.ndim - 1)
        else:
            non_spatial = (spec.index("N"), spec.index("C"))
        spatial_shape = tuple(inputs.shape[i] for i in range(inputs.ndim)
                              if i not in non_spatial)
        one = jnp.ones(spatial_shape, dtype=inputs.dtype)
        window_sizes = lax.reduce_window(one, 0.0, lax.add, dims, strides, padding)
        for i in sorted(non_spatial):
            window_sizes = jnp.expand_dims(window_sizes, i)
        return outputs / window_sizes
    return rescale


MaxPool = _pooling_layer(lax.max, -float("inf"))
MaxPool.__name__ = "MaxPool"
MaxPool.__doc__ = "Max pooling over ``window_shape`` (spatial axes; NHWC unless ``spec``)."
SumPool = _pooling_layer(lax.add, 0.0)
SumPool.__name__ = "SumPool"
SumPool.__doc__ = "Sum pooling over ``window_shape`` (spatial axes; NHWC unless ``spec``)."
AvgPool = _pooling_layer(lax.add, 0.0, _normalize_by_window_size)
AvgPool.__name__ = "AvgPool"
AvgPool.__doc__ = ("Average pooling: window sums divided by the number of real (unpadded) "
                   "elements in each window.")


# ------------------------------------------------------------------ shapes and fans

def _flatten_init(rng, input_shape):
    return (input_shape[0], math.prod(input_shape[1:])), ()


def _flatten_apply(params, inputs, **kwargs):
    return jnp.reshape(inputs, (inputs.shape[0], -1))


Flatten = (_flatten_init, _flatten_apply)
Identity = (lambda rng, input_shape: (input_shape, ()),
            lambda params, inputs, **kwargs: inputs)


def FanOut(num):
    """A layer giving ``num`` copies of its input (a list), for ``parallel``."""
    def init_fun(rng, input_shape):
        return [input_shape] * num, ()

    def apply_fun(params, inputs, **kwargs):
        return [inputs] * num

    return init_fun, apply_fun


FanInSum = (lambda rng, input_shape: (input_shape[0], ()),
            lambda params, inputs, **kwargs: functools.reduce(operator.add, inputs))


def FanInConcat(axis=-1):
    """A layer concatenating its list of inputs along ``axis``."""
    def init_fun(rng, input_shape):
        ax = axis % len(input_shape[0])
        size = sum(shape[ax] for shape in input_shape)
        first = tuple(input_shape[0])
        return first[:ax] + (size,) + first[ax + 1:], ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.concatenate(inputs, axis)

    return init_fun, apply_fun


def Dropout(rate, mode="train"):
    """Dropout keeping each input with probability ``rate`` (scaled by ``1/rate``) in
    ``"train"`` mode; the identity in any other mode.  ``apply_fun`` needs ``rng=``."""
    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError("Dropout layer requires apply_fun to be called with a PRNG key "
                             "argument. That is, instead of `apply_fun(params, inputs)`, call "
                             "it like `apply_fun(params, inputs, rng=rng)` where `rng` is a "
                             "PRNG key (e.g. from `plax.random.PRNGKey`).")
        if mode == "train":
            keep = random.bernoulli(rng, rate, inputs.shape)
            return jnp.where(keep, inputs / rate, 0)
        return inputs

    return init_fun, apply_fun


# ------------------------------------------------------------------ combinators

def serial(*layers):
    """Layers applied one after the other; params are a list, one entry per layer."""
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng, input_shape):
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, param = init(layer_rng, input_shape)
            params.append(param)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else (None,) * len(layers)
        for fun, param, r in zip(apply_funs, params, rngs):
            inputs = fun(param, inputs, rng=r, **kwargs)
        return inputs

    return init_fun, apply_fun


def parallel(*layers):
    """Layers applied to the matching elements of a sequence of inputs (with FanOut and
    a FanIn layer this builds residual and multi-branch networks)."""
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng, input_shape):
        rngs = random.split(rng, len(layers))
        results = [init(r, shape) for init, r, shape in zip(init_funs, rngs, input_shape)]
        return tuple(shape for shape, _ in results), tuple(p for _, p in results)

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else (None,) * len(layers)
        return [f(p, x, rng=r, **kwargs)
                for f, p, x, r in zip(apply_funs, params, inputs, rngs)]

    return init_fun, apply_fun


def shape_dependent(make_layer):
    """A layer built by ``make_layer(input_shape)`` when the input shape is known."""
    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(inputs.shape)[1](params, inputs, **kwargs)

    return init_fun, apply_fun
