"""NumPy semantics over lax: one place for the rules the array operators and plax.numpy share.

lax is strict (same dtypes, same shapes); NumPy is lenient.  This module is the bridge,
following ``jax.numpy``: arguments are promoted with JAX's lattice (``dtypes.result_type``,
weak types for Python scalars), then broadcast with NumPy's rules, then handed to lax.
Integer division and remainder get NumPy's floor semantics, reductions get JAX's dtype
rules (``sum`` of small ints accumulates in the default int, ``mean`` of ints is float),
and basic indexing (ints, slices, ``None``, ``...``) becomes slice/rev/reshape.

Every function accepts plax arrays, tracers, NumPy arrays and scalars, Python scalars and
(nested) lists, and works under any transformation (nothing here reads a traced value).

This module is the namespace of both: the rules, documented in
``plax_core.numpy_semantics``, and NumPy's operations, implemented in ``_ops_math``
(operators), ``_ops_shape`` (shapes, basic indexing), ``_ops_reduce`` (reductions) and
``_ops_index`` (advanced indexing, ``.at``).
"""

from . import numpy_semantics
from ._ops_index import NonConcreteBooleanIndexError, at, getitem
from ._ops_math import (
    abs,
    absolute,
    add,
    astype,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clip,
    conj,
    conjugate,
    divide,
    divmod,
    dot,
    equal,
    floor_divide,
    greater,
    greater_equal,
    imag,
    invert,
    left_shift,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    positive,
    power,
    real,
    remainder,
    right_shift,
    round,
    subtract,
    true_divide,
)
from ._ops_reduce import (
    all,
    any,
    argmax,
    argmin,
    max,
    mean,
    min,
    prod,
    reduce,
    std,
    sum,
    var,
)
from ._ops_shape import (
    broadcast_arrays,
    expand_dims,
    moveaxis,
    ravel,
    reshape,
    squeeze,
    swapaxes,
    transpose,
)
from .numpy_semantics import *  # noqa: F403  (the rules, re-exported)

__all__ = [
    "NonConcreteBooleanIndexError", "abs", "absolute", "add", "all", "any", "argmax", "argmin",
    "astype", "at", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor",
    "broadcast_arrays", "clip", "conj", "conjugate", "divide", "divmod", "dot", "equal",
    "expand_dims", "floor_divide", "getitem", "greater", "greater_equal", "imag", "invert",
    "left_shift", "less", "less_equal", "logical_and", "logical_not", "logical_or",
    "logical_xor", "matmul", "max", "maximum", "mean", "min", "minimum", "mod", "moveaxis",
    "multiply", "negative", "not_equal", "positive", "power", "prod", "ravel", "real",
    "reduce", "remainder", "reshape", "right_shift", "round", "squeeze", "std", "subtract",
    "sum", "swapaxes", "transpose", "true_divide", "var",
    *numpy_semantics.__all__,
]
