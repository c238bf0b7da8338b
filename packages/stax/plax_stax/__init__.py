"""plax-stax: neural-network layers as ``(init_fun, apply_fun)`` pairs, as
``jax.example_libraries.stax``.

This package is a stub, filled by issue #8. It already plugs into plax-core through
the ``plax`` entry-point group (its ``plax_register_rules`` hook does nothing yet), so
the plugin wiring works and is tested, but every layer raises ``NotImplementedError``:
layer constructors (``Dense``, ``serial``, ...) when called, and ready-made layers
(``Relu``, ``Flatten``, ...) when their ``init_fun`` or ``apply_fun`` is called. The
signatures are JAX's (default initialisers are ``None`` until issue #8).
"""

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
]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.stax.{name} is not implemented yet: plax-stax is a stub (issue #8)"
    )


def _stub_layer(name):
    """An ``(init_fun, apply_fun)`` pair whose functions raise."""

    def init_fun(rng, input_shape):
        raise _not_implemented(name)

    def apply_fun(params, inputs, **kwargs):
        raise _not_implemented(name)

    return init_fun, apply_fun


def Dense(out_dim, W_init=None, b_init=None):
    """A fully connected layer with ``out_dim`` outputs."""
    raise _not_implemented("Dense")


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID",
                W_init=None, b_init=None):
    """A general convolution layer."""
    raise _not_implemented("GeneralConv")


def Conv(out_chan, filter_shape, strides=None, padding="VALID", W_init=None, b_init=None):
    """A 2-D convolution layer, NHWC inputs and HWIO kernels."""
    raise _not_implemented("Conv")


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None,
                         padding="VALID", W_init=None, b_init=None):
    """A general transposed-convolution layer."""
    raise _not_implemented("GeneralConvTranspose")


def Conv1DTranspose(out_chan, filter_shape, strides=None, padding="VALID", W_init=None,
                    b_init=None):
    """A 1-D transposed-convolution layer."""
    raise _not_implemented("Conv1DTranspose")


def ConvTranspose(out_chan, filter_shape, strides=None, padding="VALID", W_init=None,
                  b_init=None):
    """A 2-D transposed-convolution layer."""
    raise _not_implemented("ConvTranspose")


def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=None,
              gamma_init=None):
    """A batch-normalisation layer."""
    raise _not_implemented("BatchNorm")


def elementwise(fun, **fun_kwargs):
    """A layer applying ``fun`` elementwise."""
    raise _not_implemented("elementwise")


def MaxPool(window_shape, strides=None, padding="VALID", spec=None):
    """A max-pooling layer."""
    raise _not_implemented("MaxPool")


def SumPool(window_shape, strides=None, padding="VALID", spec=None):
    """A sum-pooling layer."""
    raise _not_implemented("SumPool")


def AvgPool(window_shape, strides=None, padding="VALID", spec=None):
    """An average-pooling layer."""
    raise _not_implemented("AvgPool")


def FanOut(num):
    """A layer copying its input ``num`` times."""
    raise _not_implemented("FanOut")


def FanInConcat(axis=-1):
    """A layer concatenating its inputs along ``axis``."""
    raise _not_implemented("FanInConcat")


def Dropout(rate, mode="train"):
    """A dropout layer keeping each input with probability ``rate``."""
    raise _not_implemented("Dropout")


def serial(*layers):
    """A layer applying ``layers`` one after the other."""
    raise _not_implemented("serial")


def parallel(*layers):
    """A layer applying ``layers`` to the matching elements of a tuple input."""
    raise _not_implemented("parallel")


def shape_dependent(make_layer):
    """A layer built from the input shape by ``make_layer``."""
    raise _not_implemented("shape_dependent")


Tanh = _stub_layer("Tanh")
Relu = _stub_layer("Relu")
Exp = _stub_layer("Exp")
LogSoftmax = _stub_layer("LogSoftmax")
Softmax = _stub_layer("Softmax")
Softplus = _stub_layer("Softplus")
Sigmoid = _stub_layer("Sigmoid")
Elu = _stub_layer("Elu")
LeakyRelu = _stub_layer("LeakyRelu")
Selu = _stub_layer("Selu")
Gelu = _stub_layer("Gelu")
Flatten = _stub_layer("Flatten")
Identity = _stub_layer("Identity")
FanInSum = _stub_layer("FanInSum")
